// How a run's cost grows with its window: the default scenario's `baseline` and `autoscaled`
// policies over 60 and 600 days (the 30-day trace tiled), one replicate each. A run should cost
// linearly in its window: the exponent log(t600 / t60) / log(10) must be <= 1.05.
#include <benchmark/benchmark.h>

#include <cmath>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"

namespace {

constexpr double kMaxExponent = 1.05;

capsim::Scenario scenario_of(int days) {
  capsim::Scenario s = capsim::io::load_scenario(CAPSIM_SOURCE_DIR "/scenarios/fleet-options.json");
  s.simulation.duration = days * 24 * capsim::kMicrosPerHour;
  for (auto& [_, t] : s.traces) t.tile = true;
  std::erase_if(s.policies, [](const capsim::PolicySpec& p) { return p.name != "baseline" && p.name != "autoscaled"; });
  return s;
}

void BM_Window(benchmark::State& state) {
  const capsim::Scenario s = scenario_of(static_cast<int>(state.range(0)));
  for (auto _ : state)
    for (const auto& p : s.policies) benchmark::DoNotOptimize(capsim::run_replicate(s, p, 0));
}
BENCHMARK(BM_Window)->Arg(60)->Arg(600)->Unit(benchmark::kMillisecond)->Iterations(1)->MeasureProcessCPUTime();

const capsim::bench::RegisterCheck kScalingTarget([](const capsim::bench::Measurements& m) {
  const auto* short_run = capsim::bench::find(m, "BM_Window/60/");
  const auto* long_run = capsim::bench::find(m, "BM_Window/600/");
  if (!short_run || !long_run) return 0;  // filtered out
  const double t60 = short_run->real_time_ns / 1e9, t600 = long_run->real_time_ns / 1e9;
  const double exponent = std::log(t600 / t60) / std::log(10.0);
  return capsim::bench::report("run time against window (baseline + autoscaled, 60 vs 600 days)",
                               fmt::format("exponent <= {:.2f}", kMaxExponent),
                               fmt::format("60 days {:.2f} s, 600 days {:.2f} s: {:.1f}x, exponent {:.2f}", t60, t600, t600 / t60, exponent),
                               exponent <= kMaxExponent);
});

}  // namespace
