#include "capsim/provisioning/karpenter/drift.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "capsim/provisioning/karpenter/disruption_method.hpp"

namespace capsim {

DriftKind drift_of(const KarpenterNodePool& launched, const KarpenterNodePool& now, const Labels& node_labels) {
  if (launched.template_hash != now.template_hash) return DriftKind::Static;
  if (!now.scheduling.requirements.matches(node_labels)) return DriftKind::Requirements;
  if (launched.node_class_hash != now.node_class_hash) return DriftKind::NodeClass;
  if (launched.node_class_terms != now.node_class_terms) return DriftKind::NodeClassTerms;
  // Karpenter handles this dynamically, not through the offerings, because a reserved launch may fall
  // back to on-demand: only a node that runs in a reservation drifts when its class drops it.
  if (auto id = node_labels.find(std::string(label::kCapacityReservationId)); id != node_labels.end() && !id->second.empty()) {
    const auto& selected = now.scheduling.capacity_reservations;
    if (std::find(selected.begin(), selected.end(), id->second) == selected.end()) return DriftKind::CapacityReservation;
  }
  return DriftKind::None;
}

ConsolidationCommand compute_drift(const std::vector<ConsolidationCandidate>& candidates, const std::map<std::string, int>& allowed,
                                   const ClusterView& view, bool& constrained) {
  ConsolidationCommand last;
  for (const ConsolidationCandidate& c : candidates) {
    // An empty drifted node is emptiness's to take (or its Empty budget held it back).
    if (c.pods.empty()) continue;
    if (auto it = allowed.find(c.node_pool); it != allowed.end() && it->second <= 0) {
      constrained = true;
      continue;
    }
    std::vector<const PodSpec*> pods;
    for (const PodSpec& pod : c.pods) pods.push_back(&pod);
    std::vector<const ExistingNode*> others;
    for (const auto& n : *view.nodes)
      if (n.name != c.node) others.push_back(&n);
    const SchedulingResult sim = schedule(pods, *view.pools, others, *view.snapshot, false);
    if (!sim.unschedulable.empty()) {
      last.reason = fmt::format("node {}: pod {} would not schedule: {}", c.node, sim.unschedulable.front().pod, sim.unschedulable.front().reason);
      continue;
    }
    if (sim.claims.size() > 1) {
      last.reason = fmt::format("node {}: its pods need {} new nodes (capsim replaces a drifted node by one at most)", c.node, sim.claims.size());
      continue;
    }
    ConsolidationCommand cmd;
    cmd.method = "drift";
    cmd.candidates = {c.node};
    cmd.candidates_price_usd_per_h = c.price_usd_per_h;
    cmd.action = sim.claims.empty() ? ConsolidationAction::Delete : ConsolidationAction::Replace;
    if (!sim.claims.empty()) cmd.replacement = sim.claims.front();
    return cmd;
  }
  return last;
}

namespace {
class Drift final : public DisruptionMethod {
 public:
  std::string_view name() const override { return "drift"; }
  DisruptionReason reason() const override { return DisruptionReason::Drifted; }
  // Its candidates are the drifted nodes whatever their NodePool's consolidation policy.
  bool should_disrupt(bool, ConsolidationPolicy) const override { return true; }
  bool takes_drifted() const override { return true; }
  ConsolidationCommand compute(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                               const DisruptionInputs& inputs, bool& constrained) const override {
    return compute_drift(candidates, allowed, inputs.view(), constrained);
  }
};
}  // namespace

std::unique_ptr<DisruptionMethod> make_drift() { return std::make_unique<Drift>(); }

}  // namespace capsim
