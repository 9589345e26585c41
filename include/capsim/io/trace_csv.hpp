#pragma once
// Reads a regular demand series from a CSV with a header row (`timestamp,value` by default).
#include <filesystem>
#include <string>

#include "capsim/trace/trace.hpp"

namespace capsim::io {

struct TraceCsvOptions {
  std::string name;                        // the trace's name in the scenario
  std::string display_file;                // the path as written in the scenario (for messages)
  std::string timestamp_column = "timestamp";
  std::string value_column = "value";
  SimDuration period = 0;                  // required spacing of the rows
};

/// Throws TraceError (file and line) for a missing or empty file, a missing column, a bad timestamp
/// or value, negative counts, duplicate or unsorted timestamps, and rows off the stated period.
Trace read_trace_csv(const std::filesystem::path& path, const TraceCsvOptions& opt);

}  // namespace capsim::io
