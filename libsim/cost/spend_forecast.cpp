#include "capsim/cost/spend_forecast.hpp"

#include <date/date.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {
namespace {

constexpr int kDaysPerWeek = 7;
constexpr int kFullModelColumns = 2 + (kDaysPerWeek - 1);  // intercept, day, Tuesday .. Sunday

void check_arguments(std::span<const double> daily_usd, int first_weekday, int horizon_days, double level,
                     std::span<const int> period_days) {
  const auto history = static_cast<int>(daily_usd.size());
  if (history < kMinimumForecastHistoryDays)
    throw Error(fmt::format("forecast: {} days of history, at least {} needed", history, kMinimumForecastHistoryDays));
  for (std::size_t d = 0; d < daily_usd.size(); ++d)
    if (!std::isfinite(daily_usd[d]))
      throw Error(fmt::format("forecast: day {} of the history is {}, expected a finite amount in USD", d, daily_usd[d]));
  if (first_weekday < 0 || first_weekday >= kDaysPerWeek)
    throw Error(fmt::format("forecast: first weekday {}, expected 0 (Monday) to 6 (Sunday)", first_weekday));
  if (horizon_days < 1) throw Error(fmt::format("forecast: a horizon of {} days, expected at least 1", horizon_days));
  if (horizon_days > history)
    throw Error(fmt::format("forecast: a horizon of {} days is longer than the {} days of history (at most {}: a trend "
                            "is not extrapolated further ahead than the span it was fitted on)",
                            horizon_days, history, history));
  if (!(level > 0 && level < 1))
    throw Error(fmt::format("forecast: interval level {}, expected between 0 and 1 exclusive (0.8 is AWS's 80% band)", level));
  int periods_total = 0;
  for (std::size_t i = 0; i < period_days.size(); ++i) {
    if (period_days[i] < 1)
      throw Error(fmt::format("forecast: period {} has {} days, expected at least 1", i, period_days[i]));
    periods_total += period_days[i];
  }
  if (periods_total > horizon_days)
    throw Error(fmt::format("forecast: the periods add up to {} days, longer than the {}-day horizon", periods_total,
                            horizon_days));
}

// One row of the design matrix. The day is centred on the history's middle so that the intercept and
// the slope are nearly uncorrelated and X'X stays well conditioned over long histories.
Eigen::VectorXd design_row(int day, int weekday, bool full_model, double centre_day) {
  Eigen::VectorXd x = Eigen::VectorXd::Zero(full_model ? kFullModelColumns : 1);
  x(0) = 1;
  if (full_model) {
    x(1) = day - centre_day;
    if (weekday != 0) x(1 + weekday) = 1;  // Monday is the reference weekday
  }
  return x;
}

}  // namespace

SpendForecast forecast_spend(std::span<const double> daily_usd, int first_weekday, int horizon_days, double level,
                             std::span<const int> period_days) {
  check_arguments(daily_usd, first_weekday, horizon_days, level, period_days);
  const auto n = static_cast<int>(daily_usd.size());
  const bool full_model = n >= kFullModelForecastHistoryDays;
  const int columns = full_model ? kFullModelColumns : 1;
  const double centre_day = (n - 1) / 2.0;
  const auto weekday_of = [first_weekday](int day) { return (first_weekday + day) % kDaysPerWeek; };

  Eigen::MatrixXd x(n, columns);
  Eigen::VectorXd y(n);
  double largest_usd = 0;
  for (int d = 0; d < n; ++d) {
    x.row(d) = design_row(d, weekday_of(d), full_model, centre_day).transpose();
    y(d) = daily_usd[static_cast<std::size_t>(d)];
    largest_usd = std::max(largest_usd, std::abs(y(d)));
  }
  // Householder QR rather than the normal equations: X = QR gives the coefficients without squaring
  // X's condition number, and (X'X)^-1 = R^-1 R^-T, so x0'(X'X)^-1 x0 = |R^-T x0|^2.
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(x);
  const Eigen::VectorXd beta = qr.solve(y);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(columns).triangularView<Eigen::Upper>();
  const auto leverage = [&r](const Eigen::VectorXd& row) {
    return r.transpose().triangularView<Eigen::Lower>().solve(row).squaredNorm();
  };

  const int dof = n - columns;
  const double rss = (y - x * beta).squaredNorm();
  double sigma = std::sqrt(rss / dof);
  // Residuals a billionth of the spend are rounding of an exact fit (a constant series, a noise-free
  // line): the band is then zero wide, as it would be in exact arithmetic.
  if (sigma <= 1e-9 * largest_usd) sigma = 0;
  const double t = boost::math::quantile(boost::math::students_t(dof), 0.5 + level / 2);

  SpendForecast out;
  out.history_days = n;
  out.weekly = full_model;
  out.trend = full_model;
  out.level = level;
  out.residual_sd_usd = sigma;
  out.degrees_of_freedom = dof;
  if (full_model) {
    out.trend_usd_per_day = beta(1);
    double week_mean = 0;
    for (int w = 1; w < kDaysPerWeek; ++w) week_mean += beta(1 + w) / kDaysPerWeek;
    for (int w = 0; w < kDaysPerWeek; ++w) out.weekday_effect_usd[static_cast<std::size_t>(w)] = (w == 0 ? 0 : beta(1 + w)) - week_mean;
  }

  // A sum of k future days has the error (sum of their noises) − a'(beta_hat − beta), a = the sum of
  // their design rows: variance sigma^2 (k + a'(X'X)^-1 a). The daily bands cannot simply be added:
  // adding half-widths treats the k noises as moving together, when independent noises partly cancel
  // (their spread grows as sqrt(k), not k); adding the daily variances instead misses that one set of
  // fitted coefficients errs the same way on every day (the coefficient part grows as k^2).
  const auto band = [&](double mean, double variance) {
    const double half = t * std::sqrt(variance);
    return SpendBand{std::max(0.0, mean), std::max(0.0, mean - half), std::max(0.0, mean + half)};
  };
  std::vector<Eigen::VectorXd> rows;
  rows.reserve(static_cast<std::size_t>(horizon_days));
  for (int k = 0; k < horizon_days; ++k) {
    const int day = n + k;
    rows.push_back(design_row(day, weekday_of(day), full_model, centre_day));
    const SpendBand day_band = band(rows.back().dot(beta), sigma * sigma * (1 + leverage(rows.back())));
    out.mean.push_back(day_band.mean);
    out.lower.push_back(day_band.lower);
    out.upper.push_back(day_band.upper);
  }
  const auto sum_band = [&](int first, int count) {
    Eigen::VectorXd a = Eigen::VectorXd::Zero(columns);
    for (int k = first; k < first + count; ++k) a += rows[static_cast<std::size_t>(k)];
    return band(a.dot(beta), sigma * sigma * (count + leverage(a)));
  };
  out.total = sum_band(0, horizon_days);
  int first = 0;
  for (const int length : period_days) {
    out.periods.push_back(sum_band(first, length));
    first += length;
  }
  return out;
}

int weekday_index(UtcTime day) { return static_cast<int>(date::weekday{date::floor<date::days>(day)}.iso_encoding()) - 1; }

}  // namespace capsim
