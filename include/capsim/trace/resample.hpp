#pragma once
// Changing a trace's period in either direction, so hourly and 5-minute CloudWatch series (what it
// keeps beyond 15 and 63 days) drive a 1-minute simulation as well as 1-minute data does.
#include <string>
#include <vector>

#include "capsim/trace/trace.hpp"

namespace capsim {

enum class Downsample { Sum, Mean, Max };
enum class Upsample {
  Split,   // a count spread evenly over the shorter periods
  Hold,    // a gauge keeps its value
  Linear,  // a gauge interpolated towards the next value
};

struct ResampleOptions {
  SimDuration period = 0;  // the new period; it must divide the old one or be a multiple of it
  UtcTime anchor{};        // new periods start at anchor + k × period (the simulation start)
  Downsample downsample = Downsample::Sum;
  Upsample upsample = Upsample::Split;
  /// Split a count by these weights instead of evenly (one per new period within an old one, e.g.
  /// the shape of traffic within an hour); empty: evenly.
  std::vector<double> profile;
};

/// Defaults by kind: counts sum and split, gauges average and hold.
ResampleOptions default_resample(TraceKind kind, SimDuration period, UtcTime anchor);

/// The trace at the new period. Downsampling keeps only whole new periods (points at the edges
/// that fill part of one are dropped and counted in the warnings). Throws capsim::Error when the
/// periods don't divide one another or the anchor is off the trace's grid.
Trace resample(const Trace& trace, const ResampleOptions& opt, std::vector<std::string>& warnings);

}  // namespace capsim
