#pragma once
// What users do to a trace before replaying it: growth, a time shift, clipping.
#include <optional>
#include <string>
#include <vector>

#include "capsim/trace/trace.hpp"

namespace capsim {

/// Values × factor (1.3 = 30% growth).
Trace scaled(Trace t, double factor);
/// The same values `by` later (negative: earlier), e.g. last month's trace replayed this month.
Trace shifted(Trace t, SimDuration by);
/// Values limited to [lo, hi]; the number of points changed goes into the warnings.
Trace clipped(Trace t, std::optional<double> lo, std::optional<double> hi, std::vector<std::string>& warnings);

}  // namespace capsim
