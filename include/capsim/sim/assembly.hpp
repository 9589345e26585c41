#pragma once
// One policy's components on one engine, wired together: the service models, the cluster state
// and its controllers (replicas, node life, node groups, scheduler), the policy's provisioner, and
// the autoscalers, and the Job controller for batch work. run_replicate builds one, runs it and collects its results.
#include <memory>
#include <string>
#include <vector>

#include "capsim/autoscale/hpa_runner.hpp"
#include "capsim/autoscale/target_tracking_runner.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/job_controller.hpp"
#include "capsim/cluster/node_groups.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/pod_scheduler.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/provisioning/provisioner.hpp"
#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/sim/demand_draws.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

class Assembly {
 public:
  /// `draws`: the replicate's demand shared with the other policies' runs (none: drawn here).
  Assembly(const Scenario& scenario, const PolicySpec& policy, int replicate, bool explain, DemandDraws* draws = nullptr);
  Assembly(const Assembly&) = delete;
  Assembly& operator=(const Assembly&) = delete;

  /// Launches the node groups, places the first pods and starts the provisioner and autoscalers.
  void start();

  /// What the run counts and decides, filled as it goes.
  struct Record {
    WorldDraw world;  // the replicate's draw of the uncertain world (the same for every policy)
    FleetSummary counters;
    Decisions decisions;
  };

  /// What runs on the cluster: per pod template (the services', then batch work's) its spec and
  /// the model its pods report to.
  struct Workloads {
    std::vector<ServiceSpec> pod_specs;
    std::vector<std::unique_ptr<Service>> services;
  };
  /// The controllers that resize: HPAs (and KEDA's) on replicas, target tracking on node groups.
  struct Autoscalers {
    HpaRunner hpas;
    TargetTrackingRunner target_tracking;
  };

  const PolicySpec& policy;
  Engine engine;
  Ledger ledger;
  Workloads workloads;
  SpotMarket market;
  Record record;
  RunContext run;
  ClusterState state;
  ReplicaController replicas;
  NodeLifecycle nodes;
  NodeGroupController groups;
  PodScheduler scheduler;
  std::unique_ptr<Provisioner> provisioner;
  Autoscalers autoscalers;
  std::unique_ptr<JobController> jobs;  // with batch work
};

/// Per service, the shape of its pods: its requests, its node affinity narrowed to the types it has
/// a throughput for, its tolerations; named after the service.
std::vector<PodSpec> pod_templates(const std::vector<ServiceSpec>& services);

}  // namespace capsim
