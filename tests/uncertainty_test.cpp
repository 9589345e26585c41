// The uncertain world: distributions drawn once per replicate, shared by every policy (common
// random numbers), and what each does, worked out by hand on the five-minute scenario.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/market/interruption_model.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/sim/world_draw.hpp"
#include "hand_scenario.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
using test::hand_doc;
using test::load_beside_hand;
std::vector<double> arrivals(const RunResult& r, std::size_t policy = 0, std::size_t replicate = 0) {
  return r.policies[policy].replicates[replicate].service_series[0].arrivals;
}
RunOptions with_series() {
  RunOptions o;
  o.keep_series = true;
  return o;
}
}  // namespace

TEST_CASE("a scenario without uncertainty draws nothing") {
  const RunResult r = run_scenario(load_beside_hand(hand_doc()), with_series());
  CHECK(r.uncertain.empty());
  CHECK(r.policies[0].replicates[0].world == WorldDraw{});
  CHECK(arrivals(r) == std::vector<double>{60, 180, 180, 60, 0});
}

TEST_CASE("demand scale, monthly growth and a peak shift, by hand") {
  json doc = hand_doc();
  doc["uncertainty"] = {{"demand_scale", 2}};
  CHECK(arrivals(run_scenario(load_beside_hand(doc), with_series())) == std::vector<double>{120, 360, 360, 120, 0});
  // Growth by a factor of 2 a month: period k (its middle at (k + 0.5) minutes) × 2^(t / 30 days).
  doc["uncertainty"] = {{"demand_monthly_factor", 2}};
  const auto grown = arrivals(run_scenario(load_beside_hand(doc), with_series()));
  const std::vector<double> trace{60, 180, 180, 60, 0};
  for (std::size_t k = 0; k < 5; ++k)
    CHECK(grown[k] == doctest::Approx(trace[k] * std::pow(2.0, (k + 0.5) * 60 / (30 * 86400.0))));
  // The curve one minute later; the window's first value repeated before it. An hour's shift
  // earlier on a five-minute window repeats the last value.
  doc["uncertainty"] = {{"daily_peak_shift_s", 60}};
  CHECK(arrivals(run_scenario(load_beside_hand(doc), with_series())) == std::vector<double>{60, 60, 180, 180, 60});
  doc["uncertainty"] = {{"daily_peak_shift_s", {{"dist", "constant"}, {"value", -60}}}};
  CHECK(arrivals(run_scenario(load_beside_hand(doc), with_series())) == std::vector<double>{180, 180, 60, 0, 0});
}

TEST_CASE("each replicate draws its world once; every policy of it runs in the same one") {
  json doc = hand_doc();
  doc["simulation"]["replicates"] = 3;
  doc["uncertainty"] = {{"demand_scale", {{"dist", "lognormal"}, {"median", 1}, {"sigma", 0.2}}},
                        {"node_latency_factor", {{"dist", "uniform"}, {"min", 0.5}, {"max", 2}}}};
  doc["policies"] = json::parse(R"([{"name": "two"},
    {"name": "one", "patch": {"cluster": {"node_groups": [{"name": "gpu", "instance_type": "g5.xlarge", "count": 1}]}}}])");
  const RunResult r = run_scenario(load_beside_hand(doc), with_series());
  REQUIRE(r.uncertain.size() == 2);
  CHECK(r.uncertain[0] == "demand_scale: lognormal(median 1, sigma 0.2) (multiplies demand, per replicate)");
  for (std::size_t rep = 0; rep < 3; ++rep) {
    const WorldDraw& w = r.policies[0].replicates[rep].world;
    CHECK(w == r.policies[1].replicates[rep].world);
    CHECK(arrivals(r, 0, rep) == arrivals(r, 1, rep));
    // The draw is the figure's own substream: (seed 7, replicate, "uncertainty", its pointer).
    Rng scale = make_stream({7, rep, "uncertainty", "/uncertainty/demand_scale", 0});
    CHECK(w.demand_scale == sample_lognormal(scale, 1, 0.2));
    Rng node = make_stream({7, rep, "uncertainty", "/uncertainty/node_latency_factor", 0});
    CHECK(w.node_latency_factor == sample_uniform(node, 0.5, 2));
    CHECK(arrivals(r, 0, rep)[1] == doctest::Approx(180 * w.demand_scale));
  }
  CHECK(r.policies[0].replicates[0].world.demand_scale != r.policies[0].replicates[1].world.demand_scale);
}

TEST_CASE("latency factors stretch node and replica start-up") {
  // hand.json cold: node ready at 30 s, replica at 30 s more; both doubled, capacity comes at 120 s.
  // Minutes 1 and 2 serve nothing (no capacity, so no queue: 60 + 180 missed). Minute 3 starts with
  // an empty backlog: 3 req/s against 2 fills the 20 places in 20 s and drops 1 req/s for 40 s.
  // Minute 4 (1 req/s) drains it. Under-provisioned: minutes 1, 2 and 3.
  json doc = hand_doc();
  doc["cluster"]["node_groups"][0]["initial_state"] = "launching";
  doc["cluster"]["node_ready_s"] = 30;
  doc["services"][0]["replica"]["startup_s"] = {{"dist", "constant"}, {"value", 30}};
  doc["uncertainty"] = {{"node_latency_factor", 2}, {"startup_latency_factor", 2}};
  const RunResult r = run_scenario(load_beside_hand(doc));
  const auto& s = r.policies[0].replicates[0].services[0].sla;
  CHECK(s.missed == doctest::Approx(60 + 180 + 40));
  CHECK(s.minutes_under_provisioned == doctest::Approx(3));
}

TEST_CASE("market uncertainty: spot prices per pool, interruption rates within the Advisor bucket") {
  const InstanceCatalog catalog = io::builtin_catalog("aws-us-east-1");
  const SpotAdvisor advisor = io::builtin_spot_advisor("aws-us-east-1");
  const auto start = *io::parse_iso8601("2024-05-01T00:00:00Z");
  const SpotAdvisorEntry advice = *advisor.find("g5.xlarge");
  const double advisor_price = catalog.at("g5.xlarge").ondemand_usd_per_h * (1 - advice.savings_pct / 100);
  MarketSpec plain;
  SpotMarket m0(plain, catalog, advisor, start, hours(720), 7, 0);
  const std::size_t p0 = m0.pool("g5.xlarge", "us-east-1a", CapacityType::Spot);
  CHECK(m0.at(p0).prices->price_at(0) == doctest::Approx(advisor_price));
  CHECK(m0.at(p0).hazard_per_h == doctest::Approx(hazard_per_hour(kDefaultMonthlyInterruption[static_cast<std::size_t>(advice.bucket)])));

  MarketSpec spec;
  spec.uncertainty.spot_price_factor = Distribution{Distribution::Constant{0.5}};
  spec.interruption_buckets["g5.xlarge"] = 2;  // 10-15% a month
  spec.uncertainty.interruption_rate_in_bucket = true;
  std::vector<double> hazards;
  for (std::uint64_t rep = 0; rep < 2; ++rep)
    for (const char* zone : {"us-east-1a", "us-east-1b"}) {
      SpotMarket m(spec, catalog, advisor, start, hours(720), 7, rep);
      const std::size_t p = m.pool("g5.xlarge", zone, CapacityType::Spot);
      CHECK(m.at(p).prices->price_at(0) == doctest::Approx(0.5 * advisor_price));
      // Uniform within 10-15%, from (seed, replicate, "uncertainty", pointer + pool).
      Rng u = make_stream({7, rep, "uncertainty", std::string("/uncertainty/interruption_rate_in_bucket/") + m.at(p).offering.pool(), 0});
      const double rate = sample_uniform(u, 0.10, 0.15);
      CHECK(m.at(p).hazard_per_h == doctest::Approx(hazard_per_hour(rate)));
      hazards.push_back(m.at(p).hazard_per_h);
      // A second market of the same replicate (another policy) draws the same.
      SpotMarket again(spec, catalog, advisor, start, hours(720), 7, rep);
      CHECK(again.at(again.pool("g5.xlarge", zone, CapacityType::Spot)).hazard_per_h == m.at(p).hazard_per_h);
    }
  CHECK(hazards[0] != hazards[1]);  // pools draw apart
  CHECK(hazards[0] != hazards[2]);  // and replicates
  // A factor that would lift spot above on-demand stops there.
  spec.uncertainty.spot_price_factor = Distribution{Distribution::Constant{100}};
  SpotMarket dear(spec, catalog, advisor, start, hours(720), 7, 0);
  CHECK(dear.at(dear.pool("g5.xlarge", "us-east-1a", CapacityType::Spot)).prices->price_at(0) ==
        doctest::Approx(catalog.at("g5.xlarge").ondemand_usd_per_h));
}

TEST_CASE("uncertainty that cannot mean anything is refused") {
  auto error = [](const json& doc) {
    try {
      load_beside_hand(doc);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  json doc = hand_doc();
  doc["uncertainty"] = {{"demand_scale", 0}};
  CHECK(error(doc).find("/uncertainty/demand_scale: expected a factor above 0") != std::string::npos);
  doc["uncertainty"] = {{"shortages_per_month", 2}};
  CHECK(error(doc).find("/uncertainty/shortages_per_month: expected market.shortages") != std::string::npos);
  doc["uncertainty"] = {{"interruption_rate_in_bucket", {{"top_bucket_max", 0.15}}}};
  CHECK(error(doc).find("/uncertainty/interruption_rate_in_bucket/top_bucket_max: expected a monthly interruption share above the "
                        "top bucket's 0.2") != std::string::npos);
  // A malformed distribution is reported as such, not an internal error (found by the CLI mutation run).
  doc["uncertainty"] = {{"demand_scale", {{"dist", -1}, {"median", 1}, {"sigma", 0.1}}}};
  CHECK(error(doc).find("/uncertainty/demand_scale/dist") != std::string::npos);
  doc["uncertainty"] = {{"spot_price_factor", {{"dist", json::array({json::array()})}, {"min", 0}}}};
  CHECK(error(doc).find("/uncertainty/spot_price_factor/dist") != std::string::npos);
  doc["uncertainty"] = {{"demand_scal", 1}};
  CHECK(error(doc).find("did you mean 'demand_scale'") != std::string::npos);
  doc["uncertainty"] = {{"daily_peak_shift_s", {{"dist", "normal"}, {"mean", -600}, {"sd", 300}}}};
  CHECK(error(doc) == "accepted");  // a shift may be negative
  doc["uncertainty"] = {{"node_latency_factor", {{"dist", "normal"}, {"mean", -1}, {"sd", 1}}}};
  CHECK(error(doc).find("/uncertainty/node_latency_factor/mean: expected a number >= 0") != std::string::npos);
}
