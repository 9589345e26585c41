#include "capsim/cost/spend_anomalies.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {
namespace {

constexpr int kDaysPerWeek = 7;
// A median absolute deviation times 1.4826 estimates a normal distribution's standard deviation.
constexpr double kMadToSd = 1.4826;
// Below a cent a day, differences in spend are rounding, not signal; the floor also keeps the score
// finite on a series that was zero until now.
constexpr double kMinimumScaleUsd = 0.01;

struct Baseline {
  double expected = 0;
  double scale = 0;
};

double median_of(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(v.begin(), mid)) / 2;
}

// The baseline of day `day` from the days [start, day) only.
Baseline baseline_at(std::span<const double> usd, int day, const SpendAnomalyOptions& options) {
  const int start = std::max(0, day - kDaysPerWeek * options.baseline_weeks);
  // Two of each weekday before the weekday is trusted to set the level; until then the window's days
  // all stand for one another.
  const bool by_weekday = day - start >= 2 * kDaysPerWeek;
  const auto neighbours = [&](int of, int leave_out) {
    std::vector<double> out;
    for (int j = start; j < day; ++j)
      if (j != leave_out && (!by_weekday || (of - j) % kDaysPerWeek == 0)) out.push_back(usd[static_cast<std::size_t>(j)]);
    return out;
  };
  Baseline b;
  b.expected = median_of(neighbours(day, -1));
  std::vector<double> errors;
  for (int j = start; j < day; ++j) {
    const std::vector<double> others = neighbours(j, j);
    if (!others.empty()) errors.push_back(std::abs(usd[static_cast<std::size_t>(j)] - median_of(others)));
  }
  const double mad = errors.empty() ? 0 : median_of(errors);
  b.scale = std::max({kMadToSd * mad, options.scale_floor_fraction * std::abs(b.expected), kMinimumScaleUsd});
  return b;
}

void check_finite(std::span<const double> usd, const std::string& what) {
  for (std::size_t d = 0; d < usd.size(); ++d)
    if (!std::isfinite(usd[d]))
      throw Error(fmt::format("anomalies: day {} of {} is {}, expected a finite amount in USD", d, what, usd[d]));
}

void check_arguments(std::span<const double> total_usd, std::span<const SpendPart> parts, int first_weekday,
                     const SpendAnomalyOptions& o) {
  if (first_weekday < 0 || first_weekday >= kDaysPerWeek)
    throw Error(fmt::format("anomalies: first weekday {}, expected 0 (Monday) to 6 (Sunday)", first_weekday));
  if (!(o.threshold > 0)) throw Error(fmt::format("anomalies: threshold {}, expected more than 0", o.threshold));
  if (!(o.min_impact_usd >= 0)) throw Error(fmt::format("anomalies: min_impact_usd {}, expected 0 or more", o.min_impact_usd));
  if (!(o.min_impact_fraction >= 0))
    throw Error(fmt::format("anomalies: min_impact_fraction {}, expected 0 or more", o.min_impact_fraction));
  if (!(o.scale_floor_fraction >= 0))
    throw Error(fmt::format("anomalies: scale_floor_fraction {}, expected 0 or more", o.scale_floor_fraction));
  if (o.baseline_weeks < 2) throw Error(fmt::format("anomalies: baseline_weeks {}, expected at least 2", o.baseline_weeks));
  if (o.min_history_days < kDaysPerWeek)
    throw Error(fmt::format("anomalies: min_history_days {}, expected at least {}", o.min_history_days, kDaysPerWeek));
  check_finite(total_usd, "the total");
  for (const SpendPart& part : parts) {
    const std::string name = part.dimension + "=" + part.value;
    if (part.usd.size() != total_usd.size())
      throw Error(fmt::format("anomalies: part {} has {} days, expected {} (the total's)", name, part.usd.size(),
                              total_usd.size()));
    check_finite(part.usd, name);
  }
}

// Per dimension, the part whose own deviation goes furthest in the direction of the total's impact.
std::vector<SpendCause> causes_of(std::span<const SpendPart> parts, int day, double impact,
                                  const SpendAnomalyOptions& options) {
  const double sign = impact >= 0 ? 1 : -1;
  std::vector<SpendCause> best;
  std::map<std::string, std::size_t> slot_of_dimension;
  for (const SpendPart& part : parts) {
    const Baseline b = baseline_at(part.usd, day, options);
    const double actual = part.usd[static_cast<std::size_t>(day)];
    const SpendCause cause{part.dimension, part.value, actual, b.expected, actual - b.expected,
                           (actual - b.expected) / impact};
    const auto [it, added] = slot_of_dimension.try_emplace(part.dimension, best.size());
    if (added) {
      best.push_back(cause);
    } else if (sign * cause.impact_usd > sign * best[it->second].impact_usd) {
      best[it->second] = cause;
    }
  }
  std::stable_sort(best.begin(), best.end(),
                   [sign](const SpendCause& a, const SpendCause& b) { return sign * a.impact_usd > sign * b.impact_usd; });
  return best;
}

}  // namespace

SpendAnomalyReport detect_spend_anomalies(std::span<const double> total_usd, std::span<const SpendPart> parts,
                                          int first_weekday, const SpendAnomalyOptions& options) {
  check_arguments(total_usd, parts, first_weekday, options);
  const auto days = static_cast<int>(total_usd.size());
  SpendAnomalyReport report;
  report.first_judged_day = options.min_history_days;
  report.judged_days = std::max(0, days - options.min_history_days);
  for (int day = options.min_history_days; day < days; ++day) {
    const Baseline b = baseline_at(total_usd, day, options);
    const double actual = total_usd[static_cast<std::size_t>(day)];
    const double impact = actual - b.expected;
    const double reach = options.threshold * b.scale;
    if (std::abs(impact) <= reach || std::abs(impact) < options.min_impact_usd ||
        std::abs(impact) < options.min_impact_fraction * std::abs(b.expected))
      continue;
    SpendAnomaly a;
    a.day = day;
    a.weekday = (first_weekday + day) % kDaysPerWeek;
    a.actual_usd = actual;
    a.expected_usd = b.expected;
    a.band_low_usd = std::max(0.0, b.expected - reach);
    a.band_high_usd = b.expected + reach;
    a.impact_usd = impact;
    a.score = impact / b.scale;
    a.direction = impact > 0 ? SpendDirection::Above : SpendDirection::Below;
    a.causes = causes_of(parts, day, impact, options);
    report.anomalies.push_back(std::move(a));
  }
  return report;
}

}  // namespace capsim
