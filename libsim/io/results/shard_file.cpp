#include "capsim/io/results/shard_file.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/report/result_fields.hpp"
#include "io/results/shard_json.hpp"

namespace capsim::io {

using namespace detail;

std::string shard_identity(const std::filesystem::path& scenario_file, std::string_view choices) {
  std::ifstream in(scenario_file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the scenario file", scenario_file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return shard_identity_of_text(text.str(), choices);
}

std::string shard_identity_of_text(std::string_view scenario_text, std::string_view choices) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // a separator, so ("ab", "c") and ("a", "bc") differ
    h *= 1099511628211ULL;
  };
  mix(scenario_text);
  mix(choices);
  return fmt::format("{:016x}", h);
}

namespace detail {

ojson shard_json(const ShardedRun& s) {
  const RunResult& r = s.run;
  ojson j;
  j["format"] = "capsim-shard";
  j["format_version"] = kShardFormatVersion;
  j["shard"] = {{"index", s.shard.index}, {"count", s.shard.count}};
  j["identity"] = s.identity;
  // Times in microseconds, so they come back exactly.
  j["run"] = {{"scenario", r.scenario},
              {"seed", r.seed},
              {"replicates", r.replicates},
              {"start", format_utc(r.start)},
              {"duration_us", r.duration},
              {"period_us", r.period},
              {"baseline", r.baseline},
              {"risk_tolerance", r.risk_tolerance},
              {"risk_tolerance_given", r.risk_tolerance_given},
              {"catalog_source", r.catalog_source},
              {"sources", r.sources},
              {"warnings", r.warnings},
              {"uncertain", r.uncertain}};
  ojson policies = ojson::array();
  for (const auto& p : r.policies) policies.push_back(table_json(p));
  j["run"]["policies"] = policies;
  return j;
}

ShardedRun shard_from_json(const ojson& j, const std::string& source) {
  ShardedRun s;
  s.source = source;
  if (!j.is_object() || j.value("format", "") != "capsim-shard")
    throw Error(fmt::format("{}: not a capsim shard file (written by capsim compare --shard)", source));
  if (j.at("format_version") != kShardFormatVersion)
    throw Error(fmt::format("{}: shard format {} where this capsim reads {}", source, j.at("format_version").dump(), kShardFormatVersion));
  s.shard.index = j.at("shard").at("index").get<std::size_t>();
  s.shard.count = j.at("shard").at("count").get<std::size_t>();
  s.identity = j.at("identity").get<std::string>();
  const ojson& r = j.at("run");
  RunResult& run = s.run;
  run.scenario = r.at("scenario").get<std::string>();
  run.seed = r.at("seed").get<std::uint64_t>();
  run.replicates = r.at("replicates").get<int>();
  const auto start = parse_iso8601(r.at("start").get<std::string>());
  if (!start) throw Error(fmt::format("{}: /run/start is not a time", source));
  run.start = *start;
  run.duration = r.at("duration_us").get<SimDuration>();
  run.period = r.at("period_us").get<SimDuration>();
  run.baseline = r.at("baseline").get<std::string>();
  run.risk_tolerance = r.at("risk_tolerance").get<double>();
  run.risk_tolerance_given = r.at("risk_tolerance_given").get<bool>();
  run.catalog_source = r.at("catalog_source").get<std::string>();
  run.sources = r.at("sources").get<std::map<std::string, std::string>>();
  run.warnings = r.at("warnings").get<std::vector<std::string>>();
  run.uncertain = r.at("uncertain").get<std::vector<std::string>>();
  for (const auto& p : r.at("policies")) table_from_json(p, run.policies.emplace_back());
  if (s.shard.count == 0 || s.shard.index >= s.shard.count)
    throw Error(fmt::format("{}: shard {} of {} is not a place among the shards", source, s.shard.index, s.shard.count));
  return s;
}

}  // namespace detail

std::string shard_to_json(const ShardedRun& s) { return shard_json(s).dump() + "\n"; }

ShardedRun read_shard(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the shard file", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return shard_from_json(ojson::parse(text.str()), path.string());
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not a readable capsim shard: {}", path.string(), e.what()));
  }
}

}  // namespace capsim::io
