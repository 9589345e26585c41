#pragma once
// What autoscalers act on, as Kubernetes' scale subresource and EC2 Auto Scaling's group API
// present it: the autoscalers see these interfaces, never the cluster that implements them.
#include <cstddef>
#include <optional>
#include <utility>

#include "capsim/core/sim_time.hpp"

namespace capsim {

/// A service's replica count (a Deployment's scale subresource).
class ReplicaScaleTarget {
 public:
  virtual ~ReplicaScaleTarget() = default;
  /// Replicas that exist (pending, starting or ready).
  virtual int replicas(std::size_t service) const = 0;
  virtual int ready_replicas(std::size_t service) const = 0;
  virtual void set_replicas(std::size_t service, int desired) = 0;
};

/// Why a group's desired capacity changes (for the counters).
enum class SizeCause { TargetTracking, ScheduledAction, CapacityBlockEnd };

/// An EC2 Auto Scaling group's capacity.
class NodeGroupScaleTarget {
 public:
  virtual ~NodeGroupScaleTarget() = default;
  /// Desired capacity: instances neither terminated nor interrupted, plus launches waiting to be retried.
  virtual int group_capacity(std::size_t group) const = 0;
  /// Of those, the ones not yet in service or in service for less than `warmup`.
  virtual int group_warming(std::size_t group, SimDuration warmup) const = 0;
  /// Instances that are ready (registered behind the load balancer).
  virtual int group_ready(std::size_t group) const = 0;
  /// Sets the desired capacity: launches, or terminates (not-yet-ready instances first, then the newest).
  virtual void set_group_capacity(std::size_t group, int desired, SizeCause cause = SizeCause::TargetTracking) = 0;
  /// The group's current MinSize and MaxSize (scheduled actions change them).
  virtual std::pair<int, int> group_bounds(std::size_t group) const = 0;
  /// A scheduled action: new MinSize / MaxSize / DesiredCapacity (each optional), the capacity then
  /// brought within the bounds as AWS does.
  virtual void apply_scheduled_action(std::size_t group, std::optional<int> min_size, std::optional<int> max_size,
                                      std::optional<int> desired) = 0;
};

}  // namespace capsim
