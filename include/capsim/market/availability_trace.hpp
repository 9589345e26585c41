#pragma once
// A recorded per-pool availability series replayed instead of the random capacity model, in the
// JSON form public spot datasets use: {"metadata": {"gap_seconds": N}, "data": [int, ...]}. What a
// value means differs between datasets, so the scenario says it.
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

enum class AvailabilityMeaning {
  AvailableCount,  // instances the pool can supply
  PreemptedFlag,   // 1: the pool's instances are preempted (unavailable), 0: available
  AvailableFlag,   // 1: available, 0: not
};

struct AvailabilityTrace {
  SimDuration gap = 0;     // time between values
  std::vector<int> data;   // one value per gap, from the simulation start
  AvailabilityMeaning meaning = AvailabilityMeaning::AvailableCount;
  bool tile = false;       // repeat the values from the start past their end

  /// Instances the pool can supply `since_start` into the simulation: the count, or for flags
  /// 0 (unavailable) or -1 (available, no limit). Past the end the values repeat when tiled, else the
  /// last value holds; before the start (negative) the first.
  int capacity_at(SimDuration since_start) const;

  /// Tiles the trace and repeats its values whole until they reach `span` (the simulation window),
  /// so whoever walks `data` sees every change within it; capacity_at reads the same either way.
  void tile_to_cover(SimDuration span);
};

}  // namespace capsim
