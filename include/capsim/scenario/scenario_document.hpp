#pragma once
// Where a scenario came from: the document as loaded, the name messages give it, the folder its
// relative paths resolve against, and the files it named. A variant of the scenario (a sweep point,
// Scenario.patch in Python) is this document changed and loaded again, so it is checked exactly as
// a file would be; a Dask worker is sent the document and the named files' bytes.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace capsim {

/// A policy made of a scenario's base choices with a set of Kubernetes manifests written in
/// (`capsim diff`'s before and after).
struct ManifestPolicy {
  std::string name;
  std::vector<std::filesystem::path> manifests;
};

struct ScenarioDocument {
  std::string text;                // the JSON text as given
  std::string display_file;        // how messages name it ("scenarios/a.json", "<dict>")
  std::filesystem::path base_dir;  // where the relative paths inside it resolve
  std::optional<std::filesystem::path> data_root;  // the data root it was loaded under (LoadOptions)
  // The manifests it was loaded with from outside the document (--manifests, capsim diff's sets):
  // a variant keeps them, as it keeps the data root.
  std::vector<std::filesystem::path> manifests;
  std::vector<ManifestPolicy> manifest_policies;
  std::vector<std::filesystem::path> files;  // every data file it named, resolved (base_dir / name), in reading order

  bool empty() const { return text.empty(); }
};

}  // namespace capsim
