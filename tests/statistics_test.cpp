// The statistics compare reports, against values worked out by hand or from published tables.
#include <doctest/doctest.h>

#include <cmath>

#include "capsim/report/statistics.hpp"

using namespace capsim;

TEST_CASE("quantiles interpolate between order statistics (type 7, numpy's default)") {
  // numpy.quantile([4, 1, 3, 2], q): position q·3 in [1, 2, 3, 4].
  const std::vector<double> x{4, 1, 3, 2};
  CHECK(quantile_of(x, 0.0) == 1);
  CHECK(quantile_of(x, 1.0) == 4);
  CHECK(quantile_of(x, 0.5) == doctest::Approx(2.5));
  CHECK(quantile_of(x, 0.05) == doctest::Approx(1.15));  // 1 + 0.15 × (2 − 1)
  CHECK(quantile_of(x, 0.95) == doctest::Approx(3.85));  // 3 + 0.85 × (4 − 3)
  CHECK(quantile_of({7}, 0.95) == 7);
  CHECK(std::isnan(quantile_of({}, 0.5)));
}

TEST_CASE("mean and sample standard deviation") {
  CHECK(mean_of({1, 2, 3, 4, 5}) == 3);
  CHECK(sd_of({1, 2, 3, 4, 5}) == doctest::Approx(std::sqrt(2.5)));  // Σ(x − 3)² = 10, over n − 1 = 4
  CHECK(sd_of({5}) == 0);
}

TEST_CASE("CVaR95 is the mean of the costliest 5%, the boundary value weighted by its fraction") {
  std::vector<double> twenty, forty, thirty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i);
  for (int i = 1; i <= 40; ++i) forty.push_back(i);
  for (int i = 1; i <= 30; ++i) thirty.push_back(i);
  CHECK(cvar_upper(twenty, 0.95) == doctest::Approx(20));             // the tail holds one value: the largest
  CHECK(cvar_upper(forty, 0.95) == doctest::Approx((40 + 39) / 2.0));  // two values
  CHECK(cvar_upper(thirty, 0.95) == doctest::Approx((30 + 0.5 * 29) / 1.5));  // one and a half
  CHECK(cvar_upper({3, 1, 2}, 0.95) == doctest::Approx(3));              // fewer than 20: the worst value
}

TEST_CASE("the mean's interval uses Student's t with n - 1 degrees of freedom") {
  // x = 1..5: mean 3, sd √2.5, se √2.5/√5 = √0.5; t(0.975, 4) = 2.776445 (published tables).
  const auto ci = mean_interval({1, 2, 3, 4, 5});
  REQUIRE(ci);
  const double half = 2.776445 * std::sqrt(0.5);
  CHECK(ci->low == doctest::Approx(3 - half).epsilon(1e-6));
  CHECK(ci->high == doctest::Approx(3 + half).epsilon(1e-6));
  // Equal values: no spread, a point interval.
  const auto point = mean_interval({2, 2, 2});
  REQUIRE(point);
  CHECK(point->low == 2);
  CHECK(point->high == 2);
  CHECK_FALSE(mean_interval({1}));
}

TEST_CASE("Wilson's interval of a proportion") {
  // 0 of 20: [0, z²/(n + z²)] with z = 1.959964: 3.841459 / 23.841459 = 0.161125.
  const auto none = wilson_interval(0, 20);
  REQUIRE(none);
  CHECK(none->low == doctest::Approx(0));
  CHECK(none->high == doctest::Approx(0.161125).epsilon(1e-5));
  // 5 of 20 (p = 0.25): centre (0.25 + z²/40)/(1 + z²/20), half z/(1 + z²/20)·√(p(1−p)/20 + z²/1600).
  const double z = 1.959964, n = 20, p = 0.25;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  const auto five = wilson_interval(5, 20);
  REQUIRE(five);
  CHECK(five->low == doctest::Approx(centre - half).epsilon(1e-6));
  CHECK(five->high == doctest::Approx(centre + half).epsilon(1e-6));
  CHECK(five->low == doctest::Approx(0.1119).epsilon(1e-3));  // the textbook figure for 5/20
  CHECK_FALSE(wilson_interval(0, 0));
}

TEST_CASE("the Pareto front keeps the points no other beats in both") {
  // (cost, risk): a (10, 0.2), b (20, 0.0), c (15, 0.3) is beaten by a, d (10, 0.2) ties a.
  const auto front = pareto_front({10, 20, 15, 10}, {0.2, 0.0, 0.3, 0.2});
  CHECK(front == std::vector<bool>{true, true, false, true});
}
