#pragma once
// The target tracking policies of a run's plain Auto Scaling groups: every metric period each reads
// its metric from its service (as CloudWatch would, `collection_lag` late), lets its
// TargetTrackingController decide, and sets the group's desired capacity.
#include <memory>
#include <vector>

#include "capsim/autoscale/scale_targets.hpp"
#include "capsim/autoscale/target_tracking.hpp"
#include "capsim/autoscale/target_tracking_policy.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

/// One group under target tracking and the index of the service it serves.
struct TrackedGroup {
  std::size_t group = 0;
  std::size_t service = 0;
  TargetTrackingPolicy policy;
};

class TargetTrackingRunner {
 public:
  TargetTrackingRunner(Engine& engine, std::vector<TrackedGroup> groups, NodeGroupScaleTarget& target,
                       const std::vector<std::unique_ptr<Service>>& services);
  void start();

 private:
  struct Bound {
    TrackedGroup tracked;
    TargetTrackingController controller;
  };
  void evaluate(std::size_t i);

  Engine& engine_;
  NodeGroupScaleTarget& target_;
  const std::vector<std::unique_ptr<Service>>& services_;
  std::vector<Bound> groups_;
};

}  // namespace capsim
