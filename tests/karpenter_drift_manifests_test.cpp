// Karpenter drift from manifests: cluster.karpenter.changes entries with `manifests` replace the
// NodePools of the same name at the change's time, as `kubectl apply -f` of the edited files would.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"
#include "hand_scenario.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
// The drift tests' scenario (test::drift_doc) with a Drifted budget of 1.
json manifests_drift_doc() { return test::drift_doc("1"); }
Scenario load_drift(const json& doc) { return io::load_scenario_text(doc.dump(), "drift.json", test::data_dir() / "scenarios"); }
// The run's result.json and node log (nodes.csv), as the CLI writes them.
std::pair<std::string, std::string> run_files(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  opt.explain = true;
  const RunResult r = run_scenario(load_drift(doc), opt);
  return {io::result_to_json(r), io::nodes_to_csv(r)};
}
std::string drift_load_error(const json& doc) {
  try {
    load_drift(doc);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  FAIL("expected the scenario to be rejected");
  return {};
}
}  // namespace

TEST_CASE("a change's manifests give the same run as its JSON Merge Patch twin, byte for byte") {
  // tests/data/manifests/drift/team-ml/ is the NodePool "gpu" with the template label team: ml added,
  // the label change of karpenter_drift_test.cpp (which works out its four drifted nodes by hand).
  json patched = manifests_drift_doc();
  patched["cluster"]["karpenter"]["changes"] = json::parse(R"([{"at": "2024-05-10T00:10:00Z", "node_pools": [
      {"metadata": {"name": "gpu"}, "spec": {"template": {"metadata": {"labels": {"team": "ml"}}}}}]}])");
  json manifests = manifests_drift_doc();
  manifests["cluster"]["karpenter"]["changes"] =
      json::parse(R"([{"at": "2024-05-10T00:10:00Z", "manifests": "../manifests/drift/team-ml/"}])");
  const auto a = run_files(patched);
  CHECK(a.second.find("drifted") != std::string::npos);  // the change drifted nodes at all
  const auto b = run_files(manifests);
  CHECK(b.first == a.first);
  CHECK(b.second == a.second);
  // The NodePool as changed: its label, and the hash that drifts the nodes, equal the twin's.
  // Copies: the loaded scenarios are temporaries.
  const auto pa = load_drift(patched).policies[0].cluster.karpenter.changes.at(0).node_pools.at(0);
  const auto pm = load_drift(manifests).policies[0].cluster.karpenter.changes.at(0).node_pools.at(0);
  CHECK(pm.labels == Tags{{"team", "ml"}});
  CHECK(pm.template_hash == pa.template_hash);
}

TEST_CASE("a change's manifests replace the NodePool: a label the new manifest drops is removed") {
  // 00:10 adds team: ml, 00:20 applies the manifest without it: the second change's NodePool has no
  // label and the hash of the NodePool before any change (the template as at the start), so the nodes
  // launched at 00:10's template drift back. A merge would have kept the label.
  json doc = manifests_drift_doc();
  doc["cluster"]["karpenter"]["changes"] = json::parse(R"([
      {"at": "2024-05-10T00:10:00Z", "manifests": "../manifests/drift/team-ml"},
      {"at": "2024-05-10T00:20:00Z", "manifests": ["../manifests/drift/no-label/nodepool.yaml"]}])");
  Scenario sc = load_drift(doc);
  const KarpenterSpec& k = sc.policies[0].cluster.karpenter;
  REQUIRE(k.changes.size() == 2);
  CHECK(k.changes[0].node_pools.at(0).labels == Tags{{"team", "ml"}});
  CHECK(k.changes[1].node_pools.at(0).labels.empty());
  CHECK(k.changes[1].node_pools.at(0).template_hash == k.node_pools.at(0).template_hash);
  CHECK(k.changes[1].node_pools.at(0).template_hash != k.changes[0].node_pools.at(0).template_hash);
}

TEST_CASE("a change's manifests: a NodePool the policy lacks, a file without NodePools, both forms at once") {
  json doc = manifests_drift_doc();
  doc["cluster"]["karpenter"]["changes"] =
      json::parse(R"([{"at": "2024-05-10T00:10:00Z", "manifests": "../manifests/chat-cluster/chat.yaml"}])");
  std::string msg = drift_load_error(doc);
  INFO(msg);
  CHECK(msg.find("/cluster/karpenter/changes/0/manifests") != std::string::npos);
  CHECK(msg.find("expected manifests holding at least one NodePool") != std::string::npos);

  doc["cluster"]["karpenter"]["changes"][0]["node_pools"] = json::array({{{"metadata", {{"name", "gpu"}}}}});
  msg = drift_load_error(doc);
  CHECK(msg.find("expected either node_pools (JSON Merge Patches) or manifests (NodePools that replace), not both") != std::string::npos);

  doc["cluster"]["karpenter"]["changes"][0].erase("node_pools");
  doc["cluster"]["karpenter"]["changes"][0].erase("manifests");
  msg = drift_load_error(doc);
  CHECK(msg.find("/cluster/karpenter/changes/0: expected a change with node_pools") != std::string::npos);
}

TEST_CASE("a change's manifest with a wrong value is reported in its file, line and field") {
  // bad_operator.yaml is NodePool "gpu" whose third requirement's operator is LessThan (line 17,
  // column 11): the loader decodes it where the change is read and places the problem in the file.
  json doc = manifests_drift_doc();
  doc["cluster"]["karpenter"]["changes"] =
      json::parse(R"([{"at": "2024-05-10T00:10:00Z", "manifests": "../bad/manifests/bad_operator.yaml"}])");
  const std::string msg = drift_load_error(doc);
  INFO(msg);
  CHECK(msg.find("bad/manifests/bad_operator.yaml:17:11: document 0, spec.template.spec.requirements[2].operator: expected one of") !=
        std::string::npos);
}

TEST_CASE("a change's manifests with a NodePool the policy does not have create it, as their JSON twin does") {
  // tests/data/manifests/drift/new-pool/ holds NodePool "gpu-spot" (spot only); the policy has "gpu".
  // kubectl apply creates it: the change's NodePools are gpu as it was, then gpu-spot. Its JSON twin
  // writes the NodePool whole (apiVersion and kind: a new object, not a patch).
  json manifests = manifests_drift_doc();
  manifests["cluster"]["karpenter"]["changes"] =
      json::parse(R"([{"at": "2024-05-10T00:10:00Z", "manifests": "../manifests/drift/new-pool/"}])");
  json patched = manifests_drift_doc();
  patched["cluster"]["karpenter"]["changes"] = json::parse(R"([{"at": "2024-05-10T00:10:00Z", "node_pools": [
      {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": "gpu-spot"},
       "spec": {"template": {"spec": {"nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "gpu"},
                                      "requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}]}}}}]}])");
  const Scenario sc = load_drift(manifests);
  const KarpenterSpec& k = sc.policies[0].cluster.karpenter;
  REQUIRE(k.changes.size() == 1);
  REQUIRE(k.changes[0].node_pools.size() == 2);
  CHECK(k.changes[0].node_pools[0].scheduling.name == "gpu");
  CHECK(k.changes[0].node_pools[0].template_hash == k.node_pools[0].template_hash);  // untouched
  CHECK(k.changes[0].node_pools[1].scheduling.name == "gpu-spot");
  const auto a = run_files(patched);
  const auto b = run_files(manifests);
  CHECK(b.first == a.first);
  CHECK(b.second == a.second);
  CHECK(a.first.find("NodePool 'gpu-spot' is new") != std::string::npos);
}
