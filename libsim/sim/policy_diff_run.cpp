#include "capsim/sim/policy_diff_run.hpp"

#include <utility>

namespace capsim {

PolicyDiffRun run_policy_diff(const Scenario& scenario, std::vector<ManifestChange> changes, int replicates, int threads) {
  CompareOptions opt;
  opt.baseline = "before";
  opt.replicates = replicates;
  opt.run.threads = threads;
  opt.run.keep_series = true;
  opt.run.explain = true;
  opt.run.explain_every_replicate = true;
  PolicyDiffRun out;
  out.result = compare_scenario(scenario, opt);
  out.diff = diff_policies(out.result.run, out.result.comparison, "before", "after", std::move(changes));
  return out;
}

}  // namespace capsim
