// A whole run: fleet-options.json's `autoscaled` policy (HPA + Karpenter, spot and on-demand
// NodePools, scheduled floor) over the bundled 30-day, 1-minute trace, one replicate per iteration
// (each a different replicate, so spot draws differ). Target: <= 250 ms per replicate, printed as
// simulated days per second.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"

namespace {

constexpr double kReplicateTargetMs = 250;

const capsim::Scenario& scenario() {
  static const capsim::Scenario s = capsim::io::load_scenario(CAPSIM_SOURCE_DIR "/scenarios/fleet-options.json");
  return s;
}

int g_max_nodes = 0;
int g_max_replicas = 0;

void BM_AutoscaledThirtyDays(benchmark::State& state) {
  const capsim::Scenario& s = scenario();
  const capsim::PolicySpec& policy = s.policy("autoscaled");
  int replicate = 0;
  for (auto _ : state) {
    capsim::ReplicateResult r = capsim::run_replicate(s, policy, replicate++);
    g_max_nodes = std::max(g_max_nodes, r.fleet.max_ready_nodes);
    benchmark::DoNotOptimize(r);
  }
  g_max_replicas = 0;
  if (auto it = policy.cluster.hpa.find(policy.services.front().name); it != policy.cluster.hpa.end())
    g_max_replicas = it->second.spec.max_replicas;
  state.counters["simulated_days"] = static_cast<double>(s.simulation.duration) / (24.0 * capsim::kMicrosPerHour);
}
BENCHMARK(BM_AutoscaledThirtyDays)->Unit(benchmark::kMillisecond)->MinTime(2.0);

const capsim::bench::RegisterCheck kRunTarget([](const capsim::bench::Measurements& m) {
  const auto it = m.find("BM_AutoscaledThirtyDays/min_time:2.000");
  if (it == m.end()) return 0;  // filtered out
  const double ms = it->second.real_time_ns / 1e6;
  const double days = it->second.counters.at("simulated_days");
  return capsim::bench::report(
      fmt::format("{:.0f}-day run of fleet-options.json's `autoscaled` policy (at most {} ready nodes, {} replicas)", days, g_max_nodes,
                  g_max_replicas),
      fmt::format("<= {:.0f} ms per replicate", kReplicateTargetMs),
      fmt::format("{:.1f} ms per replicate ({:.0f} simulated days/s)", ms, days / (ms / 1000.0)), ms <= kReplicateTargetMs);
});

}  // namespace
