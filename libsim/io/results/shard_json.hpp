#pragma once
// Internal to io/results: a shard's JSON object, shared by compare's shard files (shard_file.hpp)
// and the sweep's (sweep_shard_file.hpp), which holds one per point.
#include <string>

#include "capsim/report/shards.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io::detail {

ojson shard_json(const ShardedRun& shard);
/// Throws capsim::Error naming `source` when the object is not a shard of this format, and
/// nlohmann::json::exception when a field is missing or of the wrong type.
ShardedRun shard_from_json(const ojson& j, const std::string& source);

}  // namespace capsim::io::detail
