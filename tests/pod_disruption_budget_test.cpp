// PodDisruptionBudgets: the Eviction API's arithmetic, a drain they serialise, and consolidations and
// scale-downs they hold back, a budget shared by two services, and a spot interruption drain the
// reclaim cuts short, each worked out by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/cluster/eviction_retry.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/pod_disruption_budget.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
PodDisruptionBudget max_unavailable(int count, std::optional<double> percent = std::nullopt) {
  return {PodDisruptionBudget::Kind::MaxUnavailable, count, percent, false, ""};
}
PodDisruptionBudget min_available(int count, std::optional<double> percent = std::nullopt) {
  return {PodDisruptionBudget::Kind::MinAvailable, count, percent, false, ""};
}

// hand.json's service under Karpenter, as tests/karpenter_run_test.cpp sets it up: one NodePool,
// on-demand only, nodes Ready 60 s after launch, replicas Ready 60 s after their node.
json pdb_karpenter_doc(json throughput, int replicas) {
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
                    "spec": {"template": {"spec": {"requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In",
                                                                     "values": ["on-demand"]}]}},
                             "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"}}}]})");
  return doc;
}
RunResult run_pdb(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  return run_scenario(io::load_scenario_text(doc.dump(), "pdb.json", test::data_dir() / "scenarios"), opt);
}
}  // namespace

TEST_CASE("a budget's disruptionsAllowed and the Eviction API's answer, as Kubernetes computes them") {
  // maxUnavailable 1 of 4: 3 must stay healthy; 4 Ready allow 1, 3 Ready allow none.
  CHECK(desired_healthy(max_unavailable(1), {4, 4}) == 3);
  CHECK(disruptions_allowed(max_unavailable(1), {4, 4}) == 1);
  CHECK(disruptions_allowed(max_unavailable(1), {4, 3}) == 0);
  CHECK(eviction_allowed(max_unavailable(1), {4, 4}, true));
  CHECK_FALSE(eviction_allowed(max_unavailable(1), {4, 3}, true));
  // maxUnavailable 25% of 5 rounds up to 2: 3 must stay healthy, so 5 Ready allow 2.
  CHECK(desired_healthy(max_unavailable(0, 25), {5, 5}) == 3);
  CHECK(disruptions_allowed(max_unavailable(0, 25), {5, 5}) == 2);
  // minAvailable 50% of 3 rounds up to 2; minAvailable 2 is 2 whatever the scale.
  CHECK(desired_healthy(min_available(0, 50), {3, 3}) == 2);
  CHECK(disruptions_allowed(min_available(0, 50), {3, 3}) == 1);
  CHECK(desired_healthy(min_available(2), {5, 5}) == 2);
  // maxUnavailable 0 blocks every voluntary eviction of a Ready pod.
  CHECK(disruptions_allowed(max_unavailable(0), {3, 3}) == 0);
  // A pod not Ready (IfHealthyBudget): evicted while the workload is not disrupted (2 Ready of the
  // 2 minAvailable wants), refused once it is (1 Ready); AlwaysAllow evicts it regardless.
  CHECK(eviction_allowed(min_available(2), {3, 2}, false));
  CHECK_FALSE(eviction_allowed(min_available(2), {3, 1}, false));
  PodDisruptionBudget always = min_available(2);
  always.always_allow_unhealthy = true;
  CHECK(eviction_allowed(always, {3, 1}, false));
}

TEST_CASE("Karpenter's eviction back-off: 100 ms doubling to 10 s") {
  CHECK(kKarpenterEvictionRetry.delay_after(1) == seconds(0.1));
  CHECK(kKarpenterEvictionRetry.delay_after(2) == seconds(0.2));
  CHECK(kKarpenterEvictionRetry.delay_after(7) == seconds(6.4));
  CHECK(kKarpenterEvictionRetry.delay_after(8) == seconds(10));  // 12.8 s, capped
  CHECK(kKarpenterEvictionRetry.delay_after(40) == seconds(10));
}

TEST_CASE("a PDB of maxUnavailable: 1 serialises the expiry drain of four pods") {
  // Four 1-GPU replicas: the first pod opens a claim [g5.xlarge, g5.12xlarge] and the other three
  // join it, which only g5.12xlarge (4 GPUs, 5.672 USD/h) holds. It is launched at 1 s (the batch
  // window), Ready at 61 s, the replicas at 121 s. expireAfter 30m: it expires at 1,801 s.
  json doc = pdb_karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 4);
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["expireAfter"] = "30m";
  doc["services"][0]["disruption_budget"] = {{"max_unavailable", 1}};
  RunResult r = run_pdb(doc);
  const auto& rep = r.policies[0].replicates[0];
  // The drain, worked by hand (desired 4, so 3 must stay Ready; each evicted pod is Ready again
  // 1 s (batch window) + 60 s (node) + 60 s (pod) = 121 s after its eviction, on a new g5.xlarge):
  //  1801     p0 evicted (4 Ready allow 1); p1..p3 refused (3 Ready allow 0).
  //           Their retries back off 0.1, 0.2, ... 6.4 s, then every 10 s: 1801.1, 1801.3, 1801.7,
  //           1802.5, 1804.1, 1807.3, 1813.7, 1823.7, ...
  //  1802     node 1 (g5.xlarge) launched for p0; Ready 1862; p0 Ready 1922.
  //  1923.7   the first retry after 1922 (1813.7 + 110): p1 evicted; p2, p3 refused.
  //  1924.7   node 2 launched; Ready 1984.7; p1 Ready 2044.7.
  //  2053.7   (2043.7 came before p1 was Ready): p2 evicted. Node 3 at 2054.7, p2 Ready 2174.7.
  //  2183.7   p3 evicted: the node is empty and terminated. Node 4 at 2184.7, p3 Ready 2304.7.
  CHECK(rep.fleet.expirations == 1);
  CHECK(rep.fleet.pods_disrupted == 4);
  REQUIRE(rep.nodes.size() == 5);
  CHECK(rep.nodes[0].instance_type == "g5.12xlarge");
  CHECK(rep.nodes[0].end_reason == "expiration");
  CHECK(rep.nodes[0].cordoned_s == doctest::Approx(1801));
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(2183.7));
  // Each eviction shows as the launch of its pod's node one batch window (1 s) later.
  const double launched[] = {1802, 1924.7, 2054.7, 2184.7};
  for (int k = 0; k < 4; ++k) {
    CAPTURE(k);
    CHECK(rep.nodes[1 + k].instance_type == "g5.xlarge");
    CHECK(rep.nodes[1 + k].launched_s == doctest::Approx(launched[k]));
    CHECK(rep.nodes[1 + k].ready_s == doctest::Approx(launched[k] + 60));
  }
  // Never fewer than 3 replicas Ready once they first were (each minute's sample).
  const auto& ready = rep.service_series[0].ready_replicas;
  CHECK(*std::min_element(ready.begin() + 3, ready.end()) == 3);
  CHECK(ready.back() == 4);
  // Each replica was down 121 s: 4 × 121 / 60 min.
  CHECK(rep.services[0].replica_minutes_lost == doctest::Approx(4 * 121 / 60.0));
  // Billed per second, a started second in full: the g5.12xlarge 1 → 2183.7 s, 2182.7 → 2183 s; the
  // g5.xlarges from their launches to 3,600 s: 1798 + 1675.3 + 1545.3 + 1415.3 → 1798 + 1676 + 1546
  // + 1416 = 6,436 s at 1.006/h.
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(5.672 * 2183 / 3600 + 1.006 * 6436 / 3600));

  // Without the budget the four go at once and the node ends at its expiry.
  doc["services"][0].erase("disruption_budget");
  const auto free = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  CHECK(free.nodes[0].terminated_s == doctest::Approx(1801));
  CHECK(free.fleet.pods_disrupted == 4);
}

namespace {
// Three 1-GPU replicas on one g5.12xlarge (5.672/h); the HPA keeps one (1 req/s against a target
// of 1 per replica), so the node is underutilized and a g5.xlarge (1.006/h) would hold the replica
// (tests/karpenter_run_test.cpp runs this consolidation).
json pdb_underutilized_doc() {
  json doc = pdb_karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 3);
  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["consolidationPolicy"] = "WhenEmptyOrUnderutilized";
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 6},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}}}}}}};
  return doc;
}
}  // namespace

TEST_CASE("Karpenter does not consolidate a node whose pod's PDB allows no disruption") {
  // minAvailable 1 over one replica: 1 Ready − 1 desired = 0 disruptions allowed, so the node is no
  // candidate ("pdb prevents pod evictions"): the g5.12xlarge runs the hour from 1 s, alone.
  json doc = pdb_underutilized_doc();
  doc["services"][0]["disruption_budget"] = {{"min_available", 1}};
  const auto blocked = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  CHECK(blocked.fleet.consolidations == 0);
  CHECK(blocked.fleet.launches == 1);
  REQUIRE(blocked.nodes.size() == 1);
  CHECK(blocked.nodes[0].terminated_s == -1);
  CHECK(blocked.cost.gpu_instances_usd == doctest::Approx(5.672 * 3599 / 3600));
  // maxUnavailable 1 over one replica wants 0 Ready, so it allows the one disruption: the node is
  // replaced by a g5.xlarge as without a budget.
  doc["services"][0]["disruption_budget"] = {{"max_unavailable", 1}};
  const auto allowed = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  CHECK(allowed.fleet.consolidations == 1);
  REQUIRE(allowed.nodes.size() == 2);
  CHECK(allowed.nodes[1].instance_type == "g5.xlarge");
  CHECK(allowed.nodes[0].end_reason == "consolidation");
}

namespace {
// Three g5.12xlarge (4 GPUs) of one Cluster Autoscaler group, warm at the start. Pods go to the
// first node that fits, by node id: the three "filler" replicas and the first "api" replica fill
// node 0, the second "api" replica is alone on node 1 (1 of 4 GPUs: 0.25 < the 0.5 threshold, and
// it fits on node 2), node 2 is empty.
json autoscaler_doc() {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 1}}}};
  json api = doc["services"][0];
  api["replicas"] = 2;
  api["throughput_rps"] = {{"g5.12xlarge", 1.0}};
  api["replica"]["startup_s"] = 60;
  json filler = api;
  filler["name"] = "filler";
  filler["replicas"] = 3;
  doc["services"] = {filler, api};
  doc["cluster"]["provisioner"] = "cluster-autoscaler";
  doc["cluster"]["node_ready_s"] = 60;
  doc["cluster"]["node_groups"] = {{{"name", "gpu"}, {"instance_type", "g5.12xlarge"}, {"count", 3}, {"min_size", 1}, {"max_size", 3}}};
  return doc;
}
}  // namespace

TEST_CASE("the Cluster Autoscaler does not scale down a node whose pod's PDB allows no disruption") {
  // minAvailable 2 over the two api replicas: 2 Ready − 2 = 0 allowed, and node 1 holds one of them,
  // so node 1 is not removable ("not enough pod disruption budget"). The empty node 2 is: the first
  // scan (10 s) finds it unneeded, and the scan 10 minutes later (610 s) removes it. Nodes 0 and 1
  // run the hour and no api replica is ever down.
  json doc = autoscaler_doc();
  doc["services"][1]["disruption_budget"] = {{"min_available", 2}};
  const auto blocked = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  REQUIRE(blocked.nodes.size() == 3);
  CHECK(blocked.fleet.scale_downs == 1);
  CHECK(blocked.nodes[1].terminated_s == -1);
  CHECK(blocked.nodes[1].cordoned_s == -1);
  CHECK(blocked.nodes[2].end_reason == "scale-down");
  CHECK(blocked.nodes[2].terminated_s == doctest::Approx(610));
  CHECK(blocked.services[1].replica_minutes_lost == 0);
  // maxUnavailable 1 allows the one eviction: node 1 goes at 610 s instead (the busy node comes
  // first in the scan), its replica moves to node 2, which is then no longer empty and stays (its one
  // pod fits nowhere else). The replica is down from 610 s until Ready 60 s later on node 2.
  doc["services"][1]["disruption_budget"] = {{"max_unavailable", 1}};
  const auto allowed = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  REQUIRE(allowed.nodes.size() == 3);
  CHECK(allowed.fleet.scale_downs == 1);
  CHECK(allowed.nodes[1].end_reason == "scale-down");
  CHECK(allowed.nodes[1].terminated_s == doctest::Approx(610));
  CHECK(allowed.nodes[2].terminated_s == -1);
  CHECK(allowed.services[1].replica_minutes_lost == doctest::Approx(1.0));
}

TEST_CASE("the Cluster Autoscaler's max_pod_eviction_time: 2 minutes unless the scenario says otherwise") {
  json doc = autoscaler_doc();
  const Scenario plain = io::load_scenario_text(doc.dump(), "ca.json", test::data_dir() / "scenarios");
  CHECK(plain.policies[0].cluster.cluster_autoscaler.max_pod_eviction_time == seconds(120));
  doc["cluster"]["cluster_autoscaler"] = {{"max_pod_eviction_time", "5m"}};
  const Scenario set = io::load_scenario_text(doc.dump(), "ca.json", test::data_dir() / "scenarios");
  CHECK(set.policies[0].cluster.cluster_autoscaler.max_pod_eviction_time == seconds(300));
}

namespace {
// The four-pod drain above with its replicas split between two services, "api" and "embed", of two
// 1-GPU replicas each (created in that order, so bound to the g5.12xlarge in that order).
json two_services_doc() {
  json doc = pdb_karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 2);
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["expireAfter"] = "30m";
  json embed = doc["services"][0];
  embed["name"] = "embed";
  embed["tags"] = {{"service", "embed"}};
  doc["services"].push_back(embed);
  return doc;
}
}  // namespace

TEST_CASE("one PDB over two services: their evictions draw on one allowance") {
  // cluster.pod_disruption_budgets: maxUnavailable 1 over api's and embed's pods. Expected pods are
  // the sum of the two scales, 2 + 2 = 4, so 3 must stay Ready across both services: the drain runs
  // exactly as the four-pod drain of one service above (same pods, same bind order, same retries):
  //  1801     api-0 evicted (4 Ready allow 1); api-1, embed-0, embed-1 refused (3 Ready allow 0).
  //  1923.7   api-1 evicted once api-0 is Ready again (1922); the embed pods still refused, although
  //           embed has both its pods Ready: the allowance is the shared budget's.
  //  2053.7   embed-0 evicted; 2183.7 embed-1 evicted, the node empty and terminated.
  json doc = two_services_doc();
  doc["cluster"]["pod_disruption_budgets"] = json::parse(R"([{"name": "gpu-serving", "services": ["api", "embed"], "max_unavailable": 1}])");
  const Scenario sc = io::load_scenario_text(doc.dump(), "pdb.json", test::data_dir() / "scenarios");
  REQUIRE(sc.policies[0].services.size() == 2);
  for (const ServiceSpec& s : sc.policies[0].services) {
    REQUIRE(s.disruption_budget);
    CHECK(s.disruption_budget->shared_name == "gpu-serving");
    CHECK(s.disruption_budget->count == 1);
  }
  RunResult r = run_pdb(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.expirations == 1);
  CHECK(rep.fleet.pods_disrupted == 4);
  REQUIRE(rep.nodes.size() == 5);
  CHECK(rep.nodes[0].instance_type == "g5.12xlarge");
  CHECK(rep.nodes[0].cordoned_s == doctest::Approx(1801));
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(2183.7));
  const double launched[] = {1802, 1924.7, 2054.7, 2184.7};
  for (int k = 0; k < 4; ++k) {
    CAPTURE(k);
    CHECK(rep.nodes[1 + k].instance_type == "g5.xlarge");
    CHECK(rep.nodes[1 + k].launched_s == doctest::Approx(launched[k]));
  }
  // Never fewer than 3 Ready over both services once all were Ready (from the third minute's sample).
  const auto& api = rep.service_series[0].ready_replicas;
  const auto& embed = rep.service_series[1].ready_replicas;
  REQUIRE(api.size() == embed.size());
  int fewest = 4;
  for (std::size_t t = 3; t < api.size(); ++t) fewest = std::min(fewest, api[t] + embed[t]);
  CHECK(fewest == 3);
  // Each replica down 121 s (1 s batch window + 60 s node + 60 s pod): 2 × 121 / 60 min a service.
  CHECK(rep.services[0].replica_minutes_lost == doctest::Approx(2 * 121 / 60.0));
  CHECK(rep.services[1].replica_minutes_lost == doctest::Approx(2 * 121 / 60.0));

  // A budget of maxUnavailable 1 per service instead: each allows one of its own, so api-0 and
  // embed-0 leave at 1801 together; their two pending pods make one claim, which only a g5.12xlarge
  // holds (2 GPUs), launched at 1802, Ready 1862, the pods 1922. api-1 and embed-1, refused at 1801,
  // retry at 1923.7 (the same back-off as above) and both go: the node ends at 1923.7, and the two
  // fit on the new g5.12xlarge at once (Ready 60 s later). Each service: 121 s + 60 s down.
  doc["cluster"].erase("pod_disruption_budgets");
  doc["services"][0]["disruption_budget"] = {{"max_unavailable", 1}};
  doc["services"][1]["disruption_budget"] = {{"max_unavailable", 1}};
  const auto apart = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  REQUIRE(apart.nodes.size() == 2);
  CHECK(apart.nodes[0].terminated_s == doctest::Approx(1923.7));
  CHECK(apart.nodes[1].instance_type == "g5.12xlarge");
  CHECK(apart.nodes[1].launched_s == doctest::Approx(1802));
  CHECK(apart.services[0].replica_minutes_lost == doctest::Approx((121 + 60) / 60.0));
  CHECK(apart.services[1].replica_minutes_lost == doctest::Approx((121 + 60) / 60.0));
}

TEST_CASE("a manifest PDB selecting two Deployments is one budget over both, as its JSON twin") {
  // tests/data/manifests/shared-pdb: Deployments api and embed (2 one-GPU pods each) and one
  // PodDisruptionBudget (maxUnavailable 1) whose selector, tier: serving, matches both.
  const Scenario from_manifests = io::load_scenario(test::data_dir() / "scenarios" / "manifests_shared_pdb.json");
  const Scenario from_json = io::load_scenario(test::data_dir() / "scenarios" / "manifests_shared_pdb_json.json");
  REQUIRE(from_manifests.policies[0].services.size() == 2);
  for (const ServiceSpec& s : from_manifests.policies[0].services) {
    REQUIRE(s.disruption_budget);
    CHECK(s.disruption_budget->shared_name == "serving");
    CHECK(s.disruption_budget->kind == PodDisruptionBudget::Kind::MaxUnavailable);
    CHECK(s.disruption_budget->count == 1);
  }
  RunOptions opt;
  opt.keep_series = true;  // with the node log
  RunResult a = run_scenario(from_json, opt);
  RunResult b = run_scenario(from_manifests, opt);
  CHECK(b.warnings == from_manifests.warnings);
  b.warnings = a.warnings;  // the manifests' notes aside
  const std::string ja = io::result_to_json(a), jb = io::result_to_json(b);
  CHECK(ja == jb);
  // Not a vacuous equality: the drain of the test above, serialised across the two services (the
  // same arithmetic: cordoned at its expiry, 1,801 s, emptied with the fourth eviction at 2,183.7 s).
  const auto& rep = a.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 5);
  CHECK(rep.nodes[0].cordoned_s == doctest::Approx(1801));
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(2183.7));
}

TEST_CASE("a shared budget's expected pods: the sum of the services' scales") {
  // maxUnavailable 25% over 2 + 2: 25% of 4 rounds up to 1, so 3 must stay Ready (not 25% of 2 per
  // service, which would also round up to 1 each and let two go). minAvailable 50% of 4 is 2.
  const PodDisruptionBudget quarter{PodDisruptionBudget::Kind::MaxUnavailable, 0, 25.0, false, "shared"};
  CHECK(desired_healthy(quarter, {2 + 2, 4}) == 3);
  CHECK(disruptions_allowed(quarter, {2 + 2, 4}) == 1);
  const PodDisruptionBudget half{PodDisruptionBudget::Kind::MinAvailable, 0, 50.0, false, "shared"};
  CHECK(disruptions_allowed(half, {2 + 2, 4}) == 2);
}

TEST_CASE("a spot interruption drains through the PDB, and the reclaim takes what the budget held") {
  // Three 1-GPU replicas on one spot g5.12xlarge in us-east-1a, under maxUnavailable 1; node Ready
  // 30 s after launch, a replica 30 s after its node. The pool's recorded availability
  // (availability_reclaim_30m.json: 1 instance every 600 s for 30 min, then 0) reclaims the node at
  // 1,800 s with the two-minute notice at 1,680 s; no other interruption (hazards 0).
  // By hand:
  //  1         the g5.12xlarge launched (batch window), Ready 31; replicas Ready 61.
  //  1680      notice: cordoned; Karpenter drains it. p0 evicted (3 Ready, 2 must stay: 1 allowed);
  //            p1, p2 refused, retried at 1680.1, .3, .7, 1681.5, 1683.1, 1686.3, 1692.7, then every
  //            10 s: 1702.7, 1712.7, ..., 1742.7.
  //  1681      p0's g5.xlarge launched (spot; the reclaimed pool is avoided), Ready 1711, p0 Ready 1741.
  //  1742.7    p1 evicted (3 Ready again); p2 refused. p1's g5.xlarge at 1743.7, Ready 1773.7,
  //            p1 Ready 1803.7.
  //  1752.7 … 1792.7  p2 refused (only 2 Ready).
  //  1800      reclaim: p2, still on the node, is cut off; the node ends ("spot-interruption").
  //  1801      p2's g5.xlarge launched, Ready 1831, p2 Ready 1861.
  json doc = pdb_karpenter_doc({{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}}, 3);
  doc["cluster"]["node_ready_s"] = 30;
  doc["services"][0]["replica"]["startup_s"] = 30;
  doc["services"][0]["disruption_budget"] = {{"max_unavailable", 1}};
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"][0]["values"] = {"spot"};
  doc["market"]["availability"] = {{{"instance_type", "g5.12xlarge"}, {"zone", "us-east-1a"},
                                    {"file", "../market/availability_reclaim_30m.json"}, {"values", "available_count"}}};
  RunResult r = run_pdb(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.interruptions == 1);
  REQUIRE(rep.nodes.size() == 4);
  CHECK(rep.nodes[0].instance_type == "g5.12xlarge");
  CHECK(rep.nodes[0].end_reason == "spot-interruption");
  CHECK(rep.nodes[0].cordoned_s == doctest::Approx(1680));
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(1800));
  const double launched[] = {1681, 1743.7, 1801};
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    CHECK(rep.nodes[1 + k].instance_type == "g5.xlarge");
    CHECK(rep.nodes[1 + k].launched_s == doctest::Approx(launched[k]));
    CHECK(rep.nodes[1 + k].ready_s == doctest::Approx(launched[k] + 30));
  }
  // Two evicted through the API and one cut off at the reclaim: three disrupted.
  CHECK(rep.fleet.pods_disrupted == 3);
  // Down: p0 1680 → 1741 (61 s), p1 1742.7 → 1803.7 (61 s), p2 1800 → 1861 (61 s).
  CHECK(rep.services[0].replica_minutes_lost == doctest::Approx(3 * 61 / 60.0));
  // Ready replicas at the end of each minute (sample k at (k + 1) × 60 s; those at 1,680 and 1,800 s
  // share their instant with the notice and the reclaim, so they are left alone): 3 at 1,620 s; 2 at
  // 1,740 s (p0 evicted, Ready at 1,741); 2 at 1,860 s (p0 and p1 Ready, p2 Ready at 1,861); 3 at
  // 1,920 s and to the end.
  const auto& ready = rep.service_series[0].ready_replicas;
  REQUIRE(ready.size() == 60);
  CHECK(ready[26] == 3);
  CHECK(ready[28] == 2);
  CHECK(ready[30] == 2);
  CHECK(ready[31] == 3);
  CHECK(ready.back() == 3);

  // Without the budget Karpenter evicts all three at the notice: none is left for the reclaim, and
  // the three pending pods need g5.xlarges (the g5.12xlarge pool is avoided), launched at 1681.
  doc["services"][0].erase("disruption_budget");
  const auto free = run_pdb(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
  CHECK(free.fleet.pods_disrupted == 3);
  CHECK(free.nodes[0].terminated_s == doctest::Approx(1800));
  CHECK(free.services[0].replica_minutes_lost == doctest::Approx(3 * 61 / 60.0));
}
