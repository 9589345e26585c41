// Karpenter as the provisioner in runs, on cases worked out by hand from the bundled catalog.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/summary.hpp"
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
RunResult run_karpenter(const json& doc) {
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
  RunResult r = run_karpenter(karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 3, {"on-demand"}));
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
  RunResult r = run_karpenter(karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"spot", "on-demand"}));
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
  RunResult r = run_karpenter(doc);
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
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.interruptions >= 1);
  CHECK(rep.fleet.launches == 1 + rep.fleet.interruptions);
  CHECK(rep.services[0].replicas_placed == 1);
  CHECK(rep.services[0].replica_minutes_lost > 0);
}

namespace {
// Three 1-GPU replicas packed onto one g5.12xlarge (5.672/h), then the HPA keeps one: the node is
// underutilized, and a g5.xlarge (1.006/h) would hold the remaining replica.
json underutilized_doc() {
  json doc = karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 3, {"on-demand"});
  auto& disruption = doc["cluster"]["node_pools"][0]["spec"]["disruption"];
  disruption["consolidationPolicy"] = "WhenEmptyOrUnderutilized";
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 6},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  return doc;
}
RunResult run_explained(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  opt.explain = true;
  return run_scenario(io::load_scenario_text(doc.dump(), "karpenter.json", test::data_dir() / "scenarios"), opt);
}
// The first period whose cost rate is not the g5.12xlarge's alone (a replacement is running).
std::size_t first_change(const std::vector<double>& rate) {
  for (std::size_t i = 0; i < rate.size(); ++i)
    if (rate[i] > 0 && std::abs(rate[i] - 5.672) > 1e-9) return i;
  return rate.size();
}
}  // namespace

TEST_CASE("single-node consolidation replaces an underutilized node by a cheaper one in a run") {
  // One replica left on the g5.12xlarge: the cheapest on-demand type that holds 1 GPU among the
  // service's types is g5.xlarge at 1.006 < 5.672, so Karpenter launches it, drains the big node
  // once it is ready and the replica restarts there. At the end only the g5.xlarge bills.
  RunResult r = run_explained(underutilized_doc());
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 2);
  CHECK(rep.fleet.consolidations == 1);
  CHECK(rep.fleet.consolidation_replacements == 1);
  CHECK(rep.fleet.pods_disrupted == 1);
  // The node log: the g5.12xlarge (launched at 1 s with three pods, ready at 61 s) is cordoned when
  // the replacement is launched and terminated when it is ready, 60 s later.
  REQUIRE(rep.nodes.size() == 2);
  CHECK(rep.nodes[0].instance_type == "g5.12xlarge");
  CHECK(rep.nodes[0].pods_bound == 3);
  CHECK(rep.nodes[0].end_reason == "consolidation");
  CHECK(rep.nodes[1].instance_type == "g5.xlarge");
  CHECK(rep.nodes[0].cordoned_s == doctest::Approx(rep.nodes[1].launched_s));
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(rep.nodes[1].launched_s + 60));
  CHECK(rep.nodes[1].ready_s == doctest::Approx(rep.nodes[1].launched_s + 60));
  CHECK(rep.cost_rate_usd_per_h.back() == doctest::Approx(1.006));
  CHECK(rep.services[0].replicas_placed == 1);
  CHECK(rep.service_series[0].ready_replicas.back() == 1);
  bool explained = false;
  for (const auto& e : rep.explanations)
    explained = explained || (e.find("consolidation (single-node): replace 1 node(s) [g5.12xlarge") != std::string::npos &&
                              e.find("by g5.xlarge (on-demand, 1.0060 USD/h") != std::string::npos);
  CHECK(explained);
}

TEST_CASE("Balanced consolidation in a run: the replacement scored by hand, taken at k = 2 and refused at k = 1") {
  // The NodePool holds one node, the g5.12xlarge (5.672 USD/h) with the one replica left: its totals
  // are cost 5.672 and disruption cost 1 (the node) + 1 (the pod) = 2. Replacing it by a g5.xlarge
  // (1.006) saves 4.666 USD/h: savings fraction 4.666 / 5.672 = 0.82264, disruption fraction 2 / 2
  // = 1, score 0.82264 — over 1/2 (taken), under 1/1 (refused).
  json doc = underutilized_doc();
  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["consolidationPolicy"] = "Balanced";
  RunResult r = run_explained(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.consolidation_replacements == 1);
  REQUIRE(rep.decisions.consolidation_scores.size() == 1);
  const ConsolidationScoreDecision& s = rep.decisions.consolidation_scores[0];
  CHECK(s.method == "single-node");
  CHECK(s.nodes == std::vector<std::string>{"g5.12xlarge"});
  CHECK(s.savings_usd_per_h == doctest::Approx(4.666));
  CHECK(s.savings_fraction == doctest::Approx(4.666 / 5.672));
  CHECK(s.disruption_cost == doctest::Approx(2.0));
  CHECK(s.disruption_fraction == doctest::Approx(1.0));
  CHECK(s.score == doctest::Approx(0.82264).epsilon(1e-5));
  CHECK(s.threshold == doctest::Approx(0.5));
  CHECK(s.approved);
  bool explained = false;
  for (const auto& e : rep.explanations)
    explained = explained || e.find("Balanced approved single-node consolidation of [g5.12xlarge]: score 0.823 >= threshold 0.500") != std::string::npos;
  CHECK(explained);

  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["consolidationThreshold"] = 1;
  RunResult refused = run_explained(doc);
  const auto& held = refused.policies[0].replicates[0];
  CHECK(held.fleet.consolidations == 0);
  CHECK(held.fleet.consolidation_replacements == 0);
  REQUIRE_FALSE(held.decisions.consolidation_scores.empty());
  for (const auto& d : held.decisions.consolidation_scores) {
    CHECK_FALSE(d.approved);
    CHECK(d.score == doctest::Approx(0.82264).epsilon(1e-5));
    CHECK(d.threshold == doctest::Approx(1.0));
  }
  CHECK(held.cost_rate_usd_per_h.back() == doctest::Approx(5.672));
}

TEST_CASE("a static NodePool keeps its replicas whatever the pods need, never consolidates them, and replaces expired ones") {
  // replicas 2 of g5.xlarge (1 GPU, 1.006 USD/h): both launched at the start; the service's three
  // 1-GPU replicas find room for two (no dynamic NodePool provisions for the third). The empty
  // second node would go under WhenEmpty, but a static NodePool is never consolidated.
  json doc = karpenter_doc({{"g5.xlarge", 1.0}}, 3, {"on-demand"});
  auto& spec = doc["cluster"]["node_pools"][0]["spec"];
  spec["replicas"] = 2;
  spec["template"]["spec"]["requirements"].push_back({{"key", "node.kubernetes.io/instance-type"}, {"operator", "In"}, {"values", {"g5.xlarge"}}});
  spec["template"]["spec"]["expireAfter"] = "20m";
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  // Launched at 0, expired at 20 and 40 min (the ones of 40 min would expire at 60, the window's
  // end): 2 + 2 + 2 launches, 4 expirations, no consolidation; two nodes bill at the end.
  CHECK(rep.fleet.launches == 6);
  CHECK(rep.fleet.expirations == 4);
  CHECK(rep.fleet.consolidations == 0);
  REQUIRE(rep.nodes.size() == 6);
  for (std::size_t i = 0; i < rep.nodes.size(); ++i) {
    CHECK(rep.nodes[i].instance_type == "g5.xlarge");
    CHECK(rep.nodes[i].launched_s == doctest::Approx(1200.0 * static_cast<double>(i / 2)));
  }
  CHECK(rep.cost_rate_usd_per_h.back() == doctest::Approx(2 * 1.006));
  CHECK(rep.service_series[0].ready_replicas.back() == 2);

  // limits.nodes 1 holds it to one node, 1 < replicas.
  spec["limits"] = {{"nodes", 1}};
  spec["template"]["spec"]["expireAfter"] = "Never";
  RunResult capped = run_karpenter(doc);
  CHECK(capped.policies[0].replicates[0].fleet.launches == 1);
  CHECK(capped.policies[0].replicates[0].cost_rate_usd_per_h.back() == doctest::Approx(1.006));
}

TEST_CASE("a disruption budget of 0 blocks consolidation inside its cron window only") {
  // Without a budget the replacement comes within the first half hour; with nodes "0" from midnight
  // (the run's start) for 30 minutes, for Underutilized, the g5.12xlarge bills alone until 00:30 and
  // is replaced after the window closes.
  RunResult free_run = run_karpenter(underutilized_doc());
  const std::size_t free_at = first_change(free_run.policies[0].replicates[0].cost_rate_usd_per_h);
  CHECK(free_at < 30);

  json doc = underutilized_doc();
  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["budgets"] =
      json::parse(R"([{"nodes": "0", "schedule": "0 0 * * *", "duration": "30m", "reasons": ["Underutilized"]}])");
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  const std::size_t at = first_change(rep.cost_rate_usd_per_h);
  CHECK(at >= 30);
  CHECK(at < 60);
  CHECK(rep.fleet.consolidations == 1);
  CHECK(rep.cost_rate_usd_per_h.back() == doctest::Approx(1.006));
}

TEST_CASE("expireAfter removes a node at its age and its pods are provisioned for again") {
  // One replica on g5.xlarge, expireAfter 20m. Node 1 is launched at 1 s (the batch window) and
  // expires at 1,201 s; its replica goes pending and node 2 is launched at 1,202 s, expiring at
  // 2,402 s; node 3, launched at 2,403 s, would expire at 3,603 s, after the hour. So 2 expirations,
  // 3 launches, and each expiry disrupts the one replica.
  json doc = karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"on-demand"});
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["expireAfter"] = "20m";
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.expirations == 2);
  CHECK(rep.fleet.launches == 3);
  CHECK(rep.fleet.pods_disrupted == 2);
  // Expiration is forceful (no replacement first): never two nodes at once; one g5.xlarge (1 GPU) at the end.
  CHECK(rep.fleet.gpus_launched == 3);
  CHECK(rep.fleet.peak_nodes == 1);
  CHECK(rep.fleet.peak_gpus == 1);
  CHECK(rep.fleet.nodes_at_end == 1);
  CHECK(rep.fleet.gpus_at_end == 1);
  // The node log: launched 1, 1202, 2403 s; ready 60 s later (node_ready_s); the first two expire.
  REQUIRE(rep.nodes.size() == 3);
  CHECK(rep.nodes[0].launched_s == doctest::Approx(1));
  CHECK(rep.nodes[0].ready_s == doctest::Approx(61));
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(1201));
  CHECK(rep.nodes[0].end_reason == "expiration");
  CHECK(rep.nodes[1].launched_s == doctest::Approx(1202));
  CHECK(rep.nodes[1].terminated_s == doctest::Approx(2402));
  CHECK(rep.nodes[2].launched_s == doctest::Approx(2403));
  CHECK(rep.nodes[2].terminated_s == -1);
  CHECK(rep.nodes[2].end_reason.empty());
  CHECK(rep.nodes[2].owner == "gpu");
  CHECK(rep.nodes[2].instance_type == "g5.xlarge");
  CHECK(rep.nodes[2].capacity_type == "on-demand");
  CHECK(rep.nodes[2].pods_bound == 1);
  CHECK(rep.services[0].replicas_placed == 1);
  // Billed: (1201 - 1) + (2402 - 1202) + (3600 - 2403) = 3,597 s at 1.006/h.
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(1.006 * 3597 / 3600));
}

TEST_CASE("a NodePool's GPU taint keeps pods without the toleration off its nodes") {
  json doc = karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"on-demand"});
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["taints"] =
      json::parse(R"([{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}])");
  RunResult blocked = run_karpenter(doc);
  const auto& b = blocked.policies[0].replicates[0];
  CHECK(b.fleet.launches == 0);
  CHECK(b.fleet.unschedulable > 0);
  CHECK(b.services[0].replicas_placed == 0);

  doc["services"][0]["replica"]["tolerations"] = json::parse(R"([{"key": "nvidia.com/gpu", "operator": "Exists"}])");
  RunResult allowed = run_karpenter(doc);
  const auto& a = allowed.policies[0].replicates[0];
  CHECK(a.fleet.launches == 1);
  CHECK(a.services[0].replicas_placed == 1);
}

TEST_CASE("a node's cost is allocated to its pods by the GPUs they request; the rest is idle capacity") {
  // Three 1-GPU replicas on one g5.12xlarge (4 GPUs) from 1 s to the end: the node bills
  // 5.672 × 3599/3600 and each replica requests a quarter of it for its whole life, so 3/4 of the cost
  // is allocated to the service and 1/4 requested by no pod. GPU-hours requested: 3 × 3599/3600.
  // Replicas serve 1 req/s each on one GPU, so busy GPU-hours = requests served / 3600.
  json doc = karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 3, {"on-demand"});
  doc["services"][0]["replica"]["cpu"] = "2";
  doc["services"][0]["replica"]["usage"] = {{"cpu", "500m"}};
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  const double node_cost = 5.672 * 3599 / 3600;
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(node_cost));
  CHECK(rep.cost.allocated_usd == doctest::Approx(0.75 * node_cost));
  CHECK(rep.cost.unallocated_usd == doctest::Approx(0.25 * node_cost));
  // The service's tags are its pods' labels (hand.json: service=api).
  CHECK(rep.cost.allocated_by_label_usd.at("service=api") == doctest::Approx(0.75 * node_cost));
  const ServiceUsage& u = rep.services[0].usage;
  CHECK(u.allocated_usd == doctest::Approx(0.75 * node_cost));
  CHECK(u.gpu_hours_requested == doctest::Approx(3 * 3599 / 3600.0));
  CHECK(u.gpu_hours_busy == doctest::Approx(rep.services[0].sla.served / 3600.0));
  CHECK(u.idle_requested_usd == doctest::Approx(u.allocated_usd * (1 - u.gpu_hours_busy / u.gpu_hours_requested)));
  // 2 vCPU requested, 0.5 used, per replica-hour bound.
  CHECK(u.cpu_hours_requested == doctest::Approx(2.0 * 3 * 3599 / 3600));
  CHECK(u.cpu_hours_used == doctest::Approx(0.5 * 3 * 3599 / 3600));
}

TEST_CASE("a Neuron service runs on inf2 under Karpenter and bills it as accelerated") {
  // One replica requesting one aws.amazon.com/neuron device, throughput given for inf2.xlarge
  // (0.7582/h) and inf2.8xlarge (1.96786/h): the cheaper one. Launched at 1 s: 0.7582 × 3599/3600,
  // counted with GPU and accelerator instances. A throughput for a type without Neuron devices is a
  // load error naming it.
  json doc = karpenter_doc({{"inf2.xlarge", 1.0}, {"inf2.8xlarge", 1.0}}, 1, {"on-demand"});
  doc["services"][0]["replica"].erase("gpus");
  doc["services"][0]["replica"]["aws.amazon.com/neuron"] = 1;
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 1);
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(0.7582 * 3599 / 3600));
  CHECK(rep.services[0].replicas_placed == 1);
  doc["services"][0]["throughput_rps"]["g5.xlarge"] = 1.0;
  CHECK_THROWS_WITH_AS(run_karpenter(doc),
                       doctest::Contains("/services/0/throughput_rps/g5.xlarge: expected an instance type with at least 1 Neuron "
                                         "device(s) (aws.amazon.com/neuron) for one replica, got g5.xlarge with 0 Neuron device(s)"),
                       ScenarioError);
}

TEST_CASE("multi-node consolidation in a run: two half-empty gx.2 nodes become one gx.4") {
  // A test catalog (tests/data/catalog/gx.json): gx.2 (2 GPUs, 7,900m, 1.50/h) and gx.4 (4 GPUs,
  // 15,900m, 2.50/h). Replicas need 1 GPU and 5 CPUs, so a gx.2 holds one. The HPA starts at one
  // replica (one gx.2) and goes to two for 1.5 req/s at 1 req/s per replica; the second pod does not
  // fit the first node (2,900m free) and gets its own gx.2. Each node is half empty; neither pod fits
  // on the other node and no type under 1.50 holds one, but together they need 2 GPUs + 10 CPUs: a
  // gx.4 at 2.50 < 3.00, not a type of the candidates. Karpenter replaces the two by one gx.4 — once
  // its budget allows two disruptions: the default "10%" of 2 nodes rounds up to 1, and multi-node
  // consolidation needs two candidates, so with the default nothing happens.
  json doc = karpenter_doc({{"gx.2", 1.0}, {"gx.4", 1.0}}, 1, {"on-demand"});
  doc["catalog"]["files"] = {"../catalog/gx.json"};
  doc["traces"]["t"]["generator"]["rps"] = 1.5;
  doc["services"][0]["replica"]["cpu"] = "5";
  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["consolidationPolicy"] = "WhenEmptyOrUnderutilized";
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 2},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  RunResult held = run_karpenter(doc);
  CHECK(held.policies[0].replicates[0].fleet.launches == 2);
  CHECK(held.policies[0].replicates[0].fleet.consolidations == 0);
  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["budgets"] = json::parse(R"([{"nodes": "100%"}])");
  RunResult r = run_explained(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 3);
  CHECK(rep.fleet.consolidations == 2);
  CHECK(rep.fleet.consolidation_replacements == 1);
  // The fleet: gx.2 + gx.2 + gx.4 launched (2 + 2 + 4 GPUs); the gx.4 runs beside both gx.2 until it
  // is ready and they are drained (3 nodes, 8 GPUs at peak); the gx.4 alone at the end.
  CHECK(rep.fleet.gpus_launched == 8);
  CHECK(rep.fleet.peak_nodes == 3);
  CHECK(rep.fleet.peak_gpus == 8);
  CHECK(rep.fleet.nodes_at_end == 1);
  CHECK(rep.fleet.gpus_at_end == 4);
  // The summary's rows say the same: the label, padding, then the one policy's cell.
  const std::string summary = format_comparison(r);
  auto cell = [&](const std::string& label) {
    const auto at = summary.find("\n  " + label + " ");
    if (at == std::string::npos) return std::string("no row");
    const auto end = summary.find('\n', at + 1);
    const std::string line = summary.substr(at + 3 + label.size(), end - at - 3 - label.size());
    return line.substr(line.find_first_not_of(' '));
  };
  CHECK(cell("nodes / GPUs at the end") == "1 / 4");
  CHECK(cell("nodes / GPUs at peak") == "3 / 8");
  CHECK(cell("nodes / GPUs launched") == "3 / 8");
  CHECK(rep.cost_rate_usd_per_h.back() == doctest::Approx(2.5));
  CHECK(rep.services[0].replicas_placed == 2);
  bool explained = false;
  for (const auto& e : rep.explanations)
    explained = explained || (e.find("consolidation (multi-node): replace 2 node(s) [gx.2") != std::string::npos &&
                              e.find("by gx.4 (on-demand, 2.5000 USD/h") != std::string::npos);
  CHECK(explained);
}

TEST_CASE("the disruption controller evaluates only after the cluster changed, so a quiet hour costs nothing") {
  // One replica on one g5.xlarge (WhenEmpty, consolidateAfter 30 s). Changes: the node is created
  // and the pod bound at 1 s (poll at 10 s); the bind's consolidateAfter passes at 31 s (poll at
  // 40 s); the node is ready at 61 s (poll at 70 s) and its consolidateAfter passes at 91 s (poll at
  // 100 s). Four evaluations, none finding anything, and none in the 59 quiet minutes after: the
  // 10-second poll would otherwise have run 359 times.
  RunResult r = run_karpenter(karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"on-demand"}));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.disruption_evaluations == 4);
  CHECK(rep.fleet.consolidations == 0);
}

TEST_CASE("a pod no NodePool can place does not hold consolidation back") {
  // The underutilized case above, plus a service whose one replica needs 8 GPUs on p5.48xlarge while
  // the NodePool is limited to 4 GPUs: it stays pending all hour, and the g5.12xlarge is still
  // replaced by a g5.xlarge.
  json doc = underutilized_doc();
  doc["cluster"]["node_pools"][0]["spec"]["limits"] = {{"nvidia.com/gpu", 4}};
  json big = doc["services"][0];
  big["name"] = "big";
  big["replicas"] = 1;
  big["replica"]["gpus"] = 8;
  big["throughput_rps"] = {{"p5.48xlarge", 10.0}};
  doc["services"].push_back(big);
  RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.services[1].replicas_placed == 0);
  CHECK(rep.fleet.unschedulable > 0);
  // The pending pod and Karpenter's reason reach the result: the NodePool's GPU limit.
  CHECK(rep.services[1].pending_at_end == 1);
  CHECK(rep.services[1].pending_reason.find("limits: nvidia.com/gpu 8 >") != std::string::npos);
  CHECK(rep.fleet.consolidations == 1);
  CHECK(rep.cost_rate_usd_per_h.back() == doctest::Approx(1.006));
}

TEST_CASE("a pod's zone requirement binds the zone Karpenter launches in") {
  // Three zones, equal on-demand prices (ties go to the first zone); the pod requires us-east-1c.
  // Its node must come up there: a node elsewhere could not hold it, and Karpenter would launch,
  // find it empty and consolidate it over and over.
  json doc = karpenter_doc({{"g5.xlarge", 1.0}}, 1, {"on-demand"});
  doc["catalog"] = {{"zones", {"us-east-1a", "us-east-1b", "us-east-1c"}}};
  doc["services"][0]["replica"]["requirements"] =
      json::parse(R"([{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1c"]}])");
  const RunResult r = run_karpenter(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 1);
  REQUIRE(rep.nodes.size() == 1);
  CHECK(rep.nodes[0].zone == "us-east-1c");
  CHECK(rep.services[0].replicas_placed == 1);
  CHECK(rep.fleet.consolidations == 0);
}
