// Topology spread by zone in runs: Karpenter launching nodes zone by zone, its manifests' twin, the
// kube-scheduler's filter and score on a fixed cluster, and the Cluster Autoscaler's simulation.
// Expected placements are worked by hand from skew = count in the zone + 1 - least count <= maxSkew.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "bad_input_check.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
using test::scenario_file;

RunResult run_spread(const Scenario& sc) {
  RunOptions opt;
  opt.keep_series = true;
  return run_scenario(sc, opt);
}
RunResult run_spread(const json& doc) { return run_spread(io::load_scenario_text(doc.dump(), "spread.json", test::data_dir() / "scenarios")); }

// Nodes launched per zone.
std::map<std::string, int> nodes_per_zone(const ReplicateResult& rep) {
  std::map<std::string, int> out;
  for (const NodeRecord& n : rep.nodes) ++out[n.zone];
  return out;
}

// Three zones, one node group per zone (`type` × `count`, bounded by min/max for the Cluster
// Autoscaler), and six one-GPU replicas with `spread`.
json fixed_cluster(json groups, json spread, const std::string& provisioner = "static") {
  json doc = json::parse(std::ifstream(scenario_file("topology_spread.json")));
  doc["cluster"] = {{"provisioner", provisioner}, {"node_ready_s", 60}, {"eks_control_plane", false}, {"node_groups", groups}};
  doc["services"][0]["replica"]["topology_spread"] = spread;
  return doc;
}
json group(const std::string& zone, const std::string& type, int count, int max = 0) {
  json g = {{"name", zone}, {"instance_type", type}, {"zones", {"us-east-1" + zone}}, {"count", count}};
  if (max > 0) g.update({{"min_size", count}, {"max_size", max}});
  return g;
}
json spread(const std::string& when) {
  return json::array({{{"key", "topology.kubernetes.io/zone"}, {"max_skew", 1}, {"when_unsatisfiable", when}}});
}
}  // namespace

TEST_CASE("Karpenter launches the six spread replicas' nodes two in each zone") {
  // One g5.xlarge (one GPU) a replica. Karpenter pins each claim to the least-populated zone within
  // the skew: 1a, 1b, 1c, then 1a, 1b, 1c again (see topology_spread_test.cpp): 2/2/2.
  const RunResult r = run_spread(io::load_scenario(scenario_file("topology_spread.json")));
  const ReplicateResult& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.launches == 6);
  CHECK(nodes_per_zone(rep) == std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  CHECK(rep.services[0].replicas_placed == 6);
  CHECK(rep.services[0].pending_at_end == 0);
  // Without the spread the on-demand price is the same in every zone and the launches take the
  // first zone's pool: all six in 1a.
  json doc = json::parse(std::ifstream(scenario_file("topology_spread.json")));
  doc["services"][0]["replica"].erase("topology_spread");
  CHECK(nodes_per_zone(run_spread(doc).policies[0].replicates[0]) == std::map<std::string, int>{{"us-east-1a", 6}});
}

TEST_CASE("the spread Deployment from manifests runs as its JSON twin, byte for byte") {
  const Scenario from_manifests = io::load_scenario(scenario_file("manifests_spread.json"));
  const Scenario from_json = io::load_scenario(scenario_file("topology_spread.json"));
  REQUIRE(from_manifests.policies.front().services.front().topology_spread.size() == 1);
  CHECK(from_manifests.policies.front().services.front().topology_spread == from_json.policies.front().services.front().topology_spread);
  // The spread is simulated, so nothing is said about it (the EC2NodeClass's fields are noted).
  for (const std::string& w : from_manifests.warnings) CHECK(w.find("topologySpread") == std::string::npos);
  RunResult a = run_scenario(from_json, {});
  RunResult b = run_scenario(from_manifests, {});
  b.warnings = a.warnings;
  CHECK(io::result_to_json(a) == io::result_to_json(b));
}

TEST_CASE("kube-scheduler on a fixed cluster: DoNotSchedule leaves pods pending with the reason, ScheduleAnyway places them") {
  // g5.12xlarge (4 GPUs) in 1a and 1b; in 1c an m5.large, which takes no GPU pod but makes 1c an
  // eligible domain holding 0 replicas. DoNotSchedule, maxSkew 1: p0 to 1a (first node), p1 1b
  // (1a would be 1 + 1 - 0 = 2), then every node is refused: 1a and 1b would hold 2, 2 - 0 > 1.
  const json groups = json::array({group("a", "g5.12xlarge", 1), group("b", "g5.12xlarge", 1), group("c", "m5.large", 1)});
  json doc = fixed_cluster(groups, spread("DoNotSchedule"));
  doc["services"][0]["throughput_rps"] = {{"g5.12xlarge", 1.0}};
  const ServiceResult hard = run_spread(doc).policies[0].replicates[0].services[0];
  CHECK(hard.replicas_placed == 2);
  CHECK(hard.pending_at_end == 4);
  CHECK(hard.pending_reason ==
        "no node keeps its topology spread; node 0: topology spread: topology.kubernetes.io/zone us-east-1a would hold 2 pods of the "
        "workload, 2 - 0 > maxSkew 1 (us-east-1c holds 0)");
  // ScheduleAnyway only scores: each pod to the node whose zone holds fewer replicas (1a on a tie,
  // the first by id): 1a, 1b, 1a, 1b, 1a, 1b; all six placed, three a zone.
  doc = fixed_cluster(groups, spread("ScheduleAnyway"));
  doc["services"][0]["throughput_rps"] = {{"g5.12xlarge", 1.0}};
  const ReplicateResult soft = run_spread(doc).policies[0].replicates[0];
  CHECK(soft.services[0].replicas_placed == 6);
  CHECK(soft.services[0].pending_at_end == 0);
  int a = 0, b = 0;
  for (const NodeRecord& n : soft.nodes) (n.zone == "us-east-1a" ? a : b) += n.zone == "us-east-1c" ? 0 : n.pods_bound;
  CHECK(a == 3);
  CHECK(b == 3);
}

TEST_CASE("Cluster Autoscaler: a node group grows only while its zone keeps the spread") {
  // One g5.xlarge (one GPU) per zone to start, each group up to 3. The scheduler places p0..p2 one
  // a zone (1/1/1); p3..p5 wait. The autoscaler's simulation on group a's template (zone 1a) takes
  // one more (2 - 1 = 1) and refuses the next (3 - 1 = 2 > 1), so each scale-up adds one node,
  // and the zones fill 2/2/2: three launches in all, one in each zone.
  const json groups = json::array({group("a", "g5.xlarge", 1, 3), group("b", "g5.xlarge", 1, 3), group("c", "g5.xlarge", 1, 3)});
  const ReplicateResult rep = run_spread(fixed_cluster(groups, spread("DoNotSchedule"), "cluster-autoscaler")).policies[0].replicates[0];
  CHECK(rep.services[0].replicas_placed == 6);
  CHECK(nodes_per_zone(rep) == std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
}

namespace {
using test::check_message;
}  // namespace

TEST_CASE("bad topology spread: a key nodes do not carry, minDomains with ScheduleAnyway, a duplicate, in JSON and a manifest") {
  check_message("topology_spread_region.json",
                {"/services/0/replica/topology_spread/0/key", "expected one of \"topology.kubernetes.io/zone\", \"kubernetes.io/hostname\"",
                 "got the string \"topology.kubernetes.io/region\""});
  check_message("topology_spread_min_domains_anyway.json",
                {"/services/0/replica/topology_spread/0/min_domains",
                 "expected no minDomains with whenUnsatisfiable ScheduleAnyway (the API server allows it only with DoNotSchedule), got 3"});
  check_message("topology_spread_duplicate.json",
                {"/services/0/replica/topology_spread/1/key",
                 "expected one constraint per topology key and whenUnsatisfiable (the API server refuses a duplicate), got a second "
                 "topology.kubernetes.io/zone DoNotSchedule"});
  // The manifest's problem is named in the manifest: line 21 is "          minDomains: 3".
  CHECK(test::bad_input_error("manifests_spread_min_domains.json")
            .find("bad/manifest_policies/spread_min_domains.yaml:21:11: document 0, spec.template.spec.topologySpreadConstraints[0].minDomains: "
                  "expected no minDomains with whenUnsatisfiable ScheduleAnyway (the API server allows it only with DoNotSchedule), got 3") !=
        std::string::npos);
}

TEST_CASE("a manifest's spread on another key, or over other pods, is noted and left out") {
  json doc = json::parse(std::ifstream(scenario_file("topology_spread.json")));
  json& replica = doc["services"][0]["replica"];
  replica.erase("topology_spread");
  replica.erase("gpus");
  replica.erase("cpu");
  replica.erase("memory");
  replica["pod_template"] = json::parse(R"({"metadata": {"labels": {"app": "chat"}}, "spec": {
      "topologySpreadConstraints": [
        {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/region", "whenUnsatisfiable": "DoNotSchedule"},
        {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
         "labelSelector": {"matchLabels": {"app": "web"}}, "nodeTaintsPolicy": "Honor"}],
      "containers": [{"name": "s", "resources": {"requests": {"cpu": "2", "memory": "8Gi"}, "limits": {"nvidia.com/gpu": 1}}}]}})");
  const Scenario sc = io::load_scenario_text(doc.dump(), "notes.json", test::data_dir() / "scenarios");
  const std::string p = "/services/0/replica/pod_template/spec/topologySpreadConstraints/";
  CHECK(sc.warnings == std::vector<std::string>{
                           "service 'chat': " + p + "0: topologyKey topology.kubernetes.io/region is not simulated (capsim's nodes carry "
                               "topology.kubernetes.io/zone and kubernetes.io/hostname); its pods are placed without this constraint",
                           "service 'chat': " + p + "1/nodeTaintsPolicy: Honor is not simulated; capsim counts the domains of tainted nodes "
                               "too (Ignore, the default)",
                           "service 'chat': " + p + "1/labelSelector: read as the workload's own pods (capsim counts them; a selector of "
                               "other pods, or matchExpressions, is not simulated)"});
  // The zone constraint stays, as a preference.
  REQUIRE(sc.policies[0].services[0].topology_spread.size() == 1);
  CHECK(sc.policies[0].services[0].topology_spread[0].key == "topology.kubernetes.io/zone");
  CHECK(sc.policies[0].services[0].topology_spread[0].schedule_anyway);
}
