#include "capsim/io/traces/request_log_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include <date/tz.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"

#include "io/text_file.hpp"

namespace capsim::io {

namespace {

/// Puts the log in time order (stable), counting the rows that were out of order.
void sort_log(RequestLog& log, std::vector<std::string>& warnings) {
  std::size_t out_of_order = 0;
  for (std::size_t i = 1; i < log.arrivals.size(); ++i)
    if (log.arrivals[i] < log.arrivals[i - 1]) ++out_of_order;
  if (out_of_order == 0) return;
  std::vector<std::size_t> idx(log.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return log.arrivals[a] < log.arrivals[b]; });
  RequestLog sorted;
  sorted.name = log.name;
  sorted.file = log.file;
  for (std::size_t i : idx) {
    sorted.arrivals.push_back(log.arrivals[i]);
    sorted.input_tokens.push_back(log.input_tokens[i]);
    sorted.output_tokens.push_back(log.output_tokens[i]);
  }
  log = std::move(sorted);
  warnings.push_back(fmt::format("request log '{}' ({}): {} request(s) were out of time order and were sorted", log.name, log.file,
                                 out_of_order));
}

double token_count(std::string_view text, const std::string& file, std::size_t line, const char* column) {
  auto v = parse_number(text);
  if (!v || *v < 0 || std::floor(*v) != *v)
    throw TraceError(file, line, fmt::format("expected a whole number of tokens >= 0 in column '{}', got '{}'", column, text));
  return *v;
}

}  // namespace

RequestLog read_azure_llm_csv(const std::filesystem::path& path, const std::string& display, const std::string& time_zone,
                              std::vector<std::string>& warnings) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(time_zone);
  } catch (const std::exception&) {
    throw TraceError(display, std::size_t{0}, fmt::format("expected an IANA time zone such as \"UTC\", got \"{}\"", time_zone));
  }
  std::ifstream in = detail::open_input_file(path, display);
  RequestLog log;
  log.file = display;
  std::string line;
  std::size_t lineno = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!header) {
      if (line != "TIMESTAMP,ContextTokens,GeneratedTokens")
        throw TraceError(display, lineno, fmt::format("expected the header TIMESTAMP,ContextTokens,GeneratedTokens, got '{}'", line));
      header = true;
      continue;
    }
    const auto c1 = line.find(','), c2 = line.find(',', c1 == std::string::npos ? c1 : c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos || line.find(',', c2 + 1) != std::string::npos)
      throw TraceError(display, lineno, fmt::format("expected 3 fields, got '{}'", line));
    // The timestamps carry no zone: read them as if UTC, then place that wall time in the zone.
    auto as_utc = parse_iso8601(line.substr(0, c1) + "Z");
    if (!as_utc)
      throw TraceError(display, lineno, fmt::format("expected a timestamp like 2023-11-16 18:17:03.9799600, got '{}'", line.substr(0, c1)));
    UtcTime t = *as_utc;
    if (time_zone != "UTC") {
      const date::local_time<std::chrono::microseconds> local{as_utc->time_since_epoch()};
      t = date::zoned_time<std::chrono::microseconds>(zone, local, date::choose::earliest).get_sys_time();
    }
    log.arrivals.push_back(t);
    log.input_tokens.push_back(token_count(std::string_view(line).substr(c1 + 1, c2 - c1 - 1), display, lineno, "ContextTokens"));
    log.output_tokens.push_back(token_count(std::string_view(line).substr(c2 + 1), display, lineno, "GeneratedTokens"));
  }
  if (!header) throw TraceError(display, std::max<std::size_t>(lineno, 1), "expected the header TIMESTAMP,ContextTokens,GeneratedTokens, got an empty file");
  if (log.arrivals.empty()) throw TraceError(display, lineno, "expected request rows after the header, got none");
  sort_log(log, warnings);
  return log;
}

RequestLog read_jsonl_requests(const std::filesystem::path& path, const std::string& display, std::optional<UtcTime> origin,
                               std::vector<std::string>& warnings) {
  std::ifstream in = detail::open_input_file(path, display);
  RequestLog log;
  log.file = display;
  std::string line;
  std::size_t lineno = 0;
  const UtcTime base = origin.value_or(UtcTime{});
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw TraceError(display, lineno, fmt::format("expected one JSON object per line, got invalid JSON ({})", detail::json_syntax_error(e.what())));
    }
    auto field = [&](const char* key) -> double {
      auto it = j.find(key);
      if (!j.is_object() || it == j.end() || !it->is_number() || it->get<double>() < 0)
        throw TraceError(display, lineno, fmt::format("expected \"{}\" as a number >= 0", key));
      return it->get<double>();
    };
    const double ms = field("timestamp");
    // 1e13 ms is past 2199 (the last year inputs may use); checked first so the sum cannot overflow.
    if (ms > 1e13) throw TraceError(display, lineno, fmt::format("expected \"timestamp\" in milliseconds before the year {}, got {:g}", kLastYear + 1, ms));
    log.arrivals.push_back(base + std::chrono::microseconds{static_cast<std::int64_t>(std::llround(ms * 1000.0))});
    log.input_tokens.push_back(field("input_length"));
    log.output_tokens.push_back(field("output_length"));
  }
  if (log.arrivals.empty()) throw TraceError(display, std::max<std::size_t>(lineno, 1), "expected one request per line, got none");
  sort_log(log, warnings);
  return log;
}

}  // namespace capsim::io
