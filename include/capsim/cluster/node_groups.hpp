#pragma once
// Node groups (EKS managed node groups, EC2 Auto Scaling groups): launched at the start through the
// market's allocation strategy (a pool that cannot supply its share fails with insufficient
// capacity and the rest goes to the next pools; what no pool supplies is retried after the
// unavailable period); a capacity reservation billed whole; desired capacity set by target tracking
// or scheduled actions (terminating not-yet-ready instances first, then the newest); a spot
// instance's notice launches its replacement. A target-tracked group's service runs one replica per
// replica-sized share of its instances' devices.
#include <optional>
#include <utility>
#include <vector>

#include "capsim/autoscale/scale_targets.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/node_group_spec.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

class NodeGroupController final : public NodeGroupScaleTarget {
 public:
  NodeGroupController(RunContext& run, ClusterState& state, NodeLifecycle& nodes, ReplicaController& replicas,
                      const std::vector<NodeGroupSpec>& groups, const std::vector<ServiceSpec>& services, const Tags& cluster_tags);

  /// Bills the capacity reservations and launches every group's starting count.
  void start();
  /// Launches `count` instances of group `g` (`warm`: ready at once).
  void launch(std::size_t g, int count, bool warm);
  /// A Capacity Block's group: billed from its start, launched then, emptied 30 minutes before its end.
  void start_capacity_block(std::size_t g);
  /// A target-tracked group's service follows its instances.
  void sync_replicas(std::size_t g);

  std::size_t size() const { return groups_.size(); }
  const NodeGroupSpec& spec(std::size_t g) const { return groups_[g]; }
  /// The market pools of group `g` (its types × zones, in priority order).
  const std::vector<std::size_t>& pools(std::size_t g) const { return pools_[g]; }
  /// Every group's pools, for the availability watch.
  std::vector<std::size_t> all_pools() const;
  /// Instances of group `g` that are not cordoned.
  int active(std::size_t g) const;

  int group_capacity(std::size_t g) const override;
  int group_warming(std::size_t g, SimDuration warmup) const override;
  int group_ready(std::size_t g) const override;
  void set_group_capacity(std::size_t g, int desired, SizeCause cause = SizeCause::TargetTracking) override;
  std::pair<int, int> group_bounds(std::size_t g) const override { return {min_[g], max_[g]}; }
  void apply_scheduled_action(std::size_t g, std::optional<int> min_size, std::optional<int> max_size, std::optional<int> desired) override;

 private:
  RunContext& run_;
  ClusterState& state_;
  NodeLifecycle& nodes_;
  ReplicaController& replicas_;
  const std::vector<NodeGroupSpec>& groups_;
  const std::vector<ServiceSpec>& services_;
  const Tags& cluster_tags_;
  std::vector<std::vector<std::size_t>> pools_;
  std::vector<int> launches_;   // launch ordinal per group (keys node start-up latency)
  std::vector<int> retrying_;   // instances a launch will retry after insufficient capacity
  std::vector<int> min_, max_;  // MinSize / MaxSize now
  std::vector<std::optional<std::size_t>> follower_;  // target tracking: the service that follows the group
};

}  // namespace capsim
