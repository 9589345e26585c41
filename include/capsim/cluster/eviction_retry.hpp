#pragma once
// How a controller that drains a node retries an eviction the Eviction API refused (429 Too Many
// Requests: a PodDisruptionBudget allows no disruption now). The node stays cordoned, and billed,
// until its last pod is evicted.
#include <algorithm>
#include <optional>

#include "capsim/core/sim_time.hpp"

namespace capsim {

struct EvictionRetry {
  SimDuration first = 0;  // the delay after a pod's first refusal...
  SimDuration max = 0;    // ...doubling after each further refusal, up to this
  /// The drain is abandoned this long after it began (the node uncordoned, the pods not yet
  /// evicted left on it); none: it goes on until the node is empty.
  std::optional<SimDuration> give_up_after;

  /// The delay before the next try of a pod refused `refusals` times (1 or more).
  SimDuration delay_after(int refusals) const {
    SimDuration d = first;
    for (int k = 1; k < refusals && d < max; ++k) d *= 2;
    return std::min(d, max);
  }
};

/// Karpenter's terminator: each refused pod goes back on the eviction queue with the workqueue's
/// per-item exponential back-off, 100 ms doubling to at most 10 s (evictionQueueBaseDelay,
/// evictionQueueMaxDelay in its terminator's eviction queue); a drain has no deadline unless the
/// NodeClaim has a terminationGracePeriod.
inline constexpr EvictionRetry kKarpenterEvictionRetry{kMicrosPerSecond / 10, 10 * kMicrosPerSecond, std::nullopt};

}  // namespace capsim
