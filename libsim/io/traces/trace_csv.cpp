#include "capsim/io/traces/trace_csv.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

// date's from_stream trips GCC 12's -Wmaybe-uninitialized once inlined here (a false positive in the
// library's header, not in this file).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <date/tz.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"

#include "io/text_file.hpp"

namespace capsim::io {

namespace {
// A header is echoed only when it reads as column names: a file that is not a CSV trace at all
// (anyone's file, named by mistake or on purpose) is described, not quoted.
std::string header_shown(const std::vector<std::string_view>& cols) {
  std::string out;
  for (const auto c : cols) {
    const bool name_like = !c.empty() && c.size() <= 64 && std::all_of(c.begin(), c.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.' || ch == ' ' || ch == '\r';
    });
    if (!name_like) return fmt::format("a first line of {} field(s) that does not read as column names", cols.size());
    out += (out.empty() ? "'" : ",") + std::string(c);
  }
  return out + "'";
}

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

TracePoints read_trace_csv(const std::filesystem::path& path, const TraceCsvOptions& opt) {
  const std::string& file = opt.display_file.empty() ? path.string() : opt.display_file;
  const date::time_zone* zone = nullptr;
  if (opt.timestamp_format) {
    if (!opt.time_zone) throw TraceError(file, std::size_t{0}, "a timestamp_format needs a time_zone (for example \"UTC\")");
    try {
      zone = date::locate_zone(*opt.time_zone);
    } catch (const std::exception&) {
      throw TraceError(file, std::size_t{0}, fmt::format("expected an IANA time zone such as \"UTC\" or \"Europe/Paris\", got \"{}\"",
                                                         *opt.time_zone));
    }
  }
  std::ifstream in = detail::open_input_file(path, file);
  std::string line;
  std::size_t lineno = 0;
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
      throw TraceError(file, lineno, fmt::format("expected a header naming columns '{}' and '{}', got {}",
                                                 opt.timestamp_column, opt.value_column, header_shown(cols)));
    break;
  }
  if (ncols == 0) throw TraceError(file, std::max<std::size_t>(lineno, 1), "expected a header row and data rows, got an empty file");

  TracePoints pts;
  pts.file = file;
  auto lines = std::make_shared<std::vector<std::uint32_t>>();
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.find('"') != std::string::npos)
      throw TraceError(file, lineno, "expected plain comma-separated fields, got a quoted field");
    auto cols = split_csv_line(line);
    if (cols.size() != ncols)
      throw TraceError(file, lineno, fmt::format("expected {} fields as in the header, got {}", ncols, cols.size()));
    std::optional<UtcTime> ts;
    if (zone) {
      std::istringstream s{std::string(cols[ts_col])};
      date::local_time<std::chrono::microseconds> local;
      s >> date::parse(*opt.timestamp_format, local);
      if (!s.fail() && (s.peek(), s.eof())) {
        try {
          ts = date::zoned_time<std::chrono::microseconds>(zone, local, date::choose::earliest).get_sys_time();
        } catch (const std::exception&) {
          ts.reset();
        }
      }
      if (!ts)
        throw TraceError(file, lineno, fmt::format("expected a timestamp in the format \"{}\", got '{}'", *opt.timestamp_format,
                                                   cols[ts_col]));
    } else {
      ts = parse_iso8601(cols[ts_col]);
      if (!ts)
        throw TraceError(file, lineno, fmt::format("expected an ISO 8601 timestamp with a zone from 1970 to 2199 (2024-05-10T00:00:00Z), got '{}'",
                                                   cols[ts_col]));
    }
    auto v = parse_number(cols[val_col]);
    if (!v) throw TraceError(file, lineno, fmt::format("expected a finite number in column '{}', got '{}'", opt.value_column, cols[val_col]));
    if (!pts.times.empty()) {
      const UtcTime prev = pts.times.back();
      if (*ts == prev) throw TraceError(file, lineno, fmt::format("duplicate timestamp {}", cols[ts_col]));
      if (*ts < prev)
        throw TraceError(file, lineno, fmt::format("timestamps must increase: {} comes after {}", cols[ts_col], format_utc(prev)));
    }
    pts.times.push_back(*ts);
    pts.values.push_back(*v);
    lines->push_back(static_cast<std::uint32_t>(lineno));
  }
  if (pts.times.empty()) throw TraceError(file, lineno, "expected data rows after the header, got none");
  pts.locate = [lines](std::size_t i) { return SourcePosition{(*lines)[i], {}, {}}; };
  return pts;
}

}  // namespace capsim::io
