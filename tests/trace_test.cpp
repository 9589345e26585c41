#include <doctest/doctest.h>

#include <string>

#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/io/traces/trace_reader.hpp"
#include "capsim/trace/align.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
// A one-file CSV trace of tests/data/traces at 60 s periods.
io::TraceSource csv_source(const char* name, const char* file, TraceUnit unit = TraceUnit::Requests) {
  io::TraceSource src;
  src.name = name;
  src.period = seconds(60);
  src.unit = unit;
  src.files = {{test::data_dir() / "traces" / file, file}};
  return src;
}
Trace five_minutes() { return io::read_trace(csv_source("t", "five_minutes.csv")).trace; }
using test::at;
}  // namespace

TEST_CASE("a CSV trace reads into a regular series") {
  Trace t = five_minutes();
  CHECK(t.values == std::vector<double>{60, 180, 180, 60, 0});
  CHECK(t.start == at("2024-05-10T00:00:00Z"));
  CHECK(t.end() == at("2024-05-10T00:05:00Z"));
}

TEST_CASE("aligning a trace to the window: exact cover, sums, tiling, errors") {
  Trace t = five_minutes();
  SUBCASE("same period, window inside the trace") {
    auto v = align_to_window(t, {at("2024-05-10T00:01:00Z"), seconds(60), 3, false});
    CHECK(v == std::vector<double>{180, 180, 60});
  }
  SUBCASE("a period of two trace points sums them") {
    auto v = align_to_window(t, {at("2024-05-10T00:00:00Z"), seconds(120), 2, false});
    CHECK(v == std::vector<double>{240, 240});
  }
  SUBCASE("tiling repeats the trace aligned on its own start, also before it") {
    auto v = align_to_window(t, {at("2024-05-10T00:03:00Z"), seconds(60), 6, true});
    CHECK(v == std::vector<double>{60, 0, 60, 180, 180, 60});
    auto before = align_to_window(t, {at("2024-05-09T23:59:00Z"), seconds(60), 2, true});
    CHECK(before == std::vector<double>{0, 60});
  }
  SUBCASE("a window the trace does not cover is an error that says how to fix it") {
    CHECK_THROWS_WITH_AS(align_to_window(t, {at("2024-05-10T00:03:00Z"), seconds(60), 6, false}),
                         doctest::Contains("set \"tile\": true"), Error);
  }
  SUBCASE("a simulation period that is not a multiple of the trace's") {
    CHECK_THROWS_WITH_AS(align_to_window(t, {at("2024-05-10T00:00:00Z"), seconds(90), 2, false}),
                         doctest::Contains("must divide simulation.period_s 90"), Error);
  }
  SUBCASE("a window start off the trace's grid") {
    CHECK_THROWS_WITH_AS(align_to_window(t, {at("2024-05-10T00:00:30Z"), seconds(60), 2, false}),
                         doctest::Contains("not on the trace's 60 s grid"), Error);
  }
}

TEST_CASE("a percent trace stays within 0 to 100") {
  // five_minutes.csv read as percent: its 180s are not percentages; the message names the row (the
  // header is line 1, so 00:01's 180 is line 3).
  io::TraceSource src = csv_source("u", "five_minutes.csv", TraceUnit::Percent);
  CHECK_THROWS_WITH_AS(io::read_trace(src), doctest::Contains("five_minutes.csv:3: expected a percentage from 0 to 100 (a trace of percent), got 180"),
                       TraceError);
}

TEST_CASE("a trace's export window: missing points at its ends are gaps") {
  // five_minutes.csv covers 00:00-00:05 (60, 180, 180, 60, 0). Exported for 23:58 the day before to
  // 00:07: two leading and two trailing minutes are missing and, being requests, filled with zero.
  io::TraceSource src = csv_source("t", "five_minutes.csv");
  src.export_start = at("2024-05-09T23:58:00Z");
  src.export_end = at("2024-05-10T00:07:00Z");
  const io::TraceRead r = io::read_trace(src);
  CHECK(r.trace.values == std::vector<double>{0, 0, 60, 180, 180, 60, 0, 0, 0});
  CHECK(r.trace.start == at("2024-05-09T23:58:00Z"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("filled 4 missing point(s) in 2 gap(s) with zero: 2024-05-09T23:58:00Z to 2024-05-10T00:00:00Z (2 point(s)); "
                           "2024-05-10T00:05:00Z to 2024-05-10T00:07:00Z (2 point(s))") != std::string::npos);
  // A window that cuts into the data is refused.
  src.export_end = at("2024-05-10T00:03:00Z");
  CHECK_THROWS_WITH_AS(io::read_trace(src), doctest::Contains("expected the export window to end on the points' 60 s grid and at or after the "
                                                              "last period (2024-05-10T00:05:00Z), got 2024-05-10T00:03:00Z"),
                       TraceError);
}

TEST_CASE("a requests/second trace fills its gaps with zero, as a count does") {
  // hole.csv read as a rate: no point from 01:00 to 03:00 means no requests came (CloudWatch leaves
  // such periods out), not that the 01:00 rate held; max_gap off to let it fill.
  io::TraceSource src = csv_source("r", "hole.csv", TraceUnit::RequestsPerSecond);
  const io::TraceRead r = io::read_trace(src);
  REQUIRE(r.trace.values.size() == 240);
  CHECK(r.trace.values[59] == 60);
  CHECK(r.trace.values[60] == 0);
  CHECK(r.trace.values[179] == 0);
  CHECK(r.trace.values[180] == 60);
}

TEST_CASE("tiling repeats on whole days, so a day exported to 23:48 does not drift") {
  // 1,428 one-minute points (00:00 to 23:48) of 1 request each: the span rounds to one day, so a
  // two-day window sees the day twice, each with its last 12 minutes empty, 2 × 1,428 requests, and
  // the second day's 00:00 is the trace's 00:00 again (a drift of 12 minutes a day without it).
  Trace t;
  t.name = "day";
  t.start = at("2024-05-10T00:00:00Z");
  t.period = seconds(60);
  t.values.assign(1428, 1.0);
  CHECK(tile_span(t) == 24 * kMicrosPerHour);
  const auto v = align_to_window(t, {at("2024-05-10T00:00:00Z"), seconds(60), 2 * 1440, true});
  double total = 0;
  for (double x : v) total += x;
  CHECK(total == 2 * 1428);
  CHECK(v[1427] == 1);
  CHECK(v[1428] == 0);
  CHECK(v[1439] == 0);
  CHECK(v[1440] == 1);
  // An explicit tile_period of a week pads the day to seven.
  const auto week = align_to_window(t, {at("2024-05-10T00:00:00Z"), seconds(60), 8 * 1440, true, 7 * 24 * kMicrosPerHour});
  CHECK(week[1440] == 0);
  CHECK(week[7 * 1440] == 1);
  // Where the window falls: a Monday window on a weekly tiling of a trace that starts on a Friday.
  t.values.assign(7 * 1440, 1.0);
  CHECK(describe_tiling(t, 0, at("2024-05-27T00:00:00Z")) ==
        "trace 'day' is tiled every 7 day(s); the window starts at its instant 2024-05-13T00:00:00Z (whole weeks: weekdays line up)");
  CHECK(describe_tiling(t, 24 * kMicrosPerHour, at("2024-05-27T06:00:00Z")) ==
        "trace 'day' is tiled every 1 day(s); the window starts at its instant 2024-05-10T06:00:00Z (not whole weeks: weekdays do not line up)");
}
