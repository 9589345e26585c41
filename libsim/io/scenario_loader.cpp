#include "capsim/io/scenario_loader.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/catalog_csv.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/io/availability_trace_reader.hpp"
#include "capsim/io/spot_price_history.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/autoscale/cron.hpp"
#include "capsim/trace/generators.hpp"
#include "json_checker.hpp"
#include "text_file.hpp"

namespace capsim::io {

using nlohmann::json;
using detail::Bound;
using detail::Checker;
using detail::describe;
using detail::ptr_join;

namespace {

// Zone IDs name the same physical zone in every account; zone names are shuffled per account, so
// this mapping is a documented default (any account's own mapping belongs in catalog.zone_ids) and
// is reported as an assumption when spot data keyed by zone ID is read through it.
const std::map<std::string, std::string> kDefaultZoneIds = {
    {"use1-az1", "us-east-1a"}, {"use1-az2", "us-east-1b"}, {"use1-az4", "us-east-1c"},
    {"use1-az5", "us-east-1d"}, {"use1-az6", "us-east-1e"}};

// Sizes beyond any real fleet; larger values are typos (an extra zero), and are reported as such.
constexpr std::int64_t kMaxReplicates = 1'000'000;
constexpr std::int64_t kMaxReplicas = 1'000'000;
constexpr std::int64_t kMaxNodesPerGroup = 100'000;

// Sections a policy may not patch: the world every policy is compared in, and the frame itself.
const std::vector<std::string> kPatchable = {"services", "cluster"};
const std::vector<std::string> kTopKeys = {"capsim", "name", "description", "simulation", "traces", "catalog", "market",
                                           "services", "cluster", "policies", "baseline", "sources"};

std::vector<std::string> split_pointer(const std::string& ptr) {
  std::vector<std::string> out;
  if (ptr.empty()) return out;
  std::size_t i = 1;
  while (true) {
    std::size_t j = ptr.find('/', i);
    std::string tok = ptr.substr(i, j == std::string::npos ? std::string::npos : j - i);
    std::string un;
    for (std::size_t k = 0; k < tok.size(); ++k) {
      if (tok[k] == '~' && k + 1 < tok.size()) {
        un += tok[k + 1] == '1' ? '/' : '~';
        ++k;
      } else {
        un += tok[k];
      }
    }
    out.push_back(un);
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

/// The value at `ptr`, or null when there is none (no exceptions: pointers come from users).
const json* find_pointer(const json& doc, const std::string& ptr) {
  const json* node = &doc;
  for (const auto& tok : split_pointer(ptr)) {
    if (node->is_object()) {
      auto it = node->find(tok);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (tok.empty() || !std::all_of(tok.begin(), tok.end(), ::isdigit)) return nullptr;
      std::size_t i = std::stoul(tok);
      if (i >= node->size()) return nullptr;
      node = &(*node)[i];
    } else {
      return nullptr;
    }
  }
  return node;
}

bool covers(const std::string& source_ptr, const std::string& ptr) {
  return ptr == source_ptr || (ptr.size() > source_ptr.size() && ptr.compare(0, source_ptr.size(), source_ptr) == 0 &&
                               ptr[source_ptr.size()] == '/');
}

/// Finds duplicate keys, which nlohmann/json would silently collapse to the last one.
void check_duplicate_keys(const std::string& text, const std::string& file, std::vector<Diagnostic>& out) {
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::string key;
    std::size_t index = 0;
  };
  std::vector<Frame> stack;
  auto path = [&](std::size_t upto) {
    std::string p;
    for (std::size_t i = 0; i < upto; ++i)
      p = stack[i].is_object ? ptr_join(p, stack[i].key) : ptr_join(p, stack[i].index - 1);
    return p;
  };
  auto enter_value = [&] {
    if (!stack.empty() && !stack.back().is_object) ++stack.back().index;
  };
  json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start:
        enter_value();
        stack.push_back({true, {}, {}, 0});
        break;
      case json::parse_event_t::array_start:
        enter_value();
        stack.push_back({false, {}, {}, 0});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        break;
      case json::parse_event_t::key: {
        std::string k = parsed.get<std::string>();
        if (!stack.back().keys.insert(k).second) {
          Diagnostic d;
          d.file = file;
          d.pointer = ptr_join(path(stack.size() - 1), k);
          d.expected = "each key once per object";
          d.got = "'" + k + "' again";
          out.push_back(d);
        }
        stack.back().key = k;
        break;
      }
      case json::parse_event_t::value:
        enter_value();
        break;
    }
    return true;
  };
  try {
    json discarded = json::parse(text, cb);
    (void)discarded;
  } catch (const json::exception&) {
    // Syntax errors are reported by the main parse.
  }
}

struct PolicyEntry {
  std::string name;
  std::string description;
  std::optional<std::string> extends;
  json patch = json::object();
  std::map<std::string, std::string> sources;
  std::size_t index = 0;
};

class Loader {
 public:
  Loader(std::string file, std::filesystem::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), ck_(file_, diags_) {}

  Scenario load(std::string_view text);

 private:
  void parse_simulation(const json& root);
  void parse_traces(const json& root);
  void parse_catalog(const json& root);
  std::optional<GeneratorSpec> parse_generator(const json& g, const std::string& p);
  void parse_market(const json& root);
  void parse_cluster_autoscaler(const json& j, const std::string& p, ClusterAutoscalerSpec& out);
  std::optional<HpaConfig> parse_hpa(const json& j, const std::string& p);
  std::optional<HpaScalingRules> parse_scaling_rules(const json& j, const std::string& p, const HpaScalingRules& defaults);
  std::optional<ScheduleSpec> parse_schedule(const json& j, const std::string& p);
  std::vector<PolicyEntry> parse_policies(const json& root);
  std::vector<const PolicyEntry*> chain_of(const std::vector<PolicyEntry>& all, const PolicyEntry& p, bool report);
  PolicySpec parse_choices(const json& doc, const std::string& name, const std::string& description);
  ServiceSpec parse_service(const json& s, const std::string& ptr);
  ClusterSpec parse_cluster(const json& c, const std::string& ptr);
  std::vector<Assumption> assumptions(const json& base, const json& doc, const std::vector<const PolicyEntry*>& chain);

  std::string file_;
  std::filesystem::path base_dir_;
  std::vector<Diagnostic> diags_;
  Checker ck_;
  Scenario sc_;
  bool simulation_ok_ = false;
  std::set<std::string> declared_traces_;  // names under /traces, read or not
};

Scenario Loader::load(std::string_view text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports a byte offset; users want line:column.
    Diagnostic d;
    d.file = file_;
    std::tie(d.line, d.column) = detail::line_column(text, e.byte);
    std::string what = e.what();
    auto pos = what.find(": ", what.find("parse error"));
    d.expected = "valid JSON";
    d.got = pos == std::string::npos ? what : what.substr(pos + 2);
    throw ScenarioError({d});
  }
  check_duplicate_keys(std::string(text), file_, diags_);
  if (!ck_.object(root, "", kTopKeys, {"capsim", "name", "simulation", "traces", "services", "cluster"}))
    throw ScenarioError(diags_);
  if (auto v = root.find("capsim"); v != root.end() && !(v->is_number_integer() && v->get<int>() == 1))
    ck_.fail("/capsim", "format version 1", describe(*v));
  sc_.name = ck_.string(root, "", "name").value_or("");
  sc_.description = ck_.string(root, "", "description", false).value_or("");
  parse_simulation(root);
  parse_traces(root);
  parse_catalog(root);
  parse_market(root);
  sc_.sources = ck_.string_map(root, "", "sources");
  json base = root;
  base.erase("policies");
  for (const auto& [ptr, text_] : sc_.sources) {
    if (ptr.empty() || ptr[0] != '/' || !find_pointer(base, ptr))
      ck_.fail(ptr_join("/sources", ptr), "a JSON pointer to a figure in this file (such as /services/0/throughput_rps/g5.xlarge)",
               "\"" + ptr + "\", which points nowhere");
    if (text_.empty()) ck_.fail(ptr_join("/sources", ptr), "a non-empty description of the source", "\"\"");
  }

  auto policies = parse_policies(root);
  if (policies.empty()) {
    PolicySpec p = parse_choices(base, "default", "");
    p.assumptions = assumptions(base, base, {});
    sc_.policies.push_back(std::move(p));
  }
  for (const auto& pe : policies) {
    auto chain = chain_of(policies, pe, true);
    if (chain.empty()) continue;  // cycle or unknown parent: already reported
    json doc = base;
    for (const PolicyEntry* c : chain) doc.merge_patch(c->patch);
    // Errors in a policy's document are reported where the offending value is written: in the
    // latest patch of the chain that wrote it, else in the base document.
    ck_.locate = [chain](const std::string& ptr) -> std::string {
      if (ptr.empty()) return ptr;
      auto tokens = split_pointer(ptr);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const json* node = &(*it)->patch;
        bool from_patch = true;
        for (const auto& tok : tokens) {
          if (!node->is_object()) break;  // an array or value written whole by this patch
          auto f = node->find(tok);
          if (f == node->end()) {
            from_patch = false;
            break;
          }
          node = &*f;
        }
        if (from_patch) return fmt::format("/policies/{}/patch{}", (*it)->index, ptr);
      }
      return ptr;
    };
    PolicySpec p = parse_choices(doc, pe.name, pe.description);
    ck_.locate = [](const std::string& p) { return p; };
    p.assumptions = assumptions(base, doc, chain);
    sc_.policies.push_back(std::move(p));
  }

  if (auto b = ck_.string(root, "", "baseline")) {
    std::vector<std::string> names;
    for (const auto& p : policies) names.push_back(p.name);
    if (policies.empty()) names.push_back("default");
    if (std::find(names.begin(), names.end(), *b) == names.end())
      ck_.fail("/baseline", "the name of a policy in this file", "\"" + *b + "\"", did_you_mean(*b, names));
    else
      sc_.baseline = *b;
  }
  if (sc_.baseline.empty() && !sc_.policies.empty()) sc_.baseline = sc_.policies.front().name;

  if (!diags_.empty()) {
    // A problem in the base document shows up once per policy; report it once.
    std::vector<Diagnostic> unique;
    std::set<std::string> seen;
    for (auto& d : diags_)
      if (seen.insert(d.to_string()).second) unique.push_back(std::move(d));
    throw ScenarioError(std::move(unique));
  }
  return std::move(sc_);
}

void Loader::parse_simulation(const json& root) {
  auto it = root.find("simulation");
  if (it == root.end()) return;
  const std::string p = "/simulation";
  if (!ck_.object(*it, p, {"start", "duration", "period_s", "seed", "replicates"}, {"start", "duration"})) return;
  const std::size_t before = ck_.errors();
  auto& sim = sc_.simulation;
  if (auto s = ck_.string(*it, p, "start")) {
    if (auto t = parse_iso8601(*s)) sim.start = *t;
    else ck_.fail(p + "/start", "an ISO 8601 UTC time with a zone, such as \"2024-05-10T00:00:00Z\"", describe((*it)["start"]));
  }
  if (auto d = ck_.duration(*it, p, "duration")) sim.duration = *d;
  if (auto v = ck_.number(*it, p, "period_s", Bound::Positive)) sim.period = seconds(*v);
  if (auto v = ck_.integer(*it, p, "seed", 0)) sim.seed = static_cast<std::uint64_t>(*v);
  if (auto v = ck_.integer(*it, p, "replicates", 1, kMaxReplicates)) sim.replicates = static_cast<int>(*v);
  if (ck_.errors() == before && sim.period > 0 && sim.duration % sim.period != 0)
    ck_.fail(p + "/duration", fmt::format("a whole number of periods of {} s", to_seconds(sim.period)),
             fmt::format("{} s", to_seconds(sim.duration)));
  simulation_ok_ = ck_.errors() == before && it->contains("start") && it->contains("duration");
}

void Loader::parse_traces(const json& root) {
  auto it = root.find("traces");
  if (it == root.end()) return;
  if (!it->is_object()) {
    ck_.fail("/traces", "an object of named traces", describe(*it));
    return;
  }
  for (const auto& [name, t] : it->items()) {
    declared_traces_.insert(name);
    const std::string p = ptr_join("/traces", name);
    if (!ck_.object(t, p,
                    {"format", "file", "files", "id", "label", "statistic", "unit", "period_s", "gaps", "downsample",
                     "upsample", "scale", "shift", "clip_min", "clip_max", "tile", "timestamp_column", "value_column",
                     "timestamp_format", "time_zone", "origin", "generator", "upsample_profile"},
                    {"format", "period_s"}))
      continue;
    const std::size_t before = ck_.errors();
    TraceSource src;
    src.name = name;
    auto format = ck_.one_of(t, p, "format",
                             {"csv", "cloudwatch-get-metric-data", "cloudwatch-get-metric-statistics", "azure-llm-csv",
                              "jsonl-requests", "generator"});
    const bool generated = format && *format == "generator";
    if (format && !generated) src.format = *parse_trace_format(*format);
    src.unit = *parse_trace_unit(ck_.one_of(t, p, "unit", {"requests", "requests/second", "percent"}).value_or("requests"));
    if (auto v = ck_.number(t, p, "period_s", Bound::Positive)) src.period = seconds(*v);
    // Files: one, or several (pages of one query, consecutive exports).
    std::vector<std::pair<std::string, std::string>> files;  // (as written, pointer)
    if (generated) {
      if (t.contains("file") || t.contains("files")) ck_.fail(p, "no 'file' for a generated trace", "a file");
      if (!t.contains("generator")) ck_.fail(p, "the key 'generator' for format \"generator\"", "an object without it");
    } else if (t.contains("file") == t.contains("files")) {
      ck_.fail(p, "exactly one of the keys 'file' and 'files'", t.contains("file") ? "both" : "neither");
    } else if (auto f = ck_.string(t, p, "file")) {
      files.emplace_back(*f, p + "/file");
    } else if (auto fs = t.find("files"); fs != t.end()) {
      if (!fs->is_array() || fs->empty()) {
        ck_.fail(p + "/files", "a non-empty array of file paths", describe(*fs));
      } else {
        for (std::size_t i = 0; i < fs->size(); ++i) {
          if (!(*fs)[i].is_string() || (*fs)[i].get<std::string>().empty())
            ck_.fail(ptr_join(p + "/files", i), "a file path", describe((*fs)[i]));
          else
            files.emplace_back((*fs)[i].get<std::string>(), ptr_join(p + "/files", i));
        }
      }
    }
    // Keys that belong to one format only.
    auto only_for = [&](std::initializer_list<const char*> keys, std::initializer_list<const char*> formats) {
      std::string list;
      bool fits = false;
      for (const char* f : formats) {
        list += (list.empty() ? "\"" : " or \"") + std::string(f) + "\"";
        fits = fits || (format && *format == f);
      }
      for (const char* k : keys)
        if (t.contains(k) && format && !fits)
          ck_.fail(ptr_join(p, k), fmt::format("'{}' only with format {}", k, list), "format \"" + *format + "\"");
    };
    only_for({"id", "label"}, {"cloudwatch-get-metric-data"});
    only_for({"statistic"}, {"cloudwatch-get-metric-data", "cloudwatch-get-metric-statistics"});
    only_for({"timestamp_column", "value_column", "timestamp_format"}, {"csv"});
    only_for({"time_zone"}, {"csv", "azure-llm-csv"});
    only_for({"origin"}, {"jsonl-requests"});
    only_for({"generator"}, {"generator"});
    only_for({"gaps"}, {"csv", "cloudwatch-get-metric-data", "cloudwatch-get-metric-statistics"});
    if (format && *format == "azure-llm-csv" && !t.contains("time_zone"))
      ck_.fail(p, "the key 'time_zone': the Azure LLM format's timestamps carry no zone", "an object without it");
    if (auto o = ck_.string(t, p, "origin")) {
      if (auto at = parse_iso8601(*o)) src.origin = *at;
      else ck_.fail(p + "/origin", "an ISO 8601 time with a zone (the instant of timestamp 0)", describe(t["origin"]));
    }
    src.id = ck_.string(t, p, "id");
    src.label = ck_.string(t, p, "label");
    if (src.id && src.label) ck_.fail(p, "one of 'id' and 'label'", "both");
    src.statistic = ck_.string(t, p, "statistic");
    if (format && src.format == TraceFormat::CloudWatchMetricStatistics && !src.statistic)
      ck_.fail(p, "the key 'statistic' (Sum, Average, Maximum, Minimum, SampleCount or pNN) for get-metric-statistics output",
               "an object without it");
    if (src.statistic && !statistic_fits(src.unit, *src.statistic))
      ck_.fail(p + "/statistic",
               src.unit == TraceUnit::Requests ? "Sum or SampleCount for a trace of requests (a count per period)"
                                               : std::string("an averaging statistic (Average, Maximum, Minimum, pNN) for a trace of ") +
                                                     to_string(src.unit),
               "\"" + *src.statistic + "\"");
    src.timestamp_column = ck_.string(t, p, "timestamp_column").value_or("timestamp");
    src.value_column = ck_.string(t, p, "value_column").value_or("value");
    src.timestamp_format = ck_.string(t, p, "timestamp_format");
    src.time_zone = ck_.string(t, p, "time_zone");
    if (src.timestamp_format && !src.time_zone)
      ck_.fail(p, "the key 'time_zone' (an IANA zone such as \"UTC\"), since timestamp_format has no zone", "an object without it");
    if (auto g = ck_.one_of(t, p, "gaps", {"zero", "hold", "linear", "error"}))
      src.gaps = *g == "zero" ? GapPolicy::Zero : *g == "hold" ? GapPolicy::Hold : *g == "linear" ? GapPolicy::Linear : GapPolicy::Error;
    const bool count = kind_of(src.unit) == TraceKind::Count;
    ResampleOptions rs = default_resample(kind_of(src.unit), sc_.simulation.period, sc_.simulation.start);
    if (auto d = ck_.one_of(t, p, "downsample", {"sum", "mean", "max"})) {
      rs.downsample = *d == "sum" ? Downsample::Sum : *d == "mean" ? Downsample::Mean : Downsample::Max;
      if (count != (*d == "sum"))
        ck_.fail(p + "/downsample", count ? "\"sum\" for a trace of requests" : "\"mean\" or \"max\" for a gauge", "\"" + *d + "\"");
    }
    if (auto u = ck_.one_of(t, p, "upsample", {"split", "hold", "linear"})) {
      rs.upsample = *u == "split" ? Upsample::Split : *u == "hold" ? Upsample::Hold : Upsample::Linear;
      if (count != (*u == "split"))
        ck_.fail(p + "/upsample", count ? "\"split\" for a trace of requests" : "\"hold\" or \"linear\" for a gauge", "\"" + *u + "\"");
    }
    if (auto pr = t.find("upsample_profile"); pr != t.end()) {
      if (!pr->is_array() || pr->empty()) ck_.fail(p + "/upsample_profile", "a non-empty array of weights >= 0", describe(*pr));
      else
        for (std::size_t i = 0; i < pr->size(); ++i) {
          const json& w = (*pr)[i];
          if (!w.is_number() || w.get<double>() < 0) ck_.fail(ptr_join(p + "/upsample_profile", i), "a weight >= 0", describe(w));
          else rs.profile.push_back(w.get<double>());
        }
      if (!count) ck_.fail(p + "/upsample_profile", "a profile only for a trace of requests", std::string("a trace of ") + to_string(src.unit));
    }
    src.scale = ck_.number(t, p, "scale", Bound::NonNegative).value_or(1.0);
    if (auto sh = t.find("shift"); sh != t.end()) {
      // A shift may go back in time: "-7d".
      json magnitude = *sh;
      double sign = 1;
      if (sh->is_string() && !sh->get<std::string>().empty() && sh->get<std::string>()[0] == '-') {
        magnitude = sh->get<std::string>().substr(1);
        sign = -1;
      } else if (sh->is_number() && sh->get<double>() < 0) {
        magnitude = -sh->get<double>();
        sign = -1;
      }
      json holder = {{"shift", magnitude}};
      if (auto d = ck_.duration(holder, p, "shift")) src.shift = static_cast<SimDuration>(sign) * *d;
    }
    src.clip_min = ck_.number(t, p, "clip_min", Bound::Any);
    src.clip_max = ck_.number(t, p, "clip_max", Bound::Any);
    bool tile = ck_.boolean(t, p, "tile").value_or(false);
    std::optional<GeneratorSpec> generator;
    if (auto g = t.find("generator"); g != t.end()) generator = parse_generator(*g, p + "/generator");
    if (ck_.errors() != before || (files.empty() && !generated) || src.period <= 0 || !simulation_ok_) continue;
    if (generated) {
      if (!generator) continue;
      try {
        const auto n = static_cast<std::size_t>((sc_.simulation.duration + src.period - 1) / src.period);
        std::vector<std::string> warnings;
        Trace trace = generate_trace(*generator, name, sc_.simulation.start, src.period, n, sc_.simulation.seed);
        trace = resample(trace, rs, warnings);
        for (auto& w : warnings) sc_.warnings.push_back(std::move(w));
        sc_.traces.emplace(name, TraceInput{std::move(trace), tile, std::nullopt});
      } catch (const Error& e) {
        ck_.fail_message(p + "/generator", e.what());
      }
      continue;
    }
    const std::filesystem::path scenario_dir = std::filesystem::path(file_).parent_path();
    for (const auto& [f, _] : files)
      src.files.push_back({base_dir_ / f, (scenario_dir / f).lexically_normal().string()});
    try {
      TraceRead read = read_trace(src);
      Trace trace = resample(read.trace, rs, read.warnings);
      for (auto& w : read.warnings) sc_.warnings.push_back(std::move(w));
      sc_.traces.emplace(name, TraceInput{std::move(trace), tile, std::move(read.requests)});
    } catch (const TraceError& e) {
      ck_.fail_message(files.size() == 1 ? files[0].second : p + "/files", e.what());
    } catch (const Error& e) {
      ck_.fail_message(p, e.what());
    }
  }
}

std::optional<GeneratorSpec> Loader::parse_generator(const json& g, const std::string& p) {
  if (!g.is_object() || !g.contains("kind")) {
    ck_.fail(p, "an object with \"kind\" (diurnal, constant, step, ramp)", describe(g));
    return std::nullopt;
  }
  const std::size_t before = ck_.errors();
  auto kind = ck_.one_of(g, p, "kind", {"diurnal", "constant", "step", "ramp"});
  if (!kind) return std::nullopt;
  auto rate = [&](const char* k) { return ck_.number(g, p, k, Bound::NonNegative).value_or(0); };
  auto instant = [&](const char* k) {
    UtcTime t{};
    if (auto s = ck_.string(g, p, k)) {
      if (auto at = parse_iso8601(*s)) t = *at;
      else ck_.fail(ptr_join(p, k), "an ISO 8601 time with a zone", describe(g[k]));
    }
    return t;
  };
  GeneratorSpec spec;
  if (*kind == "diurnal") {
    ck_.object(g, p,
               {"kind", "base_rps", "peak_rps", "peak_hour", "time_zone", "weekend_factor", "noise_cv", "bursts_per_day",
                "burst_factor", "burst_duration"},
               {"base_rps", "peak_rps", "peak_hour"});
    DiurnalGenerator d;
    d.base_rps = rate("base_rps");
    d.peak_rps = rate("peak_rps");
    d.peak_hour = ck_.number(g, p, "peak_hour", Bound::NonNegative).value_or(0);
    d.time_zone = ck_.string(g, p, "time_zone").value_or("UTC");
    d.weekend_factor = ck_.number(g, p, "weekend_factor", Bound::NonNegative).value_or(1);
    d.noise_cv = ck_.number(g, p, "noise_cv", Bound::NonNegative).value_or(0);
    d.bursts_per_day = ck_.number(g, p, "bursts_per_day", Bound::NonNegative).value_or(0);
    d.burst_factor = ck_.number(g, p, "burst_factor", Bound::NonNegative).value_or(1);
    if (auto dur = ck_.duration(g, p, "burst_duration")) d.burst_duration_s = to_seconds(*dur);
    if (d.bursts_per_day > 0 && !g.contains("burst_duration"))
      ck_.fail(p, "the key 'burst_duration' since bursts_per_day > 0", "an object without it");
    spec = d;
  } else if (*kind == "constant") {
    ck_.object(g, p, {"kind", "rps"}, {"rps"});
    spec = ConstantGenerator{rate("rps")};
  } else if (*kind == "step") {
    ck_.object(g, p, {"kind", "before_rps", "after_rps", "at"}, {"before_rps", "after_rps", "at"});
    spec = StepGenerator{rate("before_rps"), rate("after_rps"), instant("at")};
  } else {
    ck_.object(g, p, {"kind", "from_rps", "to_rps", "start", "end"}, {"from_rps", "to_rps", "start", "end"});
    spec = RampGenerator{rate("from_rps"), rate("to_rps"), instant("start"), instant("end")};
  }
  if (ck_.errors() != before) return std::nullopt;
  return spec;
}

void Loader::parse_catalog(const json& root) {
  const std::string p = "/catalog";
  json empty = json::object();
  auto it = root.find("catalog");
  const json& c = it == root.end() ? empty : *it;
  sc_.zones = kDefaultZones;
  sc_.zone_ids = kDefaultZoneIds;
  if (!ck_.object(c, p, {"builtin", "files", "price_overrides", "zones", "zone_ids"})) return;
  std::vector<std::string> builtins = builtin_catalog_names();
  builtins.push_back("none");
  std::string builtin = ck_.one_of(c, p, "builtin", builtins).value_or("aws-us-east-1");
  if (builtin != "none") {
    sc_.catalog = builtin_catalog(builtin);
    sc_.spot_advisor = builtin_spot_advisor(builtin);
  }
  if (auto fs = c.find("files"); fs != c.end()) {
    if (!fs->is_array() || fs->empty()) {
      ck_.fail(p + "/files", "a non-empty array of catalog files (CSV or JSON)", describe(*fs));
    } else {
      const std::filesystem::path scenario_dir = std::filesystem::path(file_).parent_path();
      std::string source = sc_.catalog.source();
      for (std::size_t i = 0; i < fs->size(); ++i) {
        const json& f = (*fs)[i];
        if (!f.is_string()) {
          ck_.fail(ptr_join(p + "/files", i), "a file path", describe(f));
          continue;
        }
        const std::string display = (scenario_dir / f.get<std::string>()).lexically_normal().string();
        try {
          std::size_t replaced = 0, added = 0;
          for (auto& t : read_catalog_file(base_dir_ / f.get<std::string>(), display)) (sc_.catalog.upsert(std::move(t)) ? replaced : added)++;
          source += fmt::format("{}user catalog {} ({} types added, {} replaced)", source.empty() ? "" : "; ",
                                std::filesystem::path(display).filename().string(), added, replaced);
        } catch (const TraceError& e) {
          ck_.fail_message(ptr_join(p + "/files", i), e.what());
        }
      }
      sc_.catalog = InstanceCatalog(sc_.catalog.types(), source);
    }
  }
  if (sc_.catalog.types().empty()) ck_.fail(p, "a builtin catalog or catalog files with at least one type", "none");
  if (auto z = c.find("zones"); z != c.end()) {
    if (!z->is_array() || z->empty()) {
      ck_.fail(p + "/zones", "a non-empty array of zone names such as \"us-east-1a\"", describe(*z));
    } else {
      sc_.zones.clear();
      for (std::size_t i = 0; i < z->size(); ++i) {
        const json& v = (*z)[i];
        if (!v.is_string() || v.get<std::string>().empty()) ck_.fail(ptr_join(p + "/zones", i), "a zone name", describe(v));
        else if (std::find(sc_.zones.begin(), sc_.zones.end(), v.get<std::string>()) != sc_.zones.end())
          ck_.fail(ptr_join(p + "/zones", i), "each zone once", "\"" + v.get<std::string>() + "\" again");
        else sc_.zones.push_back(v.get<std::string>());
      }
    }
  }
  if (c.contains("zone_ids")) sc_.zone_ids = ck_.string_map(c, p, "zone_ids");
  auto po = c.find("price_overrides");
  if (po == c.end()) return;
  const std::string pp = p + "/price_overrides";
  if (!po->is_object()) {
    ck_.fail(pp, "an object of instance type → {\"ondemand_usd_per_h\": price}", describe(*po));
    return;
  }
  for (const auto& [type, v] : po->items()) {
    const std::string tp = ptr_join(pp, type);
    if (!sc_.catalog.contains(type)) {
      auto near = sc_.catalog.closest(type);
      ck_.fail(tp, "an instance type of the catalog", "'" + type + "'", did_you_mean(type, near));
      continue;
    }
    if (!ck_.object(v, tp, {"ondemand_usd_per_h"}, {"ondemand_usd_per_h"})) continue;
    if (auto price = ck_.number(v, tp, "ondemand_usd_per_h", Bound::Positive)) sc_.catalog.override_price(type, *price);
  }
}

void Loader::parse_market(const json& root) {
  auto it = root.find("market");
  if (it == root.end()) return;
  const std::string p = "/market";
  const json& m = *it;
  if (!ck_.object(m, p,
                  {"interruption_rate_by_bucket", "interruption_buckets", "notice", "rebalance_lead", "unavailable_after_insufficient_capacity",
                   "pool_events", "shortages", "spot_pool_capacity", "spot_price_history", "availability"}))
    return;
  MarketSpec& spec = sc_.market;
  if (auto r = m.find("interruption_rate_by_bucket"); r != m.end()) {
    if (!r->is_array() || r->size() != 5) {
      ck_.fail(p + "/interruption_rate_by_bucket", "5 monthly interruption shares, one per Advisor bucket 0-4", describe(*r));
    } else {
      for (std::size_t i = 0; i < 5; ++i) {
        const json& v = (*r)[i];
        if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() < 1))
          ck_.fail(ptr_join(p + "/interruption_rate_by_bucket", i), "a monthly share in [0, 1)", describe(v));
        else spec.monthly_interruption_by_bucket[i] = v.get<double>();
      }
      spec.interruption_rates_given = true;
    }
  }
  if (auto b = m.find("interruption_buckets"); b != m.end()) {
    const std::string bp = p + "/interruption_buckets";
    if (!b->is_object()) {
      ck_.fail(bp, "an object of instance type → Advisor bucket 0-4", describe(*b));
    } else {
      for (const auto& [type, v] : b->items()) {
        if (!sc_.catalog.contains(type)) {
          ck_.fail(ptr_join(bp, type), "an instance type of the catalog", "'" + type + "'", did_you_mean(type, sc_.catalog.closest(type)));
          continue;
        }
        if (auto k = ck_.integer(*b, bp, type.c_str(), 0, 4)) spec.interruption_buckets[type] = static_cast<int>(*k);
      }
    }
  }
  if (auto d = ck_.duration(m, p, "notice")) spec.notice = *d;
  if (auto d = ck_.duration(m, p, "rebalance_lead")) spec.rebalance_lead = *d;
  if (auto d = ck_.duration(m, p, "unavailable_after_insufficient_capacity")) spec.unavailable_after_ice = *d;
  if (auto e = m.find("pool_events"); e != m.end() && ck_.object(*e, p + "/pool_events", {"per_month", "fraction"}, {"per_month", "fraction"})) {
    spec.pool_events.per_month = ck_.number(*e, p + "/pool_events", "per_month", Bound::NonNegative).value_or(0);
    spec.pool_events.fraction = ck_.number(*e, p + "/pool_events", "fraction", Bound::NonNegative).value_or(0);
    if (spec.pool_events.fraction > 1) ck_.fail(p + "/pool_events/fraction", "a share in [0, 1]", describe((*e)["fraction"]));
  }
  if (auto sh = m.find("shortages"); sh != m.end() &&
      ck_.object(*sh, p + "/shortages", {"per_month", "duration_s", "remaining_capacity"}, {"per_month", "duration_s"})) {
    spec.shortages.per_month = ck_.number(*sh, p + "/shortages", "per_month", Bound::NonNegative).value_or(0);
    spec.shortages.duration_s = ck_.distribution(*sh, p + "/shortages", "duration_s");
    spec.shortages.remaining_capacity = static_cast<int>(ck_.integer(*sh, p + "/shortages", "remaining_capacity", 0, kMaxNodesPerGroup).value_or(0));
  }
  if (auto c = ck_.integer(m, p, "spot_pool_capacity", 0, kMaxNodesPerGroup)) spec.spot_pool_capacity = static_cast<int>(*c);
  const std::filesystem::path scenario_dir = std::filesystem::path(file_).parent_path();
  if (auto h = m.find("spot_price_history"); h != m.end()) {
    const std::string hp = p + "/spot_price_history";
    if (ck_.object(*h, hp, {"files", "product", "skip_unknown_types"}, {"files"})) {
      SpotPriceHistoryOptions opt;
      opt.zone_ids = sc_.zone_ids;
      opt.product = ck_.string(*h, hp, "product").value_or("Linux/UNIX");
      opt.skip_unknown_types = ck_.boolean(*h, hp, "skip_unknown_types").value_or(false);
      std::vector<InputFile> files;
      auto fs = h->find("files");
      if (fs != h->end() && fs->is_array() && !fs->empty()) {
        for (std::size_t i = 0; i < fs->size(); ++i) {
          if (!(*fs)[i].is_string()) ck_.fail(ptr_join(hp + "/files", i), "a file path", describe((*fs)[i]));
          else files.push_back({base_dir_ / (*fs)[i].get<std::string>(), (scenario_dir / (*fs)[i].get<std::string>()).lexically_normal().string()});
        }
      } else if (fs != h->end()) {
        ck_.fail(hp + "/files", "a non-empty array of describe-spot-price-history output files", describe(*fs));
      }
      if (!files.empty()) {
        try {
          spec.spot_price_history = read_spot_price_history(files, sc_.catalog, opt, sc_.warnings);
        } catch (const TraceError& e) {
          ck_.fail_message(hp + "/files", e.what());
        }
      }
    }
  }
  if (auto a = m.find("availability"); a != m.end()) {
    const std::string ap = p + "/availability";
    if (!a->is_array()) {
      ck_.fail(ap, "an array of {instance_type, zone, file, values}", describe(*a));
    } else {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& e = (*a)[i];
        const std::string ep = ptr_join(ap, i);
        if (!ck_.object(e, ep, {"instance_type", "zone", "file", "values"}, {"instance_type", "zone", "file", "values"})) continue;
        const std::size_t before = ck_.errors();
        PoolAvailability pa;
        pa.instance_type = ck_.string(e, ep, "instance_type").value_or("");
        if (!pa.instance_type.empty() && !sc_.catalog.contains(pa.instance_type))
          ck_.fail(ep + "/instance_type", "an instance type of the catalog", "'" + pa.instance_type + "'",
                   did_you_mean(pa.instance_type, sc_.catalog.closest(pa.instance_type)));
        pa.zone = ck_.string(e, ep, "zone").value_or("");
        if (!pa.zone.empty() && std::find(sc_.zones.begin(), sc_.zones.end(), pa.zone) == sc_.zones.end())
          ck_.fail(ep + "/zone", "a zone listed in catalog.zones", "\"" + pa.zone + "\"", did_you_mean(pa.zone, sc_.zones));
        auto meaning = ck_.one_of(e, ep, "values", {"available_count", "preempted_flag", "available_flag"},
                                  "public datasets differ; say what a value means");
        auto file = ck_.string(e, ep, "file");
        if (ck_.errors() != before || !meaning || !file) continue;
        const AvailabilityMeaning am = *meaning == "available_count" ? AvailabilityMeaning::AvailableCount
                                       : *meaning == "preempted_flag" ? AvailabilityMeaning::PreemptedFlag
                                                                      : AvailabilityMeaning::AvailableFlag;
        try {
          pa.trace = read_availability_trace(base_dir_ / *file, (scenario_dir / *file).lexically_normal().string(), am);
          spec.availability.push_back(std::move(pa));
        } catch (const TraceError& err) {
          ck_.fail_message(ep + "/file", err.what());
        }
      }
    }
  }
}

void Loader::parse_cluster_autoscaler(const json& j, const std::string& p, ClusterAutoscalerSpec& out) {
  if (!ck_.object(j, p, {"scan_interval", "scale_down_unneeded_time", "scale_down_utilization_threshold", "scale_down_delay_after_add",
                         "expander"}))
    return;
  if (auto d = ck_.duration(j, p, "scan_interval")) out.scan_interval = *d;
  if (auto d = ck_.duration(j, p, "scale_down_unneeded_time")) out.scale_down_unneeded_time = *d;
  if (auto d = ck_.duration(j, p, "scale_down_delay_after_add")) out.scale_down_delay_after_add = *d;
  if (auto v = ck_.number(j, p, "scale_down_utilization_threshold", Bound::NonNegative)) {
    if (*v > 1) ck_.fail(p + "/scale_down_utilization_threshold", "a share in [0, 1]", describe(j["scale_down_utilization_threshold"]));
    out.scale_down_utilization_threshold = *v;
  }
  if (auto e = ck_.one_of(j, p, "expander", {"random", "most-pods", "least-waste", "least-nodes", "price", "priority"})) {
    static const std::map<std::string, Expander> kExpanders = {{"random", Expander::Random},         {"most-pods", Expander::MostPods},
                                                               {"least-waste", Expander::LeastWaste}, {"least-nodes", Expander::LeastNodes},
                                                               {"price", Expander::Price},             {"priority", Expander::Priority}};
    out.expander = kExpanders.at(*e);
  }
}

std::optional<HpaScalingRules> Loader::parse_scaling_rules(const json& j, const std::string& p, const HpaScalingRules& defaults) {
  if (!ck_.object(j, p, {"stabilizationWindowSeconds", "selectPolicy", "policies"})) return std::nullopt;
  HpaScalingRules r = defaults;
  if (auto w = ck_.integer(j, p, "stabilizationWindowSeconds", 0, 3600)) r.stabilization_window = seconds(static_cast<double>(*w));
  if (auto sp = ck_.one_of(j, p, "selectPolicy", {"Max", "Min", "Disabled"}))
    r.select_policy = *sp == "Max" ? SelectPolicy::Max : *sp == "Min" ? SelectPolicy::Min : SelectPolicy::Disabled;
  if (auto ps = j.find("policies"); ps != j.end()) {
    if (!ps->is_array()) {
      ck_.fail(p + "/policies", "an array of {type, value, periodSeconds}", describe(*ps));
    } else {
      r.policies.clear();
      for (std::size_t i = 0; i < ps->size(); ++i) {
        const std::string pp = ptr_join(p + "/policies", i);
        const json& q = (*ps)[i];
        if (!ck_.object(q, pp, {"type", "value", "periodSeconds"}, {"type", "value", "periodSeconds"})) continue;
        HpaScalingPolicy pol;
        pol.type = ck_.one_of(q, pp, "type", {"Pods", "Percent"}).value_or("Pods") == "Percent" ? ScalingPolicyType::Percent : ScalingPolicyType::Pods;
        pol.value = static_cast<int>(ck_.integer(q, pp, "value", 1, 1'000'000).value_or(1));
        pol.period = seconds(static_cast<double>(ck_.integer(q, pp, "periodSeconds", 1, 1800).value_or(15)));
        r.policies.push_back(pol);
      }
    }
  }
  return r;
}

std::optional<HpaConfig> Loader::parse_hpa(const json& j, const std::string& p) {
  if (!ck_.object(j, p, {"minReplicas", "maxReplicas", "metrics", "behavior", "collection_lag_s"}, {"maxReplicas", "metrics"}))
    return std::nullopt;
  const std::size_t before = ck_.errors();
  HpaConfig h;
  h.spec.min_replicas = static_cast<int>(ck_.integer(j, p, "minReplicas", 1, kMaxReplicas).value_or(1));
  h.spec.max_replicas = static_cast<int>(ck_.integer(j, p, "maxReplicas", 1, kMaxReplicas).value_or(1));
  if (h.spec.min_replicas > h.spec.max_replicas)
    ck_.fail(p + "/maxReplicas", fmt::format("maxReplicas >= minReplicas ({})", h.spec.min_replicas), describe(j["maxReplicas"]));
  if (auto lag = ck_.number(j, p, "collection_lag_s", Bound::NonNegative)) h.collection_lag = seconds(*lag);
  if (auto b = j.find("behavior"); b != j.end() && ck_.object(*b, p + "/behavior", {"scaleUp", "scaleDown"})) {
    const HpaBehavior d = default_behavior();
    if (auto u = b->find("scaleUp"); u != b->end())
      if (auto r = parse_scaling_rules(*u, p + "/behavior/scaleUp", d.scale_up)) h.spec.behavior.scale_up = *r;
    if (auto dn = b->find("scaleDown"); dn != b->end())
      if (auto r = parse_scaling_rules(*dn, p + "/behavior/scaleDown", d.scale_down)) h.spec.behavior.scale_down = *r;
  }
  auto ms = j.find("metrics");
  if (ms != j.end() && (!ms->is_array() || ms->empty())) ck_.fail(p + "/metrics", "a non-empty array of metrics", describe(*ms));
  else if (ms != j.end())
    for (std::size_t i = 0; i < ms->size(); ++i) {
      const std::string mp = ptr_join(p + "/metrics", i);
      const json& m = (*ms)[i];
      // autoscaling/v2 MetricSpec: capsim reads Pods metrics it computes itself.
      if (!ck_.object(m, mp, {"type", "pods"}, {"type", "pods"})) continue;
      ck_.one_of(m, mp, "type", {"Pods"}, "capsim computes Pods metrics (requests_per_second, gpu_utilization)");
      const json& pods = m["pods"];
      const std::string pp = mp + "/pods";
      if (!ck_.object(pods, pp, {"metric", "target"}, {"metric", "target"})) continue;
      HpaMetric metric;
      if (ck_.object(pods["metric"], pp + "/metric", {"name"}, {"name"}))
        metric.name = ck_.one_of(pods["metric"], pp + "/metric", "name", {"requests_per_second", "gpu_utilization"}).value_or("");
      const json& target = pods["target"];
      if (ck_.object(target, pp + "/target", {"type", "averageValue"}, {"type", "averageValue"})) {
        ck_.one_of(target, pp + "/target", "type", {"AverageValue"});
        const json& av = target["averageValue"];
        std::optional<double> v;
        if (av.is_number()) v = av.get<double>();
        else if (av.is_string()) {
          // A Kubernetes quantity: "1.5", "500m".
          std::string q = av.get<std::string>();
          double scale = 1;
          if (!q.empty() && q.back() == 'm') {
            scale = 1e-3;
            q.pop_back();
          }
          if (auto n = parse_number(q)) v = *n * scale;
        }
        if (!v || !(*v > 0)) ck_.fail(pp + "/target/averageValue", "a quantity > 0 such as \"1.5\" or \"500m\"", describe(av));
        else metric.target = *v;
      }
      h.metrics.push_back(metric);
    }
  if (ck_.errors() != before) return std::nullopt;
  try {
    HpaController check(h.spec);
  } catch (const Error& e) {
    ck_.fail_message(p, e.what());
    return std::nullopt;
  }
  return h;
}

std::optional<ScheduleSpec> Loader::parse_schedule(const json& j, const std::string& p) {
  if (!ck_.object(j, p, {"schedule", "time_zone", "hpa", "minReplicas", "maxReplicas"}, {"schedule", "hpa"})) return std::nullopt;
  ScheduleSpec s;
  s.schedule = ck_.string(j, p, "schedule").value_or("");
  s.time_zone = ck_.string(j, p, "time_zone").value_or("UTC");
  s.hpa = ck_.string(j, p, "hpa").value_or("");
  if (auto v = ck_.integer(j, p, "minReplicas", 1, kMaxReplicas)) s.min_replicas = static_cast<int>(*v);
  if (auto v = ck_.integer(j, p, "maxReplicas", 1, kMaxReplicas)) s.max_replicas = static_cast<int>(*v);
  if (!s.min_replicas && !s.max_replicas) ck_.fail(p, "minReplicas or maxReplicas to set", "neither");
  try {
    CronSchedule::parse(s.schedule, s.time_zone);
  } catch (const Error& e) {
    ck_.fail_message(p + "/schedule", e.what());
    return std::nullopt;
  }
  return s;
}

std::vector<PolicyEntry> Loader::parse_policies(const json& root) {
  std::vector<PolicyEntry> out;
  auto it = root.find("policies");
  if (it == root.end()) return out;
  if (!it->is_array()) {
    ck_.fail("/policies", "an array of policies", describe(*it));
    return out;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& pj = (*it)[i];
    const std::string p = ptr_join("/policies", i);
    if (!ck_.object(pj, p, {"name", "description", "extends", "patch", "sources"}, {"name"})) continue;
    PolicyEntry e;
    e.index = i;
    e.name = ck_.string(pj, p, "name").value_or("");
    if (e.name.empty()) continue;
    if (!names.insert(e.name).second) ck_.fail(p + "/name", "a policy name used once", "\"" + e.name + "\" again");
    e.description = ck_.string(pj, p, "description", false).value_or("");
    e.extends = ck_.string(pj, p, "extends");
    e.sources = ck_.string_map(pj, p, "sources");
    if (auto patch = pj.find("patch"); patch != pj.end()) {
      if (!patch->is_object()) {
        ck_.fail(p + "/patch", "an object (a JSON Merge Patch of the choices)", describe(*patch));
      } else {
        for (const auto& [key, v] : patch->items()) {
          if (std::find(kPatchable.begin(), kPatchable.end(), key) != kPatchable.end()) continue;
          bool world = key == "simulation" || key == "traces" || key == "catalog" || key == "market";
          ck_.fail(ptr_join(p + "/patch", key), "a patch of the choices only (services, cluster)",
                   world ? "a change to the world section '" + key + "', which every policy must share"
                         : "a change to '" + key + "'",
                   world ? "" : did_you_mean(key, kPatchable));
        }
        // Keys already reported are left out so the choices still get checked.
        e.patch = *patch;
        for (auto k = e.patch.begin(); k != e.patch.end();) {
          if (std::find(kPatchable.begin(), kPatchable.end(), k.key()) == kPatchable.end()) k = e.patch.erase(k);
          else ++k;
        }
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<const PolicyEntry*> Loader::chain_of(const std::vector<PolicyEntry>& all, const PolicyEntry& p, bool report) {
  std::vector<const PolicyEntry*> chain{&p};
  std::vector<std::string> names;
  for (const auto& q : all) names.push_back(q.name);
  const PolicyEntry* cur = &p;
  while (cur->extends) {
    auto parent = std::find_if(all.begin(), all.end(), [&](const PolicyEntry& q) { return q.name == *cur->extends; });
    const std::string ptr = fmt::format("/policies/{}/extends", cur->index);
    if (parent == all.end()) {
      if (report) ck_.fail(ptr, "the name of another policy", "\"" + *cur->extends + "\"", did_you_mean(*cur->extends, names));
      return {};
    }
    if (std::find(chain.begin(), chain.end(), &*parent) != chain.end()) {
      std::string cycle;
      for (auto c = chain.rbegin(); c != chain.rend(); ++c) cycle = (*c)->name + (cycle.empty() ? "" : " -> ") + cycle;
      std::string path;
      for (const PolicyEntry* c : chain) path += c->name + " -> ";
      if (report) ck_.fail(ptr, "a chain of 'extends' that ends", "a cycle: " + path + parent->name);
      return {};
    }
    chain.push_back(&*parent);
    cur = &*parent;
  }
  std::reverse(chain.begin(), chain.end());  // parents first
  return chain;
}

PolicySpec Loader::parse_choices(const json& doc, const std::string& name, const std::string& description) {
  PolicySpec out;
  out.name = name;
  out.description = description;
  if (auto s = doc.find("services"); s != doc.end()) {
    if (!s->is_array() || s->empty()) {
      ck_.fail("/services", "a non-empty array of services", describe(*s));
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < s->size(); ++i) {
        ServiceSpec svc = parse_service((*s)[i], ptr_join("/services", i));
        if (!svc.name.empty() && !names.insert(svc.name).second)
          ck_.fail(ptr_join(ptr_join("/services", i), "name"), "a service name used once", "\"" + svc.name + "\" again");
        out.services.push_back(std::move(svc));
      }
    }
  }
  if (auto c = doc.find("cluster"); c != doc.end()) out.cluster = parse_cluster(*c, "/cluster");
  // Cross checks between services and the cluster.
  for (const auto& [name, _] : out.cluster.hpa)
    if (std::none_of(out.services.begin(), out.services.end(), [&](const ServiceSpec& s) { return s.name == name; }))
      ck_.fail(ptr_join("/cluster/hpa", name), "the name of a service", "\"" + name + "\"");
  for (std::size_t i = 0; i < out.cluster.schedules.size(); ++i)
    if (!out.cluster.hpa.count(out.cluster.schedules[i].hpa))
      ck_.fail(ptr_join(ptr_join("/cluster/schedules", i), "hpa"), "a service with an HPA under /cluster/hpa",
               "\"" + out.cluster.schedules[i].hpa + "\"");
  // Nodes that start cold, or spot nodes whose replacements do, need the start-up latencies.
  const NodeGroupSpec* cold = nullptr;
  for (const auto& g : out.cluster.node_groups)
    if (!cold && (g.initial_state == InitialState::Launching || g.capacity_type == CapacityType::Spot ||
                  (out.cluster.provisioner == Provisioner::ClusterAutoscaler && g.max_size > g.count)))
      cold = &g;
  const std::string why = cold ? fmt::format("node group '{}' {}", cold->name,
                                             cold->capacity_type == CapacityType::Spot ? "is spot (replacements launch cold)"
                                             : cold->initial_state == InitialState::Launching ? "starts \"launching\""
                                                                                                : "can grow (new nodes launch cold)")
                               : "";
  if (!cold && !out.cluster.hpa.empty())
    for (std::size_t i = 0; i < out.services.size(); ++i)
      if (out.cluster.hpa.count(out.services[i].name) && !out.services[i].startup_s)
        ck_.fail(ptr_join(ptr_join("/services", i), "replica"), "the key 'startup_s', since an HPA starts new replicas",
                 "an object without it");
  if (cold && !out.cluster.node_ready_s)
    ck_.fail("/cluster", "the key 'node_ready_s' (launch → Ready latency), since " + why, "an object without it");
  if (cold)
    for (std::size_t i = 0; i < out.services.size(); ++i)
      if (!out.services[i].startup_s)
        ck_.fail(ptr_join(ptr_join("/services", i), "replica"), "the key 'startup_s' (pod start → ready latency), since " + why,
                 "an object without it");
  return out;
}

ServiceSpec Loader::parse_service(const json& s, const std::string& p) {
  ServiceSpec svc;
  if (!ck_.object(s, p, {"name", "demand", "replica", "replicas", "throughput_rps", "sla", "tags"},
                  {"name", "demand", "replica", "replicas", "throughput_rps", "sla"}))
    return svc;
  svc.name = ck_.string(s, p, "name").value_or("");
  if (auto d = s.find("demand"); d != s.end()) {
    const std::string dp = p + "/demand";
    if (ck_.object(*d, dp, {"trace", "scale", "arrivals"}, {"trace"})) {
      if (auto t = ck_.string(*d, dp, "trace")) {
        svc.demand.trace = *t;
        if (!declared_traces_.count(*t)) {
          std::vector<std::string> names(declared_traces_.begin(), declared_traces_.end());
          ck_.fail(dp + "/trace", "the name of a trace under /traces", "\"" + *t + "\"", did_you_mean(*t, names));
        } else if (auto tr = sc_.traces.find(*t); tr != sc_.traces.end() && tr->second.trace.unit == TraceUnit::Percent) {
          ck_.fail(dp + "/trace", "a trace of requests or requests/second to drive demand",
                   "trace '" + *t + "', which measures percent");
        }
      }
      svc.demand.scale = ck_.number(*d, dp, "scale", Bound::NonNegative).value_or(1.0);
      auto arr = ck_.one_of(*d, dp, "arrivals", {"poisson", "expected"}).value_or("poisson");
      svc.demand.arrivals = arr == "expected" ? ArrivalModel::Expected : ArrivalModel::Poisson;
    }
  }
  if (auto r = s.find("replica"); r != s.end()) {
    const std::string rp = p + "/replica";
    if (ck_.object(*r, rp, {"gpus", "startup_s"}, {"gpus"})) {
      svc.replica_gpus = static_cast<int>(ck_.integer(*r, rp, "gpus", 1).value_or(1));
      svc.startup_s = ck_.distribution(*r, rp, "startup_s");
    }
  }
  svc.replicas = static_cast<int>(ck_.integer(s, p, "replicas", 0, kMaxReplicas).value_or(0));
  if (auto t = s.find("throughput_rps"); t != s.end()) {
    const std::string tp = p + "/throughput_rps";
    if (!t->is_object() || t->empty()) {
      ck_.fail(tp, "an object of instance type → requests/s per replica, with at least one type", describe(*t));
    } else {
      for (const auto& [type, v] : t->items()) {
        const std::string ptp = ptr_join(tp, type);
        auto it = sc_.catalog.find(type);
        if (!it) {
          ck_.fail(ptp, "an instance type of the catalog", "'" + type + "'", did_you_mean(type, sc_.catalog.closest(type)));
          continue;
        }
        if (it->gpus < svc.replica_gpus) {
          ck_.fail(ptp, fmt::format("an instance type with at least {} GPU(s) for one replica", svc.replica_gpus),
                   fmt::format("{} with {} GPU(s)", type, it->gpus));
          continue;
        }
        if (auto x = ck_.number(*t, tp, type.c_str(), Bound::Positive)) svc.throughput_rps[type] = *x;
      }
    }
  }
  if (auto sla = s.find("sla"); sla != s.end()) {
    const std::string sp = p + "/sla";
    if (ck_.object(*sla, sp, {"max_wait_s", "on_overload"}, {"max_wait_s"})) {
      svc.sla.max_wait_s = ck_.number(*sla, sp, "max_wait_s", Bound::NonNegative).value_or(0);
      auto o = ck_.one_of(*sla, sp, "on_overload", {"drop", "late"}).value_or("drop");
      svc.sla.on_overload = o == "late" ? OverloadAction::Late : OverloadAction::Drop;
    }
  }
  svc.tags = ck_.string_map(s, p, "tags");
  return svc;
}

ClusterSpec Loader::parse_cluster(const json& c, const std::string& p) {
  ClusterSpec cl;
  if (!ck_.object(c, p,
                  {"provisioner", "cluster_autoscaler", "hpa", "schedules", "eks_control_plane", "eks_control_plane_usd_per_h",
                   "node_ready_s", "node_groups", "tags"},
                  {"node_groups"}))
    return cl;
  if (auto pv = ck_.one_of(c, p, "provisioner", {"static", "cluster-autoscaler"}, "Karpenter is not implemented yet"))
    cl.provisioner = *pv == "cluster-autoscaler" ? Provisioner::ClusterAutoscaler : Provisioner::Static;
  if (auto ca = c.find("cluster_autoscaler"); ca != c.end()) parse_cluster_autoscaler(*ca, p + "/cluster_autoscaler", cl.cluster_autoscaler);
  if (auto h = c.find("hpa"); h != c.end()) {
    if (!h->is_object()) ck_.fail(p + "/hpa", "an object of service name → HorizontalPodAutoscaler spec", describe(*h));
    else
      for (const auto& [svc, spec] : h->items())
        if (auto hc = parse_hpa(spec, ptr_join(p + "/hpa", svc))) cl.hpa.emplace(svc, std::move(*hc));
  }
  if (auto sc = c.find("schedules"); sc != c.end()) {
    if (!sc->is_array()) ck_.fail(p + "/schedules", "an array of schedules", describe(*sc));
    else
      for (std::size_t i = 0; i < sc->size(); ++i)
        if (auto sp = parse_schedule((*sc)[i], ptr_join(p + "/schedules", i))) cl.schedules.push_back(std::move(*sp));
  }
  cl.eks_control_plane = ck_.boolean(c, p, "eks_control_plane").value_or(true);
  cl.eks_control_plane_usd_per_h = ck_.number(c, p, "eks_control_plane_usd_per_h", Bound::NonNegative).value_or(kEksControlPlaneUsdPerHour);
  cl.node_ready_s = ck_.distribution(c, p, "node_ready_s");
  cl.tags = ck_.string_map(c, p, "tags");
  auto g = c.find("node_groups");
  if (g == c.end()) return cl;
  const std::string gp = p + "/node_groups";
  if (!g->is_array()) {
    ck_.fail(gp, "an array of node groups", describe(*g));
    return cl;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < g->size(); ++i) {
    const json& n = (*g)[i];
    const std::string np = ptr_join(gp, i);
    if (!ck_.object(n, np,
                    {"name", "instance_type", "instance_types", "zones", "count", "capacity_type", "allocation_strategy",
                     "max_pools", "reservation_count", "min_size", "max_size", "initial_state", "tags"},
                    {"name", "count"}))
      continue;
    NodeGroupSpec ng;
    ng.name = ck_.string(n, np, "name").value_or("");
    if (!ng.name.empty() && !names.insert(ng.name).second) ck_.fail(np + "/name", "a node group name used once", "\"" + ng.name + "\" again");
    auto check_type = [&](const std::string& t, const std::string& tp) {
      if (!sc_.catalog.contains(t)) {
        ck_.fail(tp, "an instance type of the catalog", "'" + t + "'", did_you_mean(t, sc_.catalog.closest(t)));
        return false;
      }
      return true;
    };
    if (n.contains("instance_type") == n.contains("instance_types")) {
      ck_.fail(np, "exactly one of the keys 'instance_type' and 'instance_types'", n.contains("instance_type") ? "both" : "neither");
    } else if (auto t = ck_.string(n, np, "instance_type")) {
      if (check_type(*t, np + "/instance_type")) ng.instance_types.push_back(*t);
    } else if (auto ts = n.find("instance_types"); ts != n.end()) {
      if (!ts->is_array() || ts->empty()) {
        ck_.fail(np + "/instance_types", "a non-empty array of instance types", describe(*ts));
      } else {
        for (std::size_t i = 0; i < ts->size(); ++i) {
          const json& v = (*ts)[i];
          if (!v.is_string()) ck_.fail(ptr_join(np + "/instance_types", i), "an instance type", describe(v));
          else if (check_type(v.get<std::string>(), ptr_join(np + "/instance_types", i))) ng.instance_types.push_back(v.get<std::string>());
        }
      }
    }
    if (auto zs = n.find("zones"); zs != n.end()) {
      if (!zs->is_array() || zs->empty()) {
        ck_.fail(np + "/zones", "a non-empty array of zones from catalog.zones", describe(*zs));
      } else {
        for (std::size_t i = 0; i < zs->size(); ++i) {
          const json& v = (*zs)[i];
          if (!v.is_string() || std::find(sc_.zones.begin(), sc_.zones.end(), v.get<std::string>()) == sc_.zones.end())
            ck_.fail(ptr_join(np + "/zones", i), "a zone listed in catalog.zones", describe(v),
                     v.is_string() ? did_you_mean(v.get<std::string>(), sc_.zones) : "");
          else ng.zones.push_back(v.get<std::string>());
        }
      }
    }
    ng.count = static_cast<int>(ck_.integer(n, np, "count", 0, kMaxNodesPerGroup).value_or(0));
    ng.capacity_type = *parse_capacity_type(ck_.one_of(n, np, "capacity_type", {"on-demand", "spot", "reserved"}).value_or("on-demand"));
    if (ng.capacity_type == CapacityType::Reserved) {
      // An On-Demand Capacity Reservation is for one type in one zone.
      if (ng.instance_types.size() > 1)
        ck_.fail(np + "/instance_types", "one instance type for a capacity reservation", fmt::format("{} types", ng.instance_types.size()));
      if (ng.zones.size() != 1)
        ck_.fail(np, "exactly one zone in 'zones' for a capacity reservation", fmt::format("{} zones", ng.zones.size()));
    }
    ng.reservation_count = static_cast<int>(ck_.integer(n, np, "reservation_count", 0, kMaxNodesPerGroup).value_or(ng.count));
    if (n.contains("reservation_count") && ng.capacity_type != CapacityType::Reserved)
      ck_.fail(np + "/reservation_count", "'reservation_count' only with capacity_type \"reserved\"",
               std::string("capacity_type \"") + to_string(ng.capacity_type) + "\"");
    ng.allocation_strategy = ng.capacity_type == CapacityType::Spot ? AllocationStrategy::PriceCapacityOptimized : AllocationStrategy::LowestPrice;
    if (auto a = ck_.one_of(n, np, "allocation_strategy", {"lowest-price", "capacity-optimized", "price-capacity-optimized", "prioritized"}))
      ng.allocation_strategy = *parse_allocation_strategy(*a);
    ng.max_pools = static_cast<std::size_t>(ck_.integer(n, np, "max_pools", 1, 1000).value_or(1));
    if (ng.capacity_type == CapacityType::Spot)
      for (std::size_t i = 0; i < ng.instance_types.size(); ++i) {
        const std::string& t = ng.instance_types[i];
        bool history = std::any_of(sc_.market.spot_price_history.begin(), sc_.market.spot_price_history.end(),
                                   [&](const SpotPriceSeries& s) { return s.instance_type == t; });
        if (!sc_.spot_advisor.find(t) && !history)
          ck_.fail(n.contains("instance_types") ? ptr_join(np + "/instance_types", i) : np + "/instance_type",
                   "a type with Spot Instance Advisor data or spot price history for a spot group",
                   "'" + t + "', which has neither");
      }
    ng.min_size = static_cast<int>(ck_.integer(n, np, "min_size", 0, kMaxNodesPerGroup).value_or(ng.count));
    ng.max_size = static_cast<int>(ck_.integer(n, np, "max_size", 0, kMaxNodesPerGroup).value_or(ng.count));
    if (ng.min_size > ng.count || ng.count > ng.max_size)
      ck_.fail(np, fmt::format("min_size <= count <= max_size"), fmt::format("min_size {}, count {}, max_size {}", ng.min_size, ng.count, ng.max_size));
    auto st = ck_.one_of(n, np, "initial_state", {"ready", "launching"}).value_or("ready");
    ng.initial_state = st == "launching" ? InitialState::Launching : InitialState::Ready;
    ng.tags = ck_.string_map(n, np, "tags");
    cl.node_groups.push_back(std::move(ng));
  }
  return cl;
}

std::vector<Assumption> Loader::assumptions(const json& base, const json& doc, const std::vector<const PolicyEntry*>& chain) {
  // Sources that still describe the figure: a base source stops covering a value a patch changed.
  std::vector<std::string> live;
  for (const auto& [ptr, _] : sc_.sources) {
    const json* a = find_pointer(base, ptr);
    const json* b = find_pointer(doc, ptr);
    if (a && b && *a == *b) live.push_back(ptr);
  }
  for (const PolicyEntry* c : chain)
    for (const auto& [ptr, text] : c->sources) {
      if (ptr.empty() || ptr[0] != '/' || !find_pointer(doc, ptr))
        ck_.fail(ptr_join(fmt::format("/policies/{}/sources", c->index), ptr),
                 "a JSON pointer to a figure in this policy's document", "\"" + ptr + "\", which points nowhere");
      live.push_back(ptr);
    }
  std::vector<std::string> figures;
  if (auto s = doc.find("services"); s != doc.end() && s->is_array())
    for (std::size_t i = 0; i < s->size(); ++i) {
      const json& svc = (*s)[i];
      if (!svc.is_object()) continue;
      const std::string sp = ptr_join("/services", i);
      if (auto t = svc.find("throughput_rps"); t != svc.end() && t->is_object())
        for (const auto& [type, _] : t->items()) figures.push_back(ptr_join(sp + "/throughput_rps", type));
      if (auto r = svc.find("replica"); r != svc.end() && r->is_object() && r->contains("startup_s"))
        figures.push_back(sp + "/replica/startup_s");
    }
  if (const json* nr = find_pointer(doc, "/cluster/node_ready_s")) {
    (void)nr;
    figures.push_back("/cluster/node_ready_s");
  }
  // Typed-in facts about traces: a generator's shape, and the zone or origin a request log lacks.
  if (auto tr = doc.find("traces"); tr != doc.end() && tr->is_object())
    for (const auto& [name, t] : tr->items())
      for (const char* k : {"generator", "time_zone", "origin"})
        if (t.is_object() && t.contains(k) && !(std::string(k) == "time_zone" && t.value("format", "") == "csv"))
          figures.push_back(ptr_join(ptr_join("/traces", name), k));
  // Typed-in market figures.
  for (const char* k : {"/market/interruption_rate_by_bucket", "/market/interruption_buckets", "/market/pool_events",
                        "/market/shortages", "/market/spot_pool_capacity"})
    if (find_pointer(doc, k)) figures.push_back(k);
  if (const json* po = find_pointer(doc, "/catalog/price_overrides"); po && po->is_object())
    for (const auto& [type, _] : po->items()) figures.push_back(ptr_join("/catalog/price_overrides", type) + "/ondemand_usd_per_h");
  std::vector<Assumption> out;
  // Defaults that stand in for figures nobody publishes, when the policy runs spot.
  bool spot = false;
  if (const json* groups = find_pointer(doc, "/cluster/node_groups"); groups && groups->is_array())
    for (const auto& g : *groups) spot = spot || (g.is_object() && g.value("capacity_type", "") == "spot");
  if (spot && !sc_.market.interruption_rates_given)
    out.push_back({"/market/interruption_rate_by_bucket",
                   "[0.025,0.075,0.125,0.175,0.25] (capsim's default: the midpoints of the Spot Instance Advisor's ranges, "
                   "25% for >20%)"});
  if (spot && !sc_.market.spot_price_history.empty() && !find_pointer(doc, "/catalog/zone_ids"))
    out.push_back({"/catalog/zone_ids", "use1-az1 → us-east-1a, use1-az2 → us-east-1b, use1-az4 → us-east-1c, ... (capsim's "
                                        "default; zone names differ per account)"});
  for (const auto& f : figures) {
    bool sourced = std::any_of(live.begin(), live.end(), [&](const std::string& s) { return covers(s, f); });
    if (!sourced) {
      const json* v = find_pointer(doc, f);
      out.push_back({f, v ? v->dump() : ""});
    }
  }
  return out;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.file = file.string();
    d.message = "cannot open the scenario file (expected a readable JSON file)";
    throw ScenarioError({d});
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_scenario_text(ss.str(), file.string(), file.parent_path());
}

Scenario load_scenario_text(std::string_view text, const std::string& display_file, const std::filesystem::path& base_dir) {
  Loader loader(display_file, base_dir.empty() ? std::filesystem::path(".") : base_dir);
  return loader.load(text);
}

json effective_document(const json& scenario, std::string_view policy, const std::string& display_file) {
  std::vector<Diagnostic> diags;
  json base = scenario;
  base.erase("policies");
  if (policy == "default" && !scenario.contains("policies")) return base;
  std::vector<const json*> chain;
  std::string name(policy);
  const json& list = scenario.value("policies", json::array());
  while (true) {
    const json* found = nullptr;
    for (const auto& p : list)
      if (p.value("name", "") == name) found = &p;
    if (!found) throw ScenarioError({Diagnostic{display_file, "/policies", 0, 0, "a policy named '" + name + "'", "none", {}, {}}});
    if (std::find(chain.begin(), chain.end(), found) != chain.end())
      throw ScenarioError({Diagnostic{display_file, "/policies", 0, 0, "a chain of 'extends' that ends", "a cycle through '" + name + "'", {}, {}}});
    chain.push_back(found);
    if (!found->contains("extends")) break;
    name = (*found)["extends"].get<std::string>();
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) base.merge_patch((*it)->value("patch", json::object()));
  return base;
}

}  // namespace capsim::io
