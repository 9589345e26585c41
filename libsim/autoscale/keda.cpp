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
  if (active) last_active_ = now;
  if (current == 0 && active) return std::max(1, min_);
  if (current > 0 && !active && min_ == 0 && (!last_active_ || now - *last_active_ >= cooldown_)) return 0;
  return std::nullopt;
}

}  // namespace capsim
