// Fidelity of the spot market: interruption frequencies per bucket, the effect of diversification,
// a spot price series billed over a month, and interruptions end to end.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
using test::catalog;
const SpotAdvisor& advisor() {
  static const SpotAdvisor a = io::builtin_spot_advisor("aws-us-east-1");
  return a;
}
const UtcTime kStart = *io::parse_iso8601("2024-05-01T00:00:00Z");
const SimTime kMonth = hours(720);
// 99.9% two-sided normal interval half-width for a share p over n trials.
double z999(double p, double n) { return 3.2905 * std::sqrt(p * (1 - p) / n); }
}  // namespace

TEST_CASE("per bucket, the monthly interruption frequency over 10,000 instance-months is the configured rate") {
  // One fixed seed; each bucket's pool is a type forced into that bucket. An instance launched at 0
  // is interrupted within the month with probability p (the configured monthly share).
  for (int bucket = 0; bucket <= 4; ++bucket) {
    MarketSpec spec;
    spec.interruption_buckets["g5.xlarge"] = bucket;
    SpotMarket m(spec, catalog(), advisor(), kStart, kMonth, 42, 0);
    const std::size_t pool = m.pool("g5.xlarge", "us-east-1a", CapacityType::Spot);
    const int n = 10000;
    int interrupted = 0;
    for (int i = 0; i < n; ++i) interrupted += m.reclaim_time(pool, static_cast<std::uint64_t>(i), 0) < kMonth ? 1 : 0;
    const double p = kDefaultMonthlyInterruption[static_cast<std::size_t>(bucket)];
    INFO("bucket " << bucket << ": " << interrupted << " of " << n);
    CHECK(std::fabs(interrupted / double(n) - p) <= z999(p, n));
  }
}

TEST_CASE("pool events: a fleet in 1 pool loses everything at once far more often than one spread over 4") {
  // Pool events at 2 a month reclaim every instance of the pool (fraction 1); no own hazard.
  // One pool: the fleet is wiped out in a month iff its pool has an event: 1 - e^-2 = 0.8647.
  // Four pools: all four must be hit within the same 10 minutes (the time a replacement takes);
  // for independent Poisson processes that is about 4·r·T·(r·W)^3 with r = 2/month, W = 10 min:
  // 4 × 2 × (2 × 10/43200)^3 = 7.9e-10, so across 2,000 months we expect none.
  MarketSpec spec;
  spec.monthly_interruption_by_bucket = {0, 0, 0, 0, 0};
  spec.pool_events = {2.0, 1.0};
  const int months = 2000;
  int one_pool_wiped = 0, four_pools_wiped = 0;
  const SimTime window = minutes(10);
  for (int rep = 0; rep < months; ++rep) {
    SpotMarket m(spec, catalog(), advisor(), kStart, kMonth, 7, static_cast<std::uint64_t>(rep));
    std::vector<std::vector<SimTime>> events;
    for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"})
      events.push_back(m.at(m.pool("g5.xlarge", zone, CapacityType::Spot)).event_times);
    if (!events[0].empty()) ++one_pool_wiped;
    // Four pools wiped out together: some event in pool 0 with events in the other three within W.
    bool together = false;
    for (SimTime t : events[0]) {
      bool all = true;
      for (std::size_t k = 1; k < 4 && all; ++k)
        all = std::any_of(events[k].begin(), events[k].end(), [&](SimTime u) { return std::llabs(u - t) <= window; });
      together = together || all;
    }
    if (together) ++four_pools_wiped;
  }
  const double p1 = 1 - std::exp(-2.0);
  CHECK(std::fabs(one_pool_wiped / double(months) - p1) <= z999(p1, months));
  CHECK(four_pools_wiped == 0);
}

TEST_CASE("pool event timelines do not depend on the fleet") {
  MarketSpec spec;
  spec.pool_events = {3.0, 0.5};
  SpotMarket a(spec, catalog(), advisor(), kStart, kMonth, 9, 0);
  SpotMarket b(spec, catalog(), advisor(), kStart, kMonth, 9, 0);
  // Pools created in a different order, as two policies with different fleets would.
  const std::size_t a1 = a.pool("g5.xlarge", "us-east-1a", CapacityType::Spot);
  b.pool("g6.xlarge", "us-east-1b", CapacityType::Spot);
  const std::size_t b1 = b.pool("g5.xlarge", "us-east-1a", CapacityType::Spot);
  CHECK(a.at(a1).event_times == b.at(b1).event_times);
  CHECK(a.reclaim_time(a1, 5, hours(1)) == b.reclaim_time(b1, 5, hours(1)));
}

TEST_CASE("a spot price series replayed over a month bills what the steps add up to") {
  // tests/data/market/spot_history_month.json, g5.xlarge in use1-az1 (us-east-1a): 0.40 from
  // 2024-04-30T12:00, 0.50 from 05-11, 0.30 from 05-21. One spot node from 05-01 for 30 days, never
  // interrupted (all rates 0): 240 h × 0.40 + 240 h × 0.50 + 240 h × 0.30 = 96 + 120 + 72 = 288 USD.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-01T00:00:00Z"}, {"duration", "30d"}, {"period_s", 3600}, {"seed", 3}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 3600}, {"generator", {{"kind", "constant"}, {"rps", 0.5}}}};
  doc["catalog"] = {{"zones", {"us-east-1a"}}};
  doc["market"] = {{"interruption_rate_by_bucket", {0, 0, 0, 0, 0}},
                   {"spot_price_history", {{"files", {"../market/spot_history_month.json"}}}}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["node_ready_s"] = 60;
  doc["cluster"]["eks_control_plane"] = false;
  doc["cluster"]["node_groups"] = {{{"name", "spot"}, {"instance_type", "g5.xlarge"}, {"capacity_type", "spot"}, {"count", 1}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "month.json", test::data_dir() / "scenarios");
  RunResult r = run_scenario(sc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(288.0));
  CHECK(rep.fleet.interruptions == 0);
}

TEST_CASE("interruptions end to end: notices, replacements, lost replica time") {
  // Spot interruptions at the top bucket's 25% a month, with pool events, over 30 days on 20 nodes:
  // expect some reclaims, every one replaced (launches = 20 + interruptions), and capacity restored.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-01T00:00:00Z"}, {"duration", "30d"}, {"period_s", 60}, {"seed", 11}};
  doc["traces"]["t"]["tile"] = true;
  doc["market"] = {{"pool_events", {{"per_month", 1.0}, {"fraction", 0.5}}}};
  doc["services"][0]["replicas"] = 20;
  doc["services"][0]["replica"]["startup_s"] = 120;
  doc["cluster"]["node_ready_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "spot"}, {"instance_type", "g5.xlarge"}, {"capacity_type", "spot"}, {"count", 20},
                                    {"max_pools", 3}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "e2e.json", test::data_dir() / "scenarios");
  RunResult r = run_scenario(sc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.interruptions > 0);
  CHECK(rep.fleet.launches == 20 + rep.fleet.interruptions);
  CHECK(rep.services[0].replicas_placed == 20);
  // A replacement starts at the notice (2 min before the reclaim) and is ready after 60 s, so each
  // reclaimed replica is down exactly its 120 s start-up: 2 minutes per interruption.
  CHECK(rep.services[0].replica_minutes_lost == doctest::Approx(2.0 * rep.fleet.interruptions));
  // The default interruption mapping is reported as an assumption.
  bool listed = false;
  for (const auto& a : r.policies[0].assumptions) listed = listed || a.pointer == "/market/interruption_rate_by_bucket";
  CHECK(listed);
}

namespace {
json spot_doc(int count, std::vector<std::string> zones) {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-01T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"]["tile"] = true;
  doc["catalog"] = {{"zones", zones}};
  doc["market"] = {{"interruption_rate_by_bucket", {0, 0, 0, 0, 0}}};
  doc["services"][0]["replicas"] = count;
  doc["services"][0]["replica"]["startup_s"] = 120;
  doc["cluster"]["node_ready_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "spot"}, {"instance_type", "g5.xlarge"}, {"capacity_type", "spot"}, {"count", count},
                                    {"allocation_strategy", "lowest-price"}}};
  return doc;
}
}  // namespace

TEST_CASE("insufficient capacity: a pool that cannot supply its share fails and the next pool is asked") {
  // Each pool supplies one instance. Three instances, one pool per launch, equal prices (ties by
  // pool order a, b, c): a is asked for 3 and gives 1 (failure 1), b for 2 and gives 1 (failure 2),
  // c for 1 and gives it. Three launches, two failed attempts.
  json doc = spot_doc(3, {"us-east-1a", "us-east-1b", "us-east-1c"});
  doc["market"]["spot_pool_capacity"] = 1;
  RunResult r = run_scenario(io::load_scenario_text(doc.dump(), "ice.json", test::data_dir() / "scenarios"));
  const auto& f = r.policies[0].replicates[0].fleet;
  CHECK(f.launches == 3);
  CHECK(f.insufficient_capacity == 2);
  CHECK(r.policies[0].replicates[0].services[0].replicas_placed == 3);
}

TEST_CASE("an availability trace that drops reclaims the pool's instances with notice") {
  // Pool us-east-1a supplies 5, then none from minute 10. Both nodes start there (ties by pool
  // order); notices at 8 min, replacements launched then in us-east-1b (a is avoided), ready at
  // 9 min. At 10 min the old nodes go; their two replicas restart on the replacements and are ready
  // 120 s later: 2 replicas × 2 minutes lost.
  json doc = spot_doc(2, {"us-east-1a", "us-east-1b"});
  doc["market"]["availability"] = {{{"instance_type", "g5.xlarge"}, {"zone", "us-east-1a"},
                                    {"file", "../market/availability_drop.json"}, {"values", "available_count"}}};
  doc["market"]["rebalance_lead"] = "5m";
  RunResult r = run_scenario(io::load_scenario_text(doc.dump(), "drop.json", test::data_dir() / "scenarios"));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.interruptions == 2);
  CHECK(rep.fleet.launches == 4);
  CHECK(rep.fleet.rebalance_recommendations == 2);
  CHECK(rep.services[0].replica_minutes_lost == doctest::Approx(4.0));
  // Billing: the first two nodes ran 10 minutes, the replacements 52 minutes (8 min to the end of the
  // hour), all at the Advisor's spot price of g5.xlarge: 1.006 × (1 − 59%).
  const double price = 1.006 * (1 - 0.59);
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(price * (2 * 10 + 2 * 52) / 60.0));
}

TEST_CASE("a capacity reservation bills its whole size, used or not, and caps what runs in it") {
  // Reservation of 3 g5.xlarge in us-east-1a for 1 hour at USD 1.006/h = 3.018, though only 2 run;
  // the instances in it add nothing. A group asking for 4 gets 3 (one failed attempt).
  json doc = spot_doc(2, {"us-east-1a", "us-east-1b"});
  doc["cluster"]["node_groups"] = {{{"name", "odcr"}, {"instance_type", "g5.xlarge"}, {"capacity_type", "reserved"},
                                    {"zones", {"us-east-1a"}}, {"count", 2}, {"reservation_count", 3}}};
  doc["cluster"]["eks_control_plane"] = false;
  RunResult r = run_scenario(io::load_scenario_text(doc.dump(), "odcr.json", test::data_dir() / "scenarios"));
  CHECK(r.policies[0].replicates[0].cost.gpu_instances_usd == doctest::Approx(3 * 1.006));
  CHECK(r.policies[0].replicates[0].fleet.launches == 2);
  doc["cluster"]["node_groups"][0]["count"] = 4;
  RunResult over = run_scenario(io::load_scenario_text(doc.dump(), "odcr.json", test::data_dir() / "scenarios"));
  CHECK(over.policies[0].replicates[0].fleet.launches == 3);
  CHECK(over.policies[0].replicates[0].fleet.insufficient_capacity >= 1);
}
