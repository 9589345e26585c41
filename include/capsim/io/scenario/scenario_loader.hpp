#pragma once
// Scenario files: JSON → validated Scenario, with the policies' merge patches applied. Every problem
// in the file is collected and reported at once (file, JSON pointer or line:column, what was
// expected, what was found, close matches).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/scenario/scenario.hpp"

namespace capsim::io {

struct LoadOptions {
  /// When set, every file the scenario names (traces, catalogs, price histories, availability
  /// traces) must resolve, symbolic links followed, to a path inside this folder: for running
  /// scenarios you did not write (in CI or a service). Off by default.
  std::optional<std::filesystem::path> data_root;
  /// Kubernetes manifests (files, or folders of *.yaml, *.yml and *.json) that make the choices of
  /// every policy without manifests of its own (`capsim run --manifests`), as a policy's
  /// `manifests` field does; paths as given (relative to the working directory).
  std::vector<std::filesystem::path> manifests;
  /// When given, the scenario's own policies are not run: each of these is a policy of that name
  /// whose choices are the scenario's with its manifests written in (`capsim diff`); the first is
  /// the baseline.
  using ManifestPolicy = capsim::ManifestPolicy;
  std::vector<ManifestPolicy> manifest_policies;
};

/// Loads and validates a scenario file; paths inside it are relative to its folder. Throws
/// ScenarioError carrying every problem found.
Scenario load_scenario(const std::filesystem::path& file, const LoadOptions& options = {});

/// The same for a document already in memory; `display_file` names it in messages and `base_dir`
/// resolves relative paths.
Scenario load_scenario_text(std::string_view text, const std::string& display_file, const std::filesystem::path& base_dir,
                            const LoadOptions& options = {});

/// The document of one policy, as JSON text: the scenario without `policies`, with the policy's
/// chain of patches applied, parents first (JSON Merge Patch, RFC 7396, except that services, node
/// groups and NodePools merge by name; the README's "Policies" section). Throws ScenarioError for
/// bad JSON, an unknown policy or a cycle; it does not validate the result (load_scenario does).
std::string effective_document(std::string_view scenario_text, std::string_view policy, const std::string& display_file);

}  // namespace capsim::io
