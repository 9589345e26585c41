#pragma once
// A price that changes over simulated time (a spot price), stepwise constant.
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

struct PriceSchedule {
  std::vector<SimTime> at;     // ascending; at[0] applies from the start of time
  std::vector<double> usd_per_h;

  static PriceSchedule constant(double usd_per_h) { return {{0}, {usd_per_h}}; }
  double price_at(SimTime t) const;
  /// USD for one instance from `from` to `to` (the integral of the step function).
  double usd(SimTime from, SimTime to) const;
};

}  // namespace capsim
