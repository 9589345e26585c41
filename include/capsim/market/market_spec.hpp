#pragma once
// The scenario's spot market: how spot is priced, how often it is interrupted, how short capacity
// gets. Part of the world: every policy sees the same market.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/distributions.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/market/availability_trace.hpp"
#include "capsim/market/capacity_reservation.hpp"
#include "capsim/market/interruption_model.hpp"
#include "capsim/market/spot_prices.hpp"

namespace capsim {

// Defaults of the real systems: EC2 Spot's two-minute interruption notice (EC2 User Guide, "Spot
// Instance interruption notices"); Karpenter keeps an offering that failed with insufficient capacity
// out of its launch requests for 3 minutes (its unavailable-offerings cache).
inline constexpr SimDuration kSpotInterruptionNotice = 2 * kMicrosPerMinute;     // AWS: two-minute warning
inline constexpr SimDuration kUnavailableAfterInsufficientCapacity = 3 * kMicrosPerMinute;  // Karpenter

/// Pool-level reclaim events: at each, every running instance of the pool is reclaimed with
/// probability `fraction` (so diversification across pools has a measurable effect).
struct PoolEvents {
  double per_month = 0;
  double fraction = 0;
};

/// Episodes during which a pool supplies at most `remaining_capacity` instances: launches beyond
/// it fail with insufficient capacity.
struct CapacityShortages {
  double per_month = 0;
  std::optional<Distribution> duration_s;
  int remaining_capacity = 0;
};

struct PoolAvailability {
  std::string instance_type;
  std::string zone;
  AvailabilityTrace trace;
};

// The Spot Instance Advisor's interruption frequency ranges by bucket ("<5%", "5-10%", "10-15%",
// "15-20%", ">20%" of instances a month); the last is open, so its upper end is an assumption.
inline constexpr std::array<double, 5> kBucketLowerRate = {0.0, 0.05, 0.10, 0.15, 0.20};
inline constexpr std::array<double, 4> kBucketUpperRate = {0.05, 0.10, 0.15, 0.20};
// capsim's default upper end of ">20%": 30%, symmetric about the 25% taken as its midpoint.
inline constexpr double kDefaultTopBucketMaxRate = 0.30;

/// The market's uncertain figures (the scenario's uncertainty section), drawn per replicate and per
/// pool from substreams keyed by the figure's pointer and the pool, so every policy's pool sees the same.
struct MarketUncertainty {
  std::optional<Distribution> spot_price_factor;  // multiplies each spot pool's price (capped at on-demand)
  bool interruption_rate_in_bucket = false;       // each pool's rate uniform within its Advisor bucket's range
  double top_bucket_max_rate = kDefaultTopBucketMaxRate;
  std::optional<Distribution> shortages_per_month;  // replaces market.shortages.per_month, per replicate
};

struct MarketSpec {
  std::array<double, 5> monthly_interruption_by_bucket = kDefaultMonthlyInterruption;
  bool interruption_rates_given = false;  // false: the defaults (reported as an assumption)
  std::map<std::string, int> interruption_buckets;  // per type, replacing the Advisor's bucket (another region, newer data)
  SimDuration notice = kSpotInterruptionNotice;
  std::optional<SimDuration> rebalance_lead;  // a rebalance recommendation this long before the notice
  SimDuration unavailable_after_ice = kUnavailableAfterInsufficientCapacity;
  PoolEvents pool_events;
  CapacityShortages shortages;
  std::optional<int> spot_pool_capacity;             // instances a spot pool can supply; none: no limit
  std::vector<SpotPriceSeries> spot_price_history;   // per pool; pools without one use the Advisor's savings
  std::vector<PoolAvailability> availability;        // recorded pools replace the random shortage model
  std::vector<CapacityReservation> capacity_reservations;  // ODCRs and Capacity Blocks the account holds
  MarketUncertainty uncertainty;
};

}  // namespace capsim
