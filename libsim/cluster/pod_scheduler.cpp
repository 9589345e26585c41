#include "capsim/cluster/pod_scheduler.hpp"

namespace capsim {

PodScheduler::PodScheduler(ClusterState& state, ReplicaController& replicas, const std::vector<ServiceSpec>& services)
    : state_(state), replicas_(replicas), services_(services) {}

bool PodScheduler::fits(const Node& n, std::size_t service) const {
  const ServiceSpec& svc = services_[service];
  return !n.gone && !n.cordoned && n.free.gpus >= svc.replica_gpus && n.free.cpu_millicores >= svc.replica_cpu_millicores &&
         (svc.replica_gpus == 0 || device_count(*n.type, svc.replica_device) > 0) && n.free.memory_mib >= svc.replica_memory_mib &&
         n.free.pods >= 1 && svc.throughput_rps.count(n.type->name) &&
         !first_untolerated(n.taints ? *n.taints : std::vector<Taint>{}, svc.tolerations) &&
         (svc.replica_requirements.empty() || svc.replica_requirements.matches(*n.labels));
}

void PodScheduler::place_pending() {
  bool left = false;
  auto& pods = state_.pods();
  for (std::size_t p = 0; p < pods.size(); ++p) {
    if (!pods[p].pending()) continue;
    bool placed = false;
    for (std::size_t id : state_.live_node_ids()) {
      if (!fits(state_.nodes()[id], pods[p].service)) continue;
      replicas_.bind(p, id);
      placed = true;
      break;
    }
    left = left || !placed;
  }
  if (left && unplaced_) unplaced_();
}

}  // namespace capsim
