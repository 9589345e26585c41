#include "capsim/io/trace_csv.hpp"

#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"

namespace capsim::io {

namespace {
std::vector<std::string_view> split_csv_line(std::string_view line) {
  // The traces we read have no quoted fields; a quote is reported rather than misread.
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      std::string_view f = line.substr(start, i - start);
      while (!f.empty() && (f.back() == '\r' || f.back() == ' ')) f.remove_suffix(1);
      while (!f.empty() && f.front() == ' ') f.remove_prefix(1);
      out.push_back(f);
      start = i + 1;
    }
  }
  return out;
}
}  // namespace

Trace read_trace_csv(const std::filesystem::path& path, const TraceCsvOptions& opt) {
  const std::string& file = opt.display_file.empty() ? path.string() : opt.display_file;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(file, 0, "cannot open the trace file (expected a CSV with a header row)");
  std::string line;
  std::size_t lineno = 0;
  // Header.
  std::size_t ts_col = SIZE_MAX, val_col = SIZE_MAX, ncols = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto cols = split_csv_line(line);
    ncols = cols.size();
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (cols[i] == opt.timestamp_column) ts_col = i;
      if (cols[i] == opt.value_column) val_col = i;
    }
    if (ts_col == SIZE_MAX || val_col == SIZE_MAX)
      throw TraceError(file, lineno, fmt::format("expected a header naming columns '{}' and '{}', got '{}'",
                                                 opt.timestamp_column, opt.value_column, line));
    break;
  }
  if (ncols == 0) throw TraceError(file, lineno, "expected a header row and data rows, got an empty file");

  Trace t;
  t.name = opt.name;
  t.file = file;
  t.period = opt.period;
  UtcTime prev{};
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.find('"') != std::string::npos)
      throw TraceError(file, lineno, "expected plain comma-separated fields, got a quoted field");
    auto cols = split_csv_line(line);
    if (cols.size() != ncols)
      throw TraceError(file, lineno, fmt::format("expected {} fields as in the header, got {}", ncols, cols.size()));
    auto ts = parse_iso8601(cols[ts_col]);
    if (!ts)
      throw TraceError(file, lineno, fmt::format("expected an ISO 8601 timestamp with a zone (2024-05-10T00:00:00Z), got '{}'", cols[ts_col]));
    auto v = parse_number(cols[val_col]);
    if (!v) throw TraceError(file, lineno, fmt::format("expected a finite number in column '{}', got '{}'", opt.value_column, cols[val_col]));
    if (*v < 0) throw TraceError(file, lineno, fmt::format("expected a request count >= 0, got {}", cols[val_col]));
    if (t.values.empty()) {
      t.start = *ts;
    } else {
      if (*ts == prev) throw TraceError(file, lineno, fmt::format("duplicate timestamp {}", cols[ts_col]));
      if (*ts < prev)
        throw TraceError(file, lineno, fmt::format("timestamps must increase: {} comes after {}", cols[ts_col], format_utc(prev)));
      const SimDuration step = (*ts - prev).count();
      if (step != t.period) {
        if (step % t.period == 0)
          throw TraceError(file, lineno, fmt::format("expected a row every {} s, got a gap of {} missing points after {}",
                                                     to_seconds(t.period), step / t.period - 1, format_utc(prev)));
        throw TraceError(file, lineno, fmt::format("expected a timestamp on the {} s grid ({}), got {}", to_seconds(t.period),
                                                   format_utc(prev + std::chrono::microseconds{t.period}), cols[ts_col]));
      }
    }
    prev = *ts;
    t.values.push_back(*v);
  }
  if (t.values.empty()) throw TraceError(file, lineno, "expected data rows after the header, got none");
  return t;
}

}  // namespace capsim::io
