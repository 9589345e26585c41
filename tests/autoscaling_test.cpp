// HPA + Cluster Autoscaler end to end, on a demand step worked out by hand.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/autoscale/hpa_runner.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;


TEST_CASE("HPA and Cluster Autoscaler follow a demand step up and back down") {
  // A step up only (a second trace cannot subtract): demand 2 req/s, then 8 req/s from 00:30.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "2h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60},
                        {"generator", {{"kind", "step"}, {"before_rps", 2}, {"after_rps", 8}, {"at", "2024-05-10T00:30:00Z"}}}};
  doc["services"][0]["replicas"] = 2;
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 2.0}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["provisioner"] = "cluster-autoscaler";
  doc["cluster"]["node_ready_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", 2}, {"min_size", 1}, {"max_size", 10}}};
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 20},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "hpa.json", test::data_dir() / "scenarios");
  RunOptions opt;
  opt.keep_series = true;
  RunResult r = run_scenario(sc, opt);
  const auto& rep = r.policies[0].replicates[0];
  const auto& series = rep.service_series[0];
  // Before the step: 2 req/s over 2 replicas is the target exactly: 2 replicas, no scaling.
  CHECK(series.ready_replicas[29] == 2);
  // After: 8 req/s needs 8 replicas at 1 req/s each. The HPA sees the step 60 s late (00:31); it has
  // no behavior, so it takes the controller's older path: at most max(2 × 2, 4) = 4 at the first
  // sync, and 8 at the next (the 2 unready pods count at 0: 8 req/s over 4 pods is 2 per pod,
  // ceil(2 × 4) = 8 ≤ max(2 × 4, 4)); the Cluster Autoscaler adds 6 one-GPU nodes for them (least
  // waste: exactly one replica per node).
  CHECK(series.ready_replicas.back() == 8);
  CHECK(rep.fleet.scale_ups == 6);
  CHECK(rep.fleet.scale_downs == 0);
  CHECK(rep.services[0].replicas_placed == 8);
  // Once 8 are ready (node 60 s + replica 60 s after each decision, from 00:31) capacity is 16 req/s,
  // twice the demand: nothing is missed after 00:40.
  double missed_after = 0;
  for (std::size_t k = 40; k < series.missed.size(); ++k) missed_after += series.missed[k];
  CHECK(missed_after == doctest::Approx(0));
}

TEST_CASE("the Cluster Autoscaler removes nodes the HPA no longer needs, after the delays") {
  // Constant 2 req/s, but 6 replicas on 6 nodes to start with: the HPA scales down to 2 replicas
  // (2 req/s over 6 = 0.33 per replica → ceil(6 × 0.33) = 2) once the 300 s stabilization window
  // has passed; the 4 emptied nodes are below the 0.5 utilization threshold (0 of 1 GPU) and are
  // removed 10 minutes after they became unneeded. min_size 1 keeps at least one.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 2}}}};
  doc["services"][0]["replicas"] = 6;
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 2.0}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["provisioner"] = "cluster-autoscaler";
  doc["cluster"]["node_ready_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", 6}, {"min_size", 1}, {"max_size", 10}}};
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 20},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "down.json", test::data_dir() / "scenarios");
  RunOptions opt;
  opt.keep_series = true;
  RunResult r = run_scenario(sc, opt);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.service_series[0].ready_replicas.back() == 2);
  CHECK(rep.fleet.scale_downs == 4);
  CHECK(rep.ready_nodes.back() == 2);
  // The HPA's first scale-down waits out the 300 s window: still 6 replicas at 00:04.
  CHECK(rep.service_series[0].ready_replicas[3] == 6);
}

TEST_CASE("scheduled scaling raises the HPA's floor at a cron time") {
  // Constant 2 req/s would keep 2 replicas; a schedule at 00:20 UTC sets minReplicas 5.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 2}}}};
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 2.0}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", 6}}};
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 6},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  doc["cluster"]["schedules"] = {{{"schedule", "20 0 * * *"}, {"hpa", "api"}, {"minReplicas", 5}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "cron.json", test::data_dir() / "scenarios");
  RunOptions opt;
  opt.keep_series = true;
  RunResult r = run_scenario(sc, opt);
  const auto& ready = r.policies[0].replicates[0].service_series[0].ready_replicas;
  CHECK(ready[15] == 2);      // 2 replicas at 1 req/s each: on target
  CHECK(ready.back() == 5);   // the floor from 00:20; started replicas are ready 60 s later
}

TEST_CASE("bad HPA and schedule specs say what was expected") {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 5}, {"maxReplicas", 2},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "bad.json", test::data_dir()),
                       doctest::Contains("bad.json: /cluster/hpa/api/maxReplicas: expected maxReplicas >= minReplicas (5), got the number 2"),
                       ScenarioError);
  doc["cluster"]["hpa"]["api"]["maxReplicas"] = 6;
  doc["cluster"]["hpa"]["api"]["metrics"][0]["pods"]["metric"]["name"] = "cpu";
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "bad.json", test::data_dir()),
                       doctest::Contains("/cluster/hpa/api/metrics/0/pods/metric/name: expected one of \"requests_per_second\", \"gpu_utilization\""),
                       ScenarioError);
  doc["cluster"]["hpa"]["api"]["metrics"][0]["pods"]["metric"]["name"] = "gpu_utilization";
  doc["cluster"]["schedules"] = {{{"schedule", "0 25 * * *"}, {"hpa", "api"}, {"minReplicas", 2}}};
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "bad.json", test::data_dir()),
                       doctest::Contains("/cluster/schedules/0/schedule: cron '0 25 * * *': hour: expected 0-23, got 25"),
                       ScenarioError);
}

TEST_CASE("an HPA on an External metric read from a trace (a queue depth)") {
  // Queue depth 40 throughout (tests/data/traces/queue_depth.csv, unit count, tiled); AverageValue
  // target 10 per replica: from 2 replicas the ratio is (40 / 2) / 10 = 2, so ceil(2 × 2) = 4, within
  // the default scale-up limit max(2 × 2, 2 + 4) = 6; from 4 the ratio is 1: it stays at 4.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"]["tile"] = true;
  doc["traces"]["queue"] = {{"format", "csv"}, {"file", "../traces/queue_depth.csv"}, {"period_s", 60}, {"unit", "count"}, {"tile", true}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", 6}}};
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 6},
                                    {"metrics", {{{"type", "External"}, {"external", {{"metric", {{"name", "queue"}}},
                                                                                    {"target", {{"type", "AverageValue"}, {"averageValue", 10}}}}}}}}}}};
  RunOptions opt;
  opt.keep_series = true;
  RunResult r = run_scenario(io::load_scenario_text(doc.dump(), "ext.json", test::data_dir() / "scenarios"), opt);
  CHECK(r.policies[0].replicates[0].service_series[0].ready_replicas.back() == 4);
  // A Value target compares the whole metric: 40 / 20 = 2 → ceil(2 × 2) = 4, then 40/20 = 2 again
  // from 4 → 8, capped by maxReplicas 6.
  doc["cluster"]["hpa"]["api"]["metrics"][0]["external"]["target"] = {{"type", "Value"}, {"value", 20}};
  RunResult v = run_scenario(io::load_scenario_text(doc.dump(), "ext.json", test::data_dir() / "scenarios"), opt);
  CHECK(v.policies[0].replicates[0].service_series[0].ready_replicas.back() == 6);
  // With demand drawn per replicate, the recorded metric does not follow the draws: said, not hidden.
  for (const auto& w : v.warnings) CHECK(w.find("External metric") == std::string::npos);
  json drawn = doc;
  drawn["uncertainty"] = {{"demand_scale", {{"dist", "lognormal"}, {"median", 1.0}, {"sigma", 0.1}}}};
  const Scenario with_draws = io::load_scenario_text(drawn.dump(), "ext.json", test::data_dir() / "scenarios");
  REQUIRE(!with_draws.warnings.empty());
  CHECK(with_draws.warnings.back() == "service 'api': its HPA's External metric 'queue' is a recorded trace, which the uncertainty section's "
                                  "demand draws (demand_scale, demand_monthly_factor, daily_peak_shift_s) do not move: the HPA follows the "
                                  "recorded traffic");
  // A queue depth cannot drive demand.
  doc["services"][0]["demand"]["trace"] = "queue";
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "ext.json", test::data_dir() / "scenarios"),
                       doctest::Contains("/services/0/demand/trace: expected a trace of requests or requests/second to drive demand, got trace 'queue', which measures count"),
                       ScenarioError);
}

TEST_CASE("a ResourceQuota caps a namespace's pods; the refusals are counted") {
  // Six replicas of 1 GPU asked for, quota requests.nvidia.com/gpu 4 in their namespace: four are
  // created, two refused at the start. An HPA that wants more later is refused at every sync.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["traces"]["t"]["tile"] = true;
  doc["services"][0]["replicas"] = 6;
  doc["services"][0]["namespace"] = "ml";
  doc["cluster"]["node_groups"][0]["count"] = 6;
  doc["cluster"]["resource_quotas"] = {{"ml", {{"hard", {{"requests.nvidia.com/gpu", 4}}}}}};
  RunResult r = run_scenario(io::load_scenario_text(doc.dump(), "quota.json", test::data_dir() / "scenarios"));
  const auto& s = r.policies[0].replicates[0].services[0];
  CHECK(s.replicas_placed == 4);
  CHECK(s.replicas_requested == 6);
  CHECK(s.quota_refused == 2);
  // Another namespace is not limited by it.
  doc["services"][0]["namespace"] = "other";
  RunResult free = run_scenario(io::load_scenario_text(doc.dump(), "quota.json", test::data_dir() / "scenarios"));
  CHECK(free.policies[0].replicates[0].services[0].replicas_placed == 6);
  CHECK(free.policies[0].replicates[0].services[0].quota_refused == 0);
}

TEST_CASE("an HPA on a Resource metric: cpu utilization from the replica's use by load") {
  // 10 req/s (exactly: expected arrivals), 2 req/s per replica; a replica requests 2000m and uses
  // 500m idle, 2500m at its full throughput. With n ready replicas each serves 5/n of its throughput,
  // uses 500 + 10000/n millicores, a utilization of floor(25 + 500/n) percent. Against a 50% target
  // the HPA holds within the 0.1 tolerance (45..55%) for n from 17 to 25, and scales towards it from
  // anywhere else.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "2h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 10}}}};
  doc["services"][0]["demand"]["arrivals"] = "expected";
  doc["services"][0]["replicas"] = 2;
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 2.0}};
  doc["services"][0]["replica"] = {{"gpus", 1}, {"cpu", "2"}, {"startup_s", 60},
                                   {"usage_by_load", {{"idle", {{"cpu", "500m"}}}, {"busy", {{"cpu", "2500m"}}}}}};
  doc["cluster"]["node_groups"] = {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", 30}}};
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 30},
                                    {"metrics", {{{"type", "Resource"},
                                                  {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}}}}}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "hpa.json", test::data_dir() / "scenarios");
  const HpaMetric& m = sc.policies[0].cluster.hpa.at("api").metrics.at(0);
  CHECK(m.request == 2000);
  CHECK(m.use.idle == 500);
  CHECK(m.use.busy == 2500);
  RunOptions opt;
  opt.keep_series = true;
  RunResult r = run_scenario(sc, opt);
  const auto& series = r.policies[0].replicates[0].service_series[0];
  CHECK(series.ready_replicas.back() >= 17);
  CHECK(series.ready_replicas.back() <= 25);
  // The listed assumption: the use by load is a typed-in figure.
  bool listed = false;
  for (const auto& a : r.policies[0].assumptions) listed = listed || a.pointer == "/services/0/replica/usage_by_load";
  CHECK(listed);
}

TEST_CASE("resource_value: the replica's use at its busy share, or that use as a whole percentage of the request") {
  HpaMetric m;
  m.source = HpaMetric::Source::Resource;
  m.name = "cpu";
  m.target_type = HpaMetric::Target::Utilization;
  m.target = 50;
  m.request = 2000;
  m.use = {500, 2500};
  // 10 req/s on 20 req/s of capacity: half busy, 1500m, 75%.
  CHECK(resource_value(m, 10, 20) == 75);
  // 7 on 20: 500 + 0.35 × 2000 = 1200m, 60%; 7 on 30: 966.67m, 48.33% → 48.
  CHECK(resource_value(m, 7, 20) == 60);
  CHECK(resource_value(m, 7, 30) == 48);
  // More arrivals than capacity, or no capacity at all: fully busy, 2500m, 125%.
  CHECK(resource_value(m, 30, 20) == 125);
  CHECK(resource_value(m, 1, 0) == 125);
  m.target_type = HpaMetric::Target::AverageValue;
  CHECK(resource_value(m, 10, 20) == 1500);
}

TEST_CASE("a Resource metric needs the replica's use by load, and a request for Utilization") {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["hpa"] = {{"api", {{"maxReplicas", 4},
                                    {"metrics", {{{"type", "Resource"},
                                                  {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 60}}}}}}}}}}};
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "hpa.json", test::data_dir() / "scenarios"),
                       doctest::Contains("/cluster/hpa/api/metrics/0: expected replica.usage_by_load.idle.cpu and busy.cpu of service 'api', "
                                         "which say how its cpu use follows its load, got a Resource metric on a service without them"),
                       ScenarioError);
  doc["services"][0]["replica"]["usage_by_load"] = {{"idle", {{"cpu", "1"}}}, {"busy", {{"cpu", "3"}}}};
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "hpa.json", test::data_dir() / "scenarios"),
                       doctest::Contains("/cluster/hpa/api/metrics/0: expected a cpu request on service 'api' (Utilization is a percentage of it)"),
                       ScenarioError);
  doc["services"][0]["replica"]["cpu"] = "2";
  CHECK_NOTHROW(io::load_scenario_text(doc.dump(), "hpa.json", test::data_dir() / "scenarios"));
}
