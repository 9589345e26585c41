#include "capsim/cost/billing_hours.hpp"

#include <algorithm>
#include <chrono>

namespace capsim {

namespace {
constexpr SimDuration kHour = kMicrosPerHour;
constexpr SimDuration kDay = 24 * kHour;

// Floor division: instants before the window's first clock hour do not occur, but the arithmetic
// stays right for them.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

SimDuration offset_in_hour(UtcTime t) {
  const auto since_epoch = t.time_since_epoch().count();
  return ((since_epoch % kHour) + kHour) % kHour;
}

std::vector<HourCharge> charges_by_hour(const std::vector<LedgerLine>& lines, SimDuration start_in_hour) {
  std::vector<HourCharge> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const LedgerLine& l = lines[i];
    const SimTime from = l.start;
    const SimTime to = l.start + seconds(l.billed_s);
    if (to <= from) continue;
    // Clock time counted from the start of the window's first hour.
    const SimTime clock_from = from + start_in_hour, clock_to = to + start_in_hour;
    double charged = 0;
    const std::size_t first = out.size();
    for (std::int64_t h = floor_div(clock_from, kHour); h * kHour < clock_to; ++h) {
      const SimTime a = std::max(clock_from, h * kHour) - start_in_hour;
      const SimTime b = std::min(clock_to, (h + 1) * kHour) - start_in_hour;
      const double cost = l.schedule ? l.schedule->usd(a, b) : to_hours(b - a) * l.price_usd_per_h;
      out.push_back({i, h, to_hours(b - a) * l.units, cost});
      charged += cost;
    }
    // The line's cost was integrated over its whole span at once; the pieces' sum differs from it
    // only in the last bits, which the last hour absorbs so the hourly bill adds up to the line.
    if (out.size() > first) out.back().cost_usd += l.cost_usd - charged;
  }
  return out;
}

std::vector<double> spend_by_day(const std::vector<HourCharge>& charges, SimDuration start_in_day, SimDuration start_in_hour) {
  std::vector<double> days;
  // Hour h starts at h * 1 h - start_in_hour after the window's start, i.e. that plus start_in_day
  // after the first day's midnight.
  for (const HourCharge& c : charges) {
    const SimTime since_midnight = c.hour * kHour - start_in_hour + start_in_day;
    const auto d = static_cast<std::size_t>(std::max<std::int64_t>(0, floor_div(since_midnight, kDay)));
    if (days.size() <= d) days.resize(d + 1, 0.0);
    days[d] += c.cost_usd;
  }
  return days;
}

}  // namespace capsim
