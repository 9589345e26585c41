#include "capsim/trace/align.hpp"

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {
constexpr SimDuration kDay = 24 * kMicrosPerHour;
}

SimDuration tile_span(const Trace& trace) {
  const SimDuration length = trace.period * static_cast<SimDuration>(trace.values.size());
  const SimDuration days = (length + kDay / 2) / kDay;
  if (days >= 1 && std::llabs(length - days * kDay) <= kMicrosPerHour) return days * kDay;
  return length;
}

std::string describe_tiling(const Trace& trace, SimDuration tile_period, UtcTime window_start) {
  const SimDuration span = tile_period > 0 ? tile_period : tile_span(trace);
  SimDuration into = (window_start - trace.start).count() % span;
  if (into < 0) into += span;
  const UtcTime instant = trace.start + std::chrono::microseconds{into};
  const std::string every = span % kDay == 0              ? fmt::format("{} day(s)", span / kDay)
                            : span % kMicrosPerHour == 0    ? fmt::format("{} h", span / kMicrosPerHour)
                            : span % kMicrosPerMinute == 0  ? fmt::format("{} min", span / kMicrosPerMinute)
                                                            : fmt::format("{:g} s", to_seconds(span));
  const std::string weekdays = span % (7 * kDay) == 0 ? " (whole weeks: weekdays line up)"
                               : span >= kDay          ? " (not whole weeks: weekdays do not line up)"
                                                       : "";
  return fmt::format("trace '{}' is tiled every {}; the window starts at its instant {}{}", trace.name, every, format_utc(instant),
                     weekdays);
}

std::vector<double> align_to_window(const Trace& trace, const AlignOptions& opt) {
  const std::string who = fmt::format("trace '{}' ({})", trace.name, trace.file);
  if (trace.values.empty()) throw Error(who + ": has no points");
  if (trace.period <= 0 || opt.period % trace.period != 0)
    throw Error(fmt::format("{}: its period {} s must divide simulation.period_s {} s (other resampling is not supported)",
                            who, to_seconds(trace.period), to_seconds(opt.period)));
  const SimDuration offset_us = (opt.window_start - trace.start).count();
  if (offset_us % trace.period != 0)
    throw Error(fmt::format("{}: simulation.start {} is not on the trace's {} s grid (trace starts {})", who,
                            format_utc(opt.window_start), to_seconds(trace.period), format_utc(trace.start)));
  const auto n = static_cast<std::int64_t>(trace.values.size());
  // Tiling repeats every `span` points; a span longer than the data (a day that ends at 23:48)
  // leaves periods without data, which are zero for requests, as CloudWatch's missing periods are.
  const SimDuration span_us = opt.tile_period > 0 ? opt.tile_period : tile_span(trace);
  if (opt.tile && span_us % trace.period != 0)
    throw Error(fmt::format("{}: its tile_period {:g} s is not a whole number of its {:g} s periods", who, to_seconds(span_us),
                            to_seconds(trace.period)));
  const std::int64_t span = span_us / trace.period;
  if (opt.tile && span < n)
    throw Error(fmt::format("{}: a tile_period of {:g} s is shorter than the trace ({:g} s)", who, to_seconds(span_us),
                            to_seconds(trace.period * n)));
  const std::int64_t per = opt.period / trace.period;  // trace points per simulation period
  if (per > 1 && trace.kind() != TraceKind::Count)
    throw Error(who + ": a gauge must be resampled to the simulation period before it is aligned");
  const std::int64_t first = offset_us / trace.period;
  const std::int64_t needed = static_cast<std::int64_t>(opt.periods) * per;
  if (!opt.tile && (first < 0 || first + needed > n)) {
    const UtcTime window_end = opt.window_start + std::chrono::microseconds{opt.period * static_cast<SimDuration>(opt.periods)};
    throw Error(fmt::format("{}: covers {} to {} but the simulation window is {} to {}; set \"tile\": true to repeat it",
                            who, format_utc(trace.start), format_utc(trace.end()), format_utc(opt.window_start),
                            format_utc(window_end)));
  }
  std::vector<double> out(opt.periods, 0.0);
  for (std::size_t p = 0; p < opt.periods; ++p) {
    double sum = 0;
    for (std::int64_t j = 0; j < per; ++j) {
      std::int64_t i = first + static_cast<std::int64_t>(p) * per + j;
      if (opt.tile) {
        i %= span;
        if (i < 0) i += span;
        if (i >= n) {
          // Beyond the data within a cycle: a count is zero, a gauge holds its last value.
          sum += trace.kind() == TraceKind::Count ? 0.0 : trace.values.back();
          continue;
        }
      }
      sum += trace.values[static_cast<std::size_t>(i)];
    }
    out[p] = sum;
  }
  return out;
}

}  // namespace capsim
