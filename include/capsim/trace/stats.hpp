#pragma once
// Summary figures of a trace, for `capsim trace inspect` and reports.
#include <array>
#include <string>

#include "capsim/trace/trace.hpp"

namespace capsim {

struct TraceStats {
  std::size_t points = 0;
  double min = 0, mean = 0, p95 = 0, max = 0, total = 0;
  std::array<double, 24> hourly_mean{};  // mean value by UTC hour of day (of each point's start)
};

TraceStats summarize(const Trace& trace);

/// One character per value, ▁ (lowest) to █ (highest), scaled between the values' min and max.
std::string sparkline(const double* values, std::size_t n);

}  // namespace capsim
