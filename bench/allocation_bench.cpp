// Spot launch decisions: `allocate` for a price-capacity-optimized request of 10 instances
// diversified over up to 4 of 60 pools (deterministic synthetic prices, capacities and hazards, built
// once). Prints the target, the measured decisions/s and PASS/FAIL.
// Target: >= 100,000 decisions/s (the provisioner's hot path).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/market/allocation.hpp"

namespace {

constexpr double kTargetDecisionsPerS = 100'000;
constexpr std::size_t kPools = 60;

// 60 pools with scrambled but fixed values: prices 0.50..1.09 USD/h, spare capacity 3..99 instances,
// hazard buckets 0..4 (as 0, 0.001, ... 0.004 per hour). The multipliers are coprime with the moduli,
// so prices and capacities are all distinct, and the orders by price and by capacity differ.
const std::vector<capsim::PoolState>& pools() {
  static const std::vector<capsim::PoolState> p = [] {
    std::vector<capsim::PoolState> v(kPools);
    for (std::size_t i = 0; i < kPools; ++i) {
      v[i].offering = i;
      v[i].price_usd_per_h = 0.50 + 0.01 * static_cast<double>((i * 37) % kPools);
      v[i].spare_capacity = 3.0 + static_cast<double>((i * 53) % 97);
      v[i].hazard_per_h = 0.001 * static_cast<double>((i * 11) % 5);
    }
    return v;
  }();
  return p;
}

void BM_AllocateLaunch(benchmark::State& state) {
  const auto& p = pools();
  capsim::AllocationRequest request;
  request.count = 10;
  request.strategy = capsim::AllocationStrategy::PriceCapacityOptimized;
  request.max_pools = 4;
  for (auto _ : state) {
    capsim::Allocation a = capsim::allocate(request, p);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_AllocateLaunch);

// 1234567.8 → "1,234,568".
using capsim::bench::grouped;

const capsim::bench::RegisterCheck kAllocateTarget([](const capsim::bench::Measurements& m) {
  const auto it = m.find("BM_AllocateLaunch");
  if (it == m.end()) return 0;  // filtered out
  const double rate = it->second.items_per_second;
  return capsim::bench::report(fmt::format("spot launch decisions over {} offerings", kPools),
                               fmt::format(">= {} decisions/s", grouped(kTargetDecisionsPerS)),
                               fmt::format("{} decisions/s", grouped(rate)), rate >= kTargetDecisionsPerS);
});

}  // namespace
