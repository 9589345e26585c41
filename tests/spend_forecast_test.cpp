#include <doctest/doctest.h>

#include <functional>

#include <array>
#include <cmath>
#include <vector>

#include "capsim/core/distributions.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/cost/spend_forecast.hpp"

using namespace capsim;

namespace {

// A weekday pattern whose average over the week is 0: Monday .. Sunday.
constexpr std::array<double, 7> kWeekPattern{10, 10, 10, 10, 5, -20, -25};

double line_with_week(int day, int first_weekday, double intercept, double slope) {
  return intercept + slope * day + kWeekPattern[static_cast<std::size_t>((first_weekday + day) % 7)];
}

}  // namespace

TEST_CASE("forecast: a noise-free line with a weekly pattern is recovered exactly, with a zero-wide band") {
  const int first_weekday = 2;  // the history starts on a Wednesday
  std::vector<double> history;
  for (int d = 0; d < 28; ++d) history.push_back(line_with_week(d, first_weekday, 50, 1.5));

  const SpendForecast f = forecast_spend(history, first_weekday, 14);
  CHECK(f.weekly);
  CHECK(f.trend);
  CHECK(f.history_days == 28);
  CHECK(f.degrees_of_freedom == 28 - 8);  // intercept, slope, six weekday indicators
  CHECK(f.residual_sd_usd == 0);
  CHECK(f.trend_usd_per_day == doctest::Approx(1.5));
  for (std::size_t w = 0; w < 7; ++w) CHECK(f.weekday_effect_usd[w] == doctest::Approx(kWeekPattern[w]).epsilon(1e-9));
  REQUIRE(f.mean.size() == 14);
  double total = 0;
  for (int k = 0; k < 14; ++k) {
    // Day 28 + k, by hand: 50 + 1.5 × (28 + k) + the pattern of its weekday.
    const double expected = line_with_week(28 + k, first_weekday, 50, 1.5);
    total += expected;
    const auto i = static_cast<std::size_t>(k);
    CHECK(f.mean[i] == doctest::Approx(expected));
    CHECK(f.lower[i] == f.mean[i]);
    CHECK(f.upper[i] == f.mean[i]);
  }
  CHECK(f.total.mean == doctest::Approx(total));
  CHECK(f.total.lower == f.total.mean);
  CHECK(f.total.upper == f.total.mean);
}

TEST_CASE("forecast: under two weeks, the mean and spread only, the band worked by hand") {
  // Mean 11; deviations -1 1 0 2 -2 -1 1, squares summing to 12: s^2 = 12 / 6 = 2.
  const std::vector<double> history{10, 12, 11, 13, 9, 10, 12};
  const SpendForecast f = forecast_spend(history, 0, 7);
  CHECK_FALSE(f.weekly);
  CHECK_FALSE(f.trend);
  CHECK(f.degrees_of_freedom == 6);
  CHECK(f.residual_sd_usd == doctest::Approx(std::sqrt(2.0)));
  const double t = 1.439756;  // Student's t, 6 degrees of freedom, 0.90 quantile (a printed table)
  const double day_half = t * std::sqrt(2.0 * (1 + 1.0 / 7));  // x0'(X'X)^-1 x0 = 1/n for the mean
  for (std::size_t k = 0; k < 7; ++k) {
    CHECK(f.mean[k] == doctest::Approx(11));
    CHECK(f.upper[k] == doctest::Approx(11 + day_half).epsilon(1e-6));
    CHECK(f.lower[k] == doctest::Approx(11 - day_half).epsilon(1e-6));
  }
  // The week's total: 77, variance s^2 (h + a'(X'X)^-1 a) = 2 × (7 + 49/7) = 28.
  CHECK(f.total.mean == doctest::Approx(77));
  CHECK(f.total.upper == doctest::Approx(77 + t * std::sqrt(28.0)).epsilon(1e-6));
  CHECK(f.total.lower == doctest::Approx(77 - t * std::sqrt(28.0)).epsilon(1e-6));
  // Adding the daily half-widths would give 7 × day_half, far wider than the total's band.
  CHECK(f.total.upper - f.total.mean < 0.8 * 7 * day_half);
}

TEST_CASE("forecast: a constant history gives a zero-wide band, and zero spend stays zero") {
  for (const double usd : {0.0, 123.45}) {
    const std::vector<double> history(21, usd);
    const SpendForecast f = forecast_spend(history, 4, 10);
    CHECK(f.residual_sd_usd == 0);
    for (std::size_t k = 0; k < 10; ++k) {
      CHECK(f.mean[k] == doctest::Approx(usd));
      CHECK(f.lower[k] == f.mean[k]);
      CHECK(f.upper[k] == f.mean[k]);
    }
    CHECK(f.total.mean == doctest::Approx(10 * usd));
    CHECK(f.total.lower == f.total.mean);
    CHECK(f.total.upper == f.total.mean);
  }
}

TEST_CASE("forecast: spend falling to nothing is clamped at zero") {
  std::vector<double> history;
  for (int d = 0; d < 14; ++d) history.push_back(140 - 10 * d);  // 140 .. 10: reaches zero on day 14
  const SpendForecast f = forecast_spend(history, 0, 14);
  for (std::size_t k = 0; k < 14; ++k) {
    CHECK(f.mean[k] == 0);
    CHECK(f.lower[k] == 0);
    CHECK(f.upper[k] == 0);
  }
  CHECK(f.total.mean == 0);
}

TEST_CASE("forecast: the periods' totals split the horizon") {
  Rng rng(7);
  std::vector<double> history;
  for (int d = 0; d < 60; ++d) history.push_back(line_with_week(d, 3, 300, 0.5) + sample_normal(rng, 0, 10));
  const std::vector<int> months{31, 28};
  const SpendForecast f = forecast_spend(history, 3, 59, kAwsForecastLevel, months);
  REQUIRE(f.periods.size() == 2);
  double first = 0, second = 0;
  for (std::size_t k = 0; k < 31; ++k) first += f.mean[k];
  for (std::size_t k = 31; k < 59; ++k) second += f.mean[k];
  CHECK(f.periods[0].mean == doctest::Approx(first));
  CHECK(f.periods[1].mean == doctest::Approx(second));
  CHECK(f.periods[0].mean + f.periods[1].mean == doctest::Approx(f.total.mean));
  CHECK(f.periods[0].lower < f.periods[0].mean);
  CHECK(f.periods[0].upper > f.periods[0].mean);
}

namespace {

// Over `seeds` series drawn by `draw(seed)`, each fitted on its first `history_days` and held out
// for the next `horizon`: the share of held-out days inside their band, and of held-out totals
// inside the total's band.
struct Coverage {
  double days = 0;
  double totals = 0;
};

Coverage backtest(int seeds, int history_days, int horizon, const std::function<std::vector<double>(int)>& draw,
                  const std::function<int(int)>& first_weekday) {
  int days_in = 0, days = 0, totals_in = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    const std::vector<double> series = draw(seed);
    const std::vector<double> history(series.begin(), series.begin() + history_days);
    const SpendForecast f = forecast_spend(history, first_weekday(seed), horizon);
    double held_out_total = 0;
    for (int k = 0; k < horizon; ++k) {
      const double actual = series[static_cast<std::size_t>(history_days + k)];
      held_out_total += actual;
      days_in += actual >= f.lower[static_cast<std::size_t>(k)] && actual <= f.upper[static_cast<std::size_t>(k)];
      ++days;
    }
    totals_in += held_out_total >= f.total.lower && held_out_total <= f.total.upper;
  }
  return {static_cast<double>(days_in) / days, static_cast<double>(totals_in) / seeds};
}

}  // namespace

TEST_CASE("forecast backtest: the 80% band covers 80% of held-out days and of held-out totals" * doctest::test_suite("slow")) {
  // 8 weeks of history, 4 held out: 210 USD a day rising 0.8 a day, the weekly pattern, N(0, 15) noise.
  const int history_days = 56, horizon = 28;
  const Coverage c = backtest(
      1000, history_days, horizon,
      [&](int seed) {
        Rng rng(static_cast<std::uint64_t>(seed) + 1000);
        std::vector<double> series;
        for (int d = 0; d < history_days + horizon; ++d) series.push_back(line_with_week(d, seed % 7, 210, 0.8) + sample_normal(rng, 0, 15));
        return series;
      },
      [](int seed) { return seed % 7; });
  MESSAGE("daily coverage " << c.days << ", total coverage " << c.totals);
  CHECK(c.days == doctest::Approx(0.80).epsilon(0.05 / 0.80));
  CHECK(c.totals == doctest::Approx(0.80).epsilon(0.05 / 0.80));
}

TEST_CASE("forecast backtest: under two weeks, a level series is covered 80% too" * doctest::test_suite("slow")) {
  const int history_days = 10, horizon = 10;
  const Coverage c = backtest(
      2000, history_days, horizon,
      [&](int seed) {
        Rng rng(static_cast<std::uint64_t>(seed) + 50000);
        std::vector<double> series;
        for (int d = 0; d < history_days + horizon; ++d) series.push_back(sample_normal(rng, 80, 6));
        return series;
      },
      [](int) { return 0; });
  MESSAGE("daily coverage " << c.days << ", total coverage " << c.totals);
  CHECK(c.days == doctest::Approx(0.80).epsilon(0.05 / 0.80));
  CHECK(c.totals == doctest::Approx(0.80).epsilon(0.05 / 0.80));
}

TEST_CASE("forecast: bad input is refused with what was expected and what was found") {
  const std::vector<double> ten(10, 5.0), thirty(30, 5.0);
  CHECK_THROWS_WITH_AS(forecast_spend(std::vector<double>(6, 5.0), 0, 3), "forecast: 6 days of history, at least 7 needed",
                       Error);
  CHECK_THROWS_WITH_AS(forecast_spend(thirty, 0, 31),
                       "forecast: a horizon of 31 days is longer than the 30 days of history (at most 30: a trend is "
                       "not extrapolated further ahead than the span it was fitted on)",
                       Error);
  CHECK_THROWS_WITH_AS(forecast_spend(ten, 0, 0), "forecast: a horizon of 0 days, expected at least 1", Error);
  CHECK_THROWS_WITH_AS(forecast_spend(ten, 7, 5), "forecast: first weekday 7, expected 0 (Monday) to 6 (Sunday)", Error);
  CHECK_THROWS_WITH_AS(forecast_spend(ten, 0, 5, 1.0),
                       "forecast: interval level 1, expected between 0 and 1 exclusive (0.8 is AWS's 80% band)", Error);
  std::vector<double> with_nan = ten;
  with_nan[3] = std::nan("");
  CHECK_THROWS_WITH_AS(forecast_spend(with_nan, 0, 5), "forecast: day 3 of the history is nan, expected a finite amount in USD",
                       Error);
  const std::vector<int> too_long{20, 11};
  CHECK_THROWS_WITH_AS(forecast_spend(thirty, 0, 30, 0.8, too_long),
                       "forecast: the periods add up to 31 days, longer than the 30-day horizon", Error);
  const std::vector<int> empty_period{10, 0};
  CHECK_THROWS_WITH_AS(forecast_spend(thirty, 0, 30, 0.8, empty_period), "forecast: period 1 has 0 days, expected at least 1",
                       Error);
}
