#pragma once
// A shard's file (`capsim compare --shard i/n` writes one; `capsim merge` reads them): its place
// among the shards, a digest of what it is a shard of, and its runs' full results (series included),
// so the merged outputs are byte-identical to a single run's.
#include <filesystem>
#include <string>
#include <string_view>

#include "capsim/report/shards.hpp"

namespace capsim::io {

inline constexpr int kShardFormatVersion = 1;

/// A digest of the scenario file's bytes and the comparison's choices (FNV-1a, 64 bits, in hex).
/// The files the scenario names (traces, catalogs) are not in it: the loader's warnings and the
/// results' identity (seed, policies) are compared separately.
std::string shard_identity(const std::filesystem::path& scenario_file, std::string_view choices);
/// The same digest of a scenario document's text (a scenario loaded in Python keeps its file's text).
std::string shard_identity_of_text(std::string_view scenario_text, std::string_view choices);

std::string shard_to_json(const ShardedRun& shard);
/// Throws capsim::Error naming the file when it is not a capsim shard of this format.
ShardedRun read_shard(const std::filesystem::path& path);

}  // namespace capsim::io
