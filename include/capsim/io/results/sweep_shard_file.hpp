#pragma once
// A sweep split into shards (`capsim sweep --shard i/n`, one per Kubernetes Indexed Job pod or AWS
// Batch array child) and put back together (`capsim merge`): a shard's file holds, for every point,
// its values and either its slice of the point's runs or why the point failed.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "capsim/io/results/sweep_table.hpp"
#include "capsim/io/scenario/scenario_patch.hpp"
#include "capsim/report/shards.hpp"

namespace capsim::io {

inline constexpr int kSweepShardFormatVersion = 1;

/// Shard `index` of `count` of a sweep runs the (point, policy, replicate) runs whose number in the
/// whole sweep leaves `index` when divided by `count`; runs are numbered point by point, and within
/// a point as compare numbers them (policy × replicates + replicate). `offset`: how many runs the
/// points before this one have. Returns the point's own shard: the same runs, numbered from 0.
Shard sweep_point_shard(Shard sweep_shard, std::size_t offset);

struct SweepShardPoint {
  std::vector<PointerValue> values;
  std::optional<ShardedRun> run;  // this shard's runs of the point (none when it failed)
  std::string error;              // why the point did not load or run
};

struct SweepShard {
  Shard shard;
  std::string source;    // where it was read from (for messages)
  std::string identity;  // digest of the scenario file, the points and the sweep's choices
  std::string scenario_name;
  std::vector<SweepShardPoint> points;
};

/// The sweep's choices that change its results: with the scenario's text they make the shards'
/// identity (shard_identity), so `capsim merge` refuses shards of different sweeps.
struct SweepShardChoices {
  std::vector<std::string> policies;  // as given (empty: all)
  std::string baseline;
  int replicates = 0;  // 0: the scenario's
  std::string on_error;
  std::vector<std::string> manifests;  // the Kubernetes manifests given outside the document, as given
};

/// The choices and every point's values as one text, the same from the CLI and from Python.
std::string sweep_shard_choices(const SweepShardChoices& choices, const std::vector<std::vector<PointerValue>>& points);

/// "sweep-shard-I-of-N.json".
std::string sweep_shard_file_name(const Shard& shard);
std::string sweep_shard_to_json(const SweepShard& shard);
/// Throws capsim::Error naming the file when it is not a capsim sweep shard of this format.
SweepShard read_sweep_shard(const std::filesystem::path& path);
/// The same from a shard's JSON text; `source` names it in messages.
SweepShard sweep_shard_from_json(const std::string& text, const std::string& source);

/// The sweep the shards make together, point by point: each point's runs merged (merge_shards), or
/// its error (the first shard's that has one). The outcomes have no comparison yet. Throws
/// capsim::Error when the shards do not belong together (naming the shard and what differs:
/// scenario file, points or choices, shard count), when a shard is missing or given twice, or when
/// a point's runs do not merge (naming the point).
std::vector<SweepPointOutcome> merge_sweep_shards(const std::vector<SweepShard>& shards);

}  // namespace capsim::io
