#include "capsim/cluster/pod_scheduler.hpp"

#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

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
  std::vector<std::optional<std::vector<DomainCounts>>> spread(services_.size());  // by service, computed when first needed
  for (std::optional<std::size_t> p = *pending.begin(); p; p = after(*p)) {
    const std::size_t s = state_.pods()[*p].service;
    if (!services_[s].topology_spread.empty()) {
      // Each pod sees the counts the pods before it left: scanned whole, without the resume point
      // (a node refused for the skew may take the next pod once other domains have filled).
      std::optional<std::vector<DomainCounts>>& counts = spread[s];
      if (!counts) counts = spread_counts(s);
      std::string refused;
      if (const auto id = spread_node(s, *counts, refused)) {
        replicas_.bind(*p, *id);
        for (std::size_t c = 0; c < counts->size(); ++c)
          if (std::string d = domain_of(state_.nodes()[*id], *id, services_[s].topology_spread[c].key); !d.empty()) ++(*counts)[c][d];
        continue;
      }
      // Its PodScheduled message, unless a provisioner has said more.
      if (Pod& pod = state_.pods()[*p]; !refused.empty() && pod.unschedulable.empty()) pod.unschedulable = refused;
      left = true;
      continue;
    }
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

std::string PodScheduler::domain_of(const Node& n, std::size_t id, const std::string& key) {
  if (key == label::kHostname) return std::to_string(id);
  auto it = n.labels->find(key);
  return it == n.labels->end() ? std::string() : it->second;
}

std::vector<DomainCounts> PodScheduler::spread_counts(std::size_t service) const {
  const ServiceSpec& svc = services_[service];
  std::vector<DomainCounts> out(svc.topology_spread.size());
  for (std::size_t id : state_.live_node_ids()) {
    const Node& n = state_.nodes()[id];
    if (!svc.replica_requirements.empty() && !svc.replica_requirements.matches(*n.labels)) continue;
    int mine = 0;
    for (std::size_t p : n.pods) {
      const Pod& pod = state_.pods()[p];
      mine += pod.service == service && pod.node == static_cast<std::ptrdiff_t>(id) && !pod.removed ? 1 : 0;
    }
    for (std::size_t c = 0; c < out.size(); ++c)
      if (std::string d = domain_of(n, id, svc.topology_spread[c].key); !d.empty()) out[c][d] += mine;
  }
  return out;
}

std::optional<std::size_t> PodScheduler::spread_node(std::size_t service, const std::vector<DomainCounts>& counts,
                                                      std::string& refused) const {
  const std::vector<TopologySpreadConstraint>& spread = services_[service].topology_spread;
  std::vector<int> mins;
  for (std::size_t c = 0; c < spread.size(); ++c) mins.push_back(spread_global_min(spread[c], counts[c]));
  std::optional<std::size_t> best;
  long best_score = 0;
  for (std::size_t id : state_.live_node_ids()) {
    const Node& n = state_.nodes()[id];
    if (!fits(n, service)) continue;
    bool ok = true;
    long score = 0;  // the service's pods in the node's ScheduleAnyway domains: fewer is better
    for (std::size_t c = 0; c < spread.size() && ok; ++c) {
      const std::string d = domain_of(n, id, spread[c].key);
      auto it = counts[c].find(d);
      if (spread[c].schedule_anyway) score += it == counts[c].end() ? 0 : it->second;
      else ok = it != counts[c].end() && spread_allows(spread[c], counts[c], d, mins[c]);
      if (!ok && refused.empty())
        refused = fmt::format("no node keeps its topology spread; node {}: {}", id,
                              it == counts[c].end() ? fmt::format("no {} label", spread[c].key) : spread_violation(spread[c], counts[c], d, mins[c]));
    }
    if (ok && (!best || score < best_score)) {
      best = id;
      best_score = score;
    }
  }
  return best;
}

}  // namespace capsim
