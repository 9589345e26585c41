#pragma once
// A node group as the scenario gives it: an EKS managed node group or EC2 Auto Scaling group of
// one or several instance types, its capacity type and allocation strategy, bounds and taints.
#include <optional>
#include <string>
#include <vector>
#include "capsim/autoscale/target_tracking_policy.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/cluster/capacity_block.hpp"
#include "capsim/core/tags.hpp"
#include "capsim/market/allocation.hpp"

namespace capsim {

enum class InitialState { Ready, Launching };


struct NodeGroupSpec {
  std::string name;
  std::vector<std::string> instance_types;  // one, or several to diversify over (spot)
  std::vector<std::string> zones;           // empty: every zone of the catalog
  int count = 0;
  CapacityType capacity_type = CapacityType::OnDemand;
  AllocationStrategy allocation_strategy = AllocationStrategy::LowestPrice;
  std::size_t max_pools = 1;  // pools (type × zone) one launch may spread over
  int reservation_count = 0;  // reserved: instances the capacity reservation holds (billed whether used or not)
  int min_size = 0;           // cluster-autoscaler: the group's bounds (count is where it starts)
  int max_size = 0;
  InitialState initial_state = InitialState::Ready;
  Tags tags;
  std::vector<Taint> taints;  // on its nodes (an EKS managed node group's taints)
  std::optional<TargetTrackingPolicy> target_tracking;  // a plain ASG scaled by target tracking
  std::optional<CapacityBlockSpec> capacity_block;       // reserved: a Capacity Block for ML (dated) rather than an ODCR
};

}  // namespace capsim
