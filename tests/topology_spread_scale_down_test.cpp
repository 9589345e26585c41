// Topology spread in the Cluster Autoscaler's scale-down (its removal simulation runs the scheduler's
// PodTopologySpread filter) and Karpenter's consolidation in a run: a node whose pods cannot move
// within their DoNotSchedule spread stays, with NoPlaceToMovePods in the decisions; ScheduleAnyway
// does not hold the Cluster Autoscaler back; pods a removal evicts land within the skew. Expected
// outcomes are worked by hand (skew = count in the zone + 1 - least count <= maxSkew; utilization =
// requested GPUs / GPUs < 0.5).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {

ReplicateResult run_scale_down(const json& doc, bool explain = true) {
  RunOptions opt;
  opt.explain = explain;
  opt.keep_series = true;  // the node log
  const Scenario sc = io::load_scenario_text(doc.dump(), "spread.json", test::data_dir() / "scenarios");
  return run_scenario(sc, opt).policies.at(0).replicates.at(0);
}

json scale_down_spread(const std::string& when) {
  return json::array({{{"key", "topology.kubernetes.io/zone"}, {"max_skew", 1}, {"when_unsatisfiable", when}}});
}

// A Cluster Autoscaler node group of one `type` node in `zone`, which it may remove (min 0, max 1,
// so it never grows one).
json scale_down_group(const std::string& name, const std::string& zone, const std::string& type) {
  return {{"name", name}, {"instance_type", type}, {"zones", {"us-east-1" + zone}}, {"count", 1}, {"min_size", 0}, {"max_size", 1}};
}

// `replicas` one-GPU replicas of topology_spread.json's service, spread by `when` (none when
// empty), on the Cluster Autoscaler's `groups`, for 30 minutes.
json ca_cluster(json groups, int replicas, const std::string& when) {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "topology_spread.json"));
  doc["cluster"] = {{"provisioner", "cluster-autoscaler"}, {"node_ready_s", 60}, {"eks_control_plane", false}, {"node_groups", groups}};
  json& svc = doc["services"][0];
  svc["replicas"] = replicas;
  svc["throughput_rps"] = {{"g5.xlarge", 1.0}, {"g5.12xlarge", 1.0}};
  if (when.empty()) svc["replica"].erase("topology_spread");
  else svc["replica"]["topology_spread"] = scale_down_spread(when);
  return doc;
}

// tests/data/scenarios/topology_spread_scale_down.json (three g5.12xlarge groups, one a zone, three
// replicas), spread by `when` (none when empty).
json three_zones(const std::string& when) {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "topology_spread_scale_down.json"));
  json& replica = doc["services"][0]["replica"];
  if (when.empty()) replica.erase("topology_spread");
  else replica["topology_spread"] = scale_down_spread(when);
  return doc;
}

// Per node (by its cost line's group): replicas it holds at the end, and why it ended ("" running).
std::map<std::string, std::string> end_reasons(const ReplicateResult& rep) {
  std::map<std::string, std::string> out;
  for (const NodeRecord& n : rep.nodes) out[n.owner] = n.end_reason;
  return out;
}

}  // namespace

TEST_CASE("Cluster Autoscaler: a DoNotSchedule zone spread keeps every under-utilized node (NoPlaceToMovePods)") {
  // Three g5.12xlarge (4 GPUs), one a zone; the scheduler puts one replica in each zone (1/1/1), so
  // each node's utilization is 1/4 = 0.25 < 0.5: all three are candidates. Removing the 1a node
  // takes its replica off (1a holds 0, and 1a stays a domain in the simulation, its node being
  // still there): on the 1b node it would make 1b 1 + 1 - 0 = 2 > maxSkew 1, on 1c the same. No
  // place to move it, so the node never becomes unneeded; the same holds for the other two, and no
  // node goes in 30 minutes.
  const ReplicateResult rep = run_scale_down(three_zones("DoNotSchedule"));
  CHECK(rep.fleet.scale_downs == 0);
  CHECK(end_reasons(rep) == std::map<std::string, std::string>{{"a", ""}, {"b", ""}, {"c", ""}});
  CHECK(rep.services[0].replicas_placed == 3);
  // Each node recorded once, as the Cluster Autoscaler's UnremovableNode: the 1a node's replica
  // (pod 0) is first refused by the 1b node (node/b/0) for 1b; 1c holds 0 once the 1c node's
  // replica is taken away, 1b's node is refused for it in the same way.
  REQUIRE(rep.decisions.unremovable.size() == 3);
  const UnremovableNodeDecision& a = rep.decisions.unremovable[0];
  CHECK(a.node == "node/a/0");
  CHECK(a.instance_type == "g5.12xlarge");
  CHECK(a.zone == "us-east-1a");
  CHECK(a.reason == "NoPlaceToMovePods");
  CHECK(a.detail ==
        "pod chat#0 fits no other node within its topology spread; node/b/0: topology spread: topology.kubernetes.io/zone us-east-1b "
        "would hold 2 pods of the workload, 2 - 0 > maxSkew 1 (us-east-1a holds 0)");
  CHECK(rep.decisions.unremovable[1].node == "node/b/0");
  CHECK(rep.decisions.unremovable[1].detail.find("topology.kubernetes.io/zone us-east-1a would hold 2 pods of the workload, 2 - 0 > maxSkew 1 "
                                                 "(us-east-1b holds 0)") != std::string::npos);
  CHECK(rep.decisions.unremovable[2].node == "node/c/0");
}

TEST_CASE("Cluster Autoscaler: ScheduleAnyway does not block a scale-down") {
  // ScheduleAnyway is a score, and the removal simulation only filters: the 1a node's replica fits
  // the 1b node (3 GPUs free), so the 1a node goes once unneeded for 10 minutes (the first of the
  // live nodes, one non-empty node a scan). Its replica is rescheduled by kube-scheduler's score to
  // the zone with the fewest (1b and 1c tie at 1: the first, 1b). The 1b node then holds 2 of 4
  // GPUs, 0.5, not under the 0.5 threshold: it stays. The 1c node is still at 0.25 and its replica
  // fits the 1b node (2 GPUs free): it goes at the next scan. All three end on the 1b node (3/4).
  // The nodes start ready; the first scan (10 s) finds all three unneeded, so 1a goes at the scan of
  // 10 + 600 = 610 s and 1c at the next, 620 s; 1b took three replicas over its life.
  const ReplicateResult rep = run_scale_down(three_zones("ScheduleAnyway"));
  CHECK(rep.fleet.scale_downs == 2);
  CHECK(end_reasons(rep) == std::map<std::string, std::string>{{"a", "scale-down"}, {"b", ""}, {"c", "scale-down"}});
  REQUIRE(rep.nodes.size() == 3);
  CHECK(rep.nodes[0].terminated_s == 610);
  CHECK(rep.nodes[1].pods_bound == 3);
  CHECK(rep.nodes[2].terminated_s == 620);
  CHECK(rep.services[0].replicas_placed == 3);
  CHECK(rep.services[0].pending_at_end == 0);
  CHECK(rep.decisions.unremovable.empty());
  // Without a spread the scheduler packs first fit: all three replicas on the 1a node (3/4 = 0.75,
  // no candidate), and the empty 1b and 1c nodes (0 < 0.5) go together after 10 minutes.
  const ReplicateResult packed = run_scale_down(three_zones(""));
  CHECK(packed.fleet.scale_downs == 2);
  CHECK(end_reasons(packed) == std::map<std::string, std::string>{{"a", ""}, {"b", "scale-down"}, {"c", "scale-down"}});
  CHECK(packed.services[0].pending_at_end == 0);
}

TEST_CASE("Cluster Autoscaler: a removal the spread allows goes, and its replica lands within the skew") {
  // Zone 1a: a g5.xlarge (1 GPU, group a1) and a g5.12xlarge (a4); 1b and 1c a g5.12xlarge each.
  // Four replicas, DoNotSchedule: p0 a1 (first fit), p1 not a4 (1a would hold 2 - 0 > 1) but b,
  // p2 c, p3 a4 (a1 is full; 1a 1 + 1 - 1 = 1). Utilizations: a1 1/1, a4, b and c 1/4 each.
  // - a4: p3 taken off leaves 1/1/1; a1 is full, b takes it (1b 1 + 1 - 1 = 1): removable.
  // - b: p1 taken off leaves 2/0/1; a4 would make 1a 3 - 0, c 1c 2 - 0 > 1: NoPlaceToMovePods.
  // - c: likewise (1a 3 - 0 > 1, 1b 2 - 0 > 1).
  // a4 goes after 10 minutes; p3 is rescheduled by kube-scheduler's filter over 1/1/1: a1 is full,
  // b is the first that keeps the skew (2 - 1 = 1). Then b holds 2 of 4 GPUs (0.5, no candidate)
  // and c's replica would make 1b 3 - 0 > 1: it stays. The end: zones 1/2/1, skew 1.
  json doc = ca_cluster(json::array({scale_down_group("a1", "a", "g5.xlarge"), scale_down_group("a4", "a", "g5.12xlarge"), scale_down_group("b", "b", "g5.12xlarge"),
                                     scale_down_group("c", "c", "g5.12xlarge")}),
                        4, "DoNotSchedule");
  const ReplicateResult rep = run_scale_down(doc);
  CHECK(rep.fleet.scale_downs == 1);
  CHECK(end_reasons(rep) == std::map<std::string, std::string>{{"a1", ""}, {"a4", "scale-down"}, {"b", ""}, {"c", ""}});
  std::map<std::string, int> bound;
  for (const NodeRecord& n : rep.nodes) bound[n.owner] = n.pods_bound;
  // Bound over their lives: b took p1 and then p3.
  CHECK(bound == std::map<std::string, int>{{"a1", 1}, {"a4", 1}, {"b", 2}, {"c", 1}});
  CHECK(rep.services[0].pending_at_end == 0);
  // b and c were unremovable for the spread; a4 never was.
  std::vector<std::string> unremovable;
  for (const UnremovableNodeDecision& d : rep.decisions.unremovable) unremovable.push_back(d.node);
  CHECK(std::find(unremovable.begin(), unremovable.end(), "node/a4/0") == unremovable.end());
  CHECK(std::find(unremovable.begin(), unremovable.end(), "node/b/0") != unremovable.end());
  CHECK(std::find(unremovable.begin(), unremovable.end(), "node/c/0") != unremovable.end());
  // Without explain nothing is recorded, and the run is the same.
  const ReplicateResult quiet = run_scale_down(doc, false);
  CHECK(quiet.decisions.unremovable.empty());
  CHECK(quiet.fleet.scale_downs == 1);
}

TEST_CASE("Karpenter in a run: consolidation leaves the spread's under-utilized nodes alone when no cheaper node can keep it") {
  // topology_spread.json with three replicas and a NodePool of g5.12xlarge only (4 GPUs), consolidating
  // underutilized nodes after 1 minute. Karpenter pins one claim a zone (1a, 1b, 1c): three nodes at
  // 1/4. Consolidating the 1a node: its replica on 1b's node would make 1b 2 - 0 > 1 (as if required
  // under ScheduleAnyway too, as Karpenter's simulation does), so it needs a new g5.12xlarge in 1a,
  // no cheaper than the node: no consolidation in 30 minutes, under either.
  for (const std::string when : {"DoNotSchedule", "ScheduleAnyway"}) {
    INFO(when);
    json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "topology_spread.json"));
    json& svc = doc["services"][0];
    svc["replicas"] = 3;
    svc["throughput_rps"] = {{"g5.12xlarge", 1.0}};
    svc["replica"]["topology_spread"] = scale_down_spread(when);
    json& pool = doc["cluster"]["node_pools"][0]["spec"];
    pool["template"]["spec"]["requirements"].push_back(
        {{"key", "node.kubernetes.io/instance-type"}, {"operator", "In"}, {"values", {"g5.12xlarge"}}});
    pool["disruption"] = {{"consolidationPolicy", "WhenEmptyOrUnderutilized"}, {"consolidateAfter", "1m"}};
    const ReplicateResult rep = run_scale_down(doc);
    CHECK(rep.fleet.launches == 3);
    CHECK(rep.fleet.consolidations == 0);
    std::map<std::string, int> zones;
    for (const NodeRecord& n : rep.nodes) zones[n.zone] += n.end_reason.empty() ? 1 : 0;
    CHECK(zones == std::map<std::string, int>{{"us-east-1a", 1}, {"us-east-1b", 1}, {"us-east-1c", 1}});
    CHECK(rep.services[0].pending_at_end == 0);
  }
}
