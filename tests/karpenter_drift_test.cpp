// Karpenter drift: a scheduled change of a NodePool drifts the nodes launched under its old template,
// and the Drift method replaces them under the NodePool's Drifted budgets. Cases worked by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/provisioning/karpenter/drift.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"
#include "hand_scenario.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
using test::drift_doc;
// The NodePool as changed at 00:10:00 (600 s into the run).
json& change(json& doc, json pool_patch) {
  pool_patch["metadata"] = {{"name", "gpu"}};
  doc["cluster"]["karpenter"]["changes"] = {{{"at", "2024-05-10T00:10:00Z"}, {"node_pools", {pool_patch}}}};
  return doc;
}
RunResult run_drift(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  opt.explain = true;
  return run_scenario(io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios"), opt);
}
using test::ended;
json label_change() { return {{"spec", {{"template", {{"metadata", {{"labels", {{"team", "ml"}}}}}}}}}}; }
}  // namespace

TEST_CASE("a NodePool's new label drifts its four nodes, replaced one at a time under a Drifted budget of 1") {
  // The change at 600 s adds a template label: static drift of all four nodes (launched at 1 s). The
  // disruption controller polls on its 10 s grid after the change: at 610 s Drift takes the first
  // node (budget 1 - 0 disrupting = 1); its pod fits on no other node, so one g5.xlarge (the cheapest
  // type of the NodePool for a 1-GPU pod) is launched and the node cordoned. While that node is being
  // disrupted the budget is 1 - 1 = 0. The replacement is ready at 610 + 60 = 670 s, when the drifted
  // node is drained and terminated (its pod restarts on the replacement); the next poll, at 680 s,
  // takes the second node. So replacements launch at 610, 680, 750, 820 s and the drifted nodes end
  // at 670, 740, 810, 880 s: one at a time, 70 s apart (10 s poll + 60 s to ready).
  json doc = drift_doc("1");
  RunResult r = run_drift(change(doc, label_change()));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 8);
  CHECK(rep.fleet.consolidations == 0);
  CHECK(rep.fleet.consolidation_replacements == 0);
  const auto drifted = ended(rep, "drifted");
  REQUIRE(drifted.size() == 4);
  const double expected_end[] = {670, 740, 810, 880};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(drifted[i]->launched_s == doctest::Approx(1));
    CHECK(drifted[i]->terminated_s == doctest::Approx(expected_end[i]));
    CHECK(drifted[i]->cordoned_s == doctest::Approx(expected_end[i] - 60));
  }
  std::vector<double> replacement_launch;
  for (const auto& n : rep.nodes)
    if (n.launched_s > 1) {
      CHECK(n.instance_type == "g5.xlarge");
      CHECK(n.terminated_s == doctest::Approx(-1));
      replacement_launch.push_back(n.launched_s);
    }
  CHECK(replacement_launch == std::vector<double>{610, 680, 750, 820});
  // Each replacement is a decision: method drift, the drifted g5.xlarge with its pod, replaced.
  REQUIRE(rep.decisions.consolidations.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& d = rep.decisions.consolidations[i];
    CHECK(d.method == "drift");
    CHECK(d.at_s == doctest::Approx(replacement_launch[i]));
    CHECK(d.replaced);
    CHECK(d.replacement_type == "g5.xlarge");
    REQUIRE(d.nodes.size() == 1);
    CHECK(d.nodes[0].pods == 1);
  }
  CHECK(rep.services[0].replicas_placed == 4);
  CHECK(rep.service_series[0].ready_replicas.back() == 4);
  bool explained = false;
  for (const auto& e : rep.explanations) explained = explained || e.find("drift: replace 1 node(s) [g5.xlarge (on-demand, 1 pod(s))]") != std::string::npos;
  CHECK(explained);
}

TEST_CASE("a Drifted budget of 0 holds every drifted node") {
  json doc = drift_doc("0");
  RunResult r = run_drift(change(doc, label_change()));
  const auto& rep = r.policies[0].replicates[0];
  // The four nodes launched at 1 s run to the end of the window; nothing else is launched.
  CHECK(rep.fleet.launches == 4);
  CHECK(ended(rep, "drifted").empty());
  CHECK(rep.decisions.consolidations.empty());
  for (const auto& n : rep.nodes) CHECK(n.terminated_s == doctest::Approx(-1));
}

TEST_CASE("a relaxed requirement that still admits the nodes drifts nothing; a tightened one drifts them all") {
  // Requirements are not in the NodePool hash: widening instance-family to [g5, g6] leaves the
  // g5.xlarge nodes admitted, so nothing drifts (and WhenEmpty consolidation does not move the pods
  // to the cheaper g6.xlarge).
  json relaxed = drift_doc("1");
  json reqs = relaxed["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"];
  reqs[1]["values"] = {"g5", "g6"};
  RunResult r = run_drift(change(relaxed, {{"spec", {{"template", {{"spec", {{"requirements", reqs}}}}}}}}));
  CHECK(r.policies[0].replicates[0].fleet.launches == 4);
  CHECK(ended(r.policies[0].replicates[0], "drifted").empty());

  // Narrowing it to [g6] no longer admits g5.xlarge: requirement drift. The replacements come from
  // the NodePool as it now is: g6.xlarge (0.8048 USD/h), at the same times as for a label change.
  json tightened = drift_doc("1");
  reqs[1]["values"] = {"g6"};
  RunResult t = run_drift(change(tightened, {{"spec", {{"template", {{"spec", {{"requirements", reqs}}}}}}}}));
  const auto& rep = t.policies[0].replicates[0];
  CHECK(ended(rep, "drifted").size() == 4);
  std::vector<std::string> types;
  for (const auto& n : rep.nodes)
    if (n.launched_s > 1) types.push_back(n.instance_type);
  CHECK(types == std::vector<std::string>(4, "g6.xlarge"));
  // From 880 s on the four g6.xlarge bill: 4 × 0.8048 = 3.2192 USD/h.
  CHECK(rep.cost_rate_usd_per_h.back() == doctest::Approx(4 * 0.8048));
}

TEST_CASE("what drifts a node: the template's labels, taints, nodeClassRef and expireAfter, not weight, limits or disruption") {
  KarpenterNodePool base;
  base.template_hash = "a";
  KarpenterNodePool same = base, other = base;
  other.template_hash = "b";
  const Labels g5{{"karpenter.k8s.aws/instance-family", "g5"}};
  CHECK(drift_of(base, same, g5) == DriftKind::None);
  CHECK(drift_of(base, other, g5) == DriftKind::Static);
  same.scheduling.requirements = Requirements({{"karpenter.k8s.aws/instance-family", Operator::In, {"g6"}}});
  CHECK(drift_of(base, same, g5) == DriftKind::Requirements);

  // The hash as the loader writes it: a change is compared field by field with the NodePool before.
  auto hashes = [](json pool_patch) {
    json doc = drift_doc("1");
    doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["taints"] = {{{"key", "a"}, {"value", "1"}, {"effect", "NoSchedule"}},
                                                                             {{"key", "b"}, {"effect", "NoSchedule"}}};
    change(doc, std::move(pool_patch));
    Scenario sc = io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios");
    const KarpenterSpec& k = sc.policies[0].cluster.karpenter;
    return std::make_pair(k.node_pools[0].template_hash, k.changes.at(0).node_pools[0].template_hash);
  };
  auto same_hash = [&](json patch) {
    auto [before, after] = hashes(std::move(patch));
    return before == after;
  };
  CHECK(same_hash({{"spec", {{"weight", 10}}}}));
  CHECK(same_hash({{"spec", {{"limits", {{"cpu", "100"}}}}}}));
  CHECK(same_hash({{"spec", {{"disruption", {{"consolidateAfter", "5m"}}}}}}));
  CHECK(same_hash({{"spec", {{"template", {{"spec", {{"expireAfter", "720h"}}}}}}}}));  // Karpenter's default, written out
  CHECK(same_hash({{"spec", {{"template", {{"spec", {{"taints", {{{"key", "b"}, {"effect", "NoSchedule"}},
                                                                 {{"key", "a"}, {"value", "1"}, {"effect", "NoSchedule"}}}}}}}}}}}));  // a set
  CHECK_FALSE(same_hash({{"spec", {{"template", {{"spec", {{"expireAfter", "24h"}}}}}}}}));
  CHECK_FALSE(same_hash({{"spec", {{"template", {{"spec", {{"taints", json::array()}}}}}}}}));
  CHECK_FALSE(same_hash({{"spec", {{"template", {{"spec", {{"nodeClassRef", {{"group", "karpenter.k8s.aws"}, {"kind", "EC2NodeClass"}, {"name", "gpu"}}}}}}}}}}));
  CHECK_FALSE(same_hash(label_change()));
}

TEST_CASE("a policy's patch schedules the change; the policy without it keeps its nodes") {
  // The same label change as above, written by the policy "rollout" only: its four nodes are
  // replaced (8 launches), while "steady" launches its four and keeps them.
  json doc = drift_doc("1");
  json changed = doc;
  change(changed, label_change());
  doc["policies"] = {{{"name", "steady"}},
                     {{"name", "rollout"}, {"patch", {{"cluster", {{"karpenter", changed["cluster"]["karpenter"]}}}}}}};
  RunResult r = run_drift(doc);
  REQUIRE(r.policies.size() == 2);
  CHECK(r.policies[0].replicates[0].fleet.launches == 4);
  CHECK(ended(r.policies[0].replicates[0], "drifted").empty());
  CHECK(r.policies[1].replicates[0].fleet.launches == 8);
  CHECK(ended(r.policies[1].replicates[0], "drifted").size() == 4);
}

TEST_CASE("min_values_policy BestEffort reaches every NodePool, those of a change too; Strict is the default") {
  json doc = drift_doc("1");
  change(doc, label_change());
  Scenario strict = io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios");
  CHECK(strict.policies[0].cluster.karpenter.node_pools[0].scheduling.min_values_policy == MinValuesPolicy::Strict);
  doc["cluster"]["karpenter"]["min_values_policy"] = "BestEffort";
  Scenario best = io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios");
  const KarpenterSpec& k = best.policies[0].cluster.karpenter;
  CHECK(k.node_pools[0].scheduling.min_values_policy == MinValuesPolicy::BestEffort);
  CHECK(k.changes.at(0).node_pools[0].scheduling.min_values_policy == MinValuesPolicy::BestEffort);
}

TEST_CASE("a change that creates a NodePool: from its time on Karpenter provisions from it") {
  // NodePool "gpu" (on-demand g5) is held to 2 nodes (limits.nodes): two g5.xlarge launch at 1 s and
  // the other two replicas stay pending, retried every 3 minutes (1, 182, 363, 544 s, ...). At 600 s
  // a change creates NodePool "g6" (whole: apiVersion karpenter.sh/v1, kind NodePool; on-demand g6):
  // the new NodePool triggers a provisioning round, which the batch window closes 1 s later. At 601 s
  // the two pending pods go to "g6" (gpu is at its limit): two g6.xlarge (1 GPU, 0.8048 USD/h).
  // On demand: 2 x 1.006 x 3,599 / 3,600 (g5, 1 s to the end) + 2 x 0.8048 x 2,999 / 3,600 (g6, 601 s on).
  json doc = drift_doc("1");
  doc["cluster"]["node_pools"][0]["spec"]["limits"] = {{"nodes", 2}};
  doc["cluster"]["karpenter"]["changes"] = json::parse(R"([{"at": "2024-05-10T00:10:00Z", "node_pools": [
      {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": "g6"},
       "spec": {"template": {"spec": {"requirements": [
                  {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                  {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["g6"]}]}},
                "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"}}}]}])");
  const Scenario sc = io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios");
  const KarpenterSpec& k = sc.policies[0].cluster.karpenter;
  CHECK(k.node_pools.size() == 1);
  REQUIRE(k.changes.at(0).node_pools.size() == 2);
  CHECK(k.changes[0].node_pools[1].scheduling.name == "g6");
  CHECK(std::find(sc.warnings.begin(), sc.warnings.end(),
                  "cluster.karpenter.changes[0]: NodePool 'g6' is new: it is created at 2024-05-10T00:10:00Z (kubectl apply creates it), and "
                  "from then on Karpenter may provision from it") != sc.warnings.end());
  RunResult r = run_drift(doc);
  const auto& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 4);
  std::vector<std::tuple<double, std::string, std::string>> nodes;
  for (const auto& n : rep.nodes) nodes.emplace_back(n.launched_s, n.instance_type, n.owner);
  std::sort(nodes.begin(), nodes.end());
  CHECK(nodes == std::vector<std::tuple<double, std::string, std::string>>{
                     {1, "g5.xlarge", "gpu"}, {1, "g5.xlarge", "gpu"}, {601, "g6.xlarge", "g6"}, {601, "g6.xlarge", "g6"}});
  CHECK(rep.cost.on_demand_usd == doctest::Approx(2 * 1.006 * 3599 / 3600 + 2 * 0.8048 * 2999 / 3600));
  CHECK(rep.services[0].replicas_placed == 4);
  CHECK(ended(rep, "drifted").empty());

  // A patch (no apiVersion and kind) of a name there is not stays an error: most likely a typo.
  doc["cluster"]["karpenter"]["changes"][0]["node_pools"][0].erase("apiVersion");
  std::string msg;
  try {
    io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios");
  } catch (const ScenarioError& e) {
    msg = e.what();
  }
  INFO(msg);
  CHECK(msg.find("/cluster/karpenter/changes/0/node_pools/0/metadata/name: expected a NodePool of cluster.node_pools (gpu)") != std::string::npos);
  CHECK(msg.find("or a new NodePool written whole (apiVersion karpenter.sh/v1, kind NodePool), which the change creates, got \"g6\"") !=
        std::string::npos);
}
