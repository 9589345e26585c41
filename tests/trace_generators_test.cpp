// Synthetic traces against values worked out by hand (shapes) or bounds derived from the model
// (noise, bursts).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/trace/generators.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::at;

DiurnalGenerator diurnal(double base, double peak, double peak_hour, const char* zone = "UTC") {
  DiurnalGenerator g;
  g.base_rps = base;
  g.peak_rps = peak;
  g.peak_hour = peak_hour;
  g.time_zone = zone;
  return g;
}

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
}  // namespace

TEST_CASE("constant: rate times period length") {
  // 2 requests/s × 60 s = 120 requests in every period.
  Trace t = generate_trace(ConstantGenerator{2}, "web", at("2024-05-10T00:00:00Z"), seconds(60), 3, 1);
  CHECK(t.values == std::vector<double>{120, 120, 120});
  CHECK(t.name == "web");
  CHECK(t.start == at("2024-05-10T00:00:00Z"));
  CHECK(t.period == seconds(60));
  CHECK(t.unit == TraceUnit::Requests);
}

TEST_CASE("step: the period's midpoint decides") {
  const UtcTime t0 = at("2024-05-10T00:00:00Z");
  // 1 rps → 60 per minute, 5 rps → 300. Midpoints are 00:00:30, 00:01:30, 00:02:30, 00:03:30.
  // `at` on the 00:02:00 boundary: periods 0-1 have midpoints before it, periods 2-3 after.
  StepGenerator s{1, 5, at("2024-05-10T00:02:00Z")};
  CHECK(generate_trace(s, "web", t0, seconds(60), 4, 1).values == std::vector<double>{60, 60, 300, 300});
  // `at` 00:02:20 lies inside period 2 [00:02:00, 00:03:00) but before its midpoint 00:02:30 → after.
  s.at = at("2024-05-10T00:02:20Z");
  CHECK(generate_trace(s, "web", t0, seconds(60), 4, 1).values == std::vector<double>{60, 60, 300, 300});
  // `at` 00:02:40 is after period 2's midpoint 00:02:30 → period 2 still gets before_rps.
  s.at = at("2024-05-10T00:02:40Z");
  CHECK(generate_trace(s, "web", t0, seconds(60), 4, 1).values == std::vector<double>{60, 60, 60, 300});
}

TEST_CASE("ramp: linear between start and end, constant outside") {
  // 10 → 70 rps over [00:01:30, 00:11:30] (600 s); minute periods from 00:00, period k's midpoint is
  // 00:0k:30.
  RampGenerator r{10, 70, at("2024-05-10T00:01:30Z"), at("2024-05-10T00:11:30Z")};
  Trace t = generate_trace(r, "web", at("2024-05-10T00:00:00Z"), seconds(60), 13, 1);
  CHECK(t.values[0] == doctest::Approx(600));    // 00:00:30, before start: 10 × 60
  CHECK(t.values[1] == doctest::Approx(600));    // 00:01:30 = start: 10 × 60
  CHECK(t.values[3] == doctest::Approx(1320));   // 00:03:30, 120/600 in: 10 + 60 × 0.2 = 22 → × 60
  CHECK(t.values[6] == doctest::Approx(2400));   // 00:06:30, the ramp's midpoint: (10 + 70) / 2 = 40 → × 60
  CHECK(t.values[11] == doctest::Approx(4200));  // 00:11:30 = end: 70 × 60
  CHECK(t.values[12] == doctest::Approx(4200));  // after end: 70 × 60
  // A zero-length ramp is a step at `start`: midpoints 00:00:30, 00:01:30 before, 00:02:30 after.
  RampGenerator step{10, 70, at("2024-05-10T00:02:00Z"), at("2024-05-10T00:02:00Z")};
  CHECK(generate_trace(step, "web", at("2024-05-10T00:00:00Z"), seconds(60), 3, 1).values ==
        std::vector<double>{600, 600, 4200});
}

TEST_CASE("diurnal without noise: peak at peak_hour, trough twelve hours later") {
  // Hourly periods from Tue 2024-05-07 23:30Z: period k's midpoint is Wed 2024-05-08 k:00 UTC.
  Trace t = generate_trace(diurnal(100, 300, 14), "web", at("2024-05-07T23:30:00Z"), seconds(3600), 24, 1);
  CHECK(t.values[14] == doctest::Approx(1'080'000));  // 14:00: cos 0 = 1 → peak 300 × 3600
  CHECK(t.values[2] == doctest::Approx(360'000));     // 02:00, 12 h off: cos π = -1 → base 100 × 3600
  CHECK(t.values[8] == doctest::Approx(720'000));     // 08:00, 6 h off: cos(-π/2) = 0 → 200 × 3600
  CHECK(t.values[20] == doctest::Approx(720'000));    // 20:00, 6 h off the other way
}

TEST_CASE("diurnal: local hours follow the time zone and daylight saving") {
  // May, EDT = UTC-4: a 19:00 local peak is 23:00 UTC. Midpoint of period k: 2024-05-08 k:00 UTC.
  Trace may = generate_trace(diurnal(100, 300, 19, "America/New_York"), "web", at("2024-05-07T23:30:00Z"),
                             seconds(3600), 24, 1);
  CHECK(may.values[23] == doctest::Approx(1'080'000));  // 23:00Z = 19:00 EDT → 300 × 3600
  CHECK(may.values[11] == doctest::Approx(360'000));    // 11:00Z = 07:00 EDT, 12 h off → 100 × 3600
  CHECK(may.values[19] == doctest::Approx(900'000));    // 19:00Z = 15:00 EDT, 4 h off: (1 + cos(π/3))/2 = 0.75 → 250 × 3600
  // January, EST = UTC-5: the peak moves to 00:00 UTC. Period k's midpoint: 2024-01-10 k:00 UTC.
  Trace jan = generate_trace(diurnal(100, 300, 19, "America/New_York"), "web", at("2024-01-09T23:30:00Z"),
                             seconds(3600), 26, 1);
  CHECK(jan.values[24] == doctest::Approx(1'080'000));  // 2024-01-11 00:00Z = 19:00 EST
  // 23:00Z = 18:00 EST, 1 h off: (1 + cos(π/12))/2 = 0.9829629 → 296.59259 rps × 3600.
  CHECK(jan.values[23] == doctest::Approx(1'067'733.3));
}

TEST_CASE("diurnal: weekend_factor on local Saturdays and Sundays only") {
  DiurnalGenerator g = diurnal(100, 300, 14);
  g.weekend_factor = 0.5;
  // Hourly periods from 2024-05-09 23:30Z: period k's midpoint is Fri 2024-05-10 00:00Z + k h.
  Trace t = generate_trace(g, "web", at("2024-05-09T23:30:00Z"), seconds(3600), 96, 1);
  CHECK(t.values[14] == doctest::Approx(1'080'000));  // Fri 14:00: peak 300 × 3600, no factor
  CHECK(t.values[38] == doctest::Approx(540'000));    // Sat 2024-05-11 14:00: × 0.5
  CHECK(t.values[62] == doctest::Approx(540'000));    // Sun 14:00: × 0.5
  CHECK(t.values[86] == doctest::Approx(1'080'000));  // Mon 14:00: no factor
  // A flat 100 rps in New York: Saturday begins at 04:00Z (00:00 EDT). Midpoint of period k:
  // 2024-05-11 k:00 UTC.
  DiurnalGenerator ny = diurnal(100, 100, 14, "America/New_York");
  ny.weekend_factor = 0.5;
  Trace n = generate_trace(ny, "web", at("2024-05-10T23:30:00Z"), seconds(3600), 6, 1);
  CHECK(n.values[3] == doctest::Approx(360'000));  // 03:00Z = Fri 23:00 EDT: 100 × 3600
  CHECK(n.values[4] == doctest::Approx(180'000));  // 04:00Z = Sat 00:00 EDT: 100 × 0.5 × 3600
}

TEST_CASE("diurnal noise: mean 1 and the requested coefficient of variation") {
  // Flat 100 rps, minute periods: 6000 without noise. Each value is 6000 × L with E[L] = 1 and
  // sd(L) = cv = 0.2, so the mean of n = 20,000 has standard error 6000 × 0.2 / sqrt(20000) = 8.49.
  DiurnalGenerator g = diurnal(100, 100, 14);
  g.noise_cv = 0.2;
  const std::size_t n = 20'000;
  Trace t = generate_trace(g, "web", at("2024-05-06T00:00:00Z"), seconds(60), n, 42);
  const double se = 6000 * 0.2 / std::sqrt(static_cast<double>(n));
  CHECK(std::abs(mean_of(t.values) - 6000) < 5 * se);
  // Sample sd: for a lognormal with sigma² = ln(1.04), kurtosis μ4/σ⁴ = e^{4s²} + 2e^{3s²} + 3e^{2s²} - 3
  // = 3.664, so sd(s²/σ²) ≈ sqrt((3.664 - 1)/n) = 0.0115 and sd(s/σ) ≈ 0.0058; 5 of those ≈ 0.029.
  double ss = 0;
  const double m = mean_of(t.values);
  for (double v : t.values) ss += (v - m) * (v - m);
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  CHECK(std::abs(sd / 1200 - 1) < 0.03);  // σ = 0.2 × 6000
  CHECK(*std::min_element(t.values.begin(), t.values.end()) > 0);
}

TEST_CASE("same seed, same trace; another seed or name, another trace") {
  DiurnalGenerator g = diurnal(50, 200, 14, "Europe/Paris");
  g.noise_cv = 0.3;
  g.bursts_per_day = 24;
  g.burst_factor = 2;
  g.burst_duration_s = 900;
  const UtcTime t0 = at("2024-05-10T00:00:00Z");
  const auto a = generate_trace(g, "web", t0, seconds(60), 1440, 7).values;
  CHECK(generate_trace(g, "web", t0, seconds(60), 1440, 7).values == a);
  CHECK(generate_trace(g, "web", t0, seconds(60), 1440, 8).values != a);
  CHECK(generate_trace(g, "api", t0, seconds(60), 1440, 7).values != a);  // the name keys the streams
  // Without noise or bursts nothing is random: the seed is irrelevant.
  const DiurnalGenerator plain = diurnal(50, 200, 14, "Europe/Paris");
  CHECK(generate_trace(plain, "web", t0, seconds(60), 1440, 7).values ==
        generate_trace(plain, "web", t0, seconds(60), 1440, 8).values);
}

TEST_CASE("bursts: the boosted share matches a Poisson process of starts") {
  // Flat 10 rps, minute periods over 30 days (43,200): a value is 600, or 1800 inside a burst.
  // Starts at λ = 24/day = 1/3600 per s, each covering 600 s: a midpoint is covered when at least
  // one start fell in the 600 s before it, p = 1 - exp(-600/3600) = 1 - e^{-1/6} = 0.15352.
  // Bound: cut the 30 days into n = 4320 blocks of 600 s. A block's covered share B_j in [0, 1] has
  // Var ≤ p(1 - p), and B_j depends only on starts within 600 s before the block or in it, so the
  // sequence is 1-dependent: Var(mean) ≤ 3 p(1 - p) / n, sd ≤ sqrt(3 × 0.15352 × 0.84648 / 4320) =
  // 0.0095. Five of those = 0.0475, plus 10/43200 = 0.0002 for the first 600 s (no earlier starts).
  DiurnalGenerator g = diurnal(10, 10, 14);
  g.bursts_per_day = 24;
  g.burst_factor = 3;
  g.burst_duration_s = 600;
  const std::size_t n = 30 * 1440;
  Trace t = generate_trace(g, "web", at("2024-05-01T00:00:00Z"), seconds(60), n, 42);
  std::size_t boosted = 0, other = 0;
  for (double v : t.values) {
    if (v == doctest::Approx(1800)) ++boosted;
    else if (v != doctest::Approx(600)) ++other;
  }
  CHECK(other == 0);
  const double share = static_cast<double>(boosted) / static_cast<double>(n);
  const double p = 1 - std::exp(-1.0 / 6.0);
  CHECK(std::abs(share - p) < 0.0477);
}

// Each invalid field gives one message naming it, what was expected and what was found.
TEST_CASE("invalid: non-positive period") {
  const UtcTime t0 = at("2024-05-10T00:00:00Z");
  CHECK_THROWS_WITH_AS(generate_trace(ConstantGenerator{1}, "web", t0, 0, 3, 1),
                       "trace generator 'web': period: expected a period > 0 s, got 0 s", Error);
  CHECK_THROWS_WITH_AS(generate_trace(ConstantGenerator{1}, "web", t0, -seconds(60), 3, 1),
                       "trace generator 'web': period: expected a period > 0 s, got -60 s", Error);
}

TEST_CASE("invalid: negative rates") {
  const UtcTime t0 = at("2024-05-10T00:00:00Z");
  CHECK_THROWS_WITH_AS(generate_trace(diurnal(-1, 10, 14), "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': base_rps: expected a finite rate in requests/s >= 0, got -1", Error);
  CHECK_THROWS_WITH_AS(generate_trace(ConstantGenerator{-2}, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': rps: expected a finite rate in requests/s >= 0, got -2", Error);
  CHECK_THROWS_WITH_AS(generate_trace(StepGenerator{1, -5, t0}, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': after_rps: expected a finite rate in requests/s >= 0, got -5", Error);
  CHECK_THROWS_WITH_AS(generate_trace(RampGenerator{-3, 1, t0, t0}, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': from_rps: expected a finite rate in requests/s >= 0, got -3", Error);
  CHECK_THROWS_WITH_AS(generate_trace(ConstantGenerator{std::nan("")}, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': rps: expected a finite rate in requests/s >= 0, got nan", Error);
}

TEST_CASE("invalid: peak below base") {
  CHECK_THROWS_WITH_AS(generate_trace(diurnal(10, 5, 14), "web", at("2024-05-10T00:00:00Z"), seconds(60), 3, 1),
                       "trace generator 'web': peak_rps: expected a rate >= base_rps (10), got 5", Error);
}

TEST_CASE("invalid: peak_hour outside [0, 24)") {
  const UtcTime t0 = at("2024-05-10T00:00:00Z");
  CHECK_THROWS_WITH_AS(generate_trace(diurnal(1, 2, 24), "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': peak_hour: expected a local hour in [0, 24), got 24", Error);
  CHECK_THROWS_WITH_AS(generate_trace(diurnal(1, 2, -0.5), "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': peak_hour: expected a local hour in [0, 24), got -0.5", Error);
}

TEST_CASE("invalid: unknown time zone") {
  CHECK_THROWS_WITH_AS(
      generate_trace(diurnal(1, 2, 14, "Mars/Olympus_Mons"), "web", at("2024-05-10T00:00:00Z"), seconds(60), 3, 1),
      "trace generator 'web': time_zone: expected an IANA time zone such as \"UTC\" or \"America/New_York\", "
      "got \"Mars/Olympus_Mons\"",
      Error);
}

TEST_CASE("invalid: negative multipliers, noise and bursts") {
  const UtcTime t0 = at("2024-05-10T00:00:00Z");
  DiurnalGenerator g = diurnal(1, 2, 14);
  g.weekend_factor = -1;
  CHECK_THROWS_WITH_AS(generate_trace(g, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': weekend_factor: expected a finite multiplier >= 0, got -1", Error);
  g = diurnal(1, 2, 14);
  g.noise_cv = -0.1;
  CHECK_THROWS_WITH_AS(generate_trace(g, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': noise_cv: expected a finite coefficient of variation >= 0, got -0.1", Error);
  g = diurnal(1, 2, 14);
  g.bursts_per_day = -2;
  CHECK_THROWS_WITH_AS(generate_trace(g, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': bursts_per_day: expected a finite rate >= 0, got -2", Error);
  g = diurnal(1, 2, 14);
  g.burst_duration_s = -600;
  CHECK_THROWS_WITH_AS(generate_trace(g, "web", t0, seconds(60), 3, 1),
                       "trace generator 'web': burst_duration_s: expected a finite duration in seconds >= 0, got -600", Error);
}

TEST_CASE("invalid: ramp end before start") {
  RampGenerator r{1, 2, at("2024-05-10T01:00:00Z"), at("2024-05-10T00:30:00Z")};
  CHECK_THROWS_WITH_AS(generate_trace(r, "web", at("2024-05-10T00:00:00Z"), seconds(60), 3, 1),
                       "trace generator 'web': end: expected a time at or after start (2024-05-10T01:00:00Z), "
                       "got 2024-05-10T00:30:00Z",
                       Error);
}
