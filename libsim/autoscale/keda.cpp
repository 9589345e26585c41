#include "capsim/autoscale/keda.hpp"

#include <algorithm>

namespace capsim {

HpaConfig keda_hpa(const ScaledObjectSpec& so) {
  HpaConfig h;
  h.spec.min_replicas = std::max(1, so.min_replica_count);
  h.spec.max_replicas = std::max(h.spec.min_replicas, so.max_replica_count);
  h.spec.behavior = so.behavior;
  for (const KedaTrigger& t : so.triggers) h.metrics.push_back(t.metric);
  h.collection_lag = 0;
  return h;
}

std::optional<int> KedaActivation::poll(SimTime now, int current, bool active) {
  // As KEDA's scale executor (RequestScale): an active trigger marks the time; from zero it scales
  // to max(1, minReplicaCount); with minReplicaCount 0 and nothing active it scales to zero once the
  // last active time plus the cooldown is strictly past (or there never was one); below a
  // minReplicaCount with nothing active it restores the minimum.
  if (active) last_active_ = now;
  if (current == 0 && active) return std::max(1, min_);
  if (!active && current > 0 && min_ == 0 && (!last_active_ || *last_active_ + cooldown_ < now)) return 0;
  if (!active && min_ > 0 && current < min_) return min_;
  return std::nullopt;
}

}  // namespace capsim
