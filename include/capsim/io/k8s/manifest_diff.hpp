#pragma once
// The structural diff of two sets of Kubernetes manifests (`capsim diff`): the objects of the kinds
// capsim models, matched by kind, namespace and name, added, removed, or changed with the paths of
// the fields that differ.
#include <filesystem>
#include <vector>

#include "capsim/report/policy_diff.hpp"

namespace capsim::io {

/// Reads both sets (files, or folders of *.yaml, *.yml and *.json; ScenarioError for bad ones) and
/// lists what changed, in the order of kind, namespace and name. A changed object lists the leaf
/// field paths that differ ("spec.template.spec.requirements[1].values[1]"), a value of another type
/// or an array element added or removed at its own path.
std::vector<ManifestChange> diff_manifests(const std::vector<std::filesystem::path>& before,
                                           const std::vector<std::filesystem::path>& after);

}  // namespace capsim::io
