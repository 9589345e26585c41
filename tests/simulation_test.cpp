#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "capsim/core/distributions.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/summary.hpp"
#include "capsim/sim/simulation.hpp"
#include "hand_scenario.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
using test::hand_doc;
using test::load_beside_hand;
}  // namespace

TEST_CASE("golden: five minutes worked out by hand") {
  // Arrivals per minute (exact, "expected"): 60, 180, 180, 60, 0. Two g5.xlarge, one replica each
  // at 1 req/s: capacity 2 req/s = 120/min. max_wait 10 s → up to 2 × 10 = 20 may queue.
  //   min 1: 1 req/s < 2: all 60 served.
  //   min 2: 3 req/s: backlog fills to 20 in 20 s, then 1 req/s dropped for 40 s → 40 missed.
  //   min 3: backlog already 20 → all the excess dropped: 60 missed; backlog 20.
  //   min 4: 1 req/s: the 20 queued drain in 20 s; nothing missed.  min 5: idle.
  Scenario sc = io::load_scenario(test::data_dir() / "scenarios" / "hand.json");
  RunResult r = run_scenario(sc);
  REQUIRE(r.policies.size() == 1);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  const SlaSummary& s = rep.services[0].sla;
  CHECK(s.requests == doctest::Approx(480));
  CHECK(s.missed == doctest::Approx(100));
  CHECK(s.served == doctest::Approx(380));
  CHECK(s.missed_share == doctest::Approx(100.0 / 480));
  CHECK(s.minutes_under_provisioned == doctest::Approx(2));  // minutes 2 and 3
  CHECK(s.availability == doctest::Approx(3.0 / 5));         // 120 capacity < 180 in minutes 2, 3
  CHECK(s.backlog_max == doctest::Approx(20));
  CHECK(s.backlog_p95 == doctest::Approx(20));  // period ends 0,20,20,0,0: nearest rank 5 of 5
  // Cost: two g5.xlarge at USD 1.006/h for 300 s, and the EKS fee of USD 0.10/h for 300 s.
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(2 * 1.006 * 300 / 3600));
  CHECK(rep.cost.other_instances_usd == doctest::Approx(0));
  CHECK(rep.cost.eks_control_plane_usd == doctest::Approx(0.10 * 300 / 3600));
  CHECK(rep.cost.total_usd == doctest::Approx((2 * 1.006 + 0.10) * 300 / 3600));
  CHECK(rep.cost.by_tag_usd.at("team=ml") == doctest::Approx(2 * 1.006 * 300 / 3600));
  CHECK(rep.fleet.gpu_hours == doctest::Approx(2 * 300 / 3600.0));
  // The throughput has a source; nothing is an assumption.
  CHECK(r.policies[0].assumptions.empty());
}

TEST_CASE("golden: a cold fleet serves nothing until node and replica are ready") {
  // Node ready after 30 s, replica after 30 s more: no capacity for the whole first minute, so
  // (drop, limit 0) its 60 arrivals are missed; from minute 2 on, the hand-worked numbers above.
  json doc = hand_doc();
  doc["cluster"]["node_groups"][0]["initial_state"] = "launching";
  doc["cluster"]["node_ready_s"] = 30;
  doc["services"][0]["replica"]["startup_s"] = {{"dist", "constant"}, {"value", 30}};
  RunResult r = run_scenario(load_beside_hand(doc));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.services[0].sla.missed == doctest::Approx(60 + 100));
  CHECK(rep.services[0].sla.minutes_under_provisioned == doctest::Approx(3));
  // Billing starts at launch, not at ready.
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(2 * 1.006 * 300 / 3600));
}

TEST_CASE("random start-up latencies come from their substreams") {
  // One node, one replica; lognormal latencies. Capacity appears exactly at node draw + replica draw.
  json doc = hand_doc();
  doc["simulation"]["duration"] = "5m";
  doc["services"][0]["replicas"] = 1;
  doc["services"][0]["replica"]["startup_s"] = {{"dist", "lognormal"}, {"median", 15}, {"sigma", 0.3}};
  doc["cluster"]["node_ready_s"] = {{"dist", "lognormal"}, {"median", 5}, {"sigma", 0.3}};
  doc["cluster"]["node_groups"][0]["count"] = 1;
  doc["cluster"]["node_groups"][0]["initial_state"] = "launching";
  Scenario sc = load_beside_hand(doc);
  Rng node_rng = make_stream({7, 0, "node_ready", "gpu", 0});
  Rng rep_rng = make_stream({7, 0, "replica_startup", "api", 0});
  const double node_s = to_seconds(seconds(sample_lognormal(node_rng, 5, 0.3)));
  const double ready_s = node_s + to_seconds(seconds(sample_lognormal(rep_rng, 15, 0.3)));
  REQUIRE(ready_s < 60);  // the arithmetic below assumes the replica is up within minute 1
  RunResult r = run_scenario(sc);
  const auto& s = r.policies[0].replicates[0].services[0].sla;
  // Minute 1: 1 req/s with no capacity until ready_s (all missed: limit 0), then 1 req/s = capacity.
  // Minutes 2-3: 3 req/s vs 1: backlog fills to 10 in 5 s, then 2 req/s dropped for 55 s, twice
  // with the backlog already full in minute 3 (120 dropped). Minute 4: 1 req/s = capacity, backlog
  // 10 stays (no drain). Minute 5: no arrivals, backlog drains. Missed: ready_s + 110 + 120.
  CHECK(s.missed == doctest::Approx(ready_s + 110 + 120));
  CHECK(s.minutes_under_provisioned == doctest::Approx(ready_s / 60 + 2));
}

TEST_CASE("common random numbers: same arrivals for every policy; seeds and replicates differ") {
  json doc = hand_doc();
  doc["simulation"]["duration"] = "30m";
  doc["simulation"]["replicates"] = 2;
  doc["traces"]["t"]["tile"] = true;
  doc["services"][0]["demand"]["arrivals"] = "poisson";
  doc["policies"] = json::parse(R"([{"name": "two"},
    {"name": "one", "patch": {"cluster": {"node_groups": [{"name": "gpu", "instance_type": "g5.xlarge", "count": 1}]}}}])");
  RunOptions opt;
  opt.keep_series = true;
  RunResult r = run_scenario(load_beside_hand(doc), opt);
  const auto& two = r.policies[0].replicates[0].service_series[0].arrivals;
  const auto& one = r.policies[1].replicates[0].service_series[0].arrivals;
  REQUIRE(two.size() == 30);
  CHECK(two == one);  // different fleets, identical demand
  CHECK(r.policies[0].replicates[0].services[0].sla.missed != r.policies[1].replicates[0].services[0].sla.missed);
  // Poisson around the trace: not the trace values themselves, and different per replicate.
  CHECK(two != r.policies[0].replicates[1].service_series[0].arrivals);
  double total = 0;
  for (double a : two) total += a;
  CHECK(total != doctest::Approx(6 * 480));  // 6 tiles of 480 expected; a Poisson draw is not exact
  CHECK(std::fabs(total - 6 * 480) < 5 * std::sqrt(6 * 480.0));
  doc["simulation"]["seed"] = 8;
  RunResult other = run_scenario(load_beside_hand(doc), opt);
  CHECK(other.policies[0].replicates[0].service_series[0].arrivals != two);
}

TEST_CASE("results are byte-identical whatever the thread count") {
  json doc = hand_doc();
  doc["simulation"]["duration"] = "2h";
  doc["simulation"]["replicates"] = 5;
  doc["traces"]["t"]["tile"] = true;
  doc["services"][0]["demand"]["arrivals"] = "poisson";
  doc["policies"] = json::parse(R"([{"name": "a"},
    {"name": "b", "patch": {"cluster": {"node_groups": [{"name": "gpu", "instance_type": "g5.xlarge", "count": 1}]}}}])");
  Scenario sc = load_beside_hand(doc);
  RunOptions one, four;
  four.threads = 4;
  const std::string a = io::result_to_json(run_scenario(sc, one));
  const std::string b = io::result_to_json(run_scenario(sc, four));
  CHECK(a == b);
  json j = json::parse(a);
  CHECK(j["format_version"] == 4);
  CHECK(j["scenario"] == "hand-worked");
  CHECK(j["seed"] == 7);
  CHECK(j["policies"].size() == 2);
  CHECK(j["policies"][0]["replicates"].size() == 5);
  // No wall time, host, thread count or paths.
  CHECK(a.find("/work") == std::string::npos);
  CHECK(a.find("thread") == std::string::npos);
}

TEST_CASE("replicas that fit nowhere stay pending") {
  json doc = hand_doc();
  doc["services"][0]["replicas"] = 5;  // two single-GPU nodes hold two
  RunResult r = run_scenario(load_beside_hand(doc));
  CHECK(r.policies[0].replicates[0].services[0].replicas_placed == 2);
  CHECK(r.policies[0].replicates[0].services[0].replicas_requested == 5);
  // The other three are pending at the end, and the run says why (static groups launch nothing).
  CHECK(r.policies[0].replicates[0].services[0].pending_at_end == 3);
  CHECK(r.policies[0].replicates[0].services[0].pending_reason == "no node has room for it and no provisioner launches one");
  CHECK(format_comparison(r).find("Pending pods (replicate 0):\n  default / api: 3 pod(s) pending at the end: no node has room for it and "
                                  "no provisioner launches one\n") != std::string::npos);
}

TEST_CASE("latencies given as their parts add up: launch + boot, image pull + model load") {
  // Launch 20 s + boot 10 s = node ready at 30 s; image pull 10 s + model load 20 s = replica ready
  // at 60 s: as the cold-fleet case above, 60 + 100 missed.
  json doc = hand_doc();
  doc["cluster"]["node_groups"][0]["initial_state"] = "launching";
  doc["cluster"]["node_ready_s"] = {{"launch_s", 20}, {"boot_s", 10}};
  doc["services"][0]["replica"]["startup_s"] = {{"image_pull_s", 10}, {"model_load_s", {{"dist", "constant"}, {"value", 20}}}};
  RunResult r = run_scenario(load_beside_hand(doc));
  CHECK(r.policies[0].replicates[0].services[0].sla.missed == doctest::Approx(60 + 100));
  // Both parts are figures that need a source: the whole objects are listed.
  std::vector<std::string> pointers;
  for (const auto& a : r.policies[0].assumptions) pointers.push_back(a.pointer);
  CHECK(std::find(pointers.begin(), pointers.end(), "/cluster/node_ready_s") != pointers.end());
  CHECK(std::find(pointers.begin(), pointers.end(), "/services/0/replica/startup_s") != pointers.end());
}

TEST_CASE("the series CSV gives the cluster's cost rate once per period, not once per service") {
  // Two services on the hand-worked fleet (two g5.xlarge at 1.006/h, the control plane is not an
  // instance): the cluster row of each of the 5 periods carries 2.012 USD/h, so the column sums to
  // 5 × 2.012 = 10.06 whatever the number of services; service rows leave it empty.
  json doc = hand_doc();
  json second = doc["services"][0];
  second["name"] = "batch";
  second["replicas"] = 0;
  doc["services"].push_back(second);
  RunOptions opt;
  opt.keep_series = true;
  const std::string csv = io::series_to_csv(run_scenario(load_beside_hand(doc), opt));
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "policy,replicate,period_start_utc,service,arrivals,capacity_requests,missed,backlog_end,ready_replicas,ready_nodes,cost_rate_usd_per_h");
  double cost_rate_sum = 0;
  int service_rows = 0, cluster_rows = 0;
  while (std::getline(in, line)) {
    const std::string rate = line.substr(line.rfind(',') + 1);
    if (line.find(",api,") != std::string::npos || line.find(",batch,") != std::string::npos) {
      ++service_rows;
      CHECK(rate.empty());
    } else {
      ++cluster_rows;
      cost_rate_sum += std::stod(rate);
    }
  }
  CHECK(service_rows == 10);
  CHECK(cluster_rows == 5);
  CHECK(cost_rate_sum == doctest::Approx(5 * 2.012));
}

TEST_CASE("the bill's lines reach the result: what was billed for each instance and the control plane") {
  // The hand-worked fleet: two g5.xlarge for the 5 minutes (300 s at 1.006/h, tagged team=ml by
  // their group) and the EKS control plane (300 s at 0.10/h), in the order they opened.
  RunOptions opt;
  opt.keep_series = true;
  const RunResult r = run_scenario(load_beside_hand(hand_doc()), opt);
  const auto& lines = r.policies[0].replicates[0].cost_lines;
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].resource == "node/gpu/0");
  CHECK(lines[1].resource == "node/gpu/1");
  CHECK(lines[2].resource == "eks-control-plane");
  CHECK(lines[0].category == "gpu_instances");
  CHECK(lines[2].category == "eks_control_plane");
  CHECK(lines[0].instance_type == "g5.xlarge");
  CHECK(lines[0].capacity_type == "on-demand");
  CHECK(lines[2].capacity_type.empty());
  CHECK(lines[0].billed_s == doctest::Approx(300));
  CHECK(lines[0].running_at_end);
  CHECK(lines[0].cost_usd == doctest::Approx(1.006 * 300 / 3600));
  CHECK(lines[2].cost_usd == doctest::Approx(0.10 * 300 / 3600));
  CHECK(lines[0].tags.at("team") == "ml");
  CHECK(lines[2].tags.count("team") == 0);
  // Where each node sits: its node group and zone (the control plane has neither).
  CHECK(lines[0].owner == "gpu");
  CHECK(lines[0].zone == "us-east-1a");
  CHECK(lines[2].owner.empty());
  // As CSV: a tag:<key> column per tag key, empty where a line lacks it.
  const std::string csv = io::cost_lines_to_csv(r);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "policy,replicate,resource,category,instance_type,capacity_type,owner,zone,price_usd_per_h,start_s,end_s,running_at_end,billed_s,cost_usd,"
        "tag:team");
  CHECK(csv.find("\ndefault,0,eks-control-plane,eks_control_plane,,,,,0.1,0,300,true,300,") != std::string::npos);
  CHECK(csv.find(",ml\n") != std::string::npos);
}

TEST_CASE("a run refuses to compare policies that saw different demand") {
  // Two policies over the hand-worked trace (480 requests in 5 minutes, expected arrivals); the
  // second's demand scaled by 0.5 behind the loader's back sees 240: the run says so and stops.
  json doc = hand_doc();
  doc["policies"] = json::parse(R"([{"name": "a"}, {"name": "b"}])");
  Scenario sc = load_beside_hand(doc);
  sc.policies[1].services[0].demand.scale = 0.5;
  CHECK_THROWS_WITH_AS(run_scenario(sc),
                       "policies saw different demand: service 'api', replicate 0: 480 requests under policy 'a', 240 under policy 'b'; "
                       "demand is the world every policy is compared in",
                       Error);
  sc.policies[1].services[0].demand.scale = 1;
  CHECK_NOTHROW(run_scenario(sc));
}

TEST_CASE("5-minute points declared as such are spread over the minutes") {
  // five_minute_points.csv: 300 requests per 5-minute point for an hour, declared period_s 300 and
  // run at 60 s periods with expected arrivals: 60 requests a minute, 3,600 in the hour.
  json doc = hand_doc();
  doc["simulation"]["duration"] = "1h";
  doc["traces"]["t"] = {{"format", "csv"}, {"file", "../traces/five_minute_points.csv"}, {"period_s", 300}};
  RunOptions opt;
  opt.keep_series = true;
  const RunResult r = run_scenario(load_beside_hand(doc), opt);
  const auto& arrivals = r.policies[0].replicates[0].service_series[0].arrivals;
  REQUIRE(arrivals.size() == 60);
  CHECK(arrivals[0] == doctest::Approx(60));
  CHECK(arrivals[59] == doctest::Approx(60));
  CHECK(r.policies[0].replicates[0].services[0].sla.requests == doctest::Approx(3600));
}

TEST_CASE("a trace exported for the whole window covers it though its last minutes had no data") {
  // five_minutes.csv ends at 00:05; exported for 00:00-00:07, the two minutes without data are
  // requests of zero (CloudWatch leaves them out), so a 7-minute window is covered: 480 requests.
  json doc = hand_doc();
  doc["simulation"]["duration"] = "7m";
  CHECK_THROWS_AS(load_beside_hand(doc), ScenarioError);  // without the export window the trace stops short
  doc["traces"]["t"]["end"] = "2024-05-10T00:07:00Z";
  RunOptions opt;
  opt.keep_series = true;
  const RunResult r = run_scenario(load_beside_hand(doc), opt);
  CHECK(r.policies[0].replicates[0].service_series[0].arrivals == std::vector<double>{60, 180, 180, 60, 0, 0, 0});
  CHECK(r.policies[0].replicates[0].services[0].sla.requests == doctest::Approx(480));
}

TEST_CASE("a replicate's demand is drawn once, shared by its runs and dropped after the last") {
  const Scenario sc = io::load_scenario(test::data_dir() / "scenarios" / "hand.json");
  const ServiceSpec& api = sc.policies[0].services[0];
  DemandDraws draws(sc, {2, 1});
  const auto first = draws.get(api, 0);
  CHECK(draws.get(api, 0) == first);  // the same draw, not a copy
  CHECK(*first == draw_arrivals(sc, api, 0));
  CHECK(*draws.get(api, 1) == draw_arrivals(sc, api, 1));
  // Another demand (the scale) is another draw.
  ServiceSpec doubled = api;
  doubled.demand.scale = 2;
  CHECK(draws.get(doubled, 0) != first);
  draws.run_done(0);
  CHECK(draws.get(api, 0) == first);  // one of replicate 0's two runs is still to come
  draws.run_done(0);
  const auto again = draws.get(api, 0);  // dropped after the last: drawn anew, to the same values
  CHECK(again != first);
  CHECK(*again == *first);
}
