#include "capsim/cluster/cluster_state.hpp"

#include <algorithm>

namespace capsim {

ClusterState::ClusterState(std::vector<PodSpec> templates) : templates_(std::move(templates)), bound_s_(templates_.size(), 0.0) {}

std::size_t ClusterState::add_node(Node node) {
  const std::size_t id = nodes_.size();
  nodes_.push_back(std::move(node));
  live_.push_back(id);
  return id;
}

void ClusterState::mark_gone(std::size_t id) {
  nodes_[id].gone = true;
  live_.erase(std::lower_bound(live_.begin(), live_.end(), id));
}

void ClusterState::bind(std::size_t p, std::size_t n, SimTime now) {
  Pod& pod = pods_[p];
  Node& node = nodes_[n];
  const ResourceList& r = templates_[pod.service].requests;
  node.free.gpus -= r.gpus;
  node.free.cpu_millicores -= r.cpu_millicores;
  node.free.memory_mib -= r.memory_mib;
  node.free.pods -= 1;
  node.pods.push_back(p);
  pod.node = static_cast<std::ptrdiff_t>(n);
  pod.bound_since = now;
  pod.unschedulable_counted = false;
  pod.unschedulable.clear();
  ++node.binds;
}

void ClusterState::account_unbind(std::size_t p, SimTime now) {
  Pod& pod = pods_[p];
  if (pod.node < 0 || pod.bound_since < 0) return;
  Node& n = nodes_[static_cast<std::size_t>(pod.node)];
  const double dt = to_seconds(now - pod.bound_since);
  if (n.share_s.empty()) n.share_s.assign(templates_.size(), 0.0);
  n.share_s[pod.service] += dt * request_share(n, pod.service);
  bound_s_[pod.service] += dt;
  pod.bound_since = -1;
  for (auto& f : on_unbound_) f(p, static_cast<std::size_t>(pod.node), dt);
}

void ClusterState::release(std::size_t p) {
  const Pod& pod = pods_[p];
  Node& n = nodes_[static_cast<std::size_t>(pod.node)];
  const ResourceList& r = templates_[pod.service].requests;
  n.free.gpus += r.gpus;
  n.free.cpu_millicores += r.cpu_millicores;
  n.free.memory_mib += r.memory_mib;
  n.free.pods += 1;
}

double ClusterState::request_share(const Node& n, std::size_t service) const {
  const ResourceList& r = templates_[service].requests;
  // A pod's share of a time-sliced GPU node is its slice: 1 of the 4 a NodeOverlay advertises.
  if (const int devices = n.overlay_devices > 0 ? n.overlay_devices : n.type->gpus + n.type->accelerators; devices > 0)
    return std::min(1.0, static_cast<double>(r.gpus) / devices);
  double share = 0;
  if (n.type->alloc_cpu_millicores > 0) share = static_cast<double>(r.cpu_millicores) / n.type->alloc_cpu_millicores;
  if (n.type->alloc_memory_mib > 0) share = std::max(share, static_cast<double>(r.memory_mib) / n.type->alloc_memory_mib);
  if (share == 0 && n.type->alloc_pods > 0) share = 1.0 / n.type->alloc_pods;  // a pod that requests nothing still takes a slot
  return std::min(1.0, share);
}

std::vector<double> ClusterState::bound_seconds(SimTime now) const {
  std::vector<double> out = bound_s_;
  for (const Pod& p : pods_)
    if (p.node >= 0 && !p.removed && p.bound_since >= 0) out[p.service] += to_seconds(now - p.bound_since);
  return out;
}

std::vector<NodeAllocation> ClusterState::allocations(SimTime now) const {
  std::vector<NodeAllocation> out;
  out.reserve(nodes_.size());
  for (const Node& n : nodes_) {
    NodeAllocation a{n.ledger_line, n.share_s};
    a.share_s.resize(templates_.size(), 0.0);
    for (std::size_t p : n.pods) {
      const Pod& pod = pods_[p];
      if (pod.bound_since >= 0) a.share_s[pod.service] += to_seconds(now - pod.bound_since) * request_share(n, pod.service);
    }
    out.push_back(std::move(a));
  }
  return out;
}

void ClusterState::changed() {
  ++revision_;
  for (const auto& f : on_change_) f();
}

void ClusterState::pods_changed(std::size_t n, SimTime now) {
  Node& node = nodes_[n];
  node.last_pod_change = now;
  ++node.pods_version;
  changed();
  for (const auto& f : on_pods_changed_) f(n);
}

}  // namespace capsim
