#pragma once
// Fits a trace to the simulation window: one demand value per simulation period.
#include <cstddef>
#include <vector>

#include "capsim/trace/trace.hpp"

namespace capsim {

struct AlignOptions {
  UtcTime window_start{};
  SimDuration period = 0;   // the simulation's period; a whole multiple of the trace's
  std::size_t periods = 0;  // how many simulation periods the window has
  bool tile = false;        // repeat the trace end to end (aligned on its own start) to cover the window
};

/// The trace's values per simulation period (counts summed when a period spans several points). Throws capsim::Error
/// naming the trace when the periods don't fit, the window isn't on the trace's grid, or the trace
/// doesn't cover the window without tiling.
std::vector<double> align_to_window(const Trace& trace, const AlignOptions& opt);

}  // namespace capsim
