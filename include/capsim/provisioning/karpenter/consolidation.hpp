#pragma once
// Karpenter's consolidation decisions, without an engine (kubernetes-sigs/karpenter
// pkg/controllers/disruption: consolidation.go, multinodeconsolidation.go,
// singlenodeconsolidation.go). A set of candidate nodes can be
// deleted when the scheduling simulation places all their pods on the other nodes, or replaced when
// the pods need exactly one new node claim whose types, filtered to those cheaper than the set, are
// not empty. Multi-node consolidation binary-searches the longest prefix (of at least two, and at
// most 101 candidates as Karpenter's bounds work out, cheapest to disrupt first) that consolidates; single-node consolidation takes the
// first candidate that does. Spot-to-spot replacement needs the feature gate and, for one node, at
// least 15 cheaper types, of which only the 15 cheapest are launched.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"

namespace capsim {

namespace karpenter {
/// Candidates one multi-node consolidation looks at (multinodeconsolidation.go).
inline constexpr std::size_t kMaxMultiNodeCandidates = 100;
/// MinInstanceTypesForSpotToSpotConsolidation (consolidation.go).
inline constexpr std::size_t kMinTypesForSpotToSpot = 15;
}  // namespace karpenter

/// A node Karpenter may consolidate: consolidatable (its NodePool allows it, consolidateAfter has
/// passed since its last pod change) and not already being disrupted.
struct ConsolidationCandidate {
  std::string node;  // its name in the cluster's ExistingNode list
  std::string node_pool;
  std::string instance_type;
  CapacityType capacity_type = CapacityType::OnDemand;
  double price_usd_per_h = 0;  // what it costs now (its offering's price)
  std::vector<PodSpec> pods;   // the pods a drain would reschedule
  /// Σ per-pod eviction cost (1 per pod at default priority) × the share of its lifetime left
  /// (1 without expireAfter); lower is disrupted first.
  double disruption_cost = 0;
};

/// The cluster the simulation runs against: every node (candidates included; they are left out by
/// name), the NodePools, and the catalog with its offerings at today's prices and availability.
struct ClusterView {
  const std::vector<NodePoolSpec>* pools = nullptr;
  const std::vector<ExistingNode>* nodes = nullptr;
  const SchedulingSnapshot* snapshot = nullptr;
};

/// A NodePool as Balanced consolidation weighs it: its totals over all its nodes (candidates or not)
/// and whether its policy is Balanced.
struct BalancedPool {
  bool balanced = false;
  double k = kBalancedConsolidationK;
  double cost_usd_per_h = 0;  // Σ its nodes' prices
  double disruption_cost = 0;  // Σ over its nodes of 1 (the per-node baseline) + 1 per pod
};

struct ConsolidationSettings {
  bool spot_to_spot = false;  // the SpotToSpotConsolidation feature gate (off by default)
  /// By NodePool name; empty when no NodePool is Balanced (then no move is scored).
  std::map<std::string, BalancedPool> pools = {};
};

/// Balanced's score of a move (Karpenter v1.14 ScoreMove): savings = the candidates' price − the
/// replacement's (its cheapest option; 0 for a delete); the move's disruption cost = Σ over the
/// candidates of 1 + their pods (each pod's eviction cost is 1 at default priority, and capsim's
/// pods carry no priority or deletion cost); score = (savings / NodePool cost) ÷ (disruption cost /
/// NodePool disruption cost), 0 when nothing is saved; approved at score >= 1/k. A move of nodes
/// from several NodePools is weighed against their totals together and the smallest k among the
/// Balanced ones (the most conservative source governs).
struct MoveScore {
  std::string method;  // "multi-node" or "single-node"
  std::vector<std::string> candidates;
  double savings_usd_per_h = 0;
  double savings_fraction = 0;
  double disruption_cost = 0;
  double disruption_fraction = 0;
  double score = 0;
  double threshold = 0;  // 1/k
  bool approved = false;
};

/// The score of a Delete or Replace of `set`; nullopt when none of their NodePools is Balanced.
std::optional<MoveScore> score_move(const std::vector<ConsolidationCandidate>& set, double replacement_price_usd_per_h,
                                    const ConsolidationSettings& settings);

enum class ConsolidationAction { None, Delete, Replace };

struct ConsolidationCommand {
  ConsolidationAction action = ConsolidationAction::None;
  std::string method;  // "empty", "multi-node" or "single-node": which consolidation found it
  std::vector<std::string> candidates;  // nodes to remove
  /// Replace: the new claim, its types cut to those cheaper than the candidates together (and, for
  /// spot-to-spot of one node, to the 15 cheapest), cheapest first with their prices.
  std::optional<PlannedNodeClaim> replacement;
  double candidates_price_usd_per_h = 0;
  /// None: why nothing was done for the last set tried ("" when there were no candidates).
  std::string reason;
  /// Every move Balanced scored while looking, refused and approved, in the order tried.
  std::vector<MoveScore> scores;
  /// Replace: the minValues its types must keep through any further cut (its NodePool's; under
  /// BestEffort no more than the distinct values the claim had).
  std::vector<MinValues> min_values_floor;
};

/// One candidate set as consolidation.go's computeConsolidation does it.
ConsolidationCommand compute_consolidation(const std::vector<ConsolidationCandidate>& candidates, const ClusterView& view,
                                           const ConsolidationSettings& settings);

/// Multi-node consolidation over `candidates` (any order; sorted by disruption cost, stable). A
/// candidate whose NodePool has no disruptions left in `allowed` (by NodePool name; a missing name is
/// unlimited) is skipped, and each one taken uses one.
ConsolidationCommand multi_node_consolidation(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                              const ClusterView& view, const ConsolidationSettings& settings);

/// Single-node consolidation: the first candidate, cheapest to disrupt first, with pods, whose
/// NodePool allows a disruption and that can be deleted or replaced.
ConsolidationCommand single_node_consolidation(std::vector<ConsolidationCandidate> candidates, const std::map<std::string, int>& allowed,
                                               const ClusterView& view, const ConsolidationSettings& settings);

}  // namespace capsim
