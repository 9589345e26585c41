#pragma once
// What a budget did in one replicate of one policy: per budget period the window touches, its
// spend and status and when each alert would have fired (results, declared once; Python mirrors).
#include <string>
#include <vector>

namespace capsim {

struct BudgetAlertOutcome {
  std::string alert;        // "ACTUAL > 80%"
  bool fired = false;
  double fired_at_s = -1;   // seconds from the window's start when the threshold was crossed (-1: not fired)
  std::string fired_at_utc; // the same instant, ISO 8601 ("" when not fired)
  bool evaluated = true;    // false: a forecast alert with too little history to forecast (AWS waits for it too)
  std::string message;      // what the notification would say, or why the alert was not evaluated

  friend bool operator==(const BudgetAlertOutcome&, const BudgetAlertOutcome&) = default;
};

struct BudgetOutcome {
  std::string budget;
  std::string period_start_utc;  // the calendar month or quarter
  std::string period_end_utc;
  double amount_usd = 0;
  double actual_usd = 0;         // the scope's spend in the period: history before the window and the simulated part
  bool period_in_window = true;  // false: the period begins before the window or ends after it
  double forecast_usd = -1;      // the period's forecast at the window's end (actual + forecast of the rest); -1: none
  double forecast_lower_usd = -1;  // its 80% prediction interval
  double forecast_upper_usd = -1;
  std::string status;            // "over", "under", "forecast over" (a period that ends after the window)
  std::vector<BudgetAlertOutcome> alerts;

  friend bool operator==(const BudgetOutcome&, const BudgetOutcome&) = default;
};

/// A budget's scoped spend hour by hour, for charts of spend against the budget (kept with the
/// series): what its ACTUAL alerts are judged on.
struct BudgetSpend {
  std::string budget;
  std::vector<double> thresholds_usd;  // each alert's threshold, in the budget's order of alerts
  std::vector<double> hourly_usd;      // every UTC clock hour the window touches (hour 0 holds its start)

  friend bool operator==(const BudgetSpend&, const BudgetSpend&) = default;
};

}  // namespace capsim
