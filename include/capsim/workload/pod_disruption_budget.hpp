#pragma once
// A PodDisruptionBudget (policy/v1) over the pods of one service or of several, and the Eviction
// API's answer to "may this pod be evicted now?". Voluntary disruptions (Karpenter's consolidation and expiry drains, its
// interruption drain, the Cluster Autoscaler's scale-down) evict through that API; a pod the budget
// protects stays until enough of its siblings are ready again.
//
// Kubernetes' disruption controller, as documented for policy/v1:
// - a budget counts every pod its selector matches, whatever workload owns it;
// - expected pods: the sum of the scales (desired replicas) of the workloads that own those pods for
//   maxUnavailable and for a percentage minAvailable; the pods that exist for an integer
//   minAvailable (which then does not depend on it);
// - desired healthy: minAvailable (a percentage of expected, rounded up), or expected less
//   maxUnavailable (a percentage of expected, rounded up);
// - disruptionsAllowed = max(0, healthy − desired healthy), healthy being the Ready pods.
// The Eviction API evicts a Ready pod only while disruptionsAllowed > 0 (else 429 Too Many
// Requests). A pod that is not Ready is evicted under unhealthyPodEvictionPolicy IfHealthyBudget
// (the default) when the workload is not disrupted (healthy ≥ desired healthy > 0) or a disruption
// is allowed, and always under AlwaysAllow.
// A pod two budgets select cannot be evicted at all: the Eviction API answers 500 ("This pod has more
// than one PodDisruptionBudget, which the eviction subresource does not support"), so capsim refuses
// such a scenario rather than simulate a drain that never ends.
#include <optional>
#include <string>

namespace capsim {

struct PodDisruptionBudget {
  enum class Kind { MinAvailable, MaxUnavailable };
  Kind kind = Kind::MaxUnavailable;
  int count = 0;                  // a count of pods...
  std::optional<double> percent;  // ...or a percentage of the expected pods (0–100)
  bool always_allow_unhealthy = false;  // unhealthyPodEvictionPolicy: AlwaysAllow
  /// A budget shared by several services (cluster.pod_disruption_budgets[].name): services whose
  /// budgets carry the same name are one budget over all their pods. "" for a service's own budget.
  std::string shared_name;

  friend bool operator==(const PodDisruptionBudget&, const PodDisruptionBudget&) = default;
};

/// What the budget sees of its workloads at one instant.
struct BudgetedPods {
  int desired = 0;  // the sum of its workloads' scales (desired replicas)
  int healthy = 0;  // their Ready pods
};

/// The pods the budget wants Ready.
int desired_healthy(const PodDisruptionBudget& budget, const BudgetedPods& pods);
/// status.disruptionsAllowed.
int disruptions_allowed(const PodDisruptionBudget& budget, const BudgetedPods& pods);
/// Whether the Eviction API evicts one of the budget's pods (Ready or not) now.
bool eviction_allowed(const PodDisruptionBudget& budget, const BudgetedPods& pods, bool pod_ready);

}  // namespace capsim
