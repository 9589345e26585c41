#pragma once
// `capsim diff`'s run, shared by the CLI and Python: a scenario loaded with the manifest policies
// "before" and "after" (io::LoadOptions::manifest_policies) compared on common random numbers, with
// every replicate's decisions and node log kept (they say which pods no capacity could run, which
// NodePools' limits refused a launch and which instance types ran), and the diff drawn from it.
#include <vector>

#include "capsim/report/policy_diff.hpp"
#include "capsim/sim/compare.hpp"

namespace capsim {

struct PolicyDiffRun {
  PolicyDiff diff;
  CompareResult result;
};

/// `changes` is the structural diff of the two sets of manifests (io::diff_manifests); replicates 0:
/// the scenario's.
PolicyDiffRun run_policy_diff(const Scenario& scenario, std::vector<ManifestChange> changes, int replicates, int threads);

}  // namespace capsim
