#pragma once
// Allocation strategies for launching N instances over a set of pools, as EC2 Fleet / Auto Scaling
// name them: lowest-price, capacity-optimized and price-capacity-optimized for spot (diversified over
// up to K pools), lowest-price and prioritized for on-demand.
#include <cstddef>
#include <span>
#include <string_view>
#include <optional>
#include <utility>
#include <vector>

namespace capsim {

enum class AllocationStrategy { LowestPrice, CapacityOptimized, PriceCapacityOptimized, Prioritized };

/// "lowest-price", "capacity-optimized", "price-capacity-optimized", "prioritized".
const char* to_string(AllocationStrategy s);
std::optional<AllocationStrategy> parse_allocation_strategy(std::string_view s);

/// What the allocator knows of one pool.
struct PoolState {
  std::size_t offering = 0;     // the caller's index for this pool
  double price_usd_per_h = 0;
  double spare_capacity = 0;    // instances the pool can still supply (use a large number for no limit)
  double hazard_per_h = 0;      // interruption hazard (0 for on-demand)
  int priority = 0;             // prioritized: lower runs first
};

struct AllocationRequest {
  std::size_t count = 0;
  AllocationStrategy strategy = AllocationStrategy::LowestPrice;
  std::size_t max_pools = 1;  // diversify over up to this many pools
};

struct Allocation {
  std::vector<std::pair<std::size_t, std::size_t>> launches;  // (offering, instances), in the order chosen
  std::size_t unfulfilled = 0;                                // instances no pool could supply
};

/// Pure and deterministic: equal inputs give equal allocations (ties break on the offering index).
/// Pools with spare_capacity < 1 are skipped. The first min(max(max_pools, 1), usable) pools of the
/// strategy's ranking share `count` as evenly as their spare capacity allows (earlier-ranked pools take
/// the remainder); what they cannot take goes to further pools down the ranking; the rest is
/// `unfulfilled`. `launches` holds pools given > 0 instances, in ranking order. See allocation.cpp for
/// each strategy's ranking (our model of EC2 Fleet's documented behaviour).
Allocation allocate(const AllocationRequest& request, std::span<const PoolState> pools);

}  // namespace capsim
