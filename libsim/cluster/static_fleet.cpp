#include "capsim/cluster/static_fleet.hpp"

namespace capsim {

std::size_t FleetPlan::pending(std::size_t service) const {
  std::size_t n = 0;
  for (const auto& r : replicas)
    if (r.service == service && !r.node) ++n;
  return n;
}

std::size_t FleetPlan::placed(std::size_t service) const {
  std::size_t n = 0;
  for (const auto& r : replicas)
    if (r.service == service && r.node) ++n;
  return n;
}

FleetPlan plan_static_fleet(const PolicySpec& policy, const InstanceCatalog& catalog) {
  FleetPlan plan;
  for (std::size_t g = 0; g < policy.cluster.node_groups.size(); ++g) {
    const NodeGroupSpec& group = policy.cluster.node_groups[g];
    const InstanceType& type = catalog.at(group.instance_type);
    for (int i = 0; i < group.count; ++i) plan.nodes.push_back(PlannedNode{g, i, type, 0});
  }
  for (std::size_t s = 0; s < policy.services.size(); ++s) {
    const ServiceSpec& svc = policy.services[s];
    std::size_t cursor = 0;  // first fit never returns to a node that was too full for this service
    for (int r = 0; r < svc.replicas; ++r) {
      PlannedReplica rep{s, r, std::nullopt};
      for (std::size_t n = cursor; n < plan.nodes.size(); ++n) {
        PlannedNode& node = plan.nodes[n];
        if (!svc.throughput_rps.count(node.type.name)) continue;
        if (node.type.gpus - node.gpus_used < svc.replica_gpus) continue;
        node.gpus_used += svc.replica_gpus;
        rep.node = n;
        cursor = n;
        break;
      }
      if (!rep.node) cursor = plan.nodes.size();
      plan.replicas.push_back(rep);
    }
  }
  return plan;
}

}  // namespace capsim
