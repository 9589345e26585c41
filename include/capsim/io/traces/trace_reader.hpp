#pragma once
// One entry point for every trace format: read the file(s), check them, lay the points on their
// period's grid and apply the scenario's transforms. Used by the scenario loader and `capsim trace`.
#include <optional>
#include <string>
#include <vector>

#include "capsim/io/traces/cloudwatch.hpp"
#include "capsim/trace/known_metrics.hpp"
#include "capsim/trace/regularize.hpp"
#include "capsim/trace/request_log.hpp"
#include "capsim/trace/resample.hpp"
#include "capsim/trace/trace.hpp"

namespace capsim::io {

enum class TraceFormat {
  Csv,                         // timestamp,value with a header (column names and timestamp format mappable)
  CloudWatchMetricData,        // `aws cloudwatch get-metric-data` output
  CloudWatchMetricStatistics,  // `aws cloudwatch get-metric-statistics` output
  AzureLlmCsv,                 // one request per row: TIMESTAMP,ContextTokens,GeneratedTokens (no zone)
  JsonlRequests,               // one request per line: {"timestamp": ms, "input_length", "output_length"}
};

/// "csv", "cloudwatch-get-metric-data", "cloudwatch-get-metric-statistics", "azure-llm-csv",
/// "jsonl-requests".
const char* to_string(TraceFormat f);
std::optional<TraceFormat> parse_trace_format(std::string_view s);
std::optional<TraceUnit> parse_trace_unit(std::string_view s);
/// The CloudWatch units a trace of this unit may carry ("Count" for requests).
std::vector<std::string> cloudwatch_units(TraceUnit u);
/// Statistics that give this unit: a request count is a Count metric's Sum or SampleCount.
bool statistic_fits(TraceUnit u, std::string_view statistic);

struct TraceSource {
  std::string name;
  TraceFormat format = TraceFormat::Csv;
  std::vector<InputFile> files;  // several: pages or consecutive exports, merged
  TraceUnit unit = TraceUnit::Requests;
  SimDuration period = 0;  // the spacing of the points in the files; 0: inferred from them (a warning says so)
  // get-metric-data
  std::optional<std::string> id;
  std::optional<std::string> label;
  // get-metric-statistics (required) and get-metric-data (checked against the unit)
  std::optional<std::string> statistic;
  // csv
  std::string timestamp_column = "timestamp";
  std::string value_column = "value";
  std::optional<std::string> timestamp_format;
  std::optional<std::string> time_zone;  // csv with timestamp_format, and azure-llm-csv (required)
  // jsonl-requests: the instant of timestamp 0 when timestamps are offsets
  std::optional<UtcTime> origin;
  // regularize and transform
  std::optional<GapPolicy> gaps;  // default: zero for requests, hold for gauges
  std::optional<SimDuration> max_gap;  // a longer hole is an error; none: any hole is filled
  std::optional<UtcTime> export_start, export_end;  // the window the data was exported for (missing ends are gaps)
  double scale = 1.0;
  SimDuration shift = 0;
  std::optional<double> clip_min;
  std::optional<double> clip_max;
};

struct TraceRead {
  Trace trace;
  std::optional<RequestLog> requests;  // request-level formats: every request with its tokens
  std::vector<std::string> warnings;  // every merged, filled, dropped or clipped point is counted here
  RegularizeStats stats;
  bool period_inferred = false;
  std::optional<KnownMetric> metric;  // a recognised Container Insights or DCGM metric
};

/// The format a file's name and first bytes suggest: .csv is csv; JSON with MetricDataResults or
/// Datapoints is the matching CloudWatch output. nullopt when unclear.
std::optional<TraceFormat> guess_trace_format(const std::filesystem::path& file);

/// Reads a trace at its own period (no resampling); request-level formats are counted per period. Throws TraceError naming the file and the
/// position (line or JSON pointer), or capsim::Error for settings that don't fit together.
TraceRead read_trace(const TraceSource& source);

}  // namespace capsim::io
