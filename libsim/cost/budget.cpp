#include "capsim/cost/budget.hpp"

#include <algorithm>
#include <cmath>

#include <date/date.h>
#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/cost/spend_forecast.hpp"

namespace capsim {

namespace {

using date::days;
using date::sys_days;

UtcTime period_start(UtcTime t, BudgetPeriod period) {
  const date::year_month_day ymd{date::floor<days>(t)};
  unsigned month = static_cast<unsigned>(ymd.month());
  if (period == BudgetPeriod::Quarter) month = (month - 1) / 3 * 3 + 1;
  return UtcTime{sys_days{ymd.year() / date::month{month} / 1}};
}

UtcTime period_end(UtcTime start, BudgetPeriod period) {
  const date::year_month_day ymd{date::floor<days>(start)};
  return UtcTime{sys_days{(ymd.year() / ymd.month() + date::months{period == BudgetPeriod::Quarter ? 3 : 1}) / 1}};
}

std::string money(double usd) {
  // Thousands separated, two decimals, as AWS's notifications print amounts.
  std::string s = fmt::format("{:.2f}", usd);
  const std::size_t dot = s.find('.');
  for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(dot) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string period_name(UtcTime start, BudgetPeriod period) {
  const date::year_month_day ymd{date::floor<days>(start)};
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  return period == BudgetPeriod::Quarter ? fmt::format("{}-Q{}", y, (m - 1) / 3 + 1) : fmt::format("{}-{:02}", y, m);
}


}  // namespace

std::string to_string(const BudgetAlertSpec& a) {
  return fmt::format("{} > {}", a.type == BudgetAlertType::Actual ? "ACTUAL" : "FORECASTED",
                     a.absolute ? money(a.threshold) + " USD" : fmt::format("{:g}%", a.threshold));
}

bool in_budget_scope(const BudgetScope& scope, const LedgerLine& line) {
  if (!scope.aws_services.empty()) {
    const std::string service = line.category == CostCategory::EksControlPlane ? "AmazonEKS" : "AmazonEC2";
    if (std::find(scope.aws_services.begin(), scope.aws_services.end(), service) == scope.aws_services.end()) return false;
  }
  for (const auto& [key, values] : scope.tags) {
    auto it = line.tags.find(key);
    if (it == line.tags.end() || std::find(values.begin(), values.end(), it->second) == values.end()) return false;
  }
  return true;
}

namespace {

std::vector<double> scoped_hourly(const BudgetSpec& b, const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges,
                                  std::size_t hours) {
  std::vector<double> hourly(hours, 0.0);
  for (const HourCharge& c : charges)
    if (c.hour >= 0 && static_cast<std::size_t>(c.hour) < hours && in_budget_scope(b.scope, lines[c.line]))
      hourly[static_cast<std::size_t>(c.hour)] += c.cost_usd;
  return hourly;
}

std::size_t clock_hours(UtcTime window_start, SimDuration duration) {
  return static_cast<std::size_t>((offset_in_hour(window_start) + duration + kMicrosPerHour - 1) / kMicrosPerHour);
}

}  // namespace

std::vector<BudgetSpend> budget_spend(const std::vector<BudgetSpec>& budgets, const std::vector<LedgerLine>& lines,
                                      const std::vector<HourCharge>& charges, UtcTime window_start, SimDuration duration) {
  std::vector<BudgetSpend> out;
  for (const BudgetSpec& b : budgets) {
    BudgetSpend s{b.name, {}, scoped_hourly(b, lines, charges, clock_hours(window_start, duration))};
    for (const BudgetAlertSpec& a : b.alerts) s.thresholds_usd.push_back(a.threshold_usd(b.amount_usd));
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<BudgetOutcome> evaluate_budgets(const std::vector<BudgetSpec>& budgets, const std::vector<LedgerLine>& lines,
                                            const std::vector<HourCharge>& charges, UtcTime window_start, SimDuration duration) {
  const SimDuration into_hour = offset_in_hour(window_start);
  const UtcTime first_hour = window_start - std::chrono::microseconds{into_hour};
  const UtcTime window_end = window_start + std::chrono::microseconds{duration};
  const std::size_t hours = clock_hours(window_start, duration);
  const UtcTime first_day = date::floor<days>(window_start);
  // Simulated whole days: a window starting within a day leaves that day out of the forecast's series.
  const UtcTime first_whole_day = first_day == window_start ? first_day : first_day + days{1};
  std::vector<BudgetOutcome> out;
  for (const BudgetSpec& b : budgets) {
    const std::vector<double> hourly = scoped_hourly(b, lines, charges, hours);
    auto hour_start = [&](std::size_t h) { return first_hour + std::chrono::hours{static_cast<long>(h)}; };
    // Daily series: the history, then each simulated whole day.
    // The first hour starting at or after `t` (hours are in time order, so a range of instants is
    // a range of hours, summed in the same order as a scan of all hours would).
    auto first_hour_from = [&](UtcTime t) {
      if (t <= first_hour) return std::size_t{0};
      const auto since = (t - first_hour).count();
      const auto h = static_cast<std::size_t>((since + kMicrosPerHour - 1) / kMicrosPerHour);
      return std::min(h, hours);
    };
    auto spend_between = [&](UtcTime from, UtcTime to) {
      double s = 0;
      for (std::size_t h = first_hour_from(from), end = first_hour_from(to); h < end; ++h) s += hourly[h];
      return s;
    };
    const auto history_n = static_cast<long>(b.history_usd.size());
    auto history_day = [&](long k) { return first_day - days{history_n - k}; };  // entry k's day
    // The simulated whole days, once: a forecast at each midnight reads a prefix of them.
    std::vector<double> whole_days;
    for (UtcTime d = first_whole_day; d + days{1} <= window_end; d += days{1}) whole_days.push_back(spend_between(d, d + days{1}));
    auto days_before = [&](UtcTime midnight) {
      const auto n = midnight <= first_whole_day ? 0L : static_cast<long>(date::floor<days>(midnight - first_whole_day).count());
      return static_cast<std::size_t>(std::min<long>(n, static_cast<long>(whole_days.size())));
    };
    auto series_until = [&](UtcTime midnight) {
      std::vector<double> s(b.history_usd);
      s.insert(s.end(), whole_days.begin(), whole_days.begin() + static_cast<std::ptrdiff_t>(days_before(midnight)));
      return s;
    };
    const UtcTime series_first = history_n > 0 ? history_day(0) : first_whole_day;

    for (UtcTime ps = period_start(window_start, b.period); ps < window_end; ps = period_end(ps, b.period)) {
      const UtcTime pe = period_end(ps, b.period);
      BudgetOutcome o;
      o.budget = b.name;
      o.period_start_utc = format_utc(ps);
      o.period_end_utc = format_utc(pe);
      o.amount_usd = b.amount_usd;
      o.period_in_window = ps >= window_start && pe <= window_end;
      double before = 0;  // the period's spend before the window, from the history
      for (long k = 0; k < history_n; ++k)
        if (history_day(k) >= ps && history_day(k) < pe) before += b.history_usd[static_cast<std::size_t>(k)];
      o.actual_usd = before + spend_between(ps, pe);

      // The forecast of the period's spend at a midnight: actual to date and the rest forecast.
      struct PeriodForecast {
        bool ok = false;
        SpendBand band;
        int history = 0;
      };
      auto forecast_at = [&](UtcTime midnight) {
        PeriodForecast f;
        f.history = static_cast<int>(b.history_usd.size() + days_before(midnight));
        const int rest = static_cast<int>((date::floor<days>(pe) - date::floor<days>(midnight)).count());
        // AWS's five weeks, and capsim's own rule that a trend is not extrapolated further ahead
        // than the history it was fitted on.
        if (f.history < kBudgetForecastHistoryDays || f.history < rest || midnight >= pe) return f;
        const std::vector<double> series = series_until(midnight);
        const SpendForecast fc = forecast_spend(series, weekday_index(series_first), rest);
        const double to_date = before + spend_between(ps, midnight);
        f.ok = true;
        f.band = {to_date + fc.total.mean, to_date + fc.total.lower, to_date + fc.total.upper};
        return f;
      };

      for (const BudgetAlertSpec& a : b.alerts) {
        BudgetAlertOutcome ao;
        ao.alert = to_string(a);
        const double threshold = a.threshold_usd(b.amount_usd);
        auto fire = [&](UtcTime at, const std::string& what, double amount) {
          ao.fired = true;
          ao.fired_at_s = to_seconds((at - window_start).count());
          ao.fired_at_utc = format_utc(date::floor<std::chrono::seconds>(at));
          ao.message = fmt::format("budget '{}', {}: {} spend of {} USD passed {} ({} USD) of the {} USD budget at {}", b.name,
                                   period_name(ps, b.period), what, money(amount), a.absolute ? "the threshold" : fmt::format("{:g}%", a.threshold),
                                   money(threshold), money(b.amount_usd), ao.fired_at_utc);
        };
        if (a.type == BudgetAlertType::Actual) {
          double cum = before;
          if (cum > threshold) {
            fire(std::max(ps, window_start), "ACTUAL", cum);
          } else {
            for (std::size_t h = 0; h < hours && !ao.fired; ++h) {
              const UtcTime hs = hour_start(h);
              if (hs < ps || hs >= pe || hourly[h] <= 0) continue;
              if (cum + hourly[h] > threshold) {
                // Within the hour, the spend is taken as even over the part of it inside the window.
                const UtcTime from = std::max(hs, window_start), to = std::min(hs + std::chrono::hours{1}, window_end);
                const double share = (threshold - cum) / hourly[h];
                fire(from + std::chrono::microseconds{static_cast<std::int64_t>(std::llround(share * static_cast<double>((to - from).count())))},
                     "ACTUAL", threshold);
              }
              cum += hourly[h];
            }
          }
        } else {
          bool evaluated = false;
          int most_history = 0;
          for (UtcTime d = std::max(UtcTime{date::floor<days>(ps)}, first_whole_day); d < pe && d <= window_end && !ao.fired; d += days{1}) {
            const PeriodForecast f = forecast_at(d);
            most_history = std::max(most_history, f.history);
            if (!f.ok) continue;
            evaluated = true;
            if (f.band.mean > threshold) fire(d, "FORECASTED", f.band.mean);
          }
          ao.evaluated = evaluated;
          if (!evaluated)
            ao.message = fmt::format("not evaluated: AWS Budgets forecasts once it has about five weeks ({} days) of usage data, and "
                                     "capsim forecasts no further ahead than the days of history it has; this period had at most {} "
                                     "day(s) (give the budget a history of daily spend before the window)",
                                     kBudgetForecastHistoryDays, most_history);
        }
        o.alerts.push_back(std::move(ao));
      }
      // The status at the window's end; a period that ends after it is judged on its forecast.
      if (pe <= window_end) {
        o.status = o.actual_usd > b.amount_usd ? "over" : "under";
      } else {
        const PeriodForecast f = forecast_at(date::floor<days>(window_end));
        if (f.ok) {
          o.forecast_usd = f.band.mean;
          o.forecast_lower_usd = f.band.lower;
          o.forecast_upper_usd = f.band.upper;
          o.status = o.actual_usd > b.amount_usd ? "over" : f.band.mean > b.amount_usd ? "forecast over" : "forecast under";
        } else {
          o.status = o.actual_usd > b.amount_usd ? "over" : "under so far";
        }
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace capsim
