// Multi-node consolidation: the longest prefix of the candidates (cheapest to disrupt first) that
// consolidates into at most one new node (multinodeconsolidation.go; consolidation.hpp).
#include "capsim/provisioning/karpenter/disruption_method.hpp"

namespace capsim {

namespace {

class MultiNodeConsolidation final : public ConsolidationMethod {
 public:
  std::string_view name() const override { return "multi-node"; }

 protected:
  ConsolidationCommand consolidate(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                   const ClusterView& view, const ConsolidationSettings& settings) const override {
    return multi_node_consolidation(std::move(candidates), std::move(allowed), view, settings);
  }
};

}  // namespace

std::unique_ptr<DisruptionMethod> make_multi_node_consolidation() { return std::make_unique<MultiNodeConsolidation>(); }

}  // namespace capsim
