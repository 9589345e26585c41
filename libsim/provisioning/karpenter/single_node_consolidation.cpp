// Single-node consolidation: the first candidate with pods that can be deleted or replaced by a
// cheaper node (singlenodeconsolidation.go; consolidation.hpp).
#include "capsim/provisioning/karpenter/disruption_method.hpp"

namespace capsim {

namespace {

class SingleNodeConsolidation final : public DisruptionMethod {
 public:
  std::string_view name() const override { return "single-node"; }
  DisruptionReason reason() const override { return DisruptionReason::Underutilized; }
  bool should_disrupt(bool, ConsolidationPolicy policy) const override { return policy == ConsolidationPolicy::WhenEmptyOrUnderutilized; }
  ConsolidationCommand compute(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                               const DisruptionInputs& inputs, bool& constrained) const override {
    for (const auto& c : candidates)
      if (auto it = allowed.find(c.node_pool); it != allowed.end() && it->second <= 0) constrained = true;
    return single_node_consolidation(std::move(candidates), std::move(allowed), inputs.view(), inputs.settings);
  }
};

}  // namespace

std::unique_ptr<DisruptionMethod> make_single_node_consolidation() { return std::make_unique<SingleNodeConsolidation>(); }

}  // namespace capsim
