#pragma once
// An EC2 Capacity Block for ML: GPU instances reserved for whole days from a future date, paid
// upfront at a price per instance-hour. AWS sells 1 to 14 days in 1-day steps, then 7-day steps up
// to 182 days, and at most 64 instances a block; a block ends at 11:30 UTC (so, lasting whole days,
// it starts at 11:30 UTC too), and its instances are terminated from 30 minutes before the end (AWS
// warns 40 minutes before that termination begins in 10).
#include "capsim/core/sim_time.hpp"

namespace capsim {

inline constexpr int kCapacityBlockMaxInstances = 64;
inline constexpr int kCapacityBlockMaxDays = 182;
inline constexpr SimDuration kCapacityBlockTerminationLead = 30 * kMicrosPerMinute;

struct CapacityBlockSpec {
  UtcTime start{};
  int duration_days = 0;
  double usd_per_instance_h = 0;  // the block's price, paid upfront for every instance-hour
};

/// Whether AWS sells a block of `days`: 1 to 14, then 21, 28, ... 182.
constexpr bool capacity_block_duration_allowed(int days) {
  return (days >= 1 && days <= 14) || (days > 14 && days <= kCapacityBlockMaxDays && days % 7 == 0);
}

}  // namespace capsim
