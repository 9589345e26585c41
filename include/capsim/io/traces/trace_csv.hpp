#pragma once
// Timestamped values from a CSV with a header row and a column mapping.
#include <filesystem>
#include <optional>
#include <string>

#include "capsim/trace/trace.hpp"

namespace capsim::io {

struct TraceCsvOptions {
  std::string display_file;                 // the path as written in the scenario (for messages)
  std::string timestamp_column = "timestamp";
  std::string value_column = "value";
  /// A strftime-style format (date library) for timestamps without a zone, e.g. "%Y-%m-%d %H:%M";
  /// unset: ISO 8601 with Z or an offset.
  std::optional<std::string> timestamp_format;
  /// The IANA zone ("UTC", "America/New_York") that zone-less timestamps are in; needed with
  /// timestamp_format.
  std::optional<std::string> time_zone;
};

/// Rows must be in time order without repeats. Throws TraceError (file and line) for a missing or
/// empty file, a missing column, a bad timestamp or value, and rows out of order or repeated.
TracePoints read_trace_csv(const std::filesystem::path& path, const TraceCsvOptions& opt);

}  // namespace capsim::io
