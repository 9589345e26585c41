// capsim compare's speed: the default scenario (its lever ladder, every policy, over the bundled 30-day,
// 1-minute trace) with 100 replicates per policy on 2 threads (target <= 10 s); 1,000 replicates of
// its `+spot` step (HPA, Karpenter with spot and on-demand NodePools, scheduled floors: the policy
// earlier notes call `autoscaled`) on 2 threads (<= 30 s); and the speed-up from 1 to 2 threads on
// the same runs (>= 1.8x). Each prints replicates per second. One iteration each: a measurement
// takes tens of seconds.
#include <benchmark/benchmark.h>

#include <chrono>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/compare.hpp"

namespace {

constexpr double kLadderTargetS = 10;
constexpr double kSpotTargetS = 30;
constexpr double kSpeedupTarget = 1.8;

const capsim::Scenario& scenario() {
  static const capsim::Scenario s = capsim::io::load_scenario(CAPSIM_SOURCE_DIR "/scenarios/gpu-inference-eks.json");
  return s;
}

double seconds_to_compare(std::vector<std::string> policies, std::string baseline, int replicates, int threads) {
  capsim::CompareOptions opt;
  opt.policies = std::move(policies);
  opt.baseline = std::move(baseline);
  opt.replicates = replicates;
  opt.run.threads = threads;
  const auto t0 = std::chrono::steady_clock::now();
  const capsim::CompareResult r = capsim::compare_scenario(scenario(), opt);
  benchmark::DoNotOptimize(r);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_CompareLadder100(benchmark::State& state) {
  for (auto _ : state) state.counters["seconds"] = seconds_to_compare({}, "", 100, 2);
  state.counters["runs"] = 100.0 * static_cast<double>(scenario().policies.size());
}
BENCHMARK(BM_CompareLadder100)->Unit(benchmark::kSecond)->Iterations(1);

void BM_CompareSpot1000(benchmark::State& state) {
  for (auto _ : state) state.counters["seconds"] = seconds_to_compare({"+spot"}, "+spot", 1000, 2);
}
BENCHMARK(BM_CompareSpot1000)->Unit(benchmark::kSecond)->Iterations(1);

void BM_CompareThreads(benchmark::State& state) {
  for (auto _ : state) {
    state.counters["one"] = seconds_to_compare({"+spot"}, "+spot", 40, 1);
    state.counters["two"] = seconds_to_compare({"+spot"}, "+spot", 40, 2);
  }
}
BENCHMARK(BM_CompareThreads)->Unit(benchmark::kSecond)->Iterations(1);

const capsim::bench::RegisterCheck kLadder([](const capsim::bench::Measurements& m) {
  const auto* x = capsim::bench::find(m, "BM_CompareLadder100");
  if (!x) return 0;
  const double s = x->counters.at("seconds"), runs = x->counters.at("runs");
  return capsim::bench::report(fmt::format("compare of the default scenario, 100 replicates x {:.0f} policies, 2 threads", runs / 100),
                               fmt::format("<= {:.0f} s", kLadderTargetS),
                               fmt::format("{:.1f} s ({:.1f} replicates/s)", s, runs / s), s <= kLadderTargetS);
});

const capsim::bench::RegisterCheck kSpot([](const capsim::bench::Measurements& m) {
  const auto* x = capsim::bench::find(m, "BM_CompareSpot1000");
  if (!x) return 0;
  const double s = x->counters.at("seconds");
  return capsim::bench::report("compare of the default scenario's +spot step, 1,000 replicates, 2 threads",
                               fmt::format("<= {:.0f} s", kSpotTargetS), fmt::format("{:.1f} s ({:.1f} replicates/s)", s, 1000 / s),
                               s <= kSpotTargetS);
});

const capsim::bench::RegisterCheck kThreads([](const capsim::bench::Measurements& m) {
  const auto* x = capsim::bench::find(m, "BM_CompareThreads");
  if (!x) return 0;
  const double one = x->counters.at("one"), two = x->counters.at("two");
  return capsim::bench::report("compare speed-up from 1 to 2 threads (40 replicates of +spot)", fmt::format(">= {:.1f}x", kSpeedupTarget),
                               fmt::format("{:.2f}x ({:.1f} s -> {:.1f} s; {:.1f} -> {:.1f} replicates/s)", one / two, one, two, 40 / one, 40 / two),
                               one / two >= kSpeedupTarget);
});

}  // namespace
