// What multi-node and single-node consolidation share: a budget with nothing left holds the run
// back (it is looked at again when a budget window changes), and the command is proved by the
// scheduling simulation over the cluster's view.
#include "capsim/provisioning/karpenter/disruption_method.hpp"

namespace capsim {

ConsolidationCommand ConsolidationMethod::compute(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                                  const DisruptionInputs& inputs, bool& constrained) const {
  for (const auto& c : candidates)
    if (auto it = allowed.find(c.node_pool); it != allowed.end() && it->second <= 0) constrained = true;
  return consolidate(std::move(candidates), std::move(allowed), inputs.view(), inputs.settings);
}


}  // namespace capsim
