#include "capsim/io/cost/daily_spend.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <date/date.h>
#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/text_file.hpp"

namespace capsim::io {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<date::sys_days> parse_day(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  y = std::stoi(std::string(text.substr(0, 4)));
  m = static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))));
  d = static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2))));
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok() || y < kFirstYear || y > kLastYear) return std::nullopt;
  return date::sys_days{ymd};
}

}  // namespace

// One CSV record's fields, quotes removed (FOCUS files quote their Tags JSON).
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

// A FOCUS export: BilledCost summed by the UTC day of ChargePeriodStart; days between the first and
// the last without a row spent nothing.
DailySpend parse_focus_spend(std::string_view text, const std::string& display, const std::vector<std::string>& header) {
  const auto col = [&](const char* name) { return std::find(header.begin(), header.end(), name) - header.begin(); };
  const auto start_col = static_cast<std::size_t>(col("ChargePeriodStart")), cost_col = static_cast<std::size_t>(col("BilledCost"));
  std::map<date::sys_days, double> by_day;
  std::size_t pos = text.find('\n'), lineno = 1;
  while (pos != std::string_view::npos && pos + 1 < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos + 1), text.size());
    const std::string_view line = text.substr(pos + 1, end - pos - 1);
    pos = end == text.size() ? std::string_view::npos : end;
    ++lineno;
    if (trim(line).empty()) continue;
    const std::vector<std::string> f = csv_fields(line);
    if (f.size() != header.size())
      throw TraceError(display, lineno, fmt::format("expected {} fields as the header has, got {}", header.size(), f.size()));
    const auto at = parse_iso8601(f[start_col]);
    if (!at) throw TraceError(display, lineno, fmt::format("expected ChargePeriodStart as an ISO 8601 instant, got '{}'", f[start_col]));
    const auto usd = parse_number(f[cost_col]);
    if (!usd) throw TraceError(display, lineno, fmt::format("expected BilledCost as a number, got '{}'", f[cost_col]));
    by_day[date::floor<date::days>(*at)] += *usd;
  }
  if (by_day.empty()) throw TraceError(display, lineno, "expected at least one FOCUS row after the header, got none");
  DailySpend out;
  out.first_day = UtcTime{by_day.begin()->first};
  for (date::sys_days d = by_day.begin()->first; d <= by_day.rbegin()->first; d += date::days{1}) {
    auto it = by_day.find(d);
    out.usd.push_back(it == by_day.end() ? 0.0 : it->second);
  }
  return out;
}

DailySpend parse_daily_spend(std::string_view text, const std::string& display) {
  {
    // A FOCUS file is known by its columns.
    const std::string_view first = text.substr(0, text.find('\n'));
    const std::vector<std::string> header = csv_fields(first);
    if (std::find(header.begin(), header.end(), "BilledCost") != header.end() &&
        std::find(header.begin(), header.end(), "ChargePeriodStart") != header.end())
      return parse_focus_spend(text, display, header);
  }
  DailySpend out;
  std::size_t lineno = 0, pos = 0;
  bool header = false;
  date::sys_days previous{};
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++lineno;
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    if (!header) {
      if (line != "date,usd") throw TraceError(display, lineno, fmt::format("expected the header 'date,usd', got '{}'", line));
      header = true;
      continue;
    }
    const std::size_t comma = line.find(',');
    if (comma == std::string_view::npos || line.find(',', comma + 1) != std::string_view::npos)
      throw TraceError(display, lineno, fmt::format("expected two fields 'YYYY-MM-DD,amount', got '{}'", line));
    const auto day = parse_day(trim(line.substr(0, comma)));
    if (!day) throw TraceError(display, lineno, fmt::format("expected a UTC date YYYY-MM-DD, got '{}'", trim(line.substr(0, comma))));
    const auto usd = parse_number(trim(line.substr(comma + 1)));
    if (!usd || *usd < 0)
      throw TraceError(display, lineno, fmt::format("expected the day's spend in USD, a number >= 0, got '{}'", trim(line.substr(comma + 1))));
    if (out.usd.empty()) {
      out.first_day = UtcTime{*day};
    } else if (*day != previous + date::days{1}) {
      throw TraceError(display, lineno,
                       fmt::format("expected the day after {} (one row per day, oldest first, none missing), got {}",
                                   format_utc(UtcTime{previous}).substr(0, 10), format_utc(UtcTime{*day}).substr(0, 10)));
    }
    previous = *day;
    out.usd.push_back(*usd);
    if (end == text.size()) break;
  }
  if (!header) throw TraceError(display, 1, "expected the header 'date,usd', got an empty file");
  if (out.usd.empty()) throw TraceError(display, lineno, "expected at least one day of spend after the header, got none");
  return out;
}

DailySpend read_daily_spend(const std::filesystem::path& path, const std::string& display) {
  std::ifstream in = detail::open_input_file(path, display);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_daily_spend(text.str(), display);
}

}  // namespace capsim::io
