// Topology spread when nodes go away: Karpenter's consolidation simulation (a pure function over a
// hand-made three-zone catalog) and, in topology_spread_scale_down_test.cpp, the Cluster
// Autoscaler's scale-down. Expected outcomes are worked by hand from skew = count in the domain + 1
// - least count over the eligible domains <= maxSkew, with the candidate's own pods taken away.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/topology_spread.hpp"
#include "capsim/provisioning/karpenter/consolidation.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {

using test::kZones;

using test::gpu_type;

// gx.1: 1 GPU, 1.00 USD/h; gx.4: 4 GPUs, 2.50 USD/h; on demand in all three zones at those prices.
InstanceCatalog spread_catalog() { return InstanceCatalog({gpu_type("gx.1", 4, 1, 1.00), gpu_type("gx.4", 16, 4, 2.50)}, "test"); }

Offering zone_offering(const std::string& type, const std::string& zone, double price) {
  Offering o;
  o.instance_type = type;
  o.zone = zone;
  o.capacity_type = CapacityType::OnDemand;
  o.price_usd_per_h = price;
  return o;
}

TopologySpreadConstraint consolidation_zone_spread(bool schedule_anyway) {
  TopologySpreadConstraint c;
  c.key = std::string(label::kZone);
  c.max_skew = 1;
  c.schedule_anyway = schedule_anyway;
  return c;
}

// A one-GPU replica of workload "chat" with `spread` (none when empty).
PodSpec replica(const std::string& name, std::vector<TopologySpreadConstraint> spread) {
  PodSpec p;
  p.name = name;
  p.requests = ResourceList{1000, 1024, 1, 1};
  p.topology_spread = std::move(spread);
  p.workload = "chat";
  return p;
}

// Three gx.4 nodes, one a zone, each running one replica (GPU utilization 1/4): the candidate is the
// one in us-east-1a; the cluster the simulation sees is all three (it leaves the candidate out).
struct ThreeZones {
  InstanceCatalog cat = spread_catalog();
  std::vector<NodePoolSpec> pools;
  std::vector<ExistingNode> nodes;
  std::vector<Offering> offerings;
  std::optional<SchedulingCatalog> prepared;
  std::optional<SchedulingSnapshot> snapshot;
  ConsolidationCandidate candidate;

  ThreeZones(const std::vector<TopologySpreadConstraint>& spread, const std::vector<std::string>& pool_types) {
    NodePoolSpec pool;
    pool.name = "gpu";
    pool.requirements = Requirements({{std::string(label::kInstanceType), Operator::In, pool_types}});
    pools.push_back(pool);
    const InstanceType& t = cat.at("gx.4");
    for (const auto& type : cat.types())
      for (const auto& z : kZones) offerings.push_back(zone_offering(type.name, z, type.ondemand_usd_per_h));
    for (std::size_t i = 0; i < kZones.size(); ++i) {
      ExistingNode n{"n-" + kZones[i].substr(kZones[i].size() - 1), &t,
                     ResourceList{t.alloc_cpu_millicores - 1000, t.alloc_memory_mib - 1024, t.gpus - 1, t.alloc_pods - 1},
                     std::make_shared<const Labels>(labels_of(t, zone_offering(t.name, kZones[i], 2.50))), "gpu", {}};
      if (!spread.empty()) n.workload_pods = {{"chat", 1}};
      nodes.push_back(std::move(n));
    }
    candidate.node = "n-a";
    candidate.node_pool = "gpu";
    candidate.instance_type = "gx.4";
    candidate.price_usd_per_h = 2.50;
    candidate.pods = {replica("p0", spread)};
    candidate.disruption_cost = 1;
  }
  ClusterView view() {
    prepared.emplace(cat);
    snapshot.emplace(*prepared, offerings);
    return ClusterView{&pools, &nodes, &*snapshot};
  }
};

}  // namespace

TEST_CASE("Karpenter consolidation keeps a DoNotSchedule zone spread: the candidate's pod may not move to another zone") {
  // Without a spread p0 fits n-b (3 GPUs free): the candidate is deleted.
  {
    ThreeZones w({}, {"gx.4"});
    const ConsolidationCommand cmd = single_node_consolidation({w.candidate}, {{"gpu", 1}}, w.view(), {});
    CHECK(cmd.action == ConsolidationAction::Delete);
  }
  // DoNotSchedule, maxSkew 1. The simulation leaves n-a out: its zone stays a domain (the NodePool
  // launches there), now with 0 replicas; 1b and 1c hold 1. On n-b p0 would make 1b 1 + 1 - 0 = 2
  // > 1 (n-c likewise), so it needs a new claim, pinned to 1a (0 + 1 - 0 = 1 <= 1).
  // The NodePool allows only gx.4, at 2.50 USD/h like the candidate: no cheaper replacement, no move.
  {
    ThreeZones w({consolidation_zone_spread(false)}, {"gx.4"});
    const ConsolidationCommand cmd = single_node_consolidation({w.candidate}, {{"gpu", 1}}, w.view(), {});
    CHECK(cmd.action == ConsolidationAction::None);
    CHECK(cmd.reason == "node n-a: Can't replace with a cheaper node");
  }
  // With gx.1 allowed the new claim is the replacement: in 1a, so the replica lands within the skew
  // (1/1/1 again), on gx.1 (1.00 < 2.50; gx.4 is not cheaper than the candidate).
  {
    ThreeZones w({consolidation_zone_spread(false)}, {"gx.1", "gx.4"});
    const ConsolidationCommand cmd = single_node_consolidation({w.candidate}, {{"gpu", 1}}, w.view(), {});
    REQUIRE(cmd.action == ConsolidationAction::Replace);
    REQUIRE(cmd.replacement);
    CHECK(cmd.replacement->zone == "us-east-1a");
    CHECK(cmd.replacement->instance_types == std::vector<std::string>{"gx.1"});
    CHECK(cmd.replacement->pods == std::vector<std::string>{"p0"});
  }
}

TEST_CASE("Karpenter consolidation honours ScheduleAnyway as if required, and drops it only when no new node can keep it") {
  // Karpenter's scheduling simulation relaxes a preference only for a pod that fits no existing
  // node and no new claim, and consolidation runs the same simulation: a new claim in 1a keeps the
  // preference, so the gx.4-only NodePool again finds no cheaper replacement and the node stays.
  {
    ThreeZones w({consolidation_zone_spread(true)}, {"gx.4"});
    const ConsolidationCommand cmd = single_node_consolidation({w.candidate}, {{"gpu", 1}}, w.view(), {});
    CHECK(cmd.action == ConsolidationAction::None);
    CHECK(cmd.reason == "node n-a: Can't replace with a cheaper node");
  }
  // NodePool limits nvidia.com/gpu 8: the nodes left (n-b, n-c) hold 8, so no claim can open
  // ("limits: nvidia.com/gpu 4 > 0 remaining"). DoNotSchedule: p0 cannot be placed anywhere, no
  // consolidation. ScheduleAnyway: relaxed, p0 goes to n-b (1b then holds 2): the candidate is deleted.
  {
    ThreeZones w({consolidation_zone_spread(false)}, {"gx.4"});
    w.pools[0].limits.gpus = 8;
    const ConsolidationCommand cmd = single_node_consolidation({w.candidate}, {{"gpu", 1}}, w.view(), {});
    CHECK(cmd.action == ConsolidationAction::None);
    INFO(cmd.reason);
    CHECK(cmd.reason.rfind("node n-a: pod p0 would not schedule: ", 0) == 0);
  }
  {
    ThreeZones w({consolidation_zone_spread(true)}, {"gx.4"});
    w.pools[0].limits.gpus = 8;
    const ConsolidationCommand cmd = single_node_consolidation({w.candidate}, {{"gpu", 1}}, w.view(), {});
    CHECK(cmd.action == ConsolidationAction::Delete);
    CHECK(cmd.candidates == std::vector<std::string>{"n-a"});
  }
}
