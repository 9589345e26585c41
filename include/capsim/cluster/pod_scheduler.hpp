#pragma once
// The kube-scheduler's part: pending pods placed first fit, services in order, on nodes that are
// not cordoned, have room for the pod's requests, offer its device, carry no taint it does not
// tolerate, match its node affinity and are of a type its service has a throughput for. Pods left
// pending are handed to the provisioner.
#include <functional>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

class PodScheduler {
 public:
  PodScheduler(ClusterState& state, ReplicaController& replicas, const std::vector<ServiceSpec>& services);
  /// What to do with pods no node could take (the provisioner's part).
  void set_unplaced(std::function<void()> f) { unplaced_ = std::move(f); }

  void place_pending();
  /// Whether a pod of `service` may be bound to node `n` now.
  bool fits(const Node& n, std::size_t service) const;

 private:
  ClusterState& state_;
  ReplicaController& replicas_;
  const std::vector<ServiceSpec>& services_;
  std::function<void()> unplaced_;
};

}  // namespace capsim
