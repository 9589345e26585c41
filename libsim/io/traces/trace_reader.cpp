#include "capsim/io/traces/trace_reader.hpp"

#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/traces/request_log_reader.hpp"
#include "capsim/io/traces/trace_csv.hpp"
#include "capsim/trace/regularize.hpp"
#include "capsim/trace/transform.hpp"

namespace capsim::io {

const char* to_string(TraceFormat f) {
  switch (f) {
    case TraceFormat::Csv: return "csv";
    case TraceFormat::CloudWatchMetricData: return "cloudwatch-get-metric-data";
    case TraceFormat::CloudWatchMetricStatistics: return "cloudwatch-get-metric-statistics";
    case TraceFormat::AzureLlmCsv: return "azure-llm-csv";
    case TraceFormat::JsonlRequests: return "jsonl-requests";
  }
  return "?";
}

std::optional<TraceFormat> parse_trace_format(std::string_view s) {
  if (s == "csv") return TraceFormat::Csv;
  if (s == "cloudwatch-get-metric-data") return TraceFormat::CloudWatchMetricData;
  if (s == "cloudwatch-get-metric-statistics") return TraceFormat::CloudWatchMetricStatistics;
  if (s == "azure-llm-csv") return TraceFormat::AzureLlmCsv;
  if (s == "jsonl-requests") return TraceFormat::JsonlRequests;
  return std::nullopt;
}

std::optional<TraceUnit> parse_trace_unit(std::string_view s) {
  if (s == "requests") return TraceUnit::Requests;
  if (s == "requests/second") return TraceUnit::RequestsPerSecond;
  if (s == "percent") return TraceUnit::Percent;
  if (s == "count") return TraceUnit::Count;
  return std::nullopt;
}

std::vector<std::string> cloudwatch_units(TraceUnit u) {
  switch (u) {
    case TraceUnit::Requests: return {"Count"};
    case TraceUnit::RequestsPerSecond: return {"Count/Second"};
    case TraceUnit::Percent: return {"Percent"};
    case TraceUnit::Count: return {"Count"};
  }
  return {};
}

bool statistic_fits(TraceUnit u, std::string_view s) {
  if (u == TraceUnit::Requests) return s == "Sum" || s == "SampleCount";
  return s != "Sum" && s != "SampleCount";
}

std::optional<TraceFormat> guess_trace_format(const std::filesystem::path& file) {
  if (file.extension() == ".csv") return TraceFormat::Csv;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;  // the reader says why
  std::ifstream in(file, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.find("\"MetricDataResults\"") != std::string::npos) return TraceFormat::CloudWatchMetricData;
  if (head.find("\"Datapoints\"") != std::string::npos) return TraceFormat::CloudWatchMetricStatistics;
  return std::nullopt;
}

namespace {
Trace transformed(Trace t, const TraceSource& src, std::vector<std::string>& warnings) {
  if (src.scale != 1.0) t = scaled(std::move(t), src.scale);
  if (src.shift != 0) t = shifted(std::move(t), src.shift);
  if (src.clip_min || src.clip_max) t = clipped(std::move(t), src.clip_min, src.clip_max, warnings);
  return t;
}

// Request-level files: every request with its tokens, and the count per period for the fluid model.
TraceRead read_request_trace(const TraceSource& src) {
  TraceRead out;
  if (src.unit != TraceUnit::Requests) throw Error("trace '" + src.name + "': a request-level trace measures requests");
  if (src.period <= 0) throw Error("trace '" + src.name + "': a request-level trace needs the period to count requests in");
  RequestLog log;
  for (const auto& f : src.files) {
    RequestLog part;
    if (src.format == TraceFormat::AzureLlmCsv) {
      if (!src.time_zone)
        throw Error("trace '" + src.name + "': the Azure LLM format has no time zone in its timestamps; state it (\"time_zone\")");
      part = read_azure_llm_csv(f.path, f.display, *src.time_zone, out.warnings);
    } else {
      part = read_jsonl_requests(f.path, f.display, src.origin, out.warnings);
    }
    if (log.arrivals.empty()) {
      log = std::move(part);
      continue;
    }
    if (part.arrivals.front() < log.arrivals.back())
      throw TraceError(f.display, std::size_t{1}, "expected files in time order: this one starts before the previous one ends");
    log.arrivals.insert(log.arrivals.end(), part.arrivals.begin(), part.arrivals.end());
    log.input_tokens.insert(log.input_tokens.end(), part.input_tokens.begin(), part.input_tokens.end());
    log.output_tokens.insert(log.output_tokens.end(), part.output_tokens.begin(), part.output_tokens.end());
  }
  log.name = src.name;
  out.trace = transformed(to_count_trace(log, src.period), src, out.warnings);
  out.stats.points_read = log.size();
  out.requests = std::move(log);
  return out;
}
// get-metric-data output carries no Unit, so a count read as a rate (or the other way round) can
// only be doubted from the numbers: a count per period is a whole number, a rate or an average
// rarely is. Said as a warning when at least 20 non-zero values all point the other way.
void doubt_the_unit(const TracePoints& pts, const TraceSource& src, std::vector<std::string>& warnings) {
  if (src.unit != TraceUnit::Requests && src.unit != TraceUnit::RequestsPerSecond) return;
  std::size_t nonzero = 0, whole = 0;
  for (const double v : pts.values) {
    if (v == 0) continue;
    ++nonzero;
    whole += v == std::floor(v) ? 1 : 0;
  }
  if (nonzero < 20) return;
  if (src.unit == TraceUnit::RequestsPerSecond && whole == nonzero)
    warnings.push_back(fmt::format("trace '{}': all {} non-zero values are whole numbers, as counts per period are; a rate per second "
                                   "rarely is. get-metric-data output has no Unit to check: if the query's statistic was Sum or "
                                   "SampleCount, state \"unit\": \"requests\"",
                                   src.name, nonzero));
  if (src.unit == TraceUnit::Requests && whole == 0)
    warnings.push_back(fmt::format("trace '{}': none of its {} non-zero values is a whole number, as a count of requests per period "
                                   "would be. get-metric-data output has no Unit to check: if these are rates or averages, state "
                                   "\"unit\": \"requests/second\" (or use the Sum statistic)",
                                   src.name, nonzero));
}
}  // namespace

TraceRead read_trace(const TraceSource& src) {
  TraceRead out;
  if (src.files.empty()) throw Error("trace '" + src.name + "': no file");
  if (src.format == TraceFormat::AzureLlmCsv || src.format == TraceFormat::JsonlRequests) return read_request_trace(src);
  TracePoints pts;
  switch (src.format) {
    case TraceFormat::Csv: {
      for (const auto& f : src.files) {
        TraceCsvOptions o;
        o.display_file = f.display;
        o.timestamp_column = src.timestamp_column;
        o.value_column = src.value_column;
        o.timestamp_format = src.timestamp_format;
        o.time_zone = src.time_zone;
        TracePoints p = read_trace_csv(f.path, o);
        if (pts.times.empty()) {
          pts = std::move(p);
          continue;
        }
        // Consecutive exports: keep each file's own positions for messages.
        const std::size_t offset = pts.times.size();
        auto before = pts.locate;
        auto after = p.locate;
        const std::string file = f.display, first_file = pts.file;
        pts.times.insert(pts.times.end(), p.times.begin(), p.times.end());
        pts.values.insert(pts.values.end(), p.values.begin(), p.values.end());
        pts.locate = [=](std::size_t i) {
          if (i < offset) {
            SourcePosition s = before(i);
            if (s.file.empty()) s.file = first_file;
            return s;
          }
          SourcePosition s = after(i - offset);
          s.file = file;
          return s;
        };
      }
      break;
    }
    case TraceFormat::CloudWatchMetricData:
      pts = read_get_metric_data(src.files, {src.id, src.label}, out.warnings);
      doubt_the_unit(pts, src, out.warnings);
      break;
    case TraceFormat::CloudWatchMetricStatistics:
      if (!src.statistic) throw Error("trace '" + src.name + "': get-metric-statistics output needs the statistic to read");
      pts = read_get_metric_statistics(src.files, *src.statistic, cloudwatch_units(src.unit), out.warnings);
      break;
    case TraceFormat::AzureLlmCsv:
    case TraceFormat::JsonlRequests:
      break;  // handled above
  }
  // A recognised GPU metric says what it measures; the stated unit has to agree.
  if (auto m = find_known_metric(pts.metric)) {
    out.metric = m;
    const char* need = m->measure == MetricMeasure::Percent ? "percent" : nullptr;
    if (m->measure != MetricMeasure::Percent)
      throw TraceError(pts.file, std::string(),
                       fmt::format("expected a demand or utilization metric, got {} ({} metric: {}), which capsim cannot use as a trace",
                                   m->name, m->family, m->meaning));
    if (src.unit != TraceUnit::Percent)
      throw TraceError(pts.file, std::string(),
                       fmt::format("expected \"unit\": \"{}\" for {} ({} metric: {}), got unit {}", need, m->name, m->family,
                                   m->meaning, to_string(src.unit)));
  }
  RegularizeOptions ro;
  ro.name = src.name;
  ro.period = src.period;
  if (ro.period != 0 && pts.size() >= 2) {
    // A period that disagrees with the points' own spacing puts every total in the wrong slot (a
    // 5-minute total read as a minute's): the declared period must be the spacing of the data.
    const SimDuration spacing = infer_period(pts);
    // (A point off the declared grid is reported where it is, by regularize.)
    if (spacing > ro.period && spacing % ro.period == 0)
      throw TraceError(pts.file, std::size_t{0},
                       fmt::format("expected points {:g} s apart (the trace's period_s), got points {:g} s apart: state \"period_s\": {:g} "
                                   "(capsim resamples to the simulation's period)",
                                   to_seconds(ro.period), to_seconds(spacing), to_seconds(spacing)));
  }
  if (ro.period == 0) {
    ro.period = infer_period(pts);
    if (ro.period == 0) throw TraceError(pts.file, std::size_t{0}, "cannot infer the period from fewer than two timestamps; state it");
    out.period_inferred = true;
    out.warnings.push_back(fmt::format("trace '{}': period inferred from the data: {} s", src.name, to_seconds(ro.period)));
  }
  ro.unit = src.unit;
  // CloudWatch leaves out periods without data: for requests (a count or a rate) that means none came,
  // so the gap is zero; a gauge (a utilization, a queue depth) holds its last value.
  const bool demand = src.unit == TraceUnit::Requests || src.unit == TraceUnit::RequestsPerSecond;
  ro.gaps = src.gaps.value_or(demand ? GapPolicy::Zero : GapPolicy::Hold);
  ro.max_gap = src.max_gap;
  ro.export_start = src.export_start;
  ro.export_end = src.export_end;
  Trace t = regularize(pts, ro, out.warnings, &out.stats);
  pts = {};  // the raw points can be large; release them before the copies below
  t.file = src.files.size() == 1 ? src.files[0].display : fmt::format("{} (+{} files)", src.files[0].display, src.files.size() - 1);
  out.trace = transformed(std::move(t), src, out.warnings);
  return out;
}

}  // namespace capsim::io
