#pragma once
// The HPAs of a run: every sync period each reads its metrics from the service model (as a metrics
// pipeline would, `collection_lag` late) and sets the service's desired replicas through the
// replica controller; cron schedules change their minReplicas/maxReplicas.
#include <memory>
#include <vector>

#include "capsim/core/cron.hpp"
#include "capsim/autoscale/hpa.hpp"
#include "capsim/cluster/fleet_controller.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/workload/service_model.hpp"

namespace capsim {

class HpaRunner {
 public:
  HpaRunner(Engine& engine, const Scenario& scenario, const PolicySpec& policy, FleetController& fleet,
            const std::vector<ServiceModel>& services);
  /// An External metric's value at `t`: the trace's value of the period holding t.
  double external_value(const std::string& trace, SimTime t) const;
  void start();

 private:
  struct Bound {
    std::size_t service;
    HpaConfig config;
    HpaController controller;
  };
  void sync(std::size_t i);
  void fire(std::size_t schedule);

  Engine& engine_;
  const Scenario& scenario_;
  const PolicySpec& policy_;
  FleetController& fleet_;
  const std::vector<ServiceModel>& services_;
  std::vector<Bound> hpas_;
  std::vector<CronSchedule> schedules_;
};

}  // namespace capsim
