#pragma once
// The document a scenario was loaded from, kept with it so that a variant (another seed, another
// policy, a dict edited in Python) is made by changing the document and loading it again: the
// variant is validated exactly as a file is, and a result never depends on how the scenario was built.
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

  bool empty() const { return text.empty(); }
};

}  // namespace capsim
