#pragma once
// Fixed node groups and where the services' replicas land on them. Placement is pure and
// deterministic: services in order, replicas first fit on nodes (group order, then ordinal) whose
// type the service can run on and that have the GPUs free.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim {

struct PlannedNode {
  std::size_t group = 0;  // index into ClusterSpec::node_groups
  int ordinal = 0;        // within the group: the launch ordinal that keys its random stream
  InstanceType type;
  int gpus_used = 0;
};

struct PlannedReplica {
  std::size_t service = 0;
  int ordinal = 0;                  // within the service: keys its start-up stream
  std::optional<std::size_t> node;  // nullopt: fits nowhere, stays pending
};

struct FleetPlan {
  std::vector<PlannedNode> nodes;
  std::vector<PlannedReplica> replicas;
  std::size_t pending(std::size_t service) const;
  std::size_t placed(std::size_t service) const;
};

FleetPlan plan_static_fleet(const PolicySpec& policy, const InstanceCatalog& catalog);

}  // namespace capsim
