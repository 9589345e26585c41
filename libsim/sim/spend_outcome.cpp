#include "spend_outcome.hpp"

#include <map>

#include <date/date.h>
#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/cost/billing_hours.hpp"
#include "capsim/report/billing_rollup.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim::detail {

namespace {
}  // namespace

WholeDays whole_days_of_spend(const Scenario& scenario, const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges,
                              const std::function<bool(const LedgerLine&)>& counts) {
  const auto& sim = scenario.simulation;
  const UtcTime start = sim.start, end = sim.start + std::chrono::microseconds{sim.duration};
  const UtcTime first_midnight = date::floor<date::days>(start);
  const SimDuration into_day = (start - first_midnight).count();
  std::vector<HourCharge> kept;
  if (counts) {
    for (const HourCharge& c : charges)
      if (counts(lines[c.line])) kept.push_back(c);
  }
  const std::vector<double> days = spend_by_day(counts ? kept : charges, into_day, offset_in_hour(start));
  WholeDays out;
  // Day k of `days` is first_midnight + k days; keep those wholly inside the window.
  out.first_day = into_day == 0 ? first_midnight : first_midnight + date::days{1};
  for (std::size_t k = into_day == 0 ? 0 : 1;; ++k) {
    const UtcTime d = first_midnight + date::days{static_cast<long>(k)};
    if (d + date::days{1} > end) break;
    out.usd.push_back(k < days.size() ? days[k] : 0.0);
  }
  return out;
}

std::optional<SpendForecastOutcome> forecast_outcome(const Scenario& scenario, const std::vector<LedgerLine>& lines,
                                                     const std::vector<HourCharge>& charges) {
  const SpendForecastSpec& spec = scenario.forecast;
  if (spec.days <= 0) return std::nullopt;
  const WholeDays window = whole_days_of_spend(scenario, lines, charges);
  std::vector<double> series = spec.history_usd;
  series.insert(series.end(), window.usd.begin(), window.usd.end());
  const UtcTime series_first = window.first_day - date::days{static_cast<long>(spec.history_usd.size())};
  const UtcTime first = window.first_day + date::days{static_cast<long>(window.usd.size())};
  // Calendar months of the horizon, for their subtotals.
  std::vector<int> month_days;
  std::vector<UtcTime> month_starts;
  for (UtcTime d = first; d < first + date::days{spec.days}; d += date::days{1}) {
    const date::year_month_day ymd{date::floor<date::days>(d)};
    const UtcTime m{date::sys_days{ymd.year() / ymd.month() / 1}};
    if (month_starts.empty() || month_starts.back() != m) month_starts.push_back(m), month_days.push_back(0);
    ++month_days.back();
  }
  const SpendForecast f = forecast_spend(series, weekday_index(series_first), spec.days, spec.level, month_days);
  SpendForecastOutcome o;
  o.first_day_utc = format_utc(first);
  o.history_days = static_cast<int>(series.size());
  o.horizon_days = spec.days;
  o.level = f.level;
  o.total_mean_usd = f.total.mean;
  o.total_lower_usd = f.total.lower;
  o.total_upper_usd = f.total.upper;
  o.trend_usd_per_day = f.trend_usd_per_day;
  o.weekly = f.weekly;
  o.daily_mean_usd = f.mean;
  o.daily_lower_usd = f.lower;
  o.daily_upper_usd = f.upper;
  for (std::size_t m = 0; m < f.periods.size(); ++m)
    o.months.push_back({format_utc(month_starts[m]), month_days[m], f.periods[m].mean, f.periods[m].lower, f.periods[m].upper});
  return o;
}

std::vector<SpendAnomalyOutcome> anomaly_outcomes(const Scenario& scenario, const std::vector<LedgerLine>& lines,
                                                  const std::vector<HourCharge>& charges) {
  const SpendAnomalySpec& spec = scenario.anomaly_detection;
  std::vector<SpendAnomalyOutcome> out;
  if (!spec.enabled) return out;
  const WholeDays total = whole_days_of_spend(scenario, lines, charges);
  // Each dimension's values, each with its own daily series.
  std::vector<SpendPart> parts;
  for (const std::string& key : spec.dimensions) {
    std::map<std::string, std::vector<std::size_t>> by_value;
    for (std::size_t i = 0; i < lines.size(); ++i) by_value[billing_group_value(cost_line_of(lines[i]), key)].push_back(i);
    for (const auto& entry : by_value) {
      // Not a structured binding: clang 14 cannot capture one in a lambda.
      const std::string& value = entry.first;
      std::vector<bool> mine(lines.size(), false);
      for (std::size_t i : entry.second) mine[i] = true;
      const LedgerLine* base = lines.data();
      WholeDays d = whole_days_of_spend(scenario, lines, charges, [&mine, base](const LedgerLine& l) { return mine[static_cast<std::size_t>(&l - base)]; });
      parts.push_back({key, value.empty() ? "(none)" : value, std::move(d.usd)});
    }
  }
  const SpendAnomalyReport report = detect_spend_anomalies(total.usd, parts, weekday_index(total.first_day), spec.options);
  for (const SpendAnomaly& a : report.anomalies) {
    SpendAnomalyOutcome o;
    o.day_utc = format_utc(total.first_day + date::days{a.day});
    o.direction = a.direction == SpendDirection::Above ? "above" : "below";
    o.actual_usd = a.actual_usd;
    o.expected_usd = a.expected_usd;
    o.band_low_usd = a.band_low_usd;
    o.band_high_usd = a.band_high_usd;
    o.impact_usd = a.impact_usd;
    if (!a.causes.empty()) {
      o.root_cause = a.causes.front().dimension + "=" + a.causes.front().value;
      o.root_cause_impact_usd = a.causes.front().impact_usd;
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace capsim::detail

namespace capsim {

void check_forecast_horizon(const Scenario& scenario) {
  const SpendForecastSpec& spec = scenario.forecast;
  if (spec.days <= 0) return;
  const int window = scenario.simulation.whole_days();
  const int have = static_cast<int>(spec.history_usd.size()) + window;
  if (have < kMinimumForecastHistoryDays || spec.days > have)
    throw Error(fmt::format("forecast: a horizon of {} days needs at least as many days of spend to fit on (and {} at least): the scenario "
                            "has {} ({} of history and the window's {} whole days); a trend is not extrapolated further ahead than the "
                            "span it was fitted on",
                            spec.days, kMinimumForecastHistoryDays, have, spec.history_usd.size(), window));
}

}  // namespace capsim
