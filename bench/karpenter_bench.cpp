// Karpenter provisioning: one scheduling round of 5,000 pending pods against 400 instance types (the
// 80 bundled aws-us-east-1 types plus 4 deterministic variants of each, with scaled memory and
// prices), 3 zones × {spot, on-demand}. Pod mix: 40% 0.5–2 vCPU / 1–4 GiB, 30% 4–8 vCPU / 8–32 GiB,
// 20% 1 GPU, 10% 4 GPUs. Prints the target, the measured time and pods/s, and PASS/FAIL.
// Target: <= 50 ms per round. For comparison, Karpenter's own scheduling benchmark publishes about
// 1,300 pods/s at this size.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"

namespace {

constexpr double kProvisionTargetMs = 50;
constexpr std::size_t kPods = 5000;
constexpr int kVariants = 4;  // extra types per real type
constexpr double kKarpenterPublishedPodsPerS = 1300;

struct Fixture {
  capsim::InstanceCatalog catalog;
  std::vector<capsim::Offering> offerings;
  std::vector<capsim::PodSpec> pods;
  std::vector<capsim::NodePoolSpec> pools;
};

// splitmix64: a fixed stream, so every run provisions the same pods.
std::uint64_t next(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture fx;
    const capsim::InstanceCatalog real = capsim::io::builtin_catalog("aws-us-east-1");
    std::vector<capsim::InstanceType> types = real.types();
    for (const capsim::InstanceType& t : real.types())
      for (int k = 1; k <= kVariants; ++k) {
        capsim::InstanceType v = t;
        v.family = fmt::format("{}v{}", t.family, k);
        v.name = v.family + t.name.substr(t.name.find('.'));
        v.memory_mib = t.memory_mib * (4 + k) / 4;
        v.alloc_memory_mib = t.alloc_memory_mib * (4 + k) / 4;
        v.ondemand_usd_per_h = t.ondemand_usd_per_h * (1.0 + 0.1 * k);
        types.push_back(std::move(v));
      }
    fx.catalog = capsim::InstanceCatalog(std::move(types), "synthetic");
    const std::vector<std::string> zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
    std::size_t i = 0;
    for (const capsim::InstanceType& t : fx.catalog.types()) {
      for (std::size_t z = 0; z < zones.size(); ++z) {
        capsim::Offering od;
        od.instance_type = t.name;
        od.zone = zones[z];
        od.price_usd_per_h = t.ondemand_usd_per_h;
        capsim::Offering spot = od;
        spot.capacity_type = capsim::CapacityType::Spot;
        spot.price_usd_per_h = t.ondemand_usd_per_h * (0.3 + 0.1 * static_cast<double>((i * 7 + z * 3) % 5));
        fx.offerings.push_back(std::move(od));
        fx.offerings.push_back(std::move(spot));
      }
      ++i;
    }
    std::uint64_t s = 42;
    for (std::size_t p = 0; p < kPods; ++p) {
      capsim::ResourceList r;
      const std::uint64_t a = next(s), b = next(s);
      switch (p % 10) {
        case 0: case 1: case 2: case 3:  // 0.5–2 vCPU, 1–4 GiB
          r.cpu_millicores = 500 + static_cast<std::int64_t>(a % 4) * 500;
          r.memory_mib = 1024 + static_cast<std::int64_t>(b % 4) * 1024;
          break;
        case 4: case 5: case 6:  // 4–8 vCPU, 8–32 GiB
          r.cpu_millicores = 4000 + static_cast<std::int64_t>(a % 5) * 1000;
          r.memory_mib = 8192 + static_cast<std::int64_t>(b % 4) * 8192;
          break;
        case 7: case 8:  // 1 GPU
          r.cpu_millicores = 1000 + static_cast<std::int64_t>(a % 3) * 1000;
          r.memory_mib = 4096 + static_cast<std::int64_t>(b % 3) * 4096;
          r.gpus = 1;
          break;
        default:  // 4 GPUs
          r.cpu_millicores = 8000;
          r.memory_mib = 32768;
          r.gpus = 4;
          break;
      }
      fx.pods.push_back({fmt::format("pod-{}", p), r, {}, {}});
    }
    capsim::NodePoolSpec pool;
    pool.name = "default";
    pool.requirements = capsim::Requirements(
        {capsim::Requirement{"karpenter.sh/capacity-type", capsim::Operator::In, {"spot", "on-demand"}}});
    fx.pools.push_back(std::move(pool));
    return fx;
  }();
  return f;
}

void BM_KarpenterProvision5000(benchmark::State& state) {
  const Fixture& f = fixture();
  std::size_t claims = 0;
  for (auto _ : state) {
    capsim::SchedulingResult r = capsim::schedule(f.pods, f.pools, {}, f.catalog, f.offerings);
    claims = r.claims.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(f.pods.size()));
  state.counters["types"] = static_cast<double>(f.catalog.types().size());
  state.counters["claims"] = static_cast<double>(claims);
}

BENCHMARK(BM_KarpenterProvision5000)->Unit(benchmark::kMillisecond);

// 1234567.8 → "1,234,568".
using capsim::bench::grouped;

const capsim::bench::RegisterCheck kProvisionTarget([](const capsim::bench::Measurements& m) {
  const auto it = m.find("BM_KarpenterProvision5000");
  if (it == m.end()) return 0;  // filtered out
  const double ms = it->second.real_time_ns / 1e6;
  const double pods_per_s = it->second.items_per_second;
  return capsim::bench::report(
      fmt::format("Karpenter provisioning of {} pods over {} instance types", kPods, fixture().catalog.types().size()),
      fmt::format("<= {:.0f} ms", kProvisionTargetMs),
      fmt::format("{:.1f} ms ({} pods/s; Karpenter publishes ~{} pods/s)", ms, grouped(pods_per_s),
                  grouped(kKarpenterPublishedPodsPerS)),
      ms <= kProvisionTargetMs);
});

}  // namespace
