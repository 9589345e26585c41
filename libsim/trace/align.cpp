#include "capsim/trace/align.hpp"

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {

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
      std::int64_t i = (first + static_cast<std::int64_t>(p) * per + j) % n;
      if (i < 0) i += n;
      sum += trace.values[static_cast<std::size_t>(i)];
    }
    out[p] = sum;
  }
  return out;
}

}  // namespace capsim
