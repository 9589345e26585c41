// Karpenter's disruption controller as part of FleetController (../shared/MODEL.md "Consolidation";
// kubernetes-sigs/karpenter pkg/controllers/disruption). It polls every disruption_poll, but only
// while the cluster has changed since its last fruitless evaluation (Karpenter's "consolidated
// state"), so quiet hours cost nothing. Each evaluation tries, in order: empty nodes (deleted, as
// many as the NodePools' Empty budgets allow), multi-node and single-node consolidation of
// underutilized nodes (karpenter_consolidation; Underutilized budgets). A decision is re-validated
// after consolidation_validation (Karpenter's consolidationTTL, 15 s) and only then carried out:
// deletions drain at once; a replacement is launched first, its candidates cordoned, and they are
// drained when it is ready (or released if it never comes). Evicted pods restart wherever there is
// room, after their start-up latency, which is what their in-flight work costs the SLA.
//
// expireAfter: in Karpenter v1 expiration is forceful: the node is drained and deleted at its
// expiry without consulting budgets or launching a replacement first; its pods go pending and are
// provisioned for like any others.
//
// Simplifications, said so nobody assumes otherwise: no decision is taken while pods wait for the
// provisioner (Karpenter simulates pending pods with the candidates' ones; here the provisioner acts
// first; pods it could not place do not hold consolidation back), and single-node candidates are not
// interleaved across NodePools.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "capsim/cluster/fleet_controller.hpp"

namespace capsim {

namespace {
constexpr std::int32_t kPriorityFleet = 0;
}

void FleetController::cluster_changed() {
  if (policy_.cluster.provisioner != Provisioner::Karpenter) return;
  ++cluster_state_;
  request_disruption_poll();
}

void FleetController::request_disruption_poll() {
  if (disruption_poll_pending_) return;
  disruption_poll_pending_ = true;
  const SimDuration poll = policy_.cluster.karpenter.disruption_poll;
  const SimTime at = (engine_.now() / poll + 1) * poll;
  if (at < scenario_.simulation.duration) engine_.schedule_at(at, [this] { karpenter_disruption_poll(); }, kPriorityFleet);
}

void FleetController::pods_changed(std::size_t id) {
  Node& n = nodes_[id];
  n.last_pod_change = engine_.now();
  const std::uint64_t version = ++n.pods_version;
  cluster_changed();
  if (n.node_pool == kNoGroup) return;
  // The node becomes consolidatable when consolidateAfter has passed without another pod change:
  // that moment is a change of state too.
  const auto& after = policy_.cluster.karpenter.node_pools[n.node_pool].consolidate_after;
  if (after && *after > 0)
    engine_.schedule_in(*after, [this, id, version] {
      if (!nodes_[id].gone && nodes_[id].pods_version == version) cluster_changed();
    }, kPriorityFleet);
}

const std::vector<Taint>& FleetController::node_taints(const Node& n) const {
  if (n.node_pool != kNoGroup) return policy_.cluster.karpenter.node_pools[n.node_pool].scheduling.taints;
  return policy_.cluster.node_groups[n.group].taints;
}

std::map<std::string, int> FleetController::karpenter_budgets(DisruptionReason reason) const {
  // Per NodePool: its initialized (ready) nodes are the total; those already being deleted count
  // against what the budgets allow (Karpenter's BuildDisruptionBudgetMapping).
  const auto& pools = policy_.cluster.karpenter.node_pools;
  std::vector<int> total(pools.size(), 0), disrupting(pools.size(), 0);
  for (const Node& n : live_nodes()) {
    if (n.node_pool == kNoGroup || !n.ready) continue;
    ++total[n.node_pool];
    if (n.disrupting || n.interrupted) ++disrupting[n.node_pool];
  }
  const UtcTime now = to_utc(scenario_.simulation.start, engine_.now());
  std::map<std::string, int> allowed;
  for (std::size_t p = 0; p < pools.size(); ++p)
    allowed[pools[p].scheduling.name] = allowed_disruptions(pools[p].budgets, reason, now, total[p], disrupting[p]);
  return allowed;
}

std::vector<ConsolidationCandidate> FleetController::consolidation_candidates(bool underutilized_only) const {
  const SimTime now = engine_.now();
  std::vector<ConsolidationCandidate> out;
  for (std::size_t id : live_nodes_) {
    const Node& n = nodes_[id];
    if (n.node_pool == kNoGroup || n.cordoned || n.disrupting || !n.ready) continue;
    const KarpenterNodePool& pool = policy_.cluster.karpenter.node_pools[n.node_pool];
    if (!pool.consolidate_after) continue;  // consolidateAfter: Never
    if (underutilized_only && pool.consolidation_policy != ConsolidationPolicy::WhenEmptyOrUnderutilized) continue;
    if (!underutilized_only && !n.replicas.empty()) continue;
    if (now - std::max(n.last_pod_change, n.ready_at) < *pool.consolidate_after) continue;
    ConsolidationCandidate c;
    c.node = std::to_string(id);
    c.node_pool = pool.scheduling.name;
    c.instance_type = n.type->name;
    c.capacity_type = market_.at(n.pool).offering.capacity_type;
    c.price_usd_per_h = market_.at(n.pool).prices->price_at(now);
    for (std::size_t r : n.replicas) c.pods.push_back(karpenter_pod(r));
    double lifetime_left = 1.0;
    if (pool.expire_after && *pool.expire_after > 0)
      lifetime_left = std::clamp(1.0 - static_cast<double>(now - n.created_at) / static_cast<double>(*pool.expire_after), 0.0, 1.0);
    c.disruption_cost = static_cast<double>(c.pods.size()) * lifetime_left;
    out.push_back(std::move(c));
  }
  return out;
}

ClusterView FleetController::cluster_view(std::vector<NodePoolSpec>& pools, std::vector<ExistingNode>& nodes) {
  pools.clear();
  for (const auto& np : policy_.cluster.karpenter.node_pools) pools.push_back(np.scheduling);
  nodes = karpenter_existing_nodes();
  return ClusterView{&pools, &nodes, &karpenter_snapshot()};
}

void FleetController::karpenter_disruption_poll() {
  disruption_poll_pending_ = false;
  if (disruption_validating_ || cluster_state_ == evaluated_state_) return;
  // Pods the provisioner is still placing come first (binding them is a change); pods it could not
  // place (limits, no type, no capacity) do not hold consolidation back.
  for (std::size_t r = 0; r < replicas_.size(); ++r)
    if (replicas_[r].node < 0 && !replicas_[r].removed && !stuck_.count(r)) return;
  const std::uint64_t state = cluster_state_;
  ++counters_.fleet.disruption_evaluations;
  bool constrained = false;
  const bool acted = karpenter_disrupt(constrained);
  if (!acted && !constrained) evaluated_state_ = state;
  if (!acted && constrained) {
    // Held back by a budget: look again when a budget window opens or closes.
    std::optional<UtcTime> next;
    const UtcTime now = to_utc(scenario_.simulation.start, engine_.now());
    for (const auto& pool : policy_.cluster.karpenter.node_pools)
      if (auto t = next_budget_change_after(pool.budgets, now); t && (!next || *t < *next)) next = t;
    if (next) {
      const SimTime at = std::chrono::duration_cast<std::chrono::microseconds>(*next - scenario_.simulation.start).count();
      if (at < scenario_.simulation.duration) engine_.schedule_at(at, [this] { cluster_changed(); }, kPriorityFleet);
    }
  }
}

bool FleetController::karpenter_disrupt(bool& constrained) {
  // Empty nodes first: no simulation needed, as many as the Empty budgets allow.
  {
    std::map<std::string, int> allowed = karpenter_budgets(DisruptionReason::Empty);
    ConsolidationCommand cmd;
    cmd.action = ConsolidationAction::Delete;
    for (const ConsolidationCandidate& c : consolidation_candidates(false)) {
      int& left = allowed[c.node_pool];
      if (left <= 0) {
        constrained = true;
        continue;
      }
      --left;
      cmd.candidates.push_back(c.node);
      cmd.candidates_price_usd_per_h += c.price_usd_per_h;
    }
    if (!cmd.candidates.empty()) {
      cmd.method = "empty";
      std::vector<std::uint64_t> versions;
      for (const auto& c : cmd.candidates) versions.push_back(nodes_[std::stoul(c)].pods_version);
      validate_and_execute(std::move(cmd), std::move(versions));
      return true;
    }
  }
  std::vector<ConsolidationCandidate> candidates = consolidation_candidates(true);
  if (candidates.empty()) return false;
  const std::map<std::string, int> allowed = karpenter_budgets(DisruptionReason::Underutilized);
  for (const auto& c : candidates)
    if (auto it = allowed.find(c.node_pool); it != allowed.end() && it->second <= 0) constrained = true;
  std::vector<NodePoolSpec> pools;
  std::vector<ExistingNode> nodes;
  const ClusterView view = cluster_view(pools, nodes);
  const ConsolidationSettings settings{policy_.cluster.karpenter.spot_to_spot_consolidation};
  ConsolidationCommand cmd = multi_node_consolidation(candidates, allowed, view, settings);
  if (cmd.action == ConsolidationAction::None) {
    cmd = single_node_consolidation(std::move(candidates), allowed, view, settings);
    if (cmd.action == ConsolidationAction::None) return false;
  }
  std::vector<std::uint64_t> versions;
  for (const auto& c : cmd.candidates) versions.push_back(nodes_[std::stoul(c)].pods_version);
  validate_and_execute(std::move(cmd), std::move(versions));
  return true;
}

void FleetController::validate_and_execute(ConsolidationCommand command, std::vector<std::uint64_t> versions) {
  disruption_validating_ = true;
  const std::uint64_t decided_at = cluster_state_;
  engine_.schedule_in(policy_.cluster.karpenter.consolidation_validation, [this, decided_at, command = std::move(command), versions = std::move(versions)] {
    disruption_validating_ = false;
    // Valid only if every candidate is still there, undisturbed, and the decision still holds.
    bool valid = true;
    for (std::size_t i = 0; i < command.candidates.size() && valid; ++i) {
      const Node& n = nodes_[std::stoul(command.candidates[i])];
      valid = !n.gone && !n.cordoned && !n.disrupting && n.pods_version == versions[i];
    }
    if (valid && command.method != "empty") {
      std::vector<ConsolidationCandidate> all = consolidation_candidates(true), set;
      for (const auto& name : command.candidates) {
        auto it = std::find_if(all.begin(), all.end(), [&](const ConsolidationCandidate& c) { return c.node == name; });
        if (it == all.end()) valid = false;
        else set.push_back(*it);
      }
      if (valid) {
        std::vector<NodePoolSpec> pools;
        std::vector<ExistingNode> nodes;
        const ClusterView view = cluster_view(pools, nodes);
        ConsolidationCommand again = compute_consolidation(set, view, {policy_.cluster.karpenter.spot_to_spot_consolidation});
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
    if (!valid && cluster_state_ == decided_at) evaluated_state_ = decided_at;
    request_disruption_poll();
  }, kPriorityFleet);
}

void FleetController::execute(const ConsolidationCommand& command) {
  const SimTime now = engine_.now();
  std::vector<std::size_t> ids;
  for (const auto& c : command.candidates) ids.push_back(std::stoul(c));
  std::optional<std::size_t> replacement;
  if (command.action == ConsolidationAction::Replace) {
    replacement = karpenter_launch(*command.replacement);
    if (!replacement) return;  // no capacity for the replacement: the nodes stay as they are
    ++counters_.fleet.consolidation_replacements;
  }
  if (explain_) {
    std::string nodes_text;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const Node& n = nodes_[ids[i]];
      nodes_text += fmt::format("{}{} ({}, {} pod(s))", i ? ", " : "", n.type->name, to_string(market_.at(n.pool).offering.capacity_type),
                                n.replicas.size());
    }
    std::string text = fmt::format("{} consolidation ({}): {} {} node(s) [{}] costing {:.4f} USD/h",
                                   format_utc(to_utc(scenario_.simulation.start, now)), command.method,
                                   replacement ? "replace" : "delete", ids.size(), nodes_text, command.candidates_price_usd_per_h);
    if (replacement) {
      const Node& r = nodes_[*replacement];
      text += fmt::format(" by {} ({}, {:.4f} USD/h; {} cheaper type(s) in the launch request)", r.type->name,
                          to_string(market_.at(r.pool).offering.capacity_type), market_.at(r.pool).prices->price_at(now),
                          command.replacement->instance_types.size());
    }
    explanations_.push_back(std::move(text));
  }
  if (!replacement) {
    for (std::size_t id : ids) {
      ++counters_.fleet.consolidations;
      nodes_[id].disrupting = true;
      remove_node(id, "consolidation");
    }
    return;
  }
  // Karpenter taints the candidates (karpenter.sh/disrupted:NoSchedule) and drains them once the
  // replacement is ready.
  for (std::size_t id : ids) {
    nodes_[id].cordoned = true;
    nodes_[id].cordoned_at = now;
    nodes_[id].disrupting = true;
  }
  replacements_[*replacement] = ids;
  if (nodes_[*replacement].ready) replacement_ready(*replacement);
}

void FleetController::replacement_ready(std::size_t node) {
  auto it = replacements_.find(node);
  if (it == replacements_.end()) return;
  const std::vector<std::size_t> ids = std::move(it->second);
  replacements_.erase(it);
  for (std::size_t id : ids) {
    if (nodes_[id].gone) continue;
    ++counters_.fleet.consolidations;
    remove_node(id, "consolidation");
  }
}

void FleetController::release_candidates(std::size_t replacement) {
  auto it = replacements_.find(replacement);
  if (it == replacements_.end()) return;
  for (std::size_t id : it->second) {
    Node& n = nodes_[id];
    if (n.gone || n.interrupted) continue;
    n.cordoned = false;
    n.cordoned_at = -1;
    n.disrupting = false;
  }
  replacements_.erase(it);
  place_pending();
}

void FleetController::expire(std::size_t id) {
  Node& n = nodes_[id];
  if (n.gone) return;
  ++counters_.fleet.expirations;
  n.disrupting = true;
  remove_node(id, "expiration");
}

}  // namespace capsim
