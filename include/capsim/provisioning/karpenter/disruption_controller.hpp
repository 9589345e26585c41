#pragma once
// Karpenter's disruption controller (kubernetes-sigs/karpenter pkg/controllers/disruption). It polls
// every disruption_poll, but only while the cluster has changed since its last fruitless evaluation
// (Karpenter's "consolidated" state), so quiet hours cost nothing. Each evaluation tries its methods
// in order — emptiness, drift, multi-node, single-node consolidation (Karpenter v1's order) — each
// under its NodePools' budgets for its reason. A consolidation decision is re-validated after
// consolidation_validation (Karpenter's consolidationTTL, 15 s) and only then carried out; a drift
// decision is carried out at once (drift is not a consolidation, and has no such wait). Deletions
// drain at once; a replacement is launched first, its candidates cordoned, and they are drained when
// it is ready (or released if it never comes).
//
// Simplifications, said so nobody assumes otherwise: no decision is taken while pods wait for the
// provisioner (Karpenter simulates pending pods with the candidates' ones; here the provisioner acts
// first; pods it could not place do not hold consolidation back), and single-node candidates are not
// interleaved across NodePools. Drift happens only by a scheduled change of the NodePools (no
// EC2NodeClass, AMI or cloud-provider drift).
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
  /// Node `id` as a candidate (its NodePool, type, price now and pods).
  ConsolidationCandidate candidate(std::size_t id) const;
  /// The Drifted nodes the Drift method may take, oldest drift first.
  std::vector<ConsolidationCandidate> drifted_candidates() const;
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
  struct Replacing {
    std::vector<std::size_t> nodes;  // the nodes it replaces
    bool drifted = false;            // for drift, not consolidation
  };
  std::map<std::size_t, Replacing> replacements_;  // by replacement node
  std::vector<NodePoolSpec> view_pools_;     // what the last view points to
  std::vector<ExistingNode> view_nodes_;
};

}  // namespace capsim
