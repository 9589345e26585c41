// A voluntary drain, part of a node's life: the node is cordoned and each of its pods evicted
// through the Eviction API (policy/v1). A pod whose PodDisruptionBudget allows no disruption now
// is refused (429) and tried again after the drainer's back-off; its evicted siblings go pending,
// are placed elsewhere and, once Ready, raise the budget again. The node is billed until its last
// pod is gone, then terminated.
#include <algorithm>

#include "capsim/cluster/node_lifecycle.hpp"

namespace capsim {

void NodeLifecycle::drain_node(std::size_t id, const char* reason, const EvictionRetry& retry, std::function<void()> abandoned) {
  Node& n = state_.nodes()[id];
  if (n.gone || drains_.count(id)) return;
  const bool budgeted = std::any_of(n.pods.begin(), n.pods.end(), [&](std::size_t p) {
    return replicas_.has_disruption_budget(state_.pods()[p].service);
  });
  if (!budgeted) {
    // Nothing can refuse an eviction: every pod goes at once.
    if (reason) {
      remove_node(id, reason);
    } else {
      replicas_.evict(id);
      place_pending();
    }
    return;
  }
  const SimTime now = run_.now();
  if (n.cordoned_at < 0) n.cordoned_at = now;
  n.cordoned = true;
  drains_[id] = Drain{reason, retry, std::move(abandoned)};
  if (retry.give_up_after) run_.engine.schedule_at(now + *retry.give_up_after, [this, id] { abandon_drain(id); }, kPriorityCluster);
  // The pods in the order they were bound, each asked once now; the refused ones come back alone.
  const std::vector<std::size_t> pods = n.pods;
  for (std::size_t p : pods) try_evict(id, p, 0);
}

void NodeLifecycle::try_evict(std::size_t id, std::size_t pod, int refusals) {
  auto d = drains_.find(id);
  if (d == drains_.end()) return;  // the node went (a reclaim) or the drain was abandoned
  const Pod& p = state_.pods()[pod];
  if (p.removed || p.node != static_cast<std::ptrdiff_t>(id)) return;  // scaled away meanwhile
  if (!replicas_.eviction_allowed(pod)) {
    const SimDuration wait = d->second.retry.delay_after(refusals + 1);
    run_.engine.schedule_at(run_.now() + wait, [this, id, pod, refusals] { try_evict(id, pod, refusals + 1); }, kPriorityCluster);
    return;
  }
  replicas_.evict_pod(pod);
  if (state_.nodes()[id].pods.empty() && d->second.reason) {
    const char* reason = d->second.reason;
    drains_.erase(d);
    remove_node(id, reason);
    return;
  }
  if (state_.nodes()[id].pods.empty()) drains_.erase(d);
  place_pending();
}

void NodeLifecycle::abandon_drain(std::size_t id) {
  auto d = drains_.find(id);
  if (d == drains_.end()) return;
  std::function<void()> abandoned = std::move(d->second.abandoned);
  drains_.erase(d);
  Node& n = state_.nodes()[id];
  if (n.gone) return;
  n.cordoned = false;
  n.cordoned_at = -1;
  state_.changed();
  if (abandoned) abandoned();
  place_pending();
}

}  // namespace capsim
