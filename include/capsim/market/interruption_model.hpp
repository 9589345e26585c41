#pragma once
// From the Spot Instance Advisor's monthly interruption buckets to a hazard rate per hour.
#include <array>
#include <cmath>

namespace capsim {

/// The share of instances interrupted in a month for each Advisor bucket. The Advisor publishes
/// only ranges (<5%, 5-10%, 10-15%, 15-20%, >20%); these defaults are the ranges' midpoints and 25%
/// for the open-ended top bucket. That choice is ours, not AWS's: it is overridable in the scenario
/// (market.interruption_rate_by_bucket) and reported as an assumption whenever spot is simulated.
inline constexpr std::array<double, 5> kDefaultMonthlyInterruption = {0.025, 0.075, 0.125, 0.175, 0.25};
/// A month as the Advisor counts it: 30 days.
inline constexpr double kHoursPerMonth = 30 * 24;

/// Constant hazard λ per hour such that P(interrupted within a month) = p: λ = −ln(1 − p) / month.
inline double hazard_per_hour(double monthly_probability) {
  return -std::log1p(-monthly_probability) / kHoursPerMonth;
}

}  // namespace capsim
