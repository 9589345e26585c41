// Emptiness: nodes without pods are deleted, no simulation needed, as many as the NodePools'
// Empty budgets allow (kubernetes-sigs/karpenter pkg/controllers/disruption/emptiness.go).
#include "capsim/provisioning/karpenter/disruption_method.hpp"

namespace capsim {

namespace {

class Emptiness final : public DisruptionMethod {
 public:
  std::string_view name() const override { return "empty"; }
  DisruptionReason reason() const override { return DisruptionReason::Empty; }
  bool should_disrupt(bool has_pods, ConsolidationPolicy) const override { return !has_pods; }
  ConsolidationCommand compute(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed, const DisruptionInputs&,
                               bool& constrained) const override {
    ConsolidationCommand cmd;
    cmd.action = ConsolidationAction::Delete;
    for (const ConsolidationCandidate& c : candidates) {
      int& left = allowed[c.node_pool];
      if (left <= 0) {
        constrained = true;
        continue;
      }
      --left;
      cmd.candidates.push_back(c.node);
      cmd.candidates_price_usd_per_h += c.price_usd_per_h;
    }
    if (cmd.candidates.empty()) return {};
    cmd.method = std::string(name());
    return cmd;
  }
};

}  // namespace

std::unique_ptr<DisruptionMethod> make_emptiness() { return std::make_unique<Emptiness>(); }

}  // namespace capsim
