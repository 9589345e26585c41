#pragma once
// Spot prices over time, per pool (instance type × zone): stepwise constant between the recorded
// price changes, as `describe-spot-price-history` reports them.
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

struct PriceStep {
  UtcTime at{};                // from this instant on...
  double price_usd_per_h = 0;  // ...this is the price
};

struct SpotPriceSeries {
  std::string instance_type;
  std::string zone;              // zone name ("us-east-1a"), after zone-ID mapping
  std::vector<PriceStep> steps;  // ascending by time, at least one

  /// The price in force at `t` (before the first step: the first step's price).
  double price_at(UtcTime t) const;
  /// USD for one instance running from `from` to `to` (the integral of the step function, prices per
  /// hour; 0 when `to` <= `from`).
  double cost_usd(UtcTime from, UtcTime to) const;
};

}  // namespace capsim
