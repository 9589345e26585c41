#pragma once
// The kube-scheduler's part: pending pods placed first fit, services in order, on nodes that are
// not cordoned, have room for the pod's requests, offer its device, carry no taint it does not
// tolerate, match its node affinity and are of a type its service has a throughput for. Pods left
// pending are handed to the provisioner. A service with topology spread constraints goes through
// kube-scheduler's PodTopologySpread (catalog/topology_spread.hpp): DoNotSchedule filters the nodes
// whose domain one more pod would put more than maxSkew above the least-populated eligible domain;
// ScheduleAnyway scores, and capsim takes the passing node whose domains hold the fewest of the
// service's pods (the first by id among equals), where kube-scheduler also weighs its other scores.
#include <functional>
#include <optional>
#include <string>
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
  /// Per constraint of `service`: its bound pods per domain of the live nodes its node affinity admits
  /// (nodeAffinityPolicy Honor; node taints do not matter, nodeTaintsPolicy Ignore).
  std::vector<DomainCounts> spread_counts(std::size_t service) const;
  /// The node's domain for `key`: its zone, or its name (id) for kubernetes.io/hostname.
  static std::string domain_of(const Node& n, std::size_t id, const std::string& key);

 private:
  /// The node a pod of `service` goes to under its spread constraints, or none, with in `refused`
  /// why the first node that fits it but for the spread does not take it.
  std::optional<std::size_t> spread_node(std::size_t service, const std::vector<DomainCounts>& counts, std::string& refused) const;

  ClusterState& state_;
  ReplicaController& replicas_;
  const std::vector<ServiceSpec>& services_;
  std::function<void()> unplaced_;
};

}  // namespace capsim
