#include "capsim/cost/price_schedule.hpp"

#include <algorithm>

namespace capsim {

double PriceSchedule::price_at(SimTime t) const {
  if (at.empty()) return 0;
  auto it = std::upper_bound(at.begin(), at.end(), t);
  const std::size_t i = it == at.begin() ? 0 : static_cast<std::size_t>(it - at.begin()) - 1;
  return usd_per_h[i];
}

double PriceSchedule::usd(SimTime from, SimTime to) const {
  if (at.empty() || to <= from) return 0;
  double total = 0;
  auto it = std::upper_bound(at.begin(), at.end(), from);
  std::size_t i = it == at.begin() ? 0 : static_cast<std::size_t>(it - at.begin()) - 1;
  SimTime t = from;
  while (t < to) {
    const SimTime next = i + 1 < at.size() ? std::min(at[i + 1], to) : to;
    total += to_hours(next - t) * usd_per_h[i];
    t = next;
    ++i;
  }
  return total;
}

}  // namespace capsim
