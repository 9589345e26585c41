#include "capsim/io/market/availability_trace_reader.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "io/text_file.hpp"
#include "io/json/json_checker.hpp"

namespace capsim::io {

using nlohmann::json;

namespace {

constexpr const char* kShape = "an availability trace: {\"metadata\": {\"gap_seconds\": N}, \"data\": [...]}";
// Beyond this a gap is a unit mistake (milliseconds given as seconds), and its microseconds would
// overflow a SimDuration long before any simulation ended.
constexpr double kMaxGapSeconds = 1e9;

std::string keys_of(const json& obj) {
  if (obj.empty()) return "an empty object";
  std::string s = "an object with keys ";
  bool first = true;
  for (const auto& [k, _] : obj.items()) {
    s += (first ? "" : ", ") + k;
    first = false;
  }
  return s;
}

// Whole numbers only; pandas and numpy dumps write counts as 3.0, which are still counts.
std::optional<long long> as_integer(const json& v) {
  if (v.is_number_unsigned()) return static_cast<long long>(std::min<unsigned long long>(v.get<unsigned long long>(), LLONG_MAX));
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<long long>(d);
  }
  return std::nullopt;
}

}  // namespace

AvailabilityTrace read_availability_trace(const std::filesystem::path& path, const std::string& display, AvailabilityMeaning meaning) {
  std::ifstream in = detail::open_input_file(path, display);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    auto [line, col] = detail::line_column(text, e.byte);
    throw TraceError(display, line, fmt::format("column {}: expected valid JSON ({}), got {}", col, kShape, detail::json_syntax_error(e.what())));
  } catch (const json::exception& e) {  // a number too large for any type
    throw TraceError(display, std::size_t{0}, fmt::format("expected valid JSON ({}), got {}", kShape, detail::json_syntax_error(e.what())));
  }
  if (!doc.is_object()) throw TraceError(display, std::string(), fmt::format("expected {}, got {}", kShape, detail::describe(doc)));

  auto meta = doc.find("metadata");
  if (meta == doc.end())
    throw TraceError(display, std::string(), fmt::format("expected the key metadata ({}), got {}", kShape, keys_of(doc)));
  if (!meta->is_object())
    throw TraceError(display, "/metadata", "expected an object holding gap_seconds, got " + detail::describe(*meta));
  auto gap = meta->find("gap_seconds");
  if (gap == meta->end())
    throw TraceError(display, "/metadata",
                     "expected the key gap_seconds (seconds between values, a number > 0), got " + keys_of(*meta));
  if (!gap->is_number() || !(gap->get<double>() > 0))
    throw TraceError(display, "/metadata/gap_seconds", "expected a number of seconds > 0, got " + detail::describe(*gap));
  if (gap->get<double>() > kMaxGapSeconds)
    throw TraceError(display, "/metadata/gap_seconds",
                     fmt::format("expected a number of seconds up to {:g}, got {}", kMaxGapSeconds, detail::describe(*gap)));
  // Below half a microsecond the gap rounds to zero and every value would fall on the start.
  if (seconds(gap->get<double>()) < 1)
    throw TraceError(display, "/metadata/gap_seconds",
                     "expected a number of seconds of at least a microsecond, got " + detail::describe(*gap));

  auto data = doc.find("data");
  if (data == doc.end())
    throw TraceError(display, std::string(), fmt::format("expected the key data (an array of integers), got {}", keys_of(doc)));
  if (!data->is_array()) throw TraceError(display, "/data", "expected an array of integers, got " + detail::describe(*data));
  if (data->empty()) throw TraceError(display, "/data", "expected at least one value, got an empty array");

  AvailabilityTrace trace;
  trace.gap = seconds(gap->get<double>());
  trace.meaning = meaning;
  trace.data.reserve(data->size());
  for (std::size_t i = 0; i < data->size(); ++i) {
    const json& v = (*data)[i];
    const std::string at = detail::ptr_join("/data", i);
    const auto n = as_integer(v);
    if (!n) throw TraceError(display, at, "expected an integer, got " + detail::describe(v));
    switch (meaning) {
      case AvailabilityMeaning::AvailableCount:
        if (*n < 0) throw TraceError(display, at, fmt::format("expected a count >= 0 (instances the pool can supply), got {}", v.dump()));
        if (*n > INT_MAX) throw TraceError(display, at, fmt::format("expected a count up to {}, got {}", INT_MAX, v.dump()));
        break;
      case AvailabilityMeaning::PreemptedFlag:
        if (*n != 0 && *n != 1) throw TraceError(display, at, fmt::format("expected 0 or 1 (1: preempted, 0: available), got {}", v.dump()));
        break;
      case AvailabilityMeaning::AvailableFlag:
        if (*n != 0 && *n != 1) throw TraceError(display, at, fmt::format("expected 0 or 1 (1: available, 0: not), got {}", v.dump()));
        break;
    }
    trace.data.push_back(static_cast<int>(*n));
  }
  return trace;
}

}  // namespace capsim::io
