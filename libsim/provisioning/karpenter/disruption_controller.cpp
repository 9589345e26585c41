#include "capsim/provisioning/karpenter/disruption_controller.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/pod_scheduler.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/provisioning/karpenter/karpenter_provisioner.hpp"

namespace capsim {

DisruptionController::DisruptionController(const ClusterControllers& cluster, KarpenterProvisioner& provisioner)
    : cluster_(cluster), provisioner_(provisioner) {
  // The methods, in the order Karpenter tries them: one line each.
  methods_.push_back(make_emptiness());
  methods_.push_back(make_drift());
  methods_.push_back(make_multi_node_consolidation());
  methods_.push_back(make_single_node_consolidation());

  cluster_.state.on_change([this] { request_poll(); });
  cluster_.state.on_pods_changed([this](std::size_t id) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.node_pool == kNoOwner) return;
    // The node becomes consolidatable when consolidateAfter has passed without another pod change:
    // that moment is a change of state too.
    const auto& after = provisioner_.spec().node_pools[n.node_pool].consolidate_after;
    const std::uint64_t version = n.pods_version;
    if (after && *after > 0)
      cluster_.run.engine.schedule_in(*after, [this, id, version] {
        if (!cluster_.state.nodes()[id].gone && cluster_.state.nodes()[id].pods_version == version) cluster_.state.changed();
      }, kPriorityCluster);
  });
  cluster_.nodes.on_ready([this](std::size_t id) {
    if (replacements_.count(id)) replacement_ready(id);
  });
  // A replacement that never became ready leaves the nodes it was for where they were.
  cluster_.nodes.on_removed([this](std::size_t id) {
    if (replacements_.count(id)) release_candidates(id);
  });
}

void DisruptionController::request_poll() {
  if (poll_pending_) return;
  poll_pending_ = true;
  const SimDuration every = provisioner_.spec().disruption_poll;
  const SimTime at = (cluster_.run.now() / every + 1) * every;
  if (at < cluster_.run.window_end) cluster_.run.engine.schedule_at(at, [this] { poll(); }, kPriorityCluster);
}

std::map<std::string, int> DisruptionController::budgets(DisruptionReason reason) const {
  // Per NodePool: its initialized (ready) nodes are the total; those already being deleted count
  // against what the budgets allow (Karpenter's BuildDisruptionBudgetMapping).
  const auto& pools = provisioner_.spec().node_pools;
  std::vector<int> total(pools.size(), 0), disrupting(pools.size(), 0);
  for (const Node& n : cluster_.state.live_nodes()) {
    if (n.node_pool == kNoOwner || !n.ready) continue;
    ++total[n.node_pool];
    if (n.disrupting || n.interrupted) ++disrupting[n.node_pool];
  }
  std::map<std::string, int> allowed;
  for (std::size_t p = 0; p < pools.size(); ++p)
    allowed[pools[p].scheduling.name] = allowed_disruptions(pools[p].budgets, reason, cluster_.run.utc_now(), total[p], disrupting[p]);
  return allowed;
}

std::vector<ConsolidationCandidate> DisruptionController::candidates(const DisruptionMethod& method) const {
  const SimTime now = cluster_.run.now();
  std::vector<ConsolidationCandidate> out;
  // A method that no NodePool's policy lets disrupt a node, empty or not, has no candidates: the
  // walk over the nodes is left out (consolidation methods under WhenEmpty, at every poll).
  const auto& pools = provisioner_.spec().node_pools;
  if (method.takes_drifted()) return drifted_candidates();
  if (std::none_of(pools.begin(), pools.end(), [&](const KarpenterNodePool& p) {
        return p.consolidate_after &&
               (method.should_disrupt(false, p.consolidation_policy) || method.should_disrupt(true, p.consolidation_policy));
      }))
    return out;
  for (std::size_t id : cluster_.state.live_node_ids()) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.node_pool == kNoOwner || n.cordoned || n.disrupting || !n.ready) continue;
    const KarpenterNodePool& pool = provisioner_.spec().node_pools[n.node_pool];
    if (!pool.consolidate_after) continue;  // consolidateAfter: Never
    if (pool.replicas) continue;            // a static NodePool is never consolidated
    if (!method.should_disrupt(!n.pods.empty(), pool.consolidation_policy)) continue;
    if (now - std::max(n.last_pod_change, n.ready_at) < *pool.consolidate_after) continue;
    if (budget_blocks(id)) continue;
    ConsolidationCandidate c = candidate(id);
    double lifetime_left = 1.0;
    if (pool.expire_after && *pool.expire_after > 0)
      lifetime_left = std::clamp(1.0 - static_cast<double>(now - n.created_at) / static_cast<double>(*pool.expire_after), 0.0, 1.0);
    c.disruption_cost = static_cast<double>(c.pods.size()) * lifetime_left;
    out.push_back(std::move(c));
  }
  return out;
}

bool DisruptionController::budget_blocks(std::size_t node) const {
  // Consolidation is a graceful disruption: Karpenter passes over a node one of whose pods a
  // PodDisruptionBudget protects with no disruption allowed now ("pdb prevents pod evictions"),
  // unless the pod is not Ready and its budget always allows evicting unhealthy pods.
  const ReplicaController& replicas = cluster_.replicas;
  const auto& pods = cluster_.state.nodes()[node].pods;
  return std::any_of(pods.begin(), pods.end(), [&](std::size_t id) { return replicas.disruption_blocked(id); });
}

ConsolidationCandidate DisruptionController::candidate(std::size_t id) const {
  const Node& n = cluster_.state.nodes()[id];
  ConsolidationCandidate c;
  c.node = std::to_string(id);
  c.node_pool = provisioner_.spec().node_pools[n.node_pool].scheduling.name;
  c.instance_type = n.type->name;
  c.capacity_type = cluster_.run.market.at(n.pool).offering.capacity_type;
  c.price_usd_per_h = provisioner_.decided_price(n.node_pool, n.pool);  // a NodeOverlay's price, if one applies
  for (std::size_t p : n.pods) c.pods.push_back(provisioner_.pod(p));
  return c;
}

std::vector<ConsolidationCandidate> DisruptionController::drifted_candidates() const {
  // Initialized nodes not already being disrupted, oldest drift first (ties by node, as launched).
  std::vector<std::pair<SimTime, std::size_t>> order;
  for (const auto& [id, at] : provisioner_.drifted()) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.gone || n.cordoned || n.disrupting || n.interrupted || !n.ready || budget_blocks(id)) continue;
    order.emplace_back(at, id);
  }
  std::sort(order.begin(), order.end());
  std::vector<ConsolidationCandidate> out;
  for (const auto& entry : order) out.push_back(candidate(entry.second));
  return out;
}

ClusterView DisruptionController::view() {
  view_pools_.clear();
  for (const auto& np : provisioner_.spec().node_pools)
    if (!np.replicas) view_pools_.push_back(np.scheduling);  // no replacement comes from a static NodePool
  view_nodes_ = provisioner_.existing_nodes();
  return ClusterView{&view_pools_, &view_nodes_, &provisioner_.snapshot()};
}

ConsolidationSettings DisruptionController::settings() const {
  ConsolidationSettings s{provisioner_.spec().spot_to_spot_consolidation, {}};
  const auto& pools = provisioner_.spec().node_pools;
  if (std::none_of(pools.begin(), pools.end(), [](const KarpenterNodePool& p) { return p.consolidation_policy == ConsolidationPolicy::Balanced; }))
    return s;
  // Every node counts in its NodePool's totals, candidates or not (a move's fractions are of the
  // whole NodePool).
  std::vector<BalancedPool> totals(pools.size());
  for (std::size_t p = 0; p < pools.size(); ++p) {
    totals[p].balanced = pools[p].consolidation_policy == ConsolidationPolicy::Balanced;
    totals[p].k = pools[p].consolidation_threshold;
  }
  for (const Node& n : cluster_.state.live_nodes()) {
    if (n.node_pool == kNoOwner) continue;
    totals[n.node_pool].cost_usd_per_h += provisioner_.decided_price(n.node_pool, n.pool);
    totals[n.node_pool].disruption_cost += 1.0 + static_cast<double>(n.pods.size());
  }
  for (std::size_t p = 0; p < pools.size(); ++p) s.pools[pools[p].scheduling.name] = totals[p];
  return s;
}

void DisruptionController::record_scores(const std::vector<MoveScore>& scores) {
  RunContext& run = cluster_.run;
  if (!run.explain) return;
  for (const MoveScore& m : scores) {
    ConsolidationScoreDecision d;
    d.sequence = run.next_decision();
    d.at_s = to_seconds(run.now());
    d.method = m.method;
    for (const auto& c : m.candidates) d.nodes.push_back(cluster_.state.nodes()[std::stoul(c)].type->name);
    d.savings_usd_per_h = m.savings_usd_per_h;
    d.savings_fraction = m.savings_fraction;
    d.disruption_cost = m.disruption_cost;
    d.disruption_fraction = m.disruption_fraction;
    d.score = m.score;
    d.threshold = m.threshold;
    d.approved = m.approved;
    run.decisions.consolidation_scores.push_back(std::move(d));
  }
}

void DisruptionController::poll() {
  poll_pending_ = false;
  if (validating_ || cluster_.state.revision() == evaluated_revision_) return;
  // Pods the provisioner is still placing come first (binding them is a change); pods it could not
  // place (limits, no type, no capacity) do not hold consolidation back.
  for (std::size_t p : cluster_.replicas.pending())
    if (!provisioner_.stuck().count(p)) return;
  const std::uint64_t revision = cluster_.state.revision();
  ++cluster_.run.counters.disruption_evaluations;
  bool constrained = false;
  const bool acted = disrupt(constrained);
  if (!acted && !constrained) evaluated_revision_ = revision;
  if (!acted && constrained) {
    // Held back by a budget: look again when a budget window opens or closes.
    std::optional<UtcTime> next;
    for (const auto& pool : provisioner_.spec().node_pools)
      if (auto t = next_budget_change_after(pool.budgets, cluster_.run.utc_now()); t && (!next || *t < *next)) next = t;
    if (next) {
      const SimTime at = std::chrono::duration_cast<std::chrono::microseconds>(*next - cluster_.run.start).count();
      if (at < cluster_.run.window_end) cluster_.run.engine.schedule_at(at, [this] { cluster_.state.changed(); }, kPriorityCluster);
    }
  }
}

bool DisruptionController::disrupt(bool& constrained) {
  const DisruptionInputs inputs{[this] { return view(); }, settings()};
  for (const auto& method : methods_) {
    std::vector<ConsolidationCandidate> set = candidates(*method);
    if (set.empty()) continue;
    ConsolidationCommand cmd = method->compute(std::move(set), budgets(method->reason()), inputs, constrained);
    record_scores(cmd.scores);
    if (cmd.action == ConsolidationAction::None) continue;
    if (method->takes_drifted()) {
      execute(cmd);
      return true;
    }
    std::vector<std::uint64_t> versions;
    for (const auto& c : cmd.candidates) versions.push_back(cluster_.state.nodes()[std::stoul(c)].pods_version);
    validate_and_execute(std::move(cmd), std::move(versions));
    return true;
  }
  return false;
}

void DisruptionController::validate_and_execute(ConsolidationCommand command, std::vector<std::uint64_t> versions) {
  validating_ = true;
  const std::uint64_t decided_at = cluster_.state.revision();
  cluster_.run.engine.schedule_in(provisioner_.spec().consolidation_validation,
                                  [this, decided_at, command = std::move(command), versions = std::move(versions)] {
    validating_ = false;
    // Valid only if every candidate is still there, undisturbed, and the decision still holds.
    bool valid = true;
    for (std::size_t i = 0; i < command.candidates.size() && valid; ++i) {
      const Node& n = cluster_.state.nodes()[std::stoul(command.candidates[i])];
      valid = !n.gone && !n.cordoned && !n.disrupting && n.pods_version == versions[i];
    }
    if (valid && command.method != "empty") {
      const auto& method = *std::find_if(methods_.begin(), methods_.end(), [&](const auto& m) { return m->name() == command.method; });
      std::vector<ConsolidationCandidate> all = candidates(*method), set;
      for (const auto& name : command.candidates) {
        auto it = std::find_if(all.begin(), all.end(), [&](const ConsolidationCandidate& c) { return c.node == name; });
        if (it == all.end()) valid = false;
        else set.push_back(*it);
      }
      if (valid) {
        ConsolidationCommand again = compute_consolidation(set, view(), {provisioner_.spec().spot_to_spot_consolidation});
        valid = again.action == command.action;
        if (valid) {
          again.method = command.method;
          execute(again);
        }
      }
    } else if (valid) {
      execute(command);
    }
    // Abandoned with nothing changed since the decision: the same decision would come again, so the
    // cluster counts as evaluated until it changes.
    if (!valid && cluster_.state.revision() == decided_at) evaluated_revision_ = decided_at;
    request_poll();
  }, kPriorityCluster);
}

void DisruptionController::execute(const ConsolidationCommand& command) {
  RunContext& run = cluster_.run;
  const SimTime now = run.now();
  auto& nodes = cluster_.state.nodes();
  std::vector<std::size_t> ids;
  for (const auto& c : command.candidates) ids.push_back(std::stoul(c));
  const bool drift = command.method == "drift";
  std::optional<std::size_t> replacement;
  if (command.action == ConsolidationAction::Replace) {
    replacement = provisioner_.launch(*command.replacement);
    if (!replacement) return;  // no capacity for the replacement: the nodes stay as they are
    if (!drift) ++run.counters.consolidation_replacements;
  }
  if (run.explain) {
    ConsolidationDecision d;
    d.sequence = run.next_decision();
    d.at_s = to_seconds(now);
    d.method = command.method;
    for (std::size_t id : ids) {
      const Node& n = nodes[id];
      d.nodes.push_back({n.type->name, std::string(to_string(run.market.at(n.pool).offering.capacity_type)), static_cast<int>(n.pods.size())});
    }
    d.nodes_price_usd_per_h = command.candidates_price_usd_per_h;
    if (replacement) {
      const Node& r = nodes[*replacement];
      d.replaced = true;
      d.replacement_type = r.type->name;
      d.replacement_capacity_type = std::string(to_string(run.market.at(r.pool).offering.capacity_type));
      d.replacement_price_usd_per_h = provisioner_.decided_price(r.node_pool, r.pool);  // the price decided by, as the candidates
      d.replacement_types_in_request = static_cast<int>(command.replacement->instance_types.size());
    }
    run.decisions.consolidations.push_back(std::move(d));
  }
  if (!replacement) {
    for (std::size_t id : ids) {
      if (!drift) ++run.counters.consolidations;
      nodes[id].disrupting = true;
      cluster_.nodes.drain_node(id, drift ? "drifted" : "consolidation", kKarpenterEvictionRetry);
    }
    return;
  }
  // Karpenter taints the candidates (karpenter.sh/disrupted:NoSchedule) and drains them once the
  // replacement is ready.
  for (std::size_t id : ids) {
    nodes[id].cordoned = true;
    nodes[id].cordoned_at = now;
    nodes[id].disrupting = true;
  }
  replacements_[*replacement] = Replacing{ids, drift};
  if (nodes[*replacement].ready) replacement_ready(*replacement);
}

void DisruptionController::replacement_ready(std::size_t node) {
  auto it = replacements_.find(node);
  if (it == replacements_.end()) return;
  const Replacing replacing = std::move(it->second);
  replacements_.erase(it);
  for (std::size_t id : replacing.nodes) {
    if (cluster_.state.nodes()[id].gone) continue;
    if (!replacing.drifted) ++cluster_.run.counters.consolidations;
    cluster_.nodes.drain_node(id, replacing.drifted ? "drifted" : "consolidation", kKarpenterEvictionRetry);
  }
}

void DisruptionController::release_candidates(std::size_t replacement) {
  auto it = replacements_.find(replacement);
  if (it == replacements_.end()) return;
  for (std::size_t id : it->second.nodes) {
    Node& n = cluster_.state.nodes()[id];
    if (n.gone || n.interrupted) continue;
    n.cordoned = false;
    n.cordoned_at = -1;
    n.disrupting = false;
  }
  replacements_.erase(it);
  cluster_.scheduler.place_pending();
}

}  // namespace capsim
