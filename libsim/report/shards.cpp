#include "capsim/report/shards.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {
std::vector<std::string> policy_names(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& p : r.policies) out.push_back(p.name);
  return out;
}
}  // namespace

RunResult merge_shards(const std::vector<ShardedRun>& shards) {
  if (shards.empty()) throw Error("nothing to merge: no shard given");
  const ShardedRun& first = shards.front();
  auto differ = [&](const ShardedRun& s, const std::string& what, const std::string& theirs, const std::string& ours) {
    throw Error(fmt::format("shards do not belong together: {} is of {} {}, {} of {} {}", s.source, what, theirs, first.source, what, ours));
  };
  std::set<std::size_t> seen;
  for (const auto& s : shards) {
    if (s.run.scenario != first.run.scenario) differ(s, "scenario", "'" + s.run.scenario + "'", "'" + first.run.scenario + "'");
    if (s.run.seed != first.run.seed) differ(s, "seed", std::to_string(s.run.seed), std::to_string(first.run.seed));
    if (s.shard.count != first.shard.count)
      differ(s, "shard count", std::to_string(s.shard.count), std::to_string(first.shard.count));
    if (s.run.replicates != first.run.replicates)
      differ(s, "replicates", std::to_string(s.run.replicates), std::to_string(first.run.replicates));
    if (policy_names(s.run) != policy_names(first.run))
      differ(s, "policies", fmt::format("{}", fmt::join(policy_names(s.run), ", ")), fmt::format("{}", fmt::join(policy_names(first.run), ", ")));
    if (s.run.baseline != first.run.baseline) differ(s, "baseline", "'" + s.run.baseline + "'", "'" + first.run.baseline + "'");
    if (s.identity != first.identity)
      differ(s, "scenario file or choices (digest)", s.identity, first.identity + ": the scenario file or its data changed between them");
    if (!seen.insert(s.shard.index).second)
      throw Error(fmt::format("shard {} of {} is given twice ({} among them)", s.shard.index, s.shard.count, s.source));
  }
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < first.shard.count; ++i)
    if (!seen.count(i)) missing.push_back(i);
  if (!missing.empty())
    throw Error(fmt::format("shard{} {} of {} missing: merge needs all of them", missing.size() == 1 ? "" : "s", fmt::join(missing, ", "),
                            first.shard.count));

  RunResult out = first.run;
  const auto reps = static_cast<std::size_t>(first.run.replicates);
  for (std::size_t p = 0; p < out.policies.size(); ++p) {
    std::vector<ReplicateResult> all;
    for (const auto& s : shards)
      for (const auto& r : s.run.policies[p].replicates) {
        if (r.replicate < 0 || static_cast<std::size_t>(r.replicate) >= reps || !s.shard.holds(p, static_cast<std::size_t>(r.replicate), reps))
          throw Error(fmt::format("{} holds replicate {} of policy '{}', which shard {} of {} does not run", s.source, r.replicate,
                                  out.policies[p].name, s.shard.index, s.shard.count));
        all.push_back(r);
      }
    std::sort(all.begin(), all.end(), [](const ReplicateResult& a, const ReplicateResult& b) { return a.replicate < b.replicate; });
    for (std::size_t r = 0; r < reps; ++r)
      if (r >= all.size() || all[r].replicate != static_cast<int>(r))
        throw Error(fmt::format("policy '{}': replicate {} is missing or held twice among the shards", out.policies[p].name, r));
    if (all.size() != reps) throw Error(fmt::format("policy '{}': a replicate is held twice among the shards", out.policies[p].name));
    out.policies[p].replicates = std::move(all);
  }
  return out;
}

}  // namespace capsim
