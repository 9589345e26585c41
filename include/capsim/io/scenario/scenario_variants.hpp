#pragma once
// Variants of a loaded scenario made by changing the document it was loaded from and loading that
// again (Scenario::document), so a variant is validated with the same messages as a file and runs
// exactly as the file holding the same document would.
#include <optional>
#include <string>
#include <string_view>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim::io {

/// The document of `sc` as JSON text: the one it was loaded from, with the seed and the number of
/// replicates it has now (copies change those two without reloading). Loading it again, with its
/// base folder, gives the same scenario. Throws capsim::Error for a scenario built without a document.
std::string current_document(const Scenario& sc);

/// A policy to add to a scenario, or to put in place of the one of the same name.
struct PolicyVariant {
  std::string name;
  std::string patch_json = "{}";       // its JSON Merge Patch of the choices (the README's "Policies")
  std::optional<std::string> extends;  // the policy it builds on; none: the base document
  std::string description;
};

/// The options `sc` was loaded with (data root, manifests given outside the document): a variant
/// is loaded again with them.
LoadOptions load_options_of(const Scenario& sc);

/// `sc` with `policy` added after the others, or replacing the policy of that name where it stands
/// (policies extending it then build on the new one). Loaded again from the changed document: a
/// problem raises ScenarioError naming "<display file> with policy 'NAME'" and the JSON pointer
/// (the new policy is /policies/N).
Scenario with_policy(const Scenario& sc, const PolicyVariant& policy);

}  // namespace capsim::io
