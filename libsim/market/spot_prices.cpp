#include "capsim/market/spot_prices.hpp"

#include <algorithm>
#include <iterator>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {

// The first step after `t`; the step in force at `t` is the one before it.
std::vector<PriceStep>::const_iterator first_after(const std::vector<PriceStep>& steps, UtcTime t) {
  return std::upper_bound(steps.begin(), steps.end(), t, [](UtcTime x, const PriceStep& s) { return x < s.at; });
}

void require_steps(const SpotPriceSeries& s) {
  if (s.steps.empty()) throw Error("spot price series " + s.instance_type + "/" + s.zone + " has no price steps");
}

// A history starts at the first change recorded in the window asked for, not when the price began, so
// the first price is the best estimate of the price before it.
double price_before(const std::vector<PriceStep>& steps, std::vector<PriceStep>::const_iterator after) {
  return after == steps.begin() ? steps.front().price_usd_per_h : std::prev(after)->price_usd_per_h;
}

}  // namespace

double SpotPriceSeries::price_at(UtcTime t) const {
  require_steps(*this);
  return price_before(steps, first_after(steps, t));
}

double SpotPriceSeries::cost_usd(UtcTime from, UtcTime to) const {
  require_steps(*this);
  if (to <= from) return 0.0;
  auto next = first_after(steps, from);
  double price = price_before(steps, next);
  UtcTime t = from;
  double usd = 0.0;
  // Durations stay integer microseconds per segment and become hours only when multiplied, so a
  // month of short segments adds no drift from accumulating fractional hours.
  for (; next != steps.end() && next->at < to; ++next) {
    usd += price * to_hours((next->at - t).count());
    t = next->at;
    price = next->price_usd_per_h;
  }
  return usd + price * to_hours((to - t).count());
}

}  // namespace capsim
