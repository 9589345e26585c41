// Karpenter as the provisioner in runs, on cases worked out by hand from the bundled catalog.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
json karpenter_doc(json throughput, int replicas, json capacity_types) {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 1}}}};
  doc["catalog"] = {{"zones", {"us-east-1a"}}};
  doc["market"] = {{"interruption_rate_by_bucket", {0, 0, 0, 0, 0}}};
  doc["services"][0]["replicas"] = replicas;
  doc["services"][0]["throughput_rps"] = throughput;
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"] = json::parse(R"({
    "provisioner": "karpenter", "eks_control_plane": false, "node_ready_s": 60, "node_groups": [],
    "node_pools": [{"metadata": {"name": "gpu"},
                    "spec": {"template": {"spec": {"requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In"}]}},
                             "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"}}}]})");
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"][0]["values"] = capacity_types;
  return doc;
}
RunResult run(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  return run_scenario(io::load_scenario_text(doc.dump(), "karpenter.json", test::data_dir() / "scenarios"), opt);
}
}  // namespace

TEST_CASE("Karpenter packs three 1-GPU replicas onto one node that holds them all") {
  // The replicas may run on g5.xlarge (1 GPU, USD 1.006/h) or g5.12xlarge (4 GPUs, 5.672). The
  // first pod opens a claim [g5.xlarge, g5.12xlarge]; the next two join it, which only g5.12xlarge
  // can hold: one on-demand g5.12xlarge. The batch window closes 1 s (batchIdleDuration) after the
  // pods appear at 0, so the node runs 3,599 s of the hour: 5.672 × 3599/3600; it is ready at 61 s and
  // the replicas at 121 s.
  RunResult r = run(karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 3, {"on-demand"}));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 1);
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(5.672 * 3599 / 3600));
  CHECK(rep.services[0].replicas_placed == 3);
  CHECK(rep.service_series[0].ready_replicas[1] == 0);
  CHECK(rep.service_series[0].ready_replicas[2] == 3);
}

TEST_CASE("Karpenter prefers spot when the NodePool allows both and spot is cheaper") {
  // One replica on g5.xlarge: spot at the Advisor's 59% savings, 1.006 × 0.41 = 0.41246/h, is below
  // on-demand 1.006, so the claim is spot, launched 1 s in (the batch window): 0.41246 × 3599/3600.
  RunResult r = run(karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"spot", "on-demand"}));
  CHECK(r.policies[0].replicates[0].cost.gpu_instances_usd == doctest::Approx(1.006 * 0.41 * 3599 / 3600));
}

TEST_CASE("Karpenter removes nodes the HPA emptied, after consolidateAfter") {
  // Replicas request 3 CPUs, so a g5.xlarge (3,920m allocatable) holds one; g5.xlarge only: three
  // nodes for three replicas. Demand 1 req/s against a target of 1 req/s per replica: the HPA goes to
  // one replica once its 300 s window has passed, removing the two newest; their nodes are empty and
  // are removed 30 s later (WhenEmpty): two consolidations, one node left.
  json doc = karpenter_doc({{"g5.xlarge", 1.0}}, 3, {"on-demand"});
  doc["services"][0]["replica"]["cpu"] = "3";
  doc["services"][0]["replica"]["memory"] = "8Gi";
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 6},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  RunResult r = run(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 3);
  CHECK(rep.fleet.consolidations == 2);
  CHECK(rep.ready_nodes.back() == 1);
  CHECK(rep.service_series[0].ready_replicas.back() == 1);
}

TEST_CASE("a spot interruption drains a Karpenter node at the notice and provisions a replacement") {
  // Pool events reclaim the spot node (fraction 1, about 200 events a month: one within the hour);
  // at the notice Karpenter drains it and launches a new node for the replica.
  json doc = karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"spot"});
  doc["market"]["pool_events"] = {{"per_month", 2000}, {"fraction", 1.0}};
  RunResult r = run(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.interruptions >= 1);
  CHECK(rep.fleet.launches == 1 + rep.fleet.interruptions);
  CHECK(rep.services[0].replicas_placed == 1);
  CHECK(rep.services[0].replica_minutes_lost > 0);
}
