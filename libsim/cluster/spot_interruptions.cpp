// Spot interruption handling, part of a node's life: a reclaim is scheduled at launch (the market
// draws when, if ever, in the window); a rebalance recommendation before it is only counted (it is
// an event, as Karpenter treats it); at the notice the node is cordoned, its pool avoided for the
// unavailable period, and its owner told (a node group launches a replacement at once; a Karpenter
// node is drained and its pods provisioned for); at the reclaim, pods still on it stop abruptly.
#include <algorithm>

#include "capsim/cluster/node_lifecycle.hpp"

namespace capsim {

void NodeLifecycle::schedule_reclaim(std::size_t id, SimTime at) {
  const SimTime now = run_.now();
  const auto& spec = run_.market.spec();
  if (spec.rebalance_lead) {
    run_.engine.schedule_at(std::max(now, at - spec.notice - *spec.rebalance_lead), [this, id] {
      if (!state_.nodes()[id].gone) ++run_.counters.rebalance_recommendations;
    }, kPriorityCluster);
  }
  run_.engine.schedule_at(std::max(now, at - spec.notice), [this, id] { notice(id); }, kPriorityCluster);
  run_.engine.schedule_at(at, [this, id] { reclaim(id); }, kPriorityCluster);
}

void NodeLifecycle::watch_availability(const std::vector<std::size_t>& pools) {
  // A recorded pool that drops below the instances running in it reclaims the excess (the most
  // recently launched first) with the usual notice.
  for (std::size_t p : pools) {
    const AvailabilityTrace* trace = run_.market.at(p).availability;
    if (!trace || trace->gap <= 0) continue;
    ensure_pool(p);
    for (std::size_t k = 1; k < trace->data.size(); ++k) {
      const SimTime at = static_cast<SimTime>(k) * trace->gap;
      if (at >= run_.window_end) break;
      const int before = trace->capacity_at(at - 1), after = trace->capacity_at(at);
      const bool drop = after >= 0 && (before < 0 || after < before);
      if (!drop) continue;
      run_.engine.schedule_at(std::max<SimTime>(0, at - run_.market.spec().notice), [this, p, at, after] {
        std::vector<std::size_t> running;
        for (std::size_t id : state_.live_node_ids())
          if (state_.nodes()[id].pool == p && !state_.nodes()[id].interrupted) running.push_back(id);
        for (std::size_t i = running.size(); i-- > static_cast<std::size_t>(after);) schedule_reclaim(running[i], at);
      }, kPriorityCluster);
    }
  }
}

void NodeLifecycle::notice(std::size_t id) {
  Node& n = state_.nodes()[id];
  if (n.gone || n.interrupted) return;
  n.interrupted = true;
  n.cordoned = true;
  if (n.cordoned_at < 0) n.cordoned_at = run_.now();
  ++run_.counters.interruptions;
  // The reclaimed offering is avoided for a while, and a replacement is launched at once: a node
  // group's by the group; Karpenter deletes the NodeClaim, whose termination drains the node
  // through the Eviction API (PodDisruptionBudgets respected, refusals retried), and provisions for
  // its pods. The instance is reclaimed at its time whatever is left on it.
  avoid(n.pool);
  if (n.group == kNoOwner) {
    drain_node(id, nullptr, kKarpenterEvictionRetry);
  } else {
    group_notice(n.group);
  }
}

void NodeLifecycle::reclaim(std::size_t id) {
  if (state_.nodes()[id].gone) return;
  if (!state_.nodes()[id].interrupted) notice(id);
  // Pods still on the node when the instance goes (nothing drained them) stop abruptly: the requests
  // they were serving are lost. Drained ones (Karpenter at the notice) finished theirs.
  replicas_.cut_off(id);
  remove_node(id, "spot-interruption");
}

}  // namespace capsim
