#pragma once
// The trace model: what a trace measures, the points read from a file, and the regular series the
// simulation replays.
#include <functional>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

/// What a trace's values measure.
enum class TraceUnit {
  Requests,           // a count per period (CloudWatch: a Count metric's Sum)
  RequestsPerSecond,  // a rate (CloudWatch: Count/Second)
  Percent,            // a utilization, 0-100 (CloudWatch: Percent)
  Count,              // a level such as a queue depth (CloudWatch: a Count metric's Average or Maximum)
};

/// Counts add up when periods merge and split when they divide; gauges average or hold.
enum class TraceKind { Count, Gauge };

inline TraceKind kind_of(TraceUnit u) { return u == TraceUnit::Requests ? TraceKind::Count : TraceKind::Gauge; }
const char* to_string(TraceUnit u);

/// The most points one regular series may hold (a year at 5-second resolution is 6.3 million): a
/// longer grid is refused before it is allocated, with the span and period in the message.
inline constexpr std::uint64_t kMaxTracePoints = 10'000'000;

/// A regular series: one value per period from `start`.
struct Trace {
  std::string name;
  UtcTime start{};         // timestamp of values[0] (the start of its period)
  SimDuration period = 0;  // spacing of the values
  std::vector<double> values;
  TraceUnit unit = TraceUnit::Requests;
  std::string file;  // where it was read from, as written in the scenario (for messages)

  TraceKind kind() const { return kind_of(unit); }
  UtcTime end() const { return start + std::chrono::microseconds{period * static_cast<SimDuration>(values.size())}; }
};

/// Where a point is written in its file: a 1-based line (CSV) or a JSON pointer.
struct SourcePosition {
  std::size_t line = 0;
  std::string pointer;
  std::string file;  // when the points come from several files; else TracePoints::file
};

/// Timestamped values as read from a file, in file order, before they become a regular series.
struct TracePoints {
  std::vector<UtcTime> times;
  std::vector<double> values;
  /// Where point i is written (line 12, /MetricDataResults/0/Timestamps/17), for messages.
  std::function<SourcePosition(std::size_t)> locate;
  std::string file;    // for messages
  std::string metric;  // the metric's name when the file says it (a CloudWatch Label)

  std::size_t size() const { return times.size(); }
};

}  // namespace capsim
