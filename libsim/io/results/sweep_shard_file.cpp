#include "capsim/io/results/sweep_shard_file.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/core/version.hpp"
#include "io/results/shard_json.hpp"

namespace capsim::io {

using namespace detail;

Shard sweep_point_shard(Shard sweep_shard, std::size_t offset) {
  // Run k of the point is run offset + k of the sweep: held when (offset + k) mod n == index,
  // that is when k mod n == (index - offset) mod n.
  const std::size_t n = sweep_shard.count;
  return {(sweep_shard.index + n - offset % n) % n, n};
}

std::string sweep_shard_choices(const SweepShardChoices& c, const std::vector<std::vector<PointerValue>>& points) {
  std::vector<std::string> labels;
  for (const auto& p : points) labels.push_back(describe_values(p));
  return fmt::format("capsim {}; sweep; policies {}; baseline {}; replicates {}; on-error {}; manifests {}; points {}", version(),
                     fmt::join(c.policies, ","), c.baseline, c.replicates, c.on_error, fmt::join(c.manifests, ","), fmt::join(labels, " | "));
}

std::string sweep_shard_file_name(const Shard& shard) { return fmt::format("sweep-shard-{}-of-{}.json", shard.index, shard.count); }

std::string sweep_shard_to_json(const SweepShard& s) {
  ojson j;
  j["format"] = "capsim-sweep-shard";
  j["format_version"] = kSweepShardFormatVersion;
  j["shard"] = {{"index", s.shard.index}, {"count", s.shard.count}};
  j["identity"] = s.identity;
  j["scenario"] = s.scenario_name;
  ojson points = ojson::array();
  for (const auto& p : s.points) {
    ojson values = ojson::array();
    for (const auto& v : p.values) values.push_back({v.pointer, v.value_json});
    points.push_back({{"values", values}, {"error", p.error}, {"run", p.run ? shard_json(*p.run) : ojson(nullptr)}});
  }
  j["points"] = points;
  return j.dump() + "\n";
}

SweepShard read_sweep_shard(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the sweep shard file", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return sweep_shard_from_json(text.str(), path.string());
}

SweepShard sweep_shard_from_json(const std::string& text, const std::string& source) {
  SweepShard s;
  s.source = source;
  const std::string& name = source;
  try {
    const ojson j = ojson::parse(text);
    if (!j.is_object() || j.value("format", "") != "capsim-sweep-shard")
      throw Error(fmt::format("{}: not a capsim sweep shard file (written by capsim sweep --shard; capsim compare --shard writes "
                              "shard-I-of-N.json)",
                              name));
    if (j.at("format_version") != kSweepShardFormatVersion)
      throw Error(fmt::format("{}: sweep shard format {} where this capsim reads {}", name, j.at("format_version").dump(),
                              kSweepShardFormatVersion));
    s.shard.index = j.at("shard").at("index").get<std::size_t>();
    s.shard.count = j.at("shard").at("count").get<std::size_t>();
    s.identity = j.at("identity").get<std::string>();
    s.scenario_name = j.at("scenario").get<std::string>();
    for (std::size_t i = 0; i < j.at("points").size(); ++i) {
      const ojson& p = j.at("points").at(i);
      SweepShardPoint point;
      for (const auto& v : p.at("values")) point.values.push_back({v.at(0).get<std::string>(), v.at(1).get<std::string>()});
      point.error = p.at("error").get<std::string>();
      if (!p.at("run").is_null()) point.run = shard_from_json(p.at("run"), fmt::format("{} (sweep point {})", name, i));
      s.points.push_back(std::move(point));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not a readable capsim sweep shard: {}", name, e.what()));
  }
  if (s.shard.count == 0 || s.shard.index >= s.shard.count)
    throw Error(fmt::format("{}: shard {} of {} is not a place among the shards", name, s.shard.index, s.shard.count));
  return s;
}

std::vector<SweepPointOutcome> merge_sweep_shards(const std::vector<SweepShard>& given) {
  if (given.empty()) throw Error("nothing to merge: no sweep shard given");
  std::vector<const SweepShard*> shards;
  for (const auto& s : given) shards.push_back(&s);
  std::sort(shards.begin(), shards.end(), [](const SweepShard* a, const SweepShard* b) { return a->shard.index < b->shard.index; });
  const SweepShard& first = *shards.front();
  std::map<std::size_t, const SweepShard*> seen;
  for (const SweepShard* s : shards) {
    if (s->shard.count != first.shard.count)
      throw Error(fmt::format("sweep shards do not belong together: {} is shard {} of {}, {} is shard {} of {}", s->source, s->shard.index,
                              s->shard.count, first.source, first.shard.index, first.shard.count));
    if (s->identity != first.identity)
      throw Error(fmt::format("sweep shards do not belong together: {} and {} are of different sweeps (digest {} against {}): the scenario "
                              "file, the points or the choices (policies, baseline, replicates, --on-error) changed between them",
                              s->source, first.source, s->identity, first.identity));
    if (s->points.size() != first.points.size())
      throw Error(fmt::format("sweep shards do not belong together: {} has {} points, {} has {}", s->source, s->points.size(), first.source,
                              first.points.size()));
    if (const auto [at, fresh] = seen.emplace(s->shard.index, s); !fresh)
      throw Error(fmt::format("sweep shard {} of {} is given twice ({} and {})", s->shard.index, s->shard.count, at->second->source, s->source));
  }
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < first.shard.count; ++i)
    if (!seen.count(i)) missing.push_back(i);
  if (!missing.empty())
    throw Error(fmt::format("sweep shard{} {} of {} missing: merge needs all of them", missing.size() == 1 ? "" : "s",
                            fmt::join(missing, ", "), first.shard.count));

  std::vector<SweepPointOutcome> out;
  for (std::size_t i = 0; i < first.points.size(); ++i) {
    SweepPointOutcome o{first.points[i].values, {}, {}, {}};
    std::vector<ShardedRun> runs;
    for (const SweepShard* s : shards) {
      const SweepShardPoint& p = s->points[i];
      if (p.values != o.values)
        throw Error(fmt::format("sweep shards do not belong together: point {} is {} in {} and {} in {}", i, describe_values(p.values),
                                s->source, describe_values(o.values), first.source));
      if (o.error.empty() && !p.error.empty()) o.error = p.error;
      if (p.run) runs.push_back(*p.run);
    }
    if (o.error.empty()) {
      if (runs.size() != shards.size())
        throw Error(fmt::format("sweep point {} ({}): a shard holds neither its runs nor an error", i, describe_values(o.values)));
      try {
        o.run = merge_shards(runs);
      } catch (const Error& e) {
        throw Error(fmt::format("sweep point {} ({}): {}", i, describe_values(o.values), e.what()));
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace capsim::io
