// Interruption sampling: when each of 10,000 spot instances launched over a 30-day window is
// reclaimed (own hazard and pool events). Target (catalog and market issue): <= 10 ms.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/market/spot_market.hpp"

namespace {

constexpr double kSamplingTargetMs = 10;
constexpr int kInstances = 10000;

void BM_SampleInterruptions(benchmark::State& state) {
  const capsim::InstanceCatalog catalog = capsim::io::builtin_catalog("aws-us-east-1");
  const capsim::SpotAdvisor advisor = capsim::io::builtin_spot_advisor("aws-us-east-1");
  capsim::MarketSpec spec;
  spec.pool_events = {1.0, 0.3};  // about one pool-level event per pool and month
  const capsim::SimTime horizon = capsim::hours(720);
  const capsim::UtcTime start = *capsim::io::parse_iso8601("2024-05-01T00:00:00Z");
  for (auto _ : state) {
    capsim::SpotMarket market(spec, catalog, advisor, start, horizon, 42, 0);
    // Spread over 12 pools (4 GPU types × 3 zones), launched evenly over the window.
    std::vector<std::size_t> pools;
    for (const char* type : {"g5.xlarge", "g5.12xlarge", "g6.xlarge", "g6e.xlarge"})
      for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"})
        pools.push_back(market.pool(type, zone, capsim::CapacityType::Spot));
    std::int64_t reclaimed = 0;
    for (int i = 0; i < kInstances; ++i) {
      const std::size_t p = pools[static_cast<std::size_t>(i) % pools.size()];
      const capsim::SimTime launched = horizon / kInstances * i;
      reclaimed += market.reclaim_time(p, static_cast<std::uint64_t>(i / pools.size()), launched) < horizon ? 1 : 0;
    }
    benchmark::DoNotOptimize(reclaimed);
  }
  state.SetItemsProcessed(state.iterations() * kInstances);
}
BENCHMARK(BM_SampleInterruptions)->Unit(benchmark::kMillisecond);

const capsim::bench::RegisterCheck kTarget([](const capsim::bench::Measurements& m) {
  auto it = m.find("BM_SampleInterruptions");
  if (it == m.end()) return 0;
  const double ms = it->second.real_time_ns / 1e6;
  return capsim::bench::report("interruption sampling, 10,000 instances over 30 days", fmt::format("<= {:.0f} ms", kSamplingTargetMs),
                               fmt::format("{:.2f} ms", ms), ms <= kSamplingTargetMs);
});

}  // namespace
