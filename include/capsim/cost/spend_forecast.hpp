#pragma once
// A forecast of daily spend with a prediction interval: capsim's own method. AWS publishes only that
// its Cost Explorer and Budgets forecasts are machine-learned and carry an 80% prediction interval;
// capsim fits an ordinary least-squares regression instead, whose band can be checked by hand:
//   spend(day) = intercept + slope × day + effect(weekday of day) + noise,
// the noise independent, normal, of one variance. The band on a future day is Student's t times the
// prediction standard error sigma × sqrt(1 + x0' (X'X)^-1 x0), which counts both the day's own noise
// and the error of the fitted coefficients.
#include <array>
#include <span>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

// Cost Explorer's forecasts have an 80% prediction interval
// (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/ce-forecast.html).
inline constexpr double kAwsForecastLevel = 0.80;

// capsim's rule, not AWS's: one full week, so every weekday has been seen once. AWS asks for more:
// Budgets needs about five weeks of usage data before it forecasts, and a forecast-based alert cannot
// fire before (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/budgets-best-practices.html);
// Cost Explorer gives no forecast without the data for an 80% interval, common under one full billing
// cycle (the page above on its 80% interval). But a simulated run's spend has no history beyond the
// run, which is often a week or a month; a short history gives a wide band (few degrees of freedom),
// not a wrong one.
inline constexpr int kMinimumForecastHistoryDays = 7;
// The trend and the weekday effects are fitted only from two full weeks on (each weekday seen at least
// twice): from one week each weekday effect would fit its one day exactly and leave nothing to measure
// the noise on, and a trend without them would read a cheap weekend at the end of the history as a
// fall. A shorter history is forecast by its mean and spread alone.
inline constexpr int kFullModelForecastHistoryDays = 14;

/// A forecast amount and its prediction interval, in USD.
struct SpendBand {
  double mean = 0;
  double lower = 0;
  double upper = 0;
};

struct SpendForecast {
  // Per future day, the first being the day after the history's last.
  std::vector<double> mean;
  std::vector<double> lower;
  std::vector<double> upper;
  SpendBand total;                  // the sum over the whole horizon
  std::vector<SpendBand> periods;   // the sum over each requested period (e.g. calendar months), in order
  int history_days = 0;
  bool weekly = false;              // weekday effects fitted (kFullModelForecastHistoryDays or more)
  bool trend = false;               // a linear trend fitted (the same rule)
  double level = kAwsForecastLevel;
  double trend_usd_per_day = 0;     // the fitted slope; 0 without a trend
  std::array<double, 7> weekday_effect_usd{};  // Monday .. Sunday, relative to the week's average; 0 without weekly
  double residual_sd_usd = 0;       // sigma: the spread of a day around the fitted line
  int degrees_of_freedom = 0;       // of sigma and of the t quantile: days − fitted coefficients
};

/// Forecasts the `horizon_days` days after a history of daily spend (`daily_usd[0]` is the oldest
/// day, a `first_weekday`: 0 Monday .. 6 Sunday) with a `level` prediction interval per day, for the
/// horizon's total and for each period of `period_days` (consecutive blocks from the first future
/// day, e.g. {31, 28, 31} for three calendar months; their sum at most the horizon). Every amount is
/// clamped at 0: spend is never negative, and a fitted line that falls below zero says it stops.
/// Throws capsim::Error when the history is shorter than kMinimumForecastHistoryDays, the horizon is
/// longer than the history (a trend is not extrapolated further ahead than the span it was fitted
/// on), a day's spend is not finite, or an argument is out of range.
/// The weekday of a UTC instant in the convention first_weekday uses: 0 = Monday ... 6 = Sunday.
int weekday_index(UtcTime day);

SpendForecast forecast_spend(std::span<const double> daily_usd, int first_weekday, int horizon_days,
                             double level = kAwsForecastLevel, std::span<const int> period_days = {});

}  // namespace capsim
