#pragma once
// Simulated time: an integer count of microseconds since the scenario start. Integers, not doubles,
// so a 30-day run does not drift and a 2 ms latency is not rounded away.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

namespace capsim {

using SimTime = std::int64_t;      // microseconds since the scenario start
using SimDuration = std::int64_t;  // microseconds

inline constexpr SimDuration kMicrosPerSecond = 1'000'000;
inline constexpr SimDuration kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr SimDuration kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr SimTime kTimeMax = INT64_MAX;

/// Seconds (possibly fractional) to SimTime, rounded to the nearest microsecond.
constexpr SimDuration seconds(double s) { return static_cast<SimDuration>(std::llround(s * 1e6)); }
constexpr SimDuration minutes(double m) { return seconds(m * 60.0); }
constexpr SimDuration hours(double h) { return seconds(h * 3600.0); }

constexpr double to_seconds(SimDuration t) { return static_cast<double>(t) / 1e6; }
constexpr double to_minutes(SimDuration t) { return static_cast<double>(t) / 6e7; }
constexpr double to_hours(SimDuration t) { return static_cast<double>(t) / 3.6e9; }

/// A UTC instant with microsecond resolution (the calendar side of SimTime).
using UtcTime = std::chrono::sys_time<std::chrono::microseconds>;

/// The UTC instant of a simulated time, given the scenario's start.
inline UtcTime to_utc(UtcTime start, SimTime t) { return start + std::chrono::microseconds{t}; }

/// "2024-05-10T00:00:00Z" (fractional seconds only when non-zero).
std::string format_utc(UtcTime t);

}  // namespace capsim
