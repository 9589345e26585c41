#include "capsim/workload/pod_disruption_budget.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

namespace {
// intstr.GetScaledValueFromIntOrPercent with rounding up, as the disruption controller calls it.
int scaled(const PodDisruptionBudget& b, int expected) {
  if (!b.percent) return b.count;
  // A percentage of a whole number of pods: nudge below the next integer so 50% of 3 is 2, not a
  // binary fraction above 1.5 rounded to 2 by luck.
  return static_cast<int>(std::ceil(*b.percent * expected / 100.0 - 1e-9));
}
}  // namespace

int desired_healthy(const PodDisruptionBudget& b, const BudgetedPods& pods) {
  if (b.kind == PodDisruptionBudget::Kind::MinAvailable) return b.percent ? scaled(b, pods.desired) : b.count;
  return std::max(0, pods.desired - scaled(b, pods.desired));
}

int disruptions_allowed(const PodDisruptionBudget& b, const BudgetedPods& pods) {
  return std::max(0, pods.healthy - desired_healthy(b, pods));
}

bool eviction_allowed(const PodDisruptionBudget& b, const BudgetedPods& pods, bool pod_ready) {
  if (pod_ready) return disruptions_allowed(b, pods) > 0;
  if (b.always_allow_unhealthy) return true;
  const int desired = desired_healthy(b, pods);
  return (pods.healthy >= desired && desired > 0) || disruptions_allowed(b, pods) > 0;
}

}  // namespace capsim
