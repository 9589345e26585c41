#pragma once
// What a run's daily spend says (results, declared once; Python mirrors): the forecast of the days
// after the window with its prediction interval, and the days flagged as anomalies.
#include <string>
#include <vector>

namespace capsim {

/// The forecast's sum over one calendar month (or the part of it in the horizon).
struct SpendMonthForecast {
  std::string month_start_utc;
  int days = 0;  // of the horizon in that month
  double mean_usd = 0;
  double lower_usd = 0;
  double upper_usd = 0;

  friend bool operator==(const SpendMonthForecast&, const SpendMonthForecast&) = default;
};

struct SpendForecastOutcome {
  std::string first_day_utc;  // the first forecast day (the day after the window's last whole day)
  int history_days = 0;       // real history and the window's whole days
  int horizon_days = 0;
  double level = 0;           // of the prediction interval (0.8: AWS's band)
  double total_mean_usd = 0;
  double total_lower_usd = 0;
  double total_upper_usd = 0;
  double trend_usd_per_day = 0;
  bool weekly = false;        // weekday effects fitted
  std::vector<double> daily_mean_usd;
  std::vector<double> daily_lower_usd;
  std::vector<double> daily_upper_usd;
  std::vector<SpendMonthForecast> months;

  friend bool operator==(const SpendForecastOutcome&, const SpendForecastOutcome&) = default;
};

struct SpendAnomalyOutcome {
  std::string day_utc;
  std::string direction;  // "above", "below"
  double actual_usd = 0;
  double expected_usd = 0;
  double band_low_usd = 0;
  double band_high_usd = 0;
  double impact_usd = 0;  // actual − expected
  std::string root_cause;  // "node_pool=gpu-spot": the value that explains most of the impact ("" if none)
  double root_cause_impact_usd = 0;

  friend bool operator==(const SpendAnomalyOutcome&, const SpendAnomalyOutcome&) = default;
};

}  // namespace capsim
