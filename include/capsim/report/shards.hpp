#pragma once
// A comparison split into shards (`capsim compare --shard i/n`) and put back together (`capsim
// merge`): which (policy, replicate) runs a shard holds, and the check that shards belong together.
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/report/result.hpp"

namespace capsim {

/// Shard `index` of `count` (0 <= index < count) runs the (policy, replicate) runs whose number
/// policy × replicates + replicate leaves `index` when divided by `count`.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool holds(std::size_t policy, std::size_t replicate, std::size_t replicates) const {
    return (policy * replicates + replicate) % count == index;
  }
};

/// What one shard wrote: its place, what it is a shard of, and its runs' results.
struct ShardedRun {
  Shard shard;
  std::string source;  // where it was read from (for messages)
  std::string identity;  // digest of the scenario file and the comparison's choices
  RunResult run;         // its replicates only
};

/// The run the shards make together: identical to the one a single `compare` would produce.
/// Throws capsim::Error when they do not belong together (naming which shard differs and in what:
/// scenario, seed, shard count, replicates, policies), when a shard is missing or given twice, or
/// when a (policy, replicate) run is missing or held twice.
RunResult merge_shards(const std::vector<ShardedRun>& shards);

}  // namespace capsim
