#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

#include "capsim/core/distributions.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/cost/spend_anomalies.hpp"

using namespace capsim;

namespace {

// The false positives per clean judged day the default options stay under, on series with Gaussian
// noise, a weekly pattern and a trend (measured below over 500 series).
constexpr double kStatedFalsePositiveRate = 0.005;

struct Injection {
  int day = 0;
  std::size_t part = 0;
  double usd = 0;
};

// Three NodePools (weekday pattern on the spot GPUs, a slow rise on the on-demand ones, noise on each).
std::vector<SpendPart> nodepools(Rng& rng, int days, const std::vector<Injection>& injections) {
  std::vector<SpendPart> parts{{"nodepool", "gpu-spot", {}}, {"nodepool", "gpu-od", {}}, {"nodepool", "cpu", {}}};
  for (int d = 0; d < days; ++d) {
    const bool weekend = d % 7 >= 5;  // the series start on a Monday
    parts[0].usd.push_back(400 - (weekend ? 100 : 0) + sample_normal(rng, 0, 8));
    parts[1].usd.push_back(250 + 0.3 * d + sample_normal(rng, 0, 6));
    parts[2].usd.push_back(60 + sample_normal(rng, 0, 3));
  }
  for (const Injection& i : injections) parts[i.part].usd[static_cast<std::size_t>(i.day)] += i.usd;
  return parts;
}

std::vector<double> total_of(const std::vector<SpendPart>& parts) {
  std::vector<double> total(parts.front().usd.size(), 0.0);
  for (const SpendPart& p : parts)
    for (std::size_t d = 0; d < total.size(); ++d) total[d] += p.usd[d];
  return total;
}

}  // namespace

TEST_CASE("anomalies: the baseline and band of one day, worked by hand") {
  // Two weeks, Monday first; the weekend is cheaper.
  std::vector<double> usd{100, 100, 100, 100, 100, 50, 50, 102, 98, 101, 99, 104, 46, 50};
  // Day 14, a Monday: expected = median(100, 102) = 101. Each day's leave-one-out error is its
  // difference from the other same weekday: 2 2 1 1 4 4 0, each twice; their median is 2, the scale
  // 1.4826 × 2 = 2.9652 (above the floor, 1% of 101), the band 101 ∓ 4 × 2.9652.
  const double scale = 1.4826 * 2, reach = 4 * scale;
  usd.push_back(113);  // 12 above: outside the band (reach 11.86)
  SpendAnomalyReport r = detect_spend_anomalies(usd, {}, 0);
  CHECK(r.first_judged_day == 14);
  CHECK(r.judged_days == 1);
  REQUIRE(r.anomalies.size() == 1);
  const SpendAnomaly& a = r.anomalies[0];
  CHECK(a.day == 14);
  CHECK(a.weekday == 0);
  CHECK(a.expected_usd == doctest::Approx(101));
  CHECK(a.impact_usd == doctest::Approx(12));
  CHECK(a.band_low_usd == doctest::Approx(101 - reach));
  CHECK(a.band_high_usd == doctest::Approx(101 + reach));
  CHECK(a.score == doctest::Approx(12 / scale));
  CHECK(a.direction == SpendDirection::Above);
  CHECK(a.causes.empty());
  usd.back() = 112;  // 11 above: inside
  CHECK(detect_spend_anomalies(usd, {}, 0).anomalies.empty());
}

TEST_CASE("anomalies: injected spikes and drops are all found, with their size and their NodePool" * doctest::test_suite("slow")) {
  // The impact's error is the day's own noise plus the baseline's (a median of 4 same-weekday days,
  // sd about 0.6 sigma): sd about 1.2 sigma = 12.5 USD for the total's sigma of 10.4 USD, plus the
  // on-demand rise the 2.5-week-old baseline misses (0.3 × 17.5 = 5 USD). 4 sd and that: 55 USD.
  const double tolerance_usd = 55;
  const std::vector<Injection> injections{{35, 0, 300}, {48, 1, -200}, {62, 2, 150}};
  int found = 0, extra = 0, judged = 0;
  for (int seed = 0; seed < 200; ++seed) {
    Rng rng(static_cast<std::uint64_t>(seed) + 7000);
    const std::vector<SpendPart> parts = nodepools(rng, 70, injections);
    const SpendAnomalyReport r = detect_spend_anomalies(total_of(parts), parts, 0);
    judged += r.judged_days - static_cast<int>(injections.size());
    for (const Injection& i : injections) {
      const SpendAnomaly* hit = nullptr;
      for (const SpendAnomaly& a : r.anomalies)
        if (a.day == i.day) hit = &a;
      REQUIRE_MESSAGE(hit != nullptr, "seed " << seed << " day " << i.day);
      ++found;
      CHECK(hit->impact_usd == doctest::Approx(i.usd).epsilon(tolerance_usd / std::abs(i.usd)));
      CHECK(hit->direction == (i.usd > 0 ? SpendDirection::Above : SpendDirection::Below));
      REQUIRE(hit->causes.size() == 1);
      CHECK(hit->causes[0].dimension == "nodepool");
      CHECK(hit->causes[0].value == parts[i.part].value);
      CHECK(hit->causes[0].impact_usd == doctest::Approx(i.usd).epsilon(tolerance_usd / std::abs(i.usd)));
    }
    extra += static_cast<int>(r.anomalies.size()) - static_cast<int>(injections.size());
  }
  MESSAGE(found << " of " << 200 * injections.size() << " injected found; " << extra << " other flags in " << judged
                << " judged days: " << static_cast<double>(extra) / judged);
  CHECK(static_cast<double>(extra) / judged < kStatedFalsePositiveRate);
}

TEST_CASE("anomalies: each dimension names its own mover, the one that explains most first") {
  Rng rng(11);
  std::vector<SpendPart> parts = nodepools(rng, 42, {{30, 0, 500}});  // the spot GPUs, on day 30
  // The same spend by team: ml runs the spot GPUs and half the on-demand ones.
  SpendPart ml{"tag:team", "ml", {}}, search{"tag:team", "search", {}};
  for (std::size_t d = 0; d < 42; ++d) {
    ml.usd.push_back(parts[0].usd[d] + 0.5 * parts[1].usd[d]);
    search.usd.push_back(0.5 * parts[1].usd[d] + parts[2].usd[d]);
  }
  const std::vector<double> total = total_of(parts);
  parts.push_back(ml);
  parts.push_back(search);
  const SpendAnomalyReport r = detect_spend_anomalies(total, parts, 0);
  const SpendAnomaly* hit = nullptr;
  for (const SpendAnomaly& a : r.anomalies)
    if (a.day == 30) hit = &a;
  REQUIRE(hit != nullptr);
  REQUIRE(hit->causes.size() == 2);
  for (const SpendCause& c : hit->causes) {
    CHECK(c.value == (c.dimension == "nodepool" ? "gpu-spot" : "ml"));
    CHECK(c.share == doctest::Approx(1).epsilon(0.15));
  }
  CHECK(hit->causes[0].impact_usd >= hit->causes[1].impact_usd);
}

TEST_CASE("anomalies: on clean noisy series the false positives stay under the stated rate" * doctest::test_suite("slow")) {
  int flagged = 0, judged = 0;
  for (int seed = 0; seed < 500; ++seed) {
    Rng rng(static_cast<std::uint64_t>(seed) + 90000);
    const std::vector<SpendPart> parts = nodepools(rng, 84, {});
    const SpendAnomalyReport r = detect_spend_anomalies(total_of(parts), parts, 0);
    flagged += static_cast<int>(r.anomalies.size());
    judged += r.judged_days;
  }
  const double rate = static_cast<double>(flagged) / judged;
  MESSAGE("false positives: " << flagged << " in " << judged << " judged days: " << rate);
  CHECK(rate < kStatedFalsePositiveRate);
}

TEST_CASE("anomalies: a flat series flags nothing, with or without a tiny wobble") {
  for (const double usd : {0.0, 250.0}) {
    std::vector<double> flat(60, usd);
    CHECK(detect_spend_anomalies(flat, {}, 3).anomalies.empty());
    for (std::size_t d = 0; d < flat.size(); ++d) flat[d] += (d % 3 == 0 ? 1e-3 : 0) + (d == 40 ? 2e-3 : 0);
    CHECK(detect_spend_anomalies(flat, {}, 3).anomalies.empty());
  }
  // A real move on a flat series is still seen: 250 a day, then 261 (4.4% above: past the 1% floor × 4).
  std::vector<double> flat(60, 250.0);
  flat[45] = 261;
  const SpendAnomalyReport r = detect_spend_anomalies(flat, {}, 3);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].day == 45);
  CHECK(r.anomalies[0].impact_usd == doctest::Approx(11));
}

TEST_CASE("anomalies: a lasting step is flagged in its first week and is the baseline from its fourth") {
  // 500 a day with N(0, 5) noise; from day 35 on, 300 more. In the step's first week each weekday has
  // at most one day after the step among its window days, so the medians (the expected amount and the
  // scale's) hold the old level: every day is flagged. From day 56 on three of the four same-weekday
  // days are after the step: the median is the new level and nothing is flagged. In between the
  // window's days disagree with their weekdays and the scale widens, so what is flagged depends on
  // the noise (here days 35 to 44, then 54 and 55).
  Rng rng(5);
  std::vector<double> usd;
  for (int d = 0; d < 70; ++d) usd.push_back(500 + (d >= 35 ? 300 : 0) + sample_normal(rng, 0, 5));
  const SpendAnomalyReport r = detect_spend_anomalies(usd, {}, 0);
  std::vector<int> first_week, before_or_late;
  for (const SpendAnomaly& a : r.anomalies) {
    if (a.day >= 35 && a.day < 42) first_week.push_back(a.day);
    if (a.day < 35 || a.day >= 56) before_or_late.push_back(a.day);
  }
  CHECK(first_week == std::vector<int>{35, 36, 37, 38, 39, 40, 41});
  CHECK(before_or_late.empty());
}

TEST_CASE("anomalies: a spike too small in USD or in percent is not reported") {
  Rng rng(3);
  const std::vector<SpendPart> parts = nodepools(rng, 42, {{30, 0, 300}});
  const std::vector<double> total = total_of(parts);
  SpendAnomalyOptions options;
  CHECK(detect_spend_anomalies(total, parts, 0, options).anomalies.size() >= 1);
  options.min_impact_usd = 1000;
  CHECK(detect_spend_anomalies(total, parts, 0, options).anomalies.empty());
  options.min_impact_usd = 0;
  options.min_impact_fraction = 0.5;  // 300 on about 700 expected: 43%
  CHECK(detect_spend_anomalies(total, parts, 0, options).anomalies.empty());
}

TEST_CASE("anomalies: too short a series is judged on no day; bad input is refused with a message") {
  const std::vector<double> ten(10, 5.0);
  const SpendAnomalyReport r = detect_spend_anomalies(ten, {}, 0);
  CHECK(r.judged_days == 0);
  CHECK(r.anomalies.empty());

  const std::vector<SpendPart> short_part{{"nodepool", "gpu-spot", std::vector<double>(9, 5.0)}};
  CHECK_THROWS_WITH_AS(detect_spend_anomalies(ten, short_part, 0),
                       "anomalies: part nodepool=gpu-spot has 9 days, expected 10 (the total's)", Error);
  std::vector<double> with_inf = ten;
  with_inf[2] = INFINITY;
  CHECK_THROWS_WITH_AS(detect_spend_anomalies(with_inf, {}, 0),
                       "anomalies: day 2 of the total is inf, expected a finite amount in USD", Error);
  CHECK_THROWS_WITH_AS(detect_spend_anomalies(ten, {}, -1), "anomalies: first weekday -1, expected 0 (Monday) to 6 (Sunday)",
                       Error);
  SpendAnomalyOptions options;
  options.threshold = 0;
  CHECK_THROWS_WITH_AS(detect_spend_anomalies(ten, {}, 0, options), "anomalies: threshold 0, expected more than 0", Error);
  options = {};
  options.min_history_days = 5;
  CHECK_THROWS_WITH_AS(detect_spend_anomalies(ten, {}, 0, options), "anomalies: min_history_days 5, expected at least 7",
                       Error);
  options = {};
  options.baseline_weeks = 1;
  CHECK_THROWS_WITH_AS(detect_spend_anomalies(ten, {}, 0, options), "anomalies: baseline_weeks 1, expected at least 2", Error);
}
