// Regularizing, resampling and transforming traces, against values worked out by hand.
#include <doctest/doctest.h>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/trace/regularize.hpp"
#include "capsim/trace/resample.hpp"
#include "capsim/trace/transform.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::at;
Trace series(std::vector<double> v, SimDuration period, TraceUnit unit = TraceUnit::Requests, const char* start = "2024-05-10T00:00:00Z") {
  Trace t;
  t.name = "t";
  t.file = "t.csv";
  t.start = at(start);
  t.period = period;
  t.values = std::move(v);
  t.unit = unit;
  return t;
}
}  // namespace

TEST_CASE("regularize: points in any order, grid checked") {
  TracePoints p;
  p.file = "p.json";
  p.times = {at("2024-05-10T00:02:00Z"), at("2024-05-10T00:00:00Z"), at("2024-05-10T00:01:00Z")};
  p.values = {3, 1, 2};
  std::vector<std::string> w;
  Trace t = regularize(p, {"t", seconds(60), TraceUnit::Requests, GapPolicy::Error}, w);
  CHECK(t.values == std::vector<double>{1, 2, 3});
  CHECK(t.start == at("2024-05-10T00:00:00Z"));
  CHECK(w.empty());
}

TEST_CASE("resample a count: sums whole periods on the anchor's grid, splits evenly") {
  std::vector<std::string> w;
  // Minutes 00:01..00:07 (7 points) to 5-minute periods anchored at 00:00: the first whole period
  // is 00:05..00:10, which the trace only half covers... so only 00:00-aligned whole groups count:
  // anchor 00:00 → groups start 00:05; points 00:05, 00:06, 00:07 fill 3 of 5 → no whole group.
  Trace t = series({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, seconds(60), TraceUnit::Requests, "2024-05-10T00:01:00Z");
  // 10 points 00:01..00:10; groups [00:05,00:10) = points 00:05..00:09 = 5+6+7+8+9 = 35.
  Trace five = resample(t, default_resample(TraceKind::Count, seconds(300), at("2024-05-10T00:00:00Z")), w);
  CHECK(five.values == std::vector<double>{35});
  CHECK(five.start == at("2024-05-10T00:05:00Z"));
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("dropped 5 point(s) at the edges") != std::string::npos);  // 00:01-00:04 and 00:10
  // 60 → 20 s: 30 requests a minute are 10 per 20 s.
  w.clear();
  Trace fine = resample(series({30, 60}, seconds(60)), default_resample(TraceKind::Count, seconds(20), at("2024-05-10T00:00:00Z")), w);
  CHECK(fine.values == std::vector<double>{10, 10, 10, 20, 20, 20});
  CHECK(fine.start == at("2024-05-10T00:00:00Z"));
}

TEST_CASE("resample a count by a within-period profile") {
  // 120 requests a minute split 1:2:3 over 20 s periods: 20, 40, 60.
  std::vector<std::string> w;
  auto opt = default_resample(TraceKind::Count, seconds(20), at("2024-05-10T00:00:00Z"));
  opt.profile = {1, 2, 3};
  CHECK(resample(series({120}, seconds(60)), opt, w).values == std::vector<double>{20, 40, 60});
  opt.profile = {1, 2};
  CHECK_THROWS_WITH_AS(resample(series({120}, seconds(60)), opt, w), doctest::Contains("has 2 weights; 60 s into 20 s periods needs 3"), Error);
}

TEST_CASE("resample a gauge: mean or max down, hold or linear up") {
  std::vector<std::string> w;
  Trace g = series({10, 20, 30, 40}, seconds(60), TraceUnit::Percent);
  auto opt = default_resample(TraceKind::Gauge, seconds(120), at("2024-05-10T00:00:00Z"));
  CHECK(resample(g, opt, w).values == std::vector<double>{15, 35});
  opt.downsample = Downsample::Max;
  CHECK(resample(g, opt, w).values == std::vector<double>{20, 40});
  auto up = default_resample(TraceKind::Gauge, seconds(30), at("2024-05-10T00:00:00Z"));
  CHECK(resample(series({10, 20}, seconds(60), TraceUnit::Percent), up, w).values == std::vector<double>{10, 10, 20, 20});
  up.upsample = Upsample::Linear;  // halfway between 10 and 20 is 15; the last point holds
  CHECK(resample(series({10, 20}, seconds(60), TraceUnit::Percent), up, w).values == std::vector<double>{10, 15, 20, 20});
  CHECK(w.empty());
}

TEST_CASE("resample refuses periods that don't divide, and sum/split on gauges") {
  std::vector<std::string> w;
  CHECK_THROWS_WITH_AS(resample(series({1, 2, 3}, seconds(60)), default_resample(TraceKind::Count, seconds(90), {}), w),
                       doctest::Contains("one period must be a whole multiple of the other"), Error);
  auto bad = default_resample(TraceKind::Count, seconds(120), at("2024-05-10T00:00:00Z"));
  CHECK_THROWS_WITH_AS(resample(series({1, 2}, seconds(60), TraceUnit::Percent), bad, w),
                       doctest::Contains("a gauge is resampled by mean or max"), Error);
}

TEST_CASE("scale, shift and clip") {
  std::vector<std::string> w;
  Trace t = series({10, 100, 1000}, seconds(60));
  CHECK(scaled(t, 1.3).values == std::vector<double>{13, 130, 1300});
  CHECK(shifted(t, -hours(24 * 7)).start == at("2024-05-03T00:00:00Z"));
  CHECK(clipped(t, 20.0, 500.0, w).values == std::vector<double>{20, 100, 500});
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("clipped 2 point(s)") != std::string::npos);
}
