#include "capsim/cluster/pod_scheduler.hpp"

#include <optional>
#include <set>
#include <vector>

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
  // Pending pods by index, each to the first node (by ascending id) that fits it. Within one pass
  // nodes only fill up, so a node that did not fit a pod of a service fits no later pod of it
  // either: each service's scan resumes where its last pod went, and once it has run past the last
  // node the service's other pods wait too. A pass costs pending pods + nodes × services, not
  // pods × nodes.
  const std::set<std::size_t>& pending = replicas_.pending();
  if (pending.empty()) return;
  const std::vector<std::size_t>& ids = state_.live_node_ids();
  std::vector<std::size_t> resume(services_.size(), 0);
  std::size_t exhausted = 0;  // services no node fits any more
  bool left = false;
  // Binding takes the pod out of the set, so each step looks up the next index after this one.
  auto after = [&](std::size_t p) -> std::optional<std::size_t> {
    auto it = pending.upper_bound(p);
    return it == pending.end() ? std::nullopt : std::optional<std::size_t>(*it);
  };
  for (std::optional<std::size_t> p = *pending.begin(); p; p = after(*p)) {
    const std::size_t s = state_.pods()[*p].service;
    std::size_t& k = resume[s];
    if (k < ids.size()) {
      while (k < ids.size() && !fits(state_.nodes()[ids[k]], s)) ++k;
      if (k < ids.size()) {
        replicas_.bind(*p, ids[k]);
        continue;
      }
      ++exhausted;
    }
    left = true;
    if (exhausted == services_.size()) break;
  }
  if (left && unplaced_) unplaced_();
}

}  // namespace capsim
