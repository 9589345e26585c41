#pragma once
// Fits a trace to the simulation window: one demand value per simulation period.
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/trace/trace.hpp"

namespace capsim {

struct AlignOptions {
  UtcTime window_start{};
  SimDuration period = 0;   // the simulation's period; a whole multiple of the trace's
  std::size_t periods = 0;  // how many simulation periods the window has
  bool tile = false;        // repeat the trace (aligned on its own start) to cover the window...
  SimDuration tile_period = 0;  // ...every this long; 0: tile_span() of the trace
};

/// The span a tiled trace repeats on: its length rounded to whole days when within an hour of them
/// (a day exported to 23:48 repeats daily, so its daily cycle does not drift), else its length.
SimDuration tile_span(const Trace& trace);

/// Where the window's start falls in a tiled trace, and whether weekdays line up (the span is a
/// whole number of weeks), for the run's report.
std::string describe_tiling(const Trace& trace, SimDuration tile_period, UtcTime window_start);

/// The trace's values per simulation period (counts summed when a period spans several points). Throws capsim::Error
/// naming the trace when the periods don't fit, the window isn't on the trace's grid, or the trace
/// doesn't cover the window without tiling.
std::vector<double> align_to_window(const Trace& trace, const AlignOptions& opt);

}  // namespace capsim
