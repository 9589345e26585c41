#pragma once
// Simulated time: an integer count of microseconds since the scenario start. Integers, not doubles,
// so a 30-day run does not drift and a 2 ms latency is not rounded away.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace capsim {

using SimTime = std::int64_t;      // microseconds since the scenario start
using SimDuration = std::int64_t;  // microseconds

inline constexpr SimDuration kMicrosPerSecond = 1'000'000;
inline constexpr SimDuration kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr SimDuration kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr SimTime kTimeMax = INT64_MAX;

// The range inputs may use (documented in the README): instants from 1970 to the end of 2199 and
// durations up to 100 years, at microsecond resolution. int64 microseconds reach ±292,000 years, so
// any sum of an instant and a duration in range stays exact; values outside are input errors.
inline constexpr int kFirstYear = 1970;
inline constexpr int kLastYear = 2199;
inline constexpr double kMaxDurationSeconds = 100 * 365.25 * 86400;

/// Seconds (possibly fractional) to SimTime, rounded to the nearest microsecond.
constexpr SimDuration seconds(double s) { return static_cast<SimDuration>(std::llround(s * 1e6)); }
constexpr SimDuration minutes(double m) { return seconds(m * 60.0); }
constexpr SimDuration hours(double h) { return seconds(h * 3600.0); }

/// As seconds(), or nullopt when `s` is not finite, beyond kMaxDurationSeconds either way, or a
/// positive value that rounds to 0 µs.
inline std::optional<SimDuration> checked_seconds(double s) {
  if (!std::isfinite(s) || std::fabs(s) > kMaxDurationSeconds) return std::nullopt;
  const SimDuration d = seconds(s);
  if (s > 0 && d == 0) return std::nullopt;
  return d;
}

constexpr double to_seconds(SimDuration t) { return static_cast<double>(t) / 1e6; }
constexpr double to_minutes(SimDuration t) { return static_cast<double>(t) / 6e7; }
constexpr double to_hours(SimDuration t) { return static_cast<double>(t) / 3.6e9; }

/// A UTC instant with microsecond resolution (the calendar side of SimTime).
using UtcTime = std::chrono::sys_time<std::chrono::microseconds>;

/// True for instants inputs may use: from 1970-01-01 to the end of kLastYear.
inline bool in_input_range(UtcTime t) {
  using namespace std::chrono;
  return t >= UtcTime{} && t < UtcTime{sys_days{year{kLastYear + 1} / January / 1}};
}

/// The UTC instant of a simulated time, given the scenario's start.
inline UtcTime to_utc(UtcTime start, SimTime t) { return start + std::chrono::microseconds{t}; }

/// "2024-05-10T00:00:00Z" (fractional seconds only when non-zero).
std::string format_utc(UtcTime t);

}  // namespace capsim
