// The world sections of a scenario: traces, catalog, market (part of the scenario loader).
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/market/availability_trace_reader.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/market/spot_price_history.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/io/traces/trace_reader.hpp"
#include "capsim/trace/align.hpp"
#include "capsim/trace/generators.hpp"
#include "io/json/json_checker.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

void Loader::parse_traces(const json& root) {
  auto it = root.find("traces");
  if (it == root.end()) return;
  if (!it->is_object()) {
    ck_.fail("/traces", "an object of named traces", describe(*it));
    return;
  }
  for (const auto& item : it->items()) {
    const std::string& name = item.key();
    const json& t = item.value();
    declared_traces_.insert(name);
    const std::string p = ptr_join("/traces", name);
    if (!ck_.object(t, p,
                    {"format", "file", "files", "id", "label", "statistic", "unit", "period_s", "gaps", "max_gap", "start", "end", "downsample",
                     "upsample", "scale", "shift", "clip_min", "clip_max", "tile", "tile_period", "timestamp_column", "value_column",
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
    src.unit = *parse_trace_unit(ck_.one_of(t, p, "unit", {"requests", "requests/second", "percent", "count"}).value_or("requests"));
    if (auto v = ck_.seconds(t, p, "period_s", kMicrosPerSecond)) src.period = trace_periods_[name] = *v;
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
    only_for({"gaps", "max_gap", "start", "end"}, {"csv", "cloudwatch-get-metric-data", "cloudwatch-get-metric-statistics"});
    for (const char* key : {"start", "end"})
      if (auto v = ck_.string(t, p, key)) {
        if (auto at = parse_iso8601(*v)) (std::string(key) == "start" ? src.export_start : src.export_end) = *at;
        else ck_.fail(ptr_join(p, key), "an ISO 8601 time with a zone from 1970 to 2199 (the window the data was exported for)", describe(t[key]));
      }
    if (format && *format == "azure-llm-csv" && !t.contains("time_zone"))
      ck_.fail(p, "the key 'time_zone': the Azure LLM format's timestamps carry no zone", "an object without it");
    if (auto o = ck_.string(t, p, "origin")) {
      if (auto at = parse_iso8601(*o)) src.origin = *at;
      else ck_.fail(p + "/origin", "an ISO 8601 time with a zone from 1970 to 2199 (the instant of timestamp 0)", describe(t["origin"]));
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
    // A hole longer than max_gap in a trace is an error, not a fill: by default an hour for traces of
    // requests (they drive demand: a missing page must not read as an hour of silence), none for gauges.
    if (src.unit == TraceUnit::Requests || src.unit == TraceUnit::RequestsPerSecond) src.max_gap = kDefaultMaxGap;
    if (auto mg = t.find("max_gap"); mg != t.end()) {
      if (mg->is_string() && mg->get<std::string>() == "none") src.max_gap.reset();
      else if (auto d = ck_.duration(t, p, "max_gap")) src.max_gap = *d;
    }
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
    SimDuration tile_period = 0;
    if (t.contains("tile_period")) {
      if (!tile) ck_.fail(p + "/tile_period", "tile_period only with \"tile\": true", "a trace that is not tiled");
      if (auto d = ck_.duration(t, p, "tile_period")) tile_period = *d;
    }
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
        sc_.traces.emplace(name, TraceInput{std::move(trace), tile, tile_period, std::nullopt});
      } catch (const Error& e) {
        ck_.fail_message(p + "/generator", e.what());
      }
      continue;
    }
    bool confined = true;
    for (const auto& [f, fp] : files) {
      if (auto in = input_file(f, fp)) src.files.push_back(*in);
      else confined = false;
    }
    if (!confined) continue;
    try {
      TraceRead read = read_trace(src);
      Trace trace = resample(read.trace, rs, read.warnings);
      for (auto& w : read.warnings) sc_.warnings.push_back(std::move(w));
      // The window must be covered (or tiled): found now rather than when a run starts.
      align_to_window(trace, {sc_.simulation.start, sc_.simulation.period, sc_.simulation.periods(), tile, tile_period});
      // A tiled trace says where the window falls in it and whether weekdays line up.
      const UtcTime window_end = sc_.simulation.start + std::chrono::microseconds{sc_.simulation.duration};
      if (tile && (sc_.simulation.start < trace.start || window_end > trace.end()))
        sc_.warnings.push_back(describe_tiling(trace, tile_period, sc_.simulation.start));
      sc_.traces.emplace(name, TraceInput{std::move(trace), tile, tile_period, std::move(read.requests)});
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
      else ck_.fail(ptr_join(p, k), "an ISO 8601 time with a zone from 1970 to 2199", describe(g[k]));
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
  if (!ck_.object(c, p, {"builtin", "files", "price_overrides", "zones", "zone_ids", "savings_plan_rates"})) return;
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
      std::string source = sc_.catalog.source();
      for (std::size_t i = 0; i < fs->size(); ++i) {
        const json& f = (*fs)[i];
        if (!f.is_string()) {
          ck_.fail(ptr_join(p + "/files", i), "a file path", describe(f));
          continue;
        }
        const auto in = input_file(f.get<std::string>(), ptr_join(p + "/files", i));
        if (!in) continue;
        const std::string& display = in->display;
        try {
          std::size_t replaced = 0, added = 0;
          for (auto& t : read_catalog_file(in->path, display)) (sc_.catalog.upsert(std::move(t)) ? replaced : added)++;
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
                   "pool_events", "shortages", "spot_pool_capacity", "spot_price_history", "availability", "capacity_reservations"}))
    return;
  MarketSpec& spec = sc_.market;
  if (auto cr = m.find("capacity_reservations"); cr != m.end()) parse_capacity_reservations(*cr);
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
          else if (auto in = input_file((*fs)[i].get<std::string>(), ptr_join(hp + "/files", i))) files.push_back(*in);
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
        if (!ck_.object(e, ep, {"instance_type", "zone", "file", "values", "tile"}, {"instance_type", "zone", "file", "values"})) continue;
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
        const bool tile = ck_.boolean(e, ep, "tile").value_or(false);
        if (ck_.errors() != before || !meaning || !file) continue;
        const AvailabilityMeaning am = *meaning == "available_count" ? AvailabilityMeaning::AvailableCount
                                       : *meaning == "preempted_flag" ? AvailabilityMeaning::PreemptedFlag
                                                                      : AvailabilityMeaning::AvailableFlag;
        try {
          const auto in = input_file(*file, ep + "/file");
          if (!in) continue;
          pa.trace = read_availability_trace(in->path, in->display, am);
          // Past its end a trace would hold its last value for the rest of the window: a recording
          // that stops is no evidence the pool stays as it was, so it must cover the window or repeat.
          const SimDuration length = pa.trace.gap * static_cast<SimDuration>(pa.trace.data.size());
          if (simulation_ok_ && !tile && length < sc_.simulation.duration) {
            auto span = [](SimDuration d) {
              const double s = to_seconds(d);
              return s >= 3600 ? fmt::format("{:.4g} h ({:g} s)", s / 3600, s)
                               : s >= 60 ? fmt::format("{:.4g} min ({:g} s)", s / 60, s) : fmt::format("{:g} s", s);
            };
            ck_.fail(ep + "/file",
                     fmt::format("an availability trace at least as long as the simulation window, {}, or \"tile\": true to repeat it",
                                 span(sc_.simulation.duration)),
                     fmt::format("{}: {} values every {:g} s, {}", in->display, pa.trace.data.size(), to_seconds(pa.trace.gap),
                                 span(length)));
            continue;
          }
          if (tile) pa.trace.tile_to_cover(simulation_ok_ ? sc_.simulation.duration : length);
          spec.availability.push_back(std::move(pa));
        } catch (const TraceError& err) {
          ck_.fail_message(ep + "/file", err.what());
        }
      }
    }
  }
}

}  // namespace capsim::io::detail

namespace capsim::io::detail {

void Loader::parse_uncertainty(const json& root) {
  auto it = root.find("uncertainty");
  if (it == root.end()) return;
  const std::string p = "/uncertainty";
  const json& u = *it;
  if (!ck_.object(u, p, {"demand_scale", "demand_monthly_factor", "daily_peak_shift_s", "node_latency_factor", "startup_latency_factor",
                         "spot_price_factor", "interruption_rate_in_bucket", "shortages_per_month"}))
    return;
  UncertaintySpec& w = sc_.uncertainty;
  w.demand_scale = ck_.distribution(u, p, "demand_scale");
  w.demand_monthly_factor = ck_.distribution(u, p, "demand_monthly_factor");
  w.daily_peak_shift_s = ck_.distribution(u, p, "daily_peak_shift_s", true);
  w.node_latency_factor = ck_.distribution(u, p, "node_latency_factor");
  w.startup_latency_factor = ck_.distribution(u, p, "startup_latency_factor");
  // A factor of exactly zero would erase demand or latency: a lognormal, or a constant or range above 0.
  for (const char* k : {"demand_scale", "demand_monthly_factor", "node_latency_factor", "startup_latency_factor", "spot_price_factor"}) {
    const json* d = find_pointer(u, std::string("/") + k);
    if (!d) continue;
    // Read only what the distribution check above accepted: a malformed one is already reported.
    auto field_at_most_zero = [&](const char* dist, const char* key) {
      const json* kind = d->is_object() ? find_pointer(*d, "/dist") : nullptr;
      const json* v = d->is_object() ? find_pointer(*d, std::string("/") + key) : nullptr;
      return kind && kind->is_string() && *kind == dist && v && v->is_number() && v->get<double>() <= 0;
    };
    const bool zero = (d->is_number() && d->get<double>() <= 0) || field_at_most_zero("constant", "value") ||
                      field_at_most_zero("uniform", "min");
    if (zero) ck_.fail(ptr_join(p, k), "a factor above 0 (1 leaves the figure as it is), such as {\"dist\": \"lognormal\", \"median\": 1, "
                                       "\"sigma\": 0.1}",
                       d->is_number() ? describe(*d) : d->dump() + ", which can draw 0");
  }
  MarketUncertainty& m = sc_.market.uncertainty;
  m.spot_price_factor = ck_.distribution(u, p, "spot_price_factor");
  m.shortages_per_month = ck_.distribution(u, p, "shortages_per_month");
  if (m.shortages_per_month && !sc_.market.shortages.duration_s)
    ck_.fail(p + "/shortages_per_month", "market.shortages (its duration_s and remaining_capacity) for how long and how deep a shortage is",
             "a rate of shortages with no shortage described");
  if (auto b = u.find("interruption_rate_in_bucket"); b != u.end()) {
    const std::string bp = p + "/interruption_rate_in_bucket";
    if (b->is_boolean()) {
      m.interruption_rate_in_bucket = b->get<bool>();
    } else if (ck_.object(*b, bp, {"top_bucket_max"}, {})) {
      m.interruption_rate_in_bucket = true;
      if (auto t = ck_.number(*b, bp, "top_bucket_max", Bound::Positive)) {
        if (*t <= kBucketLowerRate[4] || *t >= 1)
          ck_.fail(bp + "/top_bucket_max", "a monthly interruption share above the top bucket's 0.2 and below 1", describe((*b)["top_bucket_max"]));
        else
          m.top_bucket_max_rate = *t;
      }
    }
  }
  // A request log replayed as recorded has its own requests: scaling or moving them is another trace.
  if (w.any_demand())
    if (const json* svcs = find_pointer(root, "/services"); svcs && svcs->is_array())
      for (std::size_t i = 0; i < svcs->size(); ++i)
        if (const json* a = find_pointer((*svcs)[i], "/demand/arrivals"); a && *a == "log")
          ck_.fail(ptr_join(ptr_join("/services", i), "demand") + "/arrivals",
                   "\"poisson\" or \"expected\" arrivals for demand the uncertainty section scales, grows or shifts",
                   "\"log\": a request log replayed as recorded");
}

}  // namespace capsim::io::detail
