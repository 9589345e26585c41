#pragma once
// Scenario files: JSON → validated Scenario, with the policies' merge patches applied. Every problem
// in the file is collected and reported at once (file, JSON pointer or line:column, what was
// expected, what was found, close matches).
#include <filesystem>
#include <string>
#include <string_view>

#include "capsim/scenario/scenario.hpp"

namespace capsim::io {

/// Loads and validates a scenario file; paths inside it are relative to its folder. Throws
/// ScenarioError carrying every problem found.
Scenario load_scenario(const std::filesystem::path& file);

/// The same for a document already in memory; `display_file` names it in messages and `base_dir`
/// resolves relative paths.
Scenario load_scenario_text(std::string_view text, const std::string& display_file, const std::filesystem::path& base_dir);

/// The document of one policy, as JSON text: the scenario without `policies`, with the policy's
/// chain of merge patches (RFC 7396) applied, parents first. Throws ScenarioError for bad JSON, an
/// unknown policy or a cycle.
std::string effective_document(std::string_view scenario_text, std::string_view policy, const std::string& display_file);

}  // namespace capsim::io
