#pragma once
// `capsim compare`: every chosen policy × R replicates on the same world draws, then the
// comparison (report/comparison.hpp) drawn from them.
#include <string>
#include <vector>

#include "capsim/report/comparison.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim {

struct CompareOptions {
  std::vector<std::string> policies;  // empty: every policy of the scenario, in its order
  std::string baseline;               // empty: the scenario's
  int replicates = 0;                 // 0: the scenario's simulation.replicates
  RunOptions run;
};

/// The scenario narrowed to the chosen policies (in the scenario's order), baseline and replicates.
/// Throws capsim::Error naming a policy that does not exist (with close matches), a name given
/// twice, replicates below 1, or a baseline that is not among the chosen policies.
Scenario scenario_to_compare(const Scenario& scenario, const CompareOptions& options);

struct CompareResult {
  RunResult run;  // every replicate's results (series of replicate 0 when asked for)
  Comparison comparison;
};

CompareResult compare_scenario(const Scenario& scenario, const CompareOptions& options = {});

}  // namespace capsim
