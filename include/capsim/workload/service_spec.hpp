#pragma once
// A service as the scenario gives it: its demand, its pods (requests, limits, affinity,
// tolerations, start-up latency) and how fast a replica serves on each instance type, its SLA and
// its labels.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/catalog/topology_spread.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/core/tags.hpp"
#include "capsim/trace/request_log.hpp"
#include "capsim/workload/fluid/fluid_queue.hpp"
#include "capsim/workload/pod_disruption_budget.hpp"
#include "capsim/workload/request/request_spec.hpp"

namespace capsim {

/// Kubernetes' default terminationGracePeriodSeconds (PodSpec, 30 s).
inline constexpr SimDuration kPodTerminationGracePeriod = 30 * kMicrosPerSecond;

enum class ArrivalModel {
  Poisson,   // requests in a period ~ Poisson(trace value × scale)
  Expected,  // exactly trace value × scale (deterministic planning)
  Log,       // a request log replayed as recorded: its requests at their own times (and tokens)
};

struct DemandSpec {
  std::string trace;
  double scale = 1.0;
  ArrivalModel arrivals = ArrivalModel::Poisson;
  std::shared_ptr<const RequestLog> log;  // with ArrivalModel::Log
};

struct SlaSpec {
  double max_wait_s = 0;
  OverloadAction on_overload = OverloadAction::Drop;
  // The share of the window's requests to serve within max_wait_s; a replicate that serves fewer
  // breaches the objective (compare's P(SLO breach)). None: no such objective.
  std::optional<double> target_served_share;
};

/// What a ready replica uses when it serves nothing (idle) and when it serves its full throughput
/// (busy); an HPA's Resource metric reads the use in between, linear in the share it serves.
struct UseByLoad {
  std::optional<std::int64_t> idle_cpu_millicores, busy_cpu_millicores;
  std::optional<std::int64_t> idle_memory_mib, busy_memory_mib;
};

struct ServiceSpec {
  std::string name;
  DemandSpec demand;
  int replica_gpus = 1;  // accelerator devices per replica, of `replica_device`
  double concurrency = 1;  // requests a replica serves at once (in flight, lost if it stops abruptly)
  DeviceResource replica_device = DeviceResource::NvidiaGpu;  // nvidia.com/gpu or aws.amazon.com/neuron
  std::int64_t replica_cpu_millicores = 0;  // pod requests (cpu, memory) besides nvidia.com/gpu
  std::int64_t replica_memory_mib = 0;
  Requirements replica_requirements;         // the pod's required node affinity
  std::optional<Distribution> startup_s;  // pod bound → ready, as one figure...
  std::optional<Distribution> image_pull_s;  // ...or as its parts: image pull,
  std::optional<Distribution> model_load_s;  // and model load to serving
  bool has_startup_latency() const { return startup_s || image_pull_s; }
  int replicas = 0;
  std::map<std::string, double> throughput_rps;  // per replica, by instance type
  SlaSpec sla;
  Tags tags;
  std::string namespace_name = "default";  // its pods' Kubernetes namespace (ResourceQuota)
  std::vector<Toleration> tolerations;      // the pod's tolerations (for GPU taints)
  std::vector<TopologySpreadConstraint> topology_spread{};  // over the service's own pods
  std::optional<std::int64_t> limit_cpu_millicores;  // limits (Kubernetes: a missing request defaults to its limit)
  std::optional<std::int64_t> limit_memory_mib;
  std::optional<std::int64_t> usage_cpu_millicores;  // what a replica actually uses on average (default: its request)
  std::optional<std::int64_t> usage_memory_mib;
  UseByLoad use_by_load;  // for HPA Resource metrics
  // terminationGracePeriodSeconds: a stopping pod's requests in service have this long to finish.
  SimDuration termination_grace_period = kPodTerminationGracePeriod;
  ServiceModelKind model = ServiceModelKind::Fluid;
  RequestModelSpec request;   // with the request-level model
  std::optional<SloSpec> slo;  // its service level objective (request-level model)
  std::optional<PodDisruptionBudget> disruption_budget;  // a PodDisruptionBudget over its pods
};

}  // namespace capsim
