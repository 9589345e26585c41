#include "capsim/sim/replicate_blocks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim {

std::vector<ReplicateBlock> replicate_blocks(const Scenario& scenario, int block_size) {
  if (block_size < 1) throw Error(fmt::format("a block of replicates holds at least 1, got {}", block_size));
  std::vector<ReplicateBlock> out;
  const int reps = scenario.simulation.replicates;
  for (const auto& p : scenario.policies)
    for (int first = 0; first < reps; first += block_size) out.push_back({p.name, first, std::min(block_size, reps - first)});
  return out;
}

std::vector<ReplicateResult> run_block(const Scenario& scenario, const ReplicateBlock& block, DemandDraws* draws) {
  check_forecast_horizon(scenario);
  const PolicySpec& policy = scenario.policy(block.policy);
  if (block.first < 0 || block.count < 1 || block.first + block.count > scenario.simulation.replicates)
    throw Error(fmt::format("replicates {}..{} of policy '{}': the scenario runs replicates 0..{}", block.first, block.first + block.count - 1,
                            block.policy, scenario.simulation.replicates - 1));
  std::vector<ReplicateResult> out;
  for (int r = block.first; r < block.first + block.count; ++r) {
    out.push_back(run_replicate(scenario, policy, r, false, false, draws));
    if (draws) draws->run_done(r);
  }
  return out;
}

RunResult gather_blocks(const Scenario& scenario, const std::vector<std::vector<ReplicateResult>>& pieces,
                        const std::vector<ReplicateBlock>& blocks) {
  if (pieces.size() != blocks.size())
    throw Error(fmt::format("{} pieces of results for {} blocks of replicates", pieces.size(), blocks.size()));
  RunResult result = run_header(scenario);
  const auto reps = static_cast<std::size_t>(scenario.simulation.replicates);
  std::vector<std::vector<bool>> held(result.policies.size(), std::vector<bool>(reps, false));
  for (auto& p : result.policies) p.replicates.resize(reps);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto it = std::find_if(result.policies.begin(), result.policies.end(),
                                 [&](const PolicyResult& p) { return p.name == blocks[b].policy; });
    if (it == result.policies.end()) throw Error(fmt::format("a block of policy '{}', which the scenario does not have", blocks[b].policy));
    const auto p = static_cast<std::size_t>(it - result.policies.begin());
    for (const ReplicateResult& r : pieces[b]) {
      if (r.replicate < 0 || static_cast<std::size_t>(r.replicate) >= reps || held[p][static_cast<std::size_t>(r.replicate)])
        throw Error(fmt::format("policy '{}': replicate {} is outside 0..{} or held twice among the blocks", blocks[b].policy, r.replicate,
                                reps - 1));
      held[p][static_cast<std::size_t>(r.replicate)] = true;
      it->replicates[static_cast<std::size_t>(r.replicate)] = r;
    }
  }
  for (std::size_t p = 0; p < held.size(); ++p)
    for (std::size_t r = 0; r < reps; ++r)
      if (!held[p][r]) throw Error(fmt::format("policy '{}': replicate {} is missing among the blocks", result.policies[p].name, r));
  check_same_demand(result);
  return result;
}

}  // namespace capsim
