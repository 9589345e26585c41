#pragma once
// Karpenter as the scenario gives it: its settings and NodePools, with the real defaults.
#include <optional>
#include <string>
#include <vector>
#include "capsim/core/sim_time.hpp"
#include "capsim/core/tags.hpp"
#include "capsim/provisioning/karpenter/disruption_budget.hpp"
#include "capsim/provisioning/karpenter/node_overlay.hpp"
#include "capsim/provisioning/karpenter/scheduler.hpp"

namespace capsim {

// Defaults of Karpenter (karpenter.sh/docs/reference/settings: BATCH_IDLE_DURATION, BATCH_MAX_DURATION).
inline constexpr SimDuration kKarpenterBatchIdle = 1 * kMicrosPerSecond;   // batchIdleDuration
inline constexpr SimDuration kKarpenterBatchMax = 10 * kMicrosPerSecond;   // batchMaxDuration

/// Balanced (karpenter.sh v1.14+) consolidates a node only when the move's savings justify its
/// disruption (see consolidation.hpp's MoveScore).
enum class ConsolidationPolicy { WhenEmpty, WhenEmptyOrUnderutilized, Balanced };

// Balanced approves a move at score >= 1/k; Karpenter v1.14 ships k = 2 (v1.BalancedK: a same-family
// downsize by one size saves exactly half and just passes). The design RFC (kubernetes-sigs/karpenter,
// "Balanced Consolidation Policy") names the knob `consolidationThreshold`; capsim reads it so.
inline constexpr double kBalancedConsolidationK = 2;

// A reserved offering's price in scheduling is its type's on-demand price divided by this. karpenter-provider-aws
// (v1.3+, the reserved-capacity offering resolver) divides the on-demand price by 10,000,000: the
// reservation counts as free (it is already paid for, so it is tried before spot and on-demand) while
// reserved types keep their on-demand order for consolidation. (Without an on-demand price Karpenter
// leaves it at 0; every type of capsim's catalog has one.)
inline constexpr double kReservedOfferingPriceDivisor = 10'000'000.0;

// Karpenter's default NodePool expireAfter (karpenter.sh/docs/concepts/nodepools).
inline constexpr SimDuration kKarpenterExpireAfter = 720 * kMicrosPerHour;

/// A Karpenter v1 NodePool as the scenario gives it.
struct KarpenterNodePool {
  NodePoolSpec scheduling;  // name, requirements, taints, weight, limits
  ConsolidationPolicy consolidation_policy = ConsolidationPolicy::WhenEmptyOrUnderutilized;  // Karpenter's default
  std::optional<SimDuration> consolidate_after = SimDuration{0};  // nullopt: "Never"
  double consolidation_threshold = kBalancedConsolidationK;  // k of Balanced (spec.disruption.consolidationThreshold)
  Tags labels;  // spec.template.metadata.labels: on its nodes, and so on their cost lines
  std::vector<DisruptionBudget> budgets = default_budgets();  // spec.disruption.budgets
  std::optional<SimDuration> expire_after = kKarpenterExpireAfter;  // template.spec.expireAfter; nullopt: "Never"
  /// spec.replicas (static NodePool, alpha since v1.8): this many nodes whatever the pods need, never
  /// consolidated, replaced when one goes (expiry, interruption); only limits.nodes bounds it, and
  /// pods are never provisioned for on it (they land on its nodes when they fit). nullopt: dynamic.
  std::optional<int> replicas;
  /// What Karpenter's static drift compares (the NodePool hash of spec.template, less the fields it
  /// hashes not: requirements, which drift dynamically): the template's labels and annotations,
  /// taints, nodeClassRef and expireAfter, written canonically. A node whose NodePool's text differs
  /// from the one it was launched under has drifted.
  std::string template_hash;
  /// The EC2NodeClass its nodeClassRef names, as drift compares it (karpenter-provider-aws): the class's
  /// static hash (its spec less the selector terms, canonically written) and the selector terms its
  /// AMIs, subnets and security groups are resolved from. Empty when the scenario gives no classes.
  /// The reservations the class selects are scheduling.capacity_reservations.
  std::string node_class_hash;
  std::string node_class_terms;
};

/// The NodePools as NodeOverlays see them: each one's name and template labels.
inline std::vector<OverlayNodePool> overlay_node_pools(const std::vector<KarpenterNodePool>& node_pools) {
  std::vector<OverlayNodePool> out;
  for (const KarpenterNodePool& np : node_pools) out.push_back({np.scheduling.name, Labels(np.labels.begin(), np.labels.end())});
  return out;
}

/// A scheduled change of the NodePools (cluster.karpenter.changes): from `at` on, `node_pools` (every
/// NodePool, in the scenario's order, the change merged in) are the NodePools. Behavioural fields
/// (weight, limits, disruption) just apply; a node whose template changed is Drifted.
struct NodePoolChange {
  UtcTime at{};
  std::vector<KarpenterNodePool> node_pools;
};

// The disruption controller's cadence (kubernetes-sigs/karpenter pkg/controllers/disruption:
// it polls every 10 s; consolidationTTL re-validates a decision after 15 s).
inline constexpr SimDuration kKarpenterDisruptionPoll = 10 * kMicrosPerSecond;
inline constexpr SimDuration kKarpenterConsolidationValidation = 15 * kMicrosPerSecond;

struct KarpenterSpec {
  SimDuration batch_idle = kKarpenterBatchIdle;
  SimDuration batch_max = kKarpenterBatchMax;
  SimDuration disruption_poll = kKarpenterDisruptionPoll;
  SimDuration consolidation_validation = kKarpenterConsolidationValidation;
  bool spot_to_spot_consolidation = false;  // settings.featureGates.spotToSpotConsolidation (off by default)
  std::vector<KarpenterNodePool> node_pools;
  /// NodeOverlays (need settings.featureGates.nodeOverlay, off by default): the prices and device
  /// capacity Karpenter decides by; the bill keeps the real prices.
  std::vector<NodeOverlay> node_overlays;
  std::vector<NodePoolChange> changes;  // in time order, each inside the window
};

}  // namespace capsim
