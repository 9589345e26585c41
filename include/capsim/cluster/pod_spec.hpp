#pragma once
// A pod as the schedulers see it: its requests and the node constraints it carries.
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/catalog/topology_spread.hpp"

namespace capsim {

/// Requests of a pod, or free room on a node. `pods` counts pod slots (one per pod).
struct ResourceList {
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_mib = 0;
  int gpus = 0;  // accelerator devices of `device` (nvidia.com/gpu unless said otherwise)
  int pods = 1;
  DeviceResource device = DeviceResource::NvidiaGpu;
};

struct PodSpec {
  std::string name;
  ResourceList requests;
  Requirements requirements;  // everything a node must satisfy: `affinity` and the serving types
  std::vector<Toleration> tolerations;
  /// The pod's own required node affinity / node selector, as its manifest says.
  Requirements affinity{};
  /// The instance types its service has a throughput for (empty: no such restriction). capsim runs
  /// a replica only there, so explanations name this restriction rather than the requirement it becomes.
  std::vector<std::string> serving_types{};
  /// Its topologySpreadConstraints; the pods they count are those of `workload` (its service).
  std::vector<TopologySpreadConstraint> topology_spread{};
  std::string workload{};
};

}  // namespace capsim
