#pragma once
// KEDA's ScaledObject: it creates an HPA for its target (minReplicas max(1, minReplicaCount),
// maxReplicas maxReplicaCount, one External AverageValue metric per trigger at its threshold) and
// itself moves the target between zero and that HPA's range. Every pollingInterval it asks its
// triggers whether any is active (its metric above activationThreshold): from zero replicas an
// active trigger scales the target to max(1, minReplicaCount); with minReplicaCount 0, no active
// trigger for more than cooldownPeriod since the last active one scales it to zero — at once if none
// has ever been active (KEDA's scale executor ignores the cooldown without a last active time). In
// between, the HPA decides. Defaults are KEDA's (keda.sh, ScaledObject specification).
#include <optional>
#include <vector>

#include "capsim/autoscale/hpa.hpp"
#include "capsim/autoscale/hpa_config.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

inline constexpr SimDuration kKedaDefaultPollingInterval = 30 * kMicrosPerSecond;
inline constexpr SimDuration kKedaDefaultCooldownPeriod = 300 * kMicrosPerSecond;
inline constexpr int kKedaDefaultMaxReplicaCount = 100;

struct KedaTrigger {
  HpaMetric metric;  // External, AverageValue, target = the trigger's threshold
  double activation_threshold = 0;
};

struct ScaledObjectSpec {
  int min_replica_count = 0;
  int max_replica_count = kKedaDefaultMaxReplicaCount;
  SimDuration polling_interval = kKedaDefaultPollingInterval;
  SimDuration cooldown_period = kKedaDefaultCooldownPeriod;
  std::vector<KedaTrigger> triggers;
  std::optional<HpaBehavior> behavior;  // advanced.horizontalPodAutoscalerConfig.behavior
};

/// The HPA KEDA creates for `so` (its metrics read live: KEDA's metrics adapter asks the scaler).
HpaConfig keda_hpa(const ScaledObjectSpec& so);

/// KEDA's own decision at each poll: the replicas it sets, or nullopt to leave them to the HPA.
class KedaActivation {
 public:
  explicit KedaActivation(const ScaledObjectSpec& so) : min_(so.min_replica_count), cooldown_(so.cooldown_period) {}
  std::optional<int> poll(SimTime now, int current_replicas, bool active);

 private:
  int min_;
  SimDuration cooldown_;
  std::optional<SimTime> last_active_;
};

}  // namespace capsim
