// Spot price series and availability traces: the step-function arithmetic worked by hand, the
// describe-spot-price-history and availability-trace readers on small hand-written files, on one real
// day of spot prices, and on the bad files under tests/data/bad/market/ (each message names the
// file, the JSON pointer or line, and what was expected).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "capsim/core/error.hpp"
#include "capsim/io/market/availability_trace_reader.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/market/spot_price_history.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/market/availability_trace.hpp"
#include "capsim/market/spot_prices.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"
#include "bad_input_check.hpp"

using namespace capsim;

namespace {

using test::at;

using test::catalog;

// The two zone IDs of the hand-written files. Zone names are shuffled per account; this is one
// account's view.
io::SpotPriceHistoryOptions small_options() {
  io::SpotPriceHistoryOptions o;
  o.zone_ids = {{"use1-az4", "us-east-1a"}, {"use1-az6", "us-east-1b"}};
  return o;
}

io::InputFile market_file(const std::string& name) { return {test::data_dir() / "market" / name, name}; }
io::InputFile bad_file(const std::string& name) { return {test::data_dir() / "bad" / "market" / name, name}; }

std::string spot_error(const std::string& name, const io::SpotPriceHistoryOptions& options = small_options()) {
  std::vector<std::string> warnings;
  try {
    io::read_spot_price_history({bad_file(name)}, catalog(), options, warnings);
  } catch (const TraceError& e) {
    return e.what();
  }
  FAIL("expected " << name << " to be rejected");
  return {};
}

std::string availability_error(const std::string& name, AvailabilityMeaning meaning) {
  try {
    io::read_availability_trace(test::data_dir() / "bad" / "market" / name, name, meaning);
  } catch (const TraceError& e) {
    return e.what();
  }
  FAIL("expected " << name << " to be rejected");
  return {};
}

using test::check_parts;

// May 2024 with three prices: 0.40 from May 1, 0.50 from May 11, 0.30 from May 21 (all 00:00Z).
SpotPriceSeries three_step_may() {
  SpotPriceSeries s;
  s.instance_type = "g5.xlarge";
  s.zone = "us-east-1a";
  s.steps = {{at("2024-05-01T00:00:00Z"), 0.40}, {at("2024-05-11T00:00:00Z"), 0.50}, {at("2024-05-21T00:00:00Z"), 0.30}};
  return s;
}

}  // namespace

TEST_CASE("price_at: the step in force, the first price before the first step") {
  const auto s = three_step_may();
  CHECK(s.price_at(at("2024-04-01T00:00:00Z")) == 0.40);  // before the history: the first price
  CHECK(s.price_at(at("2024-05-01T00:00:00Z")) == 0.40);
  CHECK(s.price_at(at("2024-05-10T23:59:59.999999Z")) == 0.40);  // a microsecond before a step
  CHECK(s.price_at(at("2024-05-11T00:00:00Z")) == 0.50);         // a step applies from its instant on
  CHECK(s.price_at(at("2024-05-20T12:00:00Z")) == 0.50);
  CHECK(s.price_at(at("2024-07-01T00:00:00Z")) == 0.30);  // after the last step it holds
}

TEST_CASE("cost_usd: the integral of the price steps, by hand") {
  const auto s = three_step_may();
  // The whole month (31 days): May 1-11 is 10 d = 240 h at 0.40 = 96; May 11-21 is 240 h at 0.50 =
  // 120; May 21 - June 1 is 11 d = 264 h at 0.30 = 79.2. Total 96 + 120 + 79.2 = 295.2 USD.
  CHECK(s.cost_usd(at("2024-05-01T00:00:00Z"), at("2024-06-01T00:00:00Z")) == doctest::Approx(295.2));
  // Half a day before the history and half a day into it, both at the first price: 24 h x 0.40 = 9.6.
  CHECK(s.cost_usd(at("2024-04-30T12:00:00Z"), at("2024-05-01T12:00:00Z")) == doctest::Approx(9.6));
  // Across the May 11 step: 6 h x 0.40 + 6 h x 0.50 = 2.4 + 3.0 = 5.4.
  CHECK(s.cost_usd(at("2024-05-10T18:00:00Z"), at("2024-05-11T06:00:00Z")) == doctest::Approx(5.4));
  // Across two steps: May 10 12:00 - May 21 12:00 = 12 h x 0.40 + 240 h x 0.50 + 12 h x 0.30
  // = 4.8 + 120 + 3.6 = 128.4.
  CHECK(s.cost_usd(at("2024-05-10T12:00:00Z"), at("2024-05-21T12:00:00Z")) == doctest::Approx(128.4));
  // Past the last step: 48 h x 0.30 = 14.4.
  CHECK(s.cost_usd(at("2024-05-31T00:00:00Z"), at("2024-06-02T00:00:00Z")) == doctest::Approx(14.4));
  // One hour inside a step is that step's hourly price.
  CHECK(s.cost_usd(at("2024-05-15T03:00:00Z"), at("2024-05-15T04:00:00Z")) == doctest::Approx(0.50));
  // Empty and reversed intervals cost nothing.
  CHECK(s.cost_usd(at("2024-05-15T00:00:00Z"), at("2024-05-15T00:00:00Z")) == 0.0);
  CHECK(s.cost_usd(at("2024-05-16T00:00:00Z"), at("2024-05-15T00:00:00Z")) == 0.0);
}

TEST_CASE("describe-spot-price-history: a small history becomes one ascending series per pool") {
  std::vector<std::string> warnings;
  const auto series = io::read_spot_price_history({market_file("spot_history_small.json")}, catalog(), small_options(), warnings);
  // Seven entries, newest first: one Windows entry skipped; us-east-1a appears as use1-az4, as the
  // name, and as both; us-east-1b's 22:30:02 price appears twice (ID and name form) and merges.
  REQUIRE(series.size() == 2);
  CHECK(series[0].instance_type == "g5.xlarge");
  CHECK(series[0].zone == "us-east-1a");
  REQUIRE(series[0].steps.size() == 3);
  CHECK(series[0].steps[0].at == at("2024-05-09T21:13:45Z"));
  CHECK(series[0].steps[0].price_usd_per_h == 0.3477);
  CHECK(series[0].steps[1].at == at("2024-05-10T03:05:12Z"));
  CHECK(series[0].steps[1].price_usd_per_h == 0.3521);
  CHECK(series[0].steps[2].at == at("2024-05-10T11:48:30Z"));
  CHECK(series[0].steps[2].price_usd_per_h == 0.3398);
  CHECK(series[1].zone == "us-east-1b");
  REQUIRE(series[1].steps.size() == 2);
  CHECK(series[1].steps[0].at == at("2024-05-09T22:30:02Z"));
  CHECK(series[1].steps[0].price_usd_per_h == 0.3701);
  CHECK(series[1].steps[1].at == at("2024-05-10T09:15:40Z"));
  CHECK(series[1].steps[1].price_usd_per_h == 0.3815);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("spot_history_small.json: skipped 1 price entry for products other than \"Linux/UNIX\" (Windows: 1)") !=
        std::string::npos);

  // us-east-1a over 2024-05-10 00:00-12:00Z: 11112 s at 0.3477 (to 03:05:12), 31398 s at 0.3521
  // (to 11:48:30), 690 s at 0.3398; (3863.6424 + 11055.2358 + 234.4620) / 3600 = 4.20926117 USD.
  CHECK(series[0].cost_usd(at("2024-05-10T00:00:00Z"), at("2024-05-10T12:00:00Z")) == doctest::Approx(4.20926117));

  // The same page twice (overlapping queries) merges into the same series.
  std::vector<std::string> again;
  const auto twice = io::read_spot_price_history({market_file("spot_history_small.json"), market_file("spot_history_small.json")},
                                                 catalog(), small_options(), again);
  REQUIRE(twice.size() == 2);
  CHECK(twice[0].steps.size() == 3);
  CHECK(twice[1].steps.size() == 2);

  // Windows prices only: the one skipped entry becomes the only one kept.
  auto windows = small_options();
  windows.product = "Windows";
  std::vector<std::string> w;
  const auto win = io::read_spot_price_history({market_file("spot_history_small.json")}, catalog(), windows, w);
  REQUIRE(win.size() == 1);
  CHECK(win[0].zone == "us-east-1a");
  CHECK(win[0].steps.at(0).price_usd_per_h == 0.5321);
}

TEST_CASE("describe-spot-price-history: spot prices above on-demand are warned about, once per pool") {
  // With g5.xlarge on demand at 0.36 USD/h: us-east-1a peaks at 0.3521 (below), us-east-1b at 0.3815.
  InstanceCatalog cheap = catalog();
  cheap.override_price("g5.xlarge", 0.36);
  std::vector<std::string> warnings;
  io::read_spot_price_history({market_file("spot_history_small.json")}, cheap, small_options(), warnings);
  REQUIRE(warnings.size() == 2);  // the skipped Windows entry, then the one pool
  check_parts(warnings[1], {"spot_history_small.json", "g5.xlarge in us-east-1b reaches 0.3815 USD/h",
                            "above its on-demand price 0.36 USD/h"});
}

TEST_CASE("describe-spot-price-history: one real day of us-east-1 prices") {
  // tests/data/market/spot-price-history_us-east-1_2022-05-31.json holds 224 Linux/UNIX entries of 57
  // types in zone IDs use1-az1, -az2, -az4, -az5 and -az6 (counted in the file). Four types are not
  // in the catalog: inf1.xlarge, inf1.2xlarge, inf1.6xlarge, inf1.24xlarge, 5 entries each (one per
  // zone), 20 in all. The other 204 entries fall in 196 pools: 8 pools have 2 entries
  // (g5.12xlarge/az1, g5.48xlarge/az1, az2, az5, m5.4xlarge/az2, az4, az5, az6) and none repeats an
  // instant, so 204 - 8 = 196 series and 204 steps. No price is above the type's on-demand price.
  io::SpotPriceHistoryOptions o;
  o.zone_ids = {{"use1-az1", "us-east-1c"},
                {"use1-az2", "us-east-1d"},
                {"use1-az4", "us-east-1a"},
                {"use1-az5", "us-east-1f"},
                {"use1-az6", "us-east-1b"}};
  const auto file = market_file("spot-price-history_us-east-1_2022-05-31.json");

  // Without skipping, the first inf1 entry (/SpotPriceHistory/77, inf1.24xlarge) stops the read.
  std::vector<std::string> none;
  try {
    io::read_spot_price_history({file}, catalog(), o, none);
    FAIL("expected the inf1 types to be rejected");
  } catch (const TraceError& e) {
    check_parts(e.what(), {"spot-price-history_us-east-1_2022-05-31.json: /SpotPriceHistory/77/InstanceType",
                           "expected an instance type of the catalog, got inf1.24xlarge"});
  }

  o.skip_unknown_types = true;
  std::vector<std::string> warnings;
  const auto series = io::read_spot_price_history({file}, catalog(), o, warnings);
  CHECK(series.size() == 196);
  std::size_t steps = 0;
  for (const auto& s : series) steps += s.steps.size();
  CHECK(steps == 204);
  CHECK(std::is_sorted(series.begin(), series.end(), [](const SpotPriceSeries& a, const SpotPriceSeries& b) {
    return std::tie(a.instance_type, a.zone) < std::tie(b.instance_type, b.zone);
  }));
  REQUIRE(warnings.size() == 1);
  check_parts(warnings[0], {"skipped 20 price entries of 4 instance type(s) not in the catalog",
                            "inf1.24xlarge, inf1.2xlarge, inf1.6xlarge, inf1.xlarge"});

  // g5.48xlarge in use1-az1 (us-east-1c here), looked up in the file: /SpotPriceHistory/207 at
  // 2022-05-31T19:15:13+00:00 "5.391000", /SpotPriceHistory/37 at 23:10:59 "5.363200".
  auto pool = std::find_if(series.begin(), series.end(),
                           [](const SpotPriceSeries& s) { return s.instance_type == "g5.48xlarge" && s.zone == "us-east-1c"; });
  REQUIRE(pool != series.end());
  REQUIRE(pool->steps.size() == 2);
  CHECK(pool->steps[0].at == at("2022-05-31T19:15:13Z"));
  CHECK(pool->steps[0].price_usd_per_h == 5.391);
  CHECK(pool->steps[1].price_usd_per_h == 5.3632);
  CHECK(pool->price_at(at("2022-05-31T21:00:00Z")) == 5.391);
  // The file says "5.391000" at 19:15:13. 19:15:13 to 23:10:59 is 3 h 55 min 46 s = 14146 s at 5.391:
  // 5.391 x 14146 / 3600 = 21.18351167; the next hour at 5.3632 brings it to 26.54671167.
  CHECK(pool->cost_usd(at("2022-05-31T19:15:13Z"), at("2022-06-01T00:10:59Z")) == doctest::Approx(26.54671167));
}

TEST_CASE("describe-spot-price-history: bad files name the file, the position and what was expected") {
  check_parts(spot_error("spot_not_json.json"),
              {"spot_not_json.json:6: column ", "expected valid JSON (describe-spot-price-history output)"});
  check_parts(spot_error("spot_other_command.json"),
              {"spot_other_command.json: / (document root): expected describe-spot-price-history output (an object with "
               "SpotPriceHistory), got an object with keys MetricDataResults, Messages (get-metric-data output)"});
  check_parts(spot_error("spot_price_negative.json"),
              {"spot_price_negative.json: /SpotPriceHistory/1/SpotPrice: expected a price > 0 as a string such as "
               "\"0.370100\", got the string \"-0.370100\""});
  check_parts(spot_error("spot_price_not_string.json"),
              {"spot_price_not_string.json: /SpotPriceHistory/0/SpotPrice: expected a price > 0 as a string such as "
               "\"0.370100\", got the number 0.3477"});
  check_parts(spot_error("spot_unknown_type.json"),
              {"spot_unknown_type.json: /SpotPriceHistory/0/InstanceType: expected an instance type of the catalog, got "
               "g5.xlargee (did you mean 'g5.xlarge'"});
  check_parts(spot_error("spot_unknown_zone_id.json"),
              {"spot_unknown_zone_id.json: /SpotPriceHistory/1/AvailabilityZoneId: expected a zone ID listed in zone_ids "
               "(use1-az4, use1-az6), got use1-az9"});
  // Entries 0 (use1-az4) and 2 (us-east-1a, the same zone by name) disagree at one instant.
  check_parts(spot_error("spot_conflict.json"),
              {"spot_conflict.json: /SpotPriceHistory/2/SpotPrice: expected one price for g5.xlarge in us-east-1a at "
               "2024-05-10T03:05:12Z, got 0.351 here and 0.3477 at /SpotPriceHistory/0/SpotPrice"});
  check_parts(spot_error("spot_missing_field.json"),
              {"spot_missing_field.json: /SpotPriceHistory/0: expected the field Timestamp (an ISO 8601 timestamp with a "
               "zone), got an entry with keys AvailabilityZoneId, InstanceType, ProductDescription, SpotPrice"});
  check_parts(spot_error("spot_bad_timestamp.json"),
              {"spot_bad_timestamp.json: /SpotPriceHistory/0/Timestamp: expected an ISO 8601 timestamp with a zone from 1970 to 2199, got "
               "\"2024-05-10T03:05:12\""});
  // With no zone_ids at all the message says so.
  check_parts(spot_error("spot_unknown_zone_id.json", io::SpotPriceHistoryOptions{}),
              {"/SpotPriceHistory/0/AvailabilityZoneId: expected a zone ID listed in zone_ids (none are listed"});
  // A name that contradicts zone_ids: the map was written for another account.
  auto swapped = small_options();
  swapped.zone_ids = {{"use1-az4", "us-east-1b"}, {"use1-az6", "us-east-1a"}};
  std::vector<std::string> w;
  try {
    io::read_spot_price_history({market_file("spot_history_small.json")}, catalog(), swapped, w);
    FAIL("expected a zone mismatch");
  } catch (const TraceError& e) {
    check_parts(e.what(), {"spot_history_small.json: /SpotPriceHistory/0/AvailabilityZone: expected us-east-1b (zone_ids maps "
                           "use1-az4 to it), got us-east-1a"});
  }
}

TEST_CASE("availability traces: counts and both flag meanings, past the end the last value holds") {
  // availability_counts.json: a value every 600 s, [3, 2, 0, 5].
  const auto counts = io::read_availability_trace(test::data_dir() / "market" / "availability_counts.json", "availability_counts.json",
                                                  AvailabilityMeaning::AvailableCount);
  CHECK(counts.gap == seconds(600));
  CHECK(counts.data == std::vector<int>{3, 2, 0, 5});
  CHECK(counts.capacity_at(0) == 3);
  CHECK(counts.capacity_at(seconds(600) - 1) == 3);  // a microsecond before the second value
  CHECK(counts.capacity_at(seconds(600)) == 2);
  CHECK(counts.capacity_at(seconds(1500)) == 0);  // 1500 / 600 = 2.5: the third value
  CHECK(counts.capacity_at(seconds(1800)) == 5);
  CHECK(counts.capacity_at(hours(10)) == 5);    // past the end (2400 s): the last value
  CHECK(counts.capacity_at(-seconds(60)) == 3);  // before the start: the first value

  // Flags [0, 1, 1, 0] every 10 minutes. Preempted: 1 means none available (0), 0 means no limit (-1).
  AvailabilityTrace flags;
  flags.gap = minutes(10);
  flags.data = {0, 1, 1, 0};
  flags.meaning = AvailabilityMeaning::PreemptedFlag;
  CHECK(flags.capacity_at(0) == -1);
  CHECK(flags.capacity_at(minutes(10)) == 0);
  CHECK(flags.capacity_at(minutes(29)) == 0);
  CHECK(flags.capacity_at(minutes(30)) == -1);
  CHECK(flags.capacity_at(hours(5)) == -1);  // past the end: the last flag, 0 = not preempted
  // Available: the opposite reading of the same values.
  flags.meaning = AvailabilityMeaning::AvailableFlag;
  CHECK(flags.capacity_at(0) == 0);
  CHECK(flags.capacity_at(minutes(10)) == -1);
  CHECK(flags.capacity_at(minutes(29)) == -1);
  CHECK(flags.capacity_at(minutes(30)) == 0);
  CHECK(flags.capacity_at(hours(5)) == 0);

  // The bad-flag file is a fine count trace: what a value may be depends on the stated meaning.
  const auto as_counts = io::read_availability_trace(test::data_dir() / "bad" / "market" / "availability_bad_flag.json",
                                                     "availability_bad_flag.json", AvailabilityMeaning::AvailableCount);
  CHECK(as_counts.data == std::vector<int>{0, 1, 2});
}

TEST_CASE("availability traces: bad files name the file, the JSON pointer and what was expected") {
  check_parts(availability_error("availability_zero_gap.json", AvailabilityMeaning::AvailableCount),
              {"availability_zero_gap.json: /metadata/gap_seconds: expected a number of seconds > 0, got the number 0"});
  check_parts(availability_error("availability_negative.json", AvailabilityMeaning::AvailableCount),
              {"availability_negative.json: /data/2: expected a count >= 0 (instances the pool can supply), got -1"});
  check_parts(availability_error("availability_bad_flag.json", AvailabilityMeaning::PreemptedFlag),
              {"availability_bad_flag.json: /data/2: expected 0 or 1 (1: preempted, 0: available), got 2"});
  check_parts(availability_error("availability_bad_flag.json", AvailabilityMeaning::AvailableFlag),
              {"availability_bad_flag.json: /data/2: expected 0 or 1 (1: available, 0: not), got 2"});
  // A spot price history is not an availability trace.
  try {
    io::read_availability_trace(test::data_dir() / "market" / "spot_history_small.json", "spot_history_small.json",
                                AvailabilityMeaning::AvailableCount);
    FAIL("expected an error");
  } catch (const TraceError& e) {
    check_parts(e.what(), {"spot_history_small.json: / (document root): expected the key metadata",
                           "got an object with keys NextToken, SpotPriceHistory"});
  }
}

TEST_CASE("every file under tests/data/bad/market/ is exercised above") {
  // Catches a bad file added without a check.
  const std::set<std::string> checked = {
      "spot_not_json.json",         "spot_other_command.json",  "spot_price_negative.json",   "spot_price_not_string.json",
      "spot_unknown_type.json",     "spot_unknown_zone_id.json", "spot_conflict.json",        "spot_missing_field.json",
      "spot_bad_timestamp.json",    "availability_zero_gap.json", "availability_negative.json", "availability_bad_flag.json",
      "availability_number_overflow.json"};
  std::set<std::string> present;
  for (const auto& e : std::filesystem::directory_iterator(test::data_dir() / "bad" / "market")) present.insert(e.path().filename().string());
  CHECK(present == checked);
}

TEST_CASE("availability traces: a number beyond any type is an error, not an abort") {
  check_parts(availability_error("availability_number_overflow.json", AvailabilityMeaning::AvailableCount),
              {"availability_number_overflow.json: expected valid JSON (", "got number overflow parsing '1"});
}
