#pragma once
// CloudWatch exports as the AWS CLI prints them: `aws cloudwatch get-metric-data` and
// `aws cloudwatch get-metric-statistics`. Neither says what the numbers measure the way a scenario
// needs, so the caller states the unit, period and statistic and these readers check what they can.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "capsim/trace/trace.hpp"

namespace capsim::io {

/// A file to read and the name to show for it in messages.
struct InputFile {
  std::filesystem::path path;
  std::string display;
};

/// Which query's results to take from get-metric-data output; with neither set, the output must
/// hold exactly one query.
struct MetricDataSelection {
  std::optional<std::string> id;
  std::optional<std::string> label;
};

/// The points of one query from one or more get-metric-data output files: pages of the same query
/// (NextToken), or one file in which the CLI's auto-pagination repeated the query's Id. Results are
/// newest first unless the query asked otherwise; the order does not matter here. StatusCode
/// PartialData and every message become warnings; InternalError and Forbidden are errors.
TracePoints read_get_metric_data(const std::vector<InputFile>& files, const MetricDataSelection& selection,
                                 std::vector<std::string>& warnings);

/// The points of one statistic ("Sum", "Average", "Maximum", "Minimum", "SampleCount", or an
/// extended statistic such as "p99") from get-metric-statistics output files. Each datapoint's
/// Unit must be one of `units` (empty: any); a datapoint without the statistic is an error.
/// The statistics a get-metric-statistics export holds (the keys of its datapoints, basic and
/// extended), in the order they first appear; empty when it has no datapoints.
std::vector<std::string> get_metric_statistics_held(const InputFile& file);

TracePoints read_get_metric_statistics(const std::vector<InputFile>& files, const std::string& statistic,
                                       const std::vector<std::string>& units, std::vector<std::string>& warnings);

/// get-metric-data output for a trace (one result, newest first, as the CLI prints it).
std::string to_get_metric_data_json(const Trace& trace, const std::string& id, const std::string& label);

}  // namespace capsim::io
