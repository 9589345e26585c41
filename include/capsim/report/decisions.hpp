#pragma once
// The provisioners' decisions as records (kept when a run is explained): every node Karpenter
// launched and why no cheaper type would do, every consolidation, every pod no provisioner could
// place, every under-utilized node the Cluster Autoscaler could not remove. Controllers record
// them; only the report (explain.hpp) turns them into words. `sequence` orders them as they were
// taken; times are seconds from the window's start.
#include <cstdint>
#include <string>
#include <vector>

namespace capsim {

/// A cheaper instance type the scheduling simulation rejected for a claim, and why.
struct RejectedType {
  std::string instance_type;
  double price_usd_per_h = 0;
  std::string reason;  // "requirements: ...", "throughput: ...", "fit: ...", "offering: ...", "limits: ...", "exotic: ..."

  friend bool operator==(const RejectedType&, const RejectedType&) = default;
};

/// Karpenter launched a node for pending pods.
struct LaunchDecision {
  std::uint64_t sequence = 0;
  double at_s = 0;
  std::string node_pool;
  std::string instance_type;
  std::string capacity_type;  // "on-demand", "spot"
  std::string zone;
  double price_usd_per_h = 0;
  std::vector<std::string> pods;  // "service#pod"
  int types_considered = 0;
  int types_in_request = 0;
  std::vector<RejectedType> cheaper_rejected;

  friend bool operator==(const LaunchDecision&, const LaunchDecision&) = default;
};

/// A node a consolidation removed.
struct ConsolidatedNode {
  std::string instance_type;
  std::string capacity_type;
  int pods = 0;

  friend bool operator==(const ConsolidatedNode&, const ConsolidatedNode&) = default;
};

/// Karpenter consolidated nodes: deleted them, or replaced them by one cheaper node.
struct ConsolidationDecision {
  std::uint64_t sequence = 0;
  double at_s = 0;
  std::string method;  // "empty", "multi-node", "single-node", or "drift" (a Drifted node replaced or deleted)
  std::vector<ConsolidatedNode> nodes;
  double nodes_price_usd_per_h = 0;
  bool replaced = false;  // false: deleted
  std::string replacement_type;
  std::string replacement_capacity_type;
  double replacement_price_usd_per_h = 0;
  int replacement_types_in_request = 0;

  friend bool operator==(const ConsolidationDecision&, const ConsolidationDecision&) = default;
};

/// A consolidation move a Balanced NodePool scored (Karpenter's ConsolidationApproved /
/// ConsolidationRejected events): taken when score >= threshold.
struct ConsolidationScoreDecision {
  std::uint64_t sequence = 0;
  double at_s = 0;
  std::string method;  // "multi-node", "single-node"
  std::vector<std::string> nodes;  // the candidates' instance types
  double savings_usd_per_h = 0;
  double savings_fraction = 0;     // of its NodePool's cost
  double disruption_cost = 0;
  double disruption_fraction = 0;  // of its NodePool's disruption cost
  double score = 0;
  double threshold = 0;  // 1/k
  bool approved = false;

  friend bool operator==(const ConsolidationScoreDecision&, const ConsolidationScoreDecision&) = default;
};

/// No NodePool or node group could run a pending pod (recorded once per service and reason).
struct UnschedulableDecision {
  std::uint64_t sequence = 0;
  double at_s = 0;
  std::string pod;  // "service#pod"
  std::string reason;

  friend bool operator==(const UnschedulableDecision&, const UnschedulableDecision&) = default;
};

/// The Cluster Autoscaler's scale-down found an under-utilized node it cannot remove (its
/// UnremovableNode), recorded once per node and reason text.
struct UnremovableNodeDecision {
  std::uint64_t sequence = 0;
  double at_s = 0;
  std::string node;  // its cost line, "node/<group>/<ordinal>"
  std::string instance_type;
  std::string zone;
  std::string reason;  // the Cluster Autoscaler's UnremovableReason: "NoPlaceToMovePods"
  std::string detail;  // which pod found no place, and why (room, or its topology spread)

  friend bool operator==(const UnremovableNodeDecision&, const UnremovableNodeDecision&) = default;
};

struct Decisions {
  std::vector<LaunchDecision> launches;
  std::vector<ConsolidationDecision> consolidations;
  std::vector<ConsolidationScoreDecision> consolidation_scores;
  std::vector<UnschedulableDecision> unschedulable;
  std::vector<UnremovableNodeDecision> unremovable;
  std::uint64_t next_sequence = 0;  // the next record's sequence

  friend bool operator==(const Decisions&, const Decisions&) = default;
};

}  // namespace capsim
