#pragma once
// A way Karpenter disrupts nodes (its disruption.Method): which consolidatable nodes it considers,
// whose budgets it spends, and the command it computes for them. Each method lives in its own file
// (emptiness.cpp, drift.cpp, multi_node_consolidation.cpp, single_node_consolidation.cpp); the disruption
// controller lists them in the order Karpenter tries them.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/provisioning/karpenter/consolidation.hpp"
#include "capsim/provisioning/karpenter/disruption_budget.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"

namespace capsim {

/// What a method may use to decide: the scheduling simulation's view of the cluster (built on
/// demand: emptiness needs none) and the settings.
struct DisruptionInputs {
  std::function<ClusterView()> view;
  ConsolidationSettings settings;
};

class DisruptionMethod {
 public:
  virtual ~DisruptionMethod() = default;
  /// "empty", "drift", "multi-node", "single-node".
  virtual std::string_view name() const = 0;
  /// The budget reason it spends.
  virtual DisruptionReason reason() const = 0;
  /// Whether a consolidatable node is a candidate: by its pods and its NodePool's policy.
  virtual bool should_disrupt(bool has_pods, ConsolidationPolicy policy) const = 0;
  /// Its candidates are the Drifted nodes (in the order they drifted), not the consolidatable ones.
  virtual bool takes_drifted() const { return false; }
  /// The command for `candidates` with `allowed` disruptions left per NodePool (None: nothing to
  /// do); sets `constrained` when a budget held a candidate back.
  virtual ConsolidationCommand compute(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                       const DisruptionInputs& inputs, bool& constrained) const = 0;
};

/// What multi-node and single-node consolidation share (Karpenter's consolidation base): nodes of
/// WhenEmptyOrUnderutilized and Balanced NodePools, Underutilized budgets, a command proved by the scheduling
/// simulation.
class ConsolidationMethod : public DisruptionMethod {
 public:
  DisruptionReason reason() const override { return DisruptionReason::Underutilized; }
  bool should_disrupt(bool, ConsolidationPolicy policy) const override {
    return policy == ConsolidationPolicy::WhenEmptyOrUnderutilized || policy == ConsolidationPolicy::Balanced;
  }
  ConsolidationCommand compute(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                               const DisruptionInputs& inputs, bool& constrained) const final;

 protected:
  virtual ConsolidationCommand consolidate(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                           const ClusterView& view, const ConsolidationSettings& settings) const = 0;
};

std::unique_ptr<DisruptionMethod> make_emptiness();
std::unique_ptr<DisruptionMethod> make_drift();
std::unique_ptr<DisruptionMethod> make_multi_node_consolidation();
std::unique_ptr<DisruptionMethod> make_single_node_consolidation();

}  // namespace capsim
