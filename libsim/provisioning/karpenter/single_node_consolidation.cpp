// Single-node consolidation: the first candidate with pods that can be deleted or replaced by a
// cheaper node (singlenodeconsolidation.go; consolidation.hpp).
#include "capsim/provisioning/karpenter/disruption_method.hpp"

namespace capsim {

namespace {

class SingleNodeConsolidation final : public ConsolidationMethod {
 public:
  std::string_view name() const override { return "single-node"; }

 protected:
  ConsolidationCommand consolidate(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                   const ClusterView& view, const ConsolidationSettings& settings) const override {
    return single_node_consolidation(std::move(candidates), std::move(allowed), view, settings);
  }
};

}  // namespace

std::unique_ptr<DisruptionMethod> make_single_node_consolidation() { return std::make_unique<SingleNodeConsolidation>(); }

}  // namespace capsim
