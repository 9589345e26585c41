#pragma once
// The target tracking policies of a run's plain Auto Scaling groups: every metric period each reads
// its metric from the service model (as CloudWatch would, `collection_lag` late), lets its
// TargetTrackingController decide, and sets the group's desired capacity.
#include <vector>

#include "capsim/autoscale/target_tracking.hpp"
#include "capsim/cluster/fleet_controller.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/workload/service_model.hpp"

namespace capsim {

class TargetTrackingRunner {
 public:
  TargetTrackingRunner(Engine& engine, const PolicySpec& policy, FleetController& fleet, const std::vector<ServiceModel>& services);
  void start();

 private:
  struct Bound {
    std::size_t group;
    std::size_t service;
    const TargetTrackingPolicy* policy;
    TargetTrackingController controller;
  };
  void evaluate(std::size_t i);

  Engine& engine_;
  const PolicySpec& policy_;
  FleetController& fleet_;
  const std::vector<ServiceModel>& services_;
  std::vector<Bound> groups_;
};

}  // namespace capsim
