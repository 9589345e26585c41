// Drift of an EC2NodeClass (karpenter-provider-aws's cloud-provider drift): a cluster.karpenter.changes
// entry that patches cluster.node_classes (or applies EC2NodeClass manifests) drifts the nodes of the
// NodePools naming the class when its static hash changes, when its AMI / subnet / security-group
// selector terms change, or when it no longer selects the reservation a node runs in.
//
// The scenario is tests/data/scenarios/karpenter_reserved.json (worked in karpenter_reserved_test.cpp):
// three 1-GPU replicas, NodePool "gpu" (reserved and on-demand g5.xlarge, 1 GPU, 1.006 USD/h), class
// "gpu" selecting the 2-instance ODCR cr-0a1b2c3d4e5f60001. At 1 s Karpenter launches nodes 0 and 1
// into the reservation and node 2 on demand, Ready at 61 s. Budgets are Karpenter's default, 10% of
// the NodePool's nodes: roundup(3 x 0.1) = 1 disruption at a time. The disruption controller polls
// every 10 s; a replacement is Ready 60 s after its launch, when the drifted node is drained and ends.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/provisioning/karpenter/drift.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"

using namespace capsim;
using nlohmann::json;

namespace {

const char* const kReservation = "cr-0a1b2c3d4e5f60001";

json reserved_doc() { return json::parse(std::ifstream(test::data_dir() / "scenarios" / "karpenter_reserved.json")); }
// The class "gpu" patched at 00:10:00 (600 s into the run).
json& change_class(json& doc, json class_patch) {
  class_patch["metadata"] = {{"name", "gpu"}};
  doc["cluster"]["karpenter"]["changes"] = {{{"at", "2024-05-10T00:10:00Z"}, {"node_classes", {class_patch}}}};
  return doc;
}
Scenario load_class_drift(const json& doc) { return io::load_scenario_text(doc.dump(), "reserved.json", test::data_dir() / "scenarios"); }
RunResult run_class_drift(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  opt.explain = true;
  return run_scenario(load_class_drift(doc), opt);
}
using test::ended;
std::vector<double> end_times(const std::vector<const NodeRecord*>& nodes) {
  std::vector<double> out;
  for (const NodeRecord* n : nodes) out.push_back(n->terminated_s);
  std::sort(out.begin(), out.end());
  return out;
}
// The nodes launched after the start (the replacements), in launch order: launch time and capacity type.
std::vector<std::pair<double, std::string>> replacements(const ReplicateResult& rep) {
  std::vector<std::pair<double, std::string>> out;
  for (const auto& n : rep.nodes)
    if (n.launched_s > 1) out.emplace_back(n.launched_s, n.capacity_type);
  std::sort(out.begin(), out.end());
  return out;
}
std::string class_drift_load_error(const json& doc) {
  try {
    load_class_drift(doc);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  FAIL("expected the scenario to be rejected");
  return {};
}

}  // namespace

TEST_CASE("drift_of: the class's static hash, its selector terms, the node's reservation, in Karpenter's order") {
  KarpenterNodePool launched;
  launched.template_hash = "t";
  launched.node_class_hash = "h";
  launched.node_class_terms = "ami";
  launched.scheduling.capacity_reservations = {"cr-1"};
  const Labels in_cr1{{"karpenter.k8s.aws/capacity-reservation-id", "cr-1"}};
  const Labels on_demand{{"karpenter.sh/capacity-type", "on-demand"}};
  KarpenterNodePool now = launched;
  CHECK(drift_of(launched, now, in_cr1) == DriftKind::None);
  now.scheduling.capacity_reservations = {"cr-2"};
  CHECK(drift_of(launched, now, in_cr1) == DriftKind::CapacityReservation);
  CHECK(drift_of(launched, now, on_demand) == DriftKind::None);  // a node in no reservation cannot leave one
  now.node_class_terms = "ami2";
  CHECK(drift_of(launched, now, in_cr1) == DriftKind::NodeClassTerms);
  now.node_class_hash = "h2";
  CHECK(drift_of(launched, now, on_demand) == DriftKind::NodeClass);
  now.template_hash = "t2";  // the NodePool's own static drift comes first
  CHECK(drift_of(launched, now, on_demand) == DriftKind::Static);
}

TEST_CASE("a class that no longer selects the reservation drifts the two nodes in it; they are replaced on demand") {
  // capacityReservationSelectorTerms removed at 600 s: the class selects no reservation. Nodes 0 and
  // 1 run in cr-0a1b2c3d4e5f60001, which the class no longer lists: capacity-reservation drift. Node
  // 2 is on demand and the field is not in the class's static hash: it stays. The poll at 610 s takes
  // node 0 (oldest drift, ties by node); its pod fits no other node (each holds one 1-GPU pod), and
  // the NodePool can no longer use the reservation, so the replacement is an on-demand g5.xlarge
  // launched at 610 s, Ready at 670 s, when node 0 ends. The budget (1) is spent meanwhile; the poll at
  // 680 s takes node 1: on demand at 680 s, node 1 ends at 740 s.
  json doc = reserved_doc();
  const RunResult r = run_class_drift(change_class(doc, {{"spec", {{"capacityReservationSelectorTerms", nullptr}}}}));
  const ReplicateResult& rep = r.policies[0].replicates[0];
  const auto drifted = ended(rep, "drifted");
  REQUIRE(drifted.size() == 2);
  for (const NodeRecord* n : drifted) CHECK(n->capacity_type == "reserved");
  CHECK(end_times(drifted) == std::vector<double>{670, 740});
  CHECK(replacements(rep) == std::vector<std::pair<double, std::string>>{{610, "on-demand"}, {680, "on-demand"}});
  CHECK(rep.fleet.launches == 5);
  // The ODCR bills 2 x 1.006 x 2 h = 4.024 whatever runs in it. On demand: node 2 from 1 s to the
  // end (7,199 s) and the replacements from 610 s (6,590 s) and 680 s (6,520 s):
  // 1.006 x (7,199 + 6,590 + 6,520) / 3,600 = 1.006 x 20,309 / 3,600.
  CHECK(rep.cost.reserved_usd == doctest::Approx(4.024));
  CHECK(rep.cost.on_demand_usd == doctest::Approx(1.006 * 20309 / 3600));
  CHECK(rep.services[0].replicas_placed == 3);
  // The change's NodePool lists no reservation any more; the one before listed it.
  const Scenario sc = load_class_drift(doc);
  const KarpenterSpec& k = sc.policies[0].cluster.karpenter;
  CHECK(k.node_pools[0].scheduling.capacity_reservations == std::vector<std::string>{kReservation});
  CHECK(k.changes.at(0).node_pools.at(0).scheduling.capacity_reservations.empty());
  CHECK(k.changes.at(0).node_pools.at(0).node_class_hash == k.node_pools[0].node_class_hash);
}

TEST_CASE("a change of the class's hashed fields drifts every node of it; the reservation is used again as it frees") {
  // role is in the EC2NodeClass hash: all three nodes drift at 600 s (node-class drift). Replaced one
  // at a time, in node order (0, 1 reserved; 2 on demand), at 610, 680 and 750 s, ending 670, 740 and
  // 810 s. The reservation stays selected: at 610 s both its instances are held (nodes 0 and 1 run),
  // so node 0's replacement is on demand; at 680 s node 0 has ended, one instance is free and node 1's
  // replacement is reserved; at 750 s node 1 has ended and its replacement holds one: the other is
  // free, so node 2's replacement is reserved too.
  json doc = reserved_doc();
  const RunResult r = run_class_drift(change_class(doc, {{"spec", {{"role", "KarpenterNodeRole-ml-v2"}}}}));
  const ReplicateResult& rep = r.policies[0].replicates[0];
  const auto drifted = ended(rep, "drifted");
  REQUIRE(drifted.size() == 3);
  CHECK(end_times(drifted) == std::vector<double>{670, 740, 810});
  CHECK(replacements(rep) == std::vector<std::pair<double, std::string>>{{610, "on-demand"}, {680, "reserved"}, {750, "reserved"}});
  // On demand: node 2 from 1 s to 810 s (809 s) and node 0's replacement from 610 s to the end
  // (6,590 s): 1.006 x 7,399 / 3,600. Reserved nodes cost nothing beyond the ODCR's 4.024.
  CHECK(rep.cost.on_demand_usd == doctest::Approx(1.006 * 7399 / 3600));
  CHECK(rep.cost.reserved_usd == doctest::Approx(4.024));
  for (const auto& d : rep.decisions.consolidations) CHECK(d.method == "drift");
  CHECK(rep.decisions.consolidations.size() == 3);
}

TEST_CASE("a new AMI selector drifts the class's nodes (with a warning that capsim assumes it resolves anew)") {
  // al2023@latest to a pinned al2023 release: the AMI family (AL2023) and so the static hash are the
  // same, the selector terms are not. Drift as for a hashed field: three nodes, ends 670, 740, 810 s.
  json doc = reserved_doc();
  change_class(doc, {{"spec", {{"amiSelectorTerms", {{{"alias", "al2023@v20240625"}}}}}}});
  const Scenario sc = load_class_drift(doc);
  const KarpenterSpec& k = sc.policies[0].cluster.karpenter;
  CHECK(k.changes.at(0).node_pools.at(0).node_class_hash == k.node_pools[0].node_class_hash);
  CHECK(k.changes.at(0).node_pools.at(0).node_class_terms != k.node_pools[0].node_class_terms);
  const bool warned = std::any_of(sc.warnings.begin(), sc.warnings.end(), [](const std::string& w) {
    return w.find("cluster.karpenter.changes[0]: EC2NodeClass 'gpu' changes its amiSelectorTerms, subnetSelectorTerms or "
                  "securityGroupSelectorTerms; capsim resolves none of them") != std::string::npos;
  });
  CHECK(warned);
  const RunResult r = run_class_drift(doc);
  CHECK(end_times(ended(r.policies[0].replicates[0], "drifted")) == std::vector<double>{670, 740, 810});
}

TEST_CASE("what does not drift: selector terms that select the same reservation, zero values, lists in another order") {
  // Selecting the reservation by id instead of by tags: same reservation, and the terms are not in
  // the static hash, so nothing drifts (three launches).
  json doc = reserved_doc();
  change_class(doc, {{"spec", {{"capacityReservationSelectorTerms", {{{"id", kReservation}}}}}}});
  const RunResult r = run_class_drift(doc);
  CHECK(r.policies[0].replicates[0].fleet.launches == 3);
  CHECK(ended(r.policies[0].replicates[0], "drifted").empty());
  // The hash drops zero values (Karpenter hashes with IgnoreZeroValue) and takes lists as sets.
  auto hash_after = [](json class_patch) {
    json d = reserved_doc();
    d["cluster"]["node_classes"][0]["spec"]["tags"] = {{"team", "ml"}};
    d["cluster"]["node_classes"][0]["spec"]["blockDeviceMappings"] = {{{"deviceName", "/dev/xvda"}}, {{"deviceName", "/dev/xvdb"}}};
    change_class(d, std::move(class_patch));
    const Scenario s = load_class_drift(d);
    const KarpenterSpec& k = s.policies[0].cluster.karpenter;
    return k.changes.at(0).node_pools.at(0).node_class_hash == k.node_pools[0].node_class_hash;
  };
  CHECK(hash_after({{"spec", {{"detailedMonitoring", false}}}}));
  CHECK(hash_after({{"spec", {{"blockDeviceMappings", {{{"deviceName", "/dev/xvdb"}}, {{"deviceName", "/dev/xvda"}}}}}}}));
  CHECK(hash_after({{"spec", {{"ipPrefixCount", 4}}}}));
  CHECK_FALSE(hash_after({{"spec", {{"detailedMonitoring", true}}}}));
  CHECK_FALSE(hash_after({{"spec", {{"tags", {{"team", "ml"}, {"env", "prod"}}}}}}));
  CHECK_FALSE(hash_after({{"spec", {{"amiFamily", "Custom"}}}}));  // the family in force changes (AL2023 to Custom)
}

TEST_CASE("a NodePool change keeps the reservations its class selects") {
  // A label added to the NodePool rebuilds it from its merged document: it is bound to its class again,
  // so its replacements may still launch into the reservation.
  json doc = reserved_doc();
  doc["cluster"]["karpenter"]["changes"] = json::parse(R"([{"at": "2024-05-10T00:10:00Z", "node_pools": [
      {"metadata": {"name": "gpu"}, "spec": {"template": {"metadata": {"labels": {"team": "ml"}}}}}]}])");
  const Scenario sc = load_class_drift(doc);
  const KarpenterNodePool& np = sc.policies[0].cluster.karpenter.changes.at(0).node_pools.at(0);
  CHECK(np.scheduling.capacity_reservations == std::vector<std::string>{kReservation});
  CHECK(np.node_class_hash == sc.policies[0].cluster.karpenter.node_pools[0].node_class_hash);
}

TEST_CASE("a change's EC2NodeClass manifest gives the same run as its JSON Merge Patch twin, byte for byte") {
  // tests/data/manifests/reserved-drift/ is the class without capacityReservationSelectorTerms.
  json patched = reserved_doc();
  change_class(patched, {{"spec", {{"capacityReservationSelectorTerms", nullptr}}}});
  json manifests = reserved_doc();
  manifests["cluster"]["karpenter"]["changes"] =
      json::parse(R"([{"at": "2024-05-10T00:10:00Z", "manifests": "../manifests/reserved-drift/"}])");
  RunOptions opt;
  opt.keep_series = true;
  opt.explain = true;
  const RunResult a = run_scenario(load_class_drift(patched), opt);
  const RunResult b = run_scenario(load_class_drift(manifests), opt);
  CHECK(ended(a.policies[0].replicates[0], "drifted").size() == 2);  // the change drifted nodes at all
  CHECK(io::result_to_json(b) == io::result_to_json(a));
  CHECK(io::nodes_to_csv(b) == io::nodes_to_csv(a));
}

TEST_CASE("bad input: class changes without classes, an unknown class, a class new in manifests, a nodeClassRef to nothing") {
  json doc = reserved_doc();
  change_class(doc, {{"spec", {{"role", "x"}}}});
  doc["cluster"].erase("node_classes");
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"].erase("nodeClassRef");
  std::string msg = class_drift_load_error(doc);
  INFO(msg);
  CHECK(msg.find("/cluster/karpenter/changes/0/node_classes: expected changes of the EC2NodeClasses under cluster.node_classes, got no "
                 "node_classes") != std::string::npos);

  doc = reserved_doc();
  doc["cluster"]["karpenter"]["changes"] = json::parse(R"([{"at": "2024-05-10T00:10:00Z", "node_classes": []}])");
  msg = class_drift_load_error(doc);
  CHECK(msg.find("/cluster/karpenter/changes/0/node_classes: expected a non-empty array of EC2NodeClasses") != std::string::npos);

  // A NodePool patched to name a class the cluster lacks.
  doc = reserved_doc();
  doc["cluster"]["karpenter"]["changes"] = json::parse(R"([{"at": "2024-05-10T00:10:00Z", "node_pools": [
      {"metadata": {"name": "gpu"}, "spec": {"template": {"spec": {"nodeClassRef": {"name": "gpu2"}}}}}]}])");
  msg = class_drift_load_error(doc);
  CHECK(msg.find("/cluster/karpenter/changes/0/node_pools/0/spec/template/spec/nodeClassRef/name: expected the name of an EC2NodeClass of "
                 "cluster.node_classes (gpu), got the string \"gpu2\"") != std::string::npos);

  // tests/data/bad/manifests/drift_new_class/: EC2NodeClass "gpu-spot" (metadata.name on line 5, column 3).
  doc = reserved_doc();
  doc["cluster"]["karpenter"]["changes"] =
      json::parse(R"([{"at": "2024-05-10T00:10:00Z", "manifests": "../bad/manifests/drift_new_class/"}])");
  msg = class_drift_load_error(doc);
  CHECK(msg.find("drift_new_class/ec2nodeclass.yaml:5:3: document 0, metadata.name: expected the name of an EC2NodeClass of the policy "
                 "(gpu): a change replaces EC2NodeClasses, capsim cannot add one mid-run, got \"gpu-spot\"") != std::string::npos);
}
