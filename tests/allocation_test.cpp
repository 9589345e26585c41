// Allocation strategies over hand-built pools; every expected pick is worked out by hand in the comments.
#include <doctest/doctest.h>

#include <limits>
#include <utility>
#include <vector>

#include "capsim/market/allocation.hpp"

using namespace capsim;

namespace {

using Launches = std::vector<std::pair<std::size_t, std::size_t>>;

constexpr double kUnlimited = 1e9;

PoolState pool(std::size_t offering, double price, double spare, double hazard = 0.0, int priority = 0) {
  PoolState p;
  p.offering = offering;
  p.price_usd_per_h = price;
  p.spare_capacity = spare;
  p.hazard_per_h = hazard;
  p.priority = priority;
  return p;
}

Allocation run(AllocationStrategy s, std::size_t count, std::size_t max_pools, const std::vector<PoolState>& pools) {
  AllocationRequest r;
  r.count = count;
  r.strategy = s;
  r.max_pools = max_pools;
  return allocate(r, pools);
}

}  // namespace

TEST_CASE("lowest-price: one pool takes the whole request") {
  const std::vector<PoolState> one{pool(7, 0.50, kUnlimited)};
  // One usable pool: all 5 go to it, whatever max_pools asks for (min(3, 1) = 1 pool).
  for (std::size_t k : {0, 1, 3}) {
    const Allocation a = run(AllocationStrategy::LowestPrice, 5, k, one);
    CHECK(a.launches == Launches{{7, 5}});
    CHECK(a.unfulfilled == 0);
  }
  // Infinite spare capacity is "no limit": still 5.
  CHECK(run(AllocationStrategy::LowestPrice, 5, 1, {pool(7, 0.50, std::numeric_limits<double>::infinity())}).launches == Launches{{7, 5}});
}

TEST_CASE("lowest-price over K = 3: 10 split 4, 3, 3 over the three cheapest, in price order") {
  // Prices by offering 0..4: 0.50, 0.30, 0.40, 0.20, 0.60 → price order 3, 1, 2, 0, 4.
  const std::vector<PoolState> pools{pool(0, 0.50, kUnlimited), pool(1, 0.30, kUnlimited), pool(2, 0.40, kUnlimited),
                                     pool(3, 0.20, kUnlimited), pool(4, 0.60, kUnlimited)};
  // 10 = 3 × 3 + 1: the first in ranking order (3) takes the remainder.
  const Allocation a = run(AllocationStrategy::LowestPrice, 10, 3, pools);
  CHECK(a.launches == Launches{{3, 4}, {1, 3}, {2, 3}});
  CHECK(a.unfulfilled == 0);
  // max_pools 0 means 1: everything to the cheapest (3).
  CHECK(run(AllocationStrategy::LowestPrice, 10, 0, pools).launches == Launches{{3, 10}});
  // 2 over 3 pools: shares 1, 1, 0; the empty share is not listed.
  CHECK(run(AllocationStrategy::LowestPrice, 2, 3, pools).launches == Launches{{3, 1}, {1, 1}});
}

TEST_CASE("spare capacity caps a pool; what it cannot take goes to the next ranked pools") {
  SUBCASE("capped first pool, K = 2") {
    // Chosen 0, 1 (cheapest two); even shares 5, 5; pool 0 holds floor(2.5) = 2, its other 3 go to pool 1 → 2, 8.
    const std::vector<PoolState> pools{pool(0, 0.10, 2.5), pool(1, 0.20, kUnlimited), pool(2, 0.30, kUnlimited)};
    CHECK(run(AllocationStrategy::LowestPrice, 10, 2, pools).launches == Launches{{0, 2}, {1, 8}});
  }
  SUBCASE("capped first pool, K = 3: its remainder share moves on") {
    // Shares 4, 3, 3; pool 0 holds 3; the other 7 over pools 1, 2 → 4, 3 (pool 1 now first, takes the remainder).
    const std::vector<PoolState> pools{pool(0, 0.10, 3), pool(1, 0.20, kUnlimited), pool(2, 0.30, kUnlimited)};
    CHECK(run(AllocationStrategy::LowestPrice, 10, 3, pools).launches == Launches{{0, 3}, {1, 4}, {2, 3}});
  }
  SUBCASE("capped last pool, K = 3: the rest re-spread over the open chosen pools") {
    // Shares 4, 3, 3; pool 2 holds 2; the other 8 over pools 0, 1 → 4, 4.
    const std::vector<PoolState> pools{pool(0, 0.10, kUnlimited), pool(1, 0.20, kUnlimited), pool(2, 0.30, 2)};
    CHECK(run(AllocationStrategy::LowestPrice, 10, 3, pools).launches == Launches{{0, 4}, {1, 4}, {2, 2}});
  }
  SUBCASE("overflow past the chosen set, down the ranking; a pool under 1 spare is skipped") {
    // Pool 9 is cheapest but has 0.9 spare → skipped. Chosen (K = 2): 0, 1, full at 2 and 3 → 5 left;
    // next in price order: pool 2 takes all its 4, pool 3 takes the last 1.
    const std::vector<PoolState> pools{pool(9, 0.05, 0.9), pool(0, 0.10, 2), pool(1, 0.20, 3), pool(2, 0.30, 4), pool(3, 0.40, kUnlimited)};
    const Allocation a = run(AllocationStrategy::LowestPrice, 10, 2, pools);
    CHECK(a.launches == Launches{{0, 2}, {1, 3}, {2, 4}, {3, 1}});
    CHECK(a.unfulfilled == 0);
  }
}

TEST_CASE("unfulfilled: what no pool can supply") {
  // K = 1: pool 0 holds 2, overflow to pool 1 holds 3; 10 − 5 = 5 unfulfilled.
  const Allocation a = run(AllocationStrategy::LowestPrice, 10, 1, {pool(0, 0.10, 2), pool(1, 0.20, 3)});
  CHECK(a.launches == Launches{{0, 2}, {1, 3}});
  CHECK(a.unfulfilled == 5);
  // No usable pool (0.5 spare): all 4 unfulfilled. Nothing asked: nothing launched.
  const Allocation none = run(AllocationStrategy::LowestPrice, 4, 1, {pool(0, 0.10, 0.5)});
  CHECK(none.launches.empty());
  CHECK(none.unfulfilled == 4);
  const Allocation zero = run(AllocationStrategy::LowestPrice, 0, 1, {pool(0, 0.10, 5)});
  CHECK(zero.launches.empty());
  CHECK(zero.unfulfilled == 0);
}

TEST_CASE("capacity-optimized: most spare first, then lowest hazard, then price") {
  // (offering, price, spare, hazard): 0 (.3, 50, .01), 1 (.5, 80, .05), 2 (.9, 80, .02), 3 (.4, 80, .02), 4 (.1, 20, 0).
  // Spare 80: {1, 2, 3}; of these hazard .02: {2, 3} before 1; 3 cheaper than 2 → 3, 2, 1; then 0 (50), 4 (20).
  const std::vector<PoolState> pools{pool(0, 0.3, 50, 0.01), pool(1, 0.5, 80, 0.05), pool(2, 0.9, 80, 0.02), pool(3, 0.4, 80, 0.02),
                                     pool(4, 0.1, 20, 0.0)};
  // K = 3, 7 = 3 × 2 + 1 → 3, 2, 2.
  CHECK(run(AllocationStrategy::CapacityOptimized, 7, 3, pools).launches == Launches{{3, 3}, {2, 2}, {1, 2}});
  // K = 1, 200: pool 3 holds 80, then down the ranking pool 2 holds 80, pool 1 the last 40.
  CHECK(run(AllocationStrategy::CapacityOptimized, 200, 1, pools).launches == Launches{{3, 80}, {2, 80}, {1, 40}});
}

TEST_CASE("price-capacity-optimized: the cheapest of the highest-capacity pools") {
  // (offering, price, spare), hazard .02 each: 0 (.10, 5), 1 (.40, 200), 2 (.25, 150), 3 (.15, 40), 4 (.30, 120), 5 (.20, 60).
  // Capacity ranking: 1, 2, 4, 5, 3, 0. n = 6 → candidates = top max(K, ceil(6/2) = 3).
  const std::vector<PoolState> pools{pool(0, 0.10, 5, 0.02),   pool(1, 0.40, 200, 0.02), pool(2, 0.25, 150, 0.02),
                                     pool(3, 0.15, 40, 0.02),  pool(4, 0.30, 120, 0.02), pool(5, 0.20, 60, 0.02)};
  // K = 1: candidates {1, 2, 4}; the cheapest of them is 2 (.25). Pool 0, the cheapest overall, has the
  // least capacity and is skipped (lowest-price would take it; capacity-optimized takes 1).
  CHECK(run(AllocationStrategy::PriceCapacityOptimized, 4, 1, pools).launches == Launches{{2, 4}});
  CHECK(run(AllocationStrategy::LowestPrice, 4, 1, pools).launches == Launches{{0, 4}});
  CHECK(run(AllocationStrategy::CapacityOptimized, 4, 1, pools).launches == Launches{{1, 4}});
  // K = 2: candidates {1, 2, 4} by price 2, 4, 1 → chosen 2, 4; 5 → 3, 2.
  CHECK(run(AllocationStrategy::PriceCapacityOptimized, 5, 2, pools).launches == Launches{{2, 3}, {4, 2}});
  // K = 4: candidates = top max(4, 3) = {1, 2, 4, 5}, by price 5, 2, 4, 1; 8 → 2 each.
  CHECK(run(AllocationStrategy::PriceCapacityOptimized, 8, 4, pools).launches == Launches{{5, 2}, {2, 2}, {4, 2}, {1, 2}});
  // K = 1, 500: ranking = candidates by price (2, 4, 1), then the others by capacity (5, 3, 0):
  // 2 holds 150, 4 holds 120, 1 holds 200 (470), 5 the last 30 — 5 before the cheaper 3, by capacity.
  const Allocation a = run(AllocationStrategy::PriceCapacityOptimized, 500, 1, pools);
  CHECK(a.launches == Launches{{2, 150}, {4, 120}, {1, 200}, {5, 30}});
  CHECK(a.unfulfilled == 0);
}

TEST_CASE("prioritized: lowest priority number first, then price") {
  // (offering, price, priority): 0 (.1, 2), 1 (.9, 0), 2 (.5, 1), 3 (.7, 0) → priority 0: 3 (.7), 1 (.9); then 2; then 0.
  const std::vector<PoolState> pools{pool(0, 0.1, kUnlimited, 0, 2), pool(1, 0.9, kUnlimited, 0, 0), pool(2, 0.5, kUnlimited, 0, 1),
                                     pool(3, 0.7, kUnlimited, 0, 0)};
  CHECK(run(AllocationStrategy::Prioritized, 3, 1, pools).launches == Launches{{3, 3}});
  // K = 3, 5 = 3 × 1 + 2 → 2, 2, 1 over 3, 1, 2.
  CHECK(run(AllocationStrategy::Prioritized, 5, 3, pools).launches == Launches{{3, 2}, {1, 2}, {2, 1}});
}

TEST_CASE("ties break on the offering index, whatever the input order") {
  // Three identical pools given as offerings 9, 4, 6 → ranking 4, 6, 9 under every strategy
  // (price-capacity-optimized: candidates = top max(2, ceil(3/2) = 2) by capacity = 4, 6). K = 2, 3 → 2, 1.
  const std::vector<PoolState> pools{pool(9, 0.5, kUnlimited, 0.01), pool(4, 0.5, kUnlimited, 0.01), pool(6, 0.5, kUnlimited, 0.01)};
  const std::vector<PoolState> reversed(pools.rbegin(), pools.rend());
  for (auto s : {AllocationStrategy::LowestPrice, AllocationStrategy::CapacityOptimized, AllocationStrategy::PriceCapacityOptimized,
                 AllocationStrategy::Prioritized}) {
    CAPTURE(to_string(s));
    CHECK(run(s, 3, 2, pools).launches == Launches{{4, 2}, {6, 1}});
    CHECK(run(s, 3, 2, reversed).launches == Launches{{4, 2}, {6, 1}});
  }
}

TEST_CASE("allocation strategy names round-trip") {
  for (auto s : {AllocationStrategy::LowestPrice, AllocationStrategy::CapacityOptimized, AllocationStrategy::PriceCapacityOptimized,
                 AllocationStrategy::Prioritized})
    CHECK(parse_allocation_strategy(to_string(s)) == s);
  CHECK(std::string_view(to_string(AllocationStrategy::PriceCapacityOptimized)) == "price-capacity-optimized");
  CHECK(parse_allocation_strategy("prioritized") == AllocationStrategy::Prioritized);
  CHECK_FALSE(parse_allocation_strategy("cheapest").has_value());
  CHECK_FALSE(parse_allocation_strategy("Lowest-Price").has_value());
  CHECK_FALSE(parse_allocation_strategy("").has_value());
}
