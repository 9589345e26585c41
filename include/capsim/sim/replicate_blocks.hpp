#pragma once
// A comparison cut into (policy, block of replicates) pieces that run anywhere (a Dask worker, a
// process) and are gathered back into the run one run_scenario would have made: each replicate's
// results depend only on the scenario, the policy and the replicate number.
#include <string>
#include <vector>

#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/sim/demand_draws.hpp"

namespace capsim {

struct ReplicateBlock {
  std::string policy;
  int first = 0;  // replicate numbers first .. first + count - 1
  int count = 0;

  friend bool operator==(const ReplicateBlock&, const ReplicateBlock&) = default;
};

/// Each policy's replicates (simulation.replicates) in blocks of at most `block_size`, policy by
/// policy in the scenario's order. Throws Error when block_size < 1.
std::vector<ReplicateBlock> replicate_blocks(const Scenario& scenario, int block_size);

/// The block's replicates, in order (no series: the pieces travel). `draws`: demand shared with the
/// blocks of the same replicates of other policies that run in this process (each run tells it when
/// it is done); none: drawn for each run. The results are the same either way.
std::vector<ReplicateResult> run_block(const Scenario& scenario, const ReplicateBlock& block, DemandDraws* draws = nullptr);

/// The run made of the pieces (in any order): as run_scenario would return it without series.
/// Throws Error naming a policy the scenario lacks, or a replicate missing or held twice, and when
/// policies saw different demand.
RunResult gather_blocks(const Scenario& scenario, const std::vector<std::vector<ReplicateResult>>& pieces,
                        const std::vector<ReplicateBlock>& blocks);

/// The run's description (scenario, seed, window, sources, warnings, policies) without replicates.
RunResult run_header(const Scenario& scenario);

}  // namespace capsim
