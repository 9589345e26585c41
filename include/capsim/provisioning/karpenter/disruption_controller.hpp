#pragma once
// Karpenter's disruption controller (kubernetes-sigs/karpenter pkg/controllers/disruption). It polls
// every disruption_poll, but only while the cluster has changed since its last fruitless evaluation
// (Karpenter's "consolidated" state), so quiet hours cost nothing. Each evaluation tries its methods
// in order — emptiness, multi-node, single-node consolidation — each under its NodePools' budgets. A
// decision is re-validated after consolidation_validation (Karpenter's consolidationTTL, 15 s) and
// only then carried out: deletions drain at once; a replacement is launched first, its candidates
// cordoned, and they are drained when it is ready (or released if it never comes).
//
// Simplifications, said so nobody assumes otherwise: no decision is taken while pods wait for the
// provisioner (Karpenter simulates pending pods with the candidates' ones; here the provisioner acts
// first; pods it could not place do not hold consolidation back), and single-node candidates are not
// interleaved across NodePools. Drift is not modelled.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capsim/provisioning/karpenter/disruption_method.hpp"
#include "capsim/provisioning/provisioner.hpp"

namespace capsim {

class KarpenterProvisioner;

class DisruptionController {
 public:
  DisruptionController(const ClusterControllers& cluster, KarpenterProvisioner& provisioner);

 private:
  void request_poll();
  void poll();
  bool disrupt(bool& constrained);
  std::map<std::string, int> budgets(DisruptionReason reason) const;
  std::vector<ConsolidationCandidate> candidates(const DisruptionMethod& method) const;
  bool budget_blocks(std::size_t node) const;  // a PodDisruptionBudget keeps the node from being a candidate
  ClusterView view();
  /// The settings of a consolidation: the feature gate and, when a NodePool is Balanced, every
  /// NodePool's totals.
  ConsolidationSettings settings() const;
  void record_scores(const std::vector<MoveScore>& scores);
  void validate_and_execute(ConsolidationCommand command, std::vector<std::uint64_t> versions);
  void execute(const ConsolidationCommand& command);
  void replacement_ready(std::size_t node);
  void release_candidates(std::size_t replacement);

  ClusterControllers cluster_;
  KarpenterProvisioner& provisioner_;
  std::vector<std::unique_ptr<DisruptionMethod>> methods_;
  std::uint64_t evaluated_revision_ = 0;  // the revision the last fruitless evaluation saw
  bool poll_pending_ = false;
  bool validating_ = false;  // a decision waits for its re-validation: no new ones
  std::map<std::size_t, std::vector<std::size_t>> replacements_;  // replacement node -> the nodes it replaces
  std::vector<NodePoolSpec> view_pools_;     // what the last view points to
  std::vector<ExistingNode> view_nodes_;
};

}  // namespace capsim
