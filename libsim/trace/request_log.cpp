#include "capsim/trace/request_log.hpp"

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {

Trace to_count_trace(const RequestLog& log, SimDuration period) {
  if (period <= 0) throw Error("request log '" + log.name + "': the period must be > 0");
  if (log.arrivals.empty()) throw Error("request log '" + log.name + "' (" + log.file + ") has no requests");
  for (const UtcTime a : {log.arrivals.front(), log.arrivals.back()})
    if (!in_input_range(a))
      throw TraceError(log.file, std::size_t{0}, fmt::format("expected request times from {} to {}, got {}", kFirstYear, kLastYear, format_utc(a)));
  auto floor_to_grid = [&](UtcTime t) {
    const std::int64_t us = t.time_since_epoch().count();
    std::int64_t k = us / period;
    if (us % period < 0) --k;
    return UtcTime{std::chrono::microseconds{k * period}};
  };
  Trace t;
  t.name = log.name;
  t.file = log.file;
  t.unit = TraceUnit::Requests;
  t.period = period;
  t.start = floor_to_grid(log.arrivals.front());
  const UtcTime last = floor_to_grid(log.arrivals.back());
  const auto points = static_cast<std::uint64_t>((last - t.start).count() / period) + 1;
  if (points > kMaxTracePoints)
    throw TraceError(log.file, std::size_t{0},
                     fmt::format("expected at most {} periods of {:g} s between the first and last request, got {} ({} to {})",
                                 kMaxTracePoints, to_seconds(period), points, format_utc(t.start), format_utc(last)));
  t.values.assign(static_cast<std::size_t>((last - t.start).count() / period) + 1, 0.0);
  for (const UtcTime a : log.arrivals) t.values[static_cast<std::size_t>((a - t.start).count() / period)] += 1;
  return t;
}

}  // namespace capsim
