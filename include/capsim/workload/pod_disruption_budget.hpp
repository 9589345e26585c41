#pragma once
// A PodDisruptionBudget (policy/v1) over one service's pods, and the Eviction API's answer to "may
// this pod be evicted now?". Voluntary disruptions (Karpenter's consolidation and expiry drains, its
// interruption drain, the Cluster Autoscaler's scale-down) evict through that API; a pod the budget
// protects stays until enough of its siblings are ready again.
//
// Kubernetes' disruption controller, as documented for policy/v1:
// - expected pods: the workload's scale (its desired replicas) for maxUnavailable and for a
//   percentage minAvailable; the pods that exist for an integer minAvailable;
// - desired healthy: minAvailable (a percentage of expected, rounded up), or expected less
//   maxUnavailable (a percentage of expected, rounded up);
// - disruptionsAllowed = max(0, healthy − desired healthy), healthy being the Ready pods.
// The Eviction API evicts a Ready pod only while disruptionsAllowed > 0 (else 429 Too Many
// Requests). A pod that is not Ready is evicted under unhealthyPodEvictionPolicy IfHealthyBudget
// (the default) when the workload is not disrupted (healthy ≥ desired healthy > 0) or a disruption
// is allowed, and always under AlwaysAllow.
#include <optional>

namespace capsim {

struct PodDisruptionBudget {
  enum class Kind { MinAvailable, MaxUnavailable };
  Kind kind = Kind::MaxUnavailable;
  int count = 0;                  // a count of pods...
  std::optional<double> percent;  // ...or a percentage of the expected pods (0–100)
  bool always_allow_unhealthy = false;  // unhealthyPodEvictionPolicy: AlwaysAllow

  friend bool operator==(const PodDisruptionBudget&, const PodDisruptionBudget&) = default;
};

/// What the budget sees of its workload at one instant.
struct BudgetedPods {
  int desired = 0;  // the workload's scale (desired replicas)
  int healthy = 0;  // its Ready pods
};

/// The pods the budget wants Ready.
int desired_healthy(const PodDisruptionBudget& budget, const BudgetedPods& pods);
/// status.disruptionsAllowed.
int disruptions_allowed(const PodDisruptionBudget& budget, const BudgetedPods& pods);
/// Whether the Eviction API evicts one of the budget's pods (Ready or not) now.
bool eviction_allowed(const PodDisruptionBudget& budget, const BudgetedPods& pods, bool pod_ready);

}  // namespace capsim
