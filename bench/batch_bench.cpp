// Batch purchasing policies swept over recorded-style spot availability: 10,000 jobs arriving over
// 30 days, each replayed on one of 100 availability series (10-minute gaps, as the public spot
// traces are probed) under on-demand, spot, greedy and uniform-progress. Target (batch issue):
// <= 2 s for the 10,000 jobs; the check times all four policies together. Prints jobs/s.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/workload/batch/job_replay.hpp"

namespace {

constexpr double kBatchTargetS = 2;
constexpr int kJobs = 10'000;
constexpr int kTraces = 100;
constexpr double kGapS = 600;
constexpr std::size_t kSteps = 30 * 24 * 6 + 7 * 24 * 6;  // 30 days of arrivals plus a week for the last jobs to finish

// Two-state availability (spells of a few hours either way), one substream per series.
std::vector<std::vector<std::uint8_t>> availability() {
  std::vector<std::vector<std::uint8_t>> out;
  for (int s = 0; s < kTraces; ++s) {
    capsim::Rng rng = capsim::make_stream({42, 0, "bench-availability", "", static_cast<std::uint64_t>(s)});
    std::vector<std::uint8_t> series(kSteps);
    bool up = true;
    for (auto& v : series) {
      if (rng.uniform01() < (up ? 1.0 / 30 : 1.0 / 12)) up = !up;  // up ~5 h, down ~2 h
      v = up ? 1 : 0;
    }
    out.push_back(std::move(series));
  }
  return out;
}

double sweep(const std::vector<std::vector<std::uint8_t>>& traces, capsim::PurchasingKind kind, double& cost) {
  capsim::Rng rng = capsim::make_stream({42, 0, "bench-jobs", "", 0});
  for (int j = 0; j < kJobs; ++j) {
    capsim::ReplayJob job;
    job.work_s = (8 + 40 * rng.uniform01()) * 3600;
    job.deadline_s = job.work_s * (1.2 + rng.uniform01());
    job.changeover_s = 0.2 * 3600;
    job.checkpoints = {1800, 30};
    job.spot_usd_per_h = 0.4;
    job.on_demand_usd_per_h = 1.0;
    const auto first = static_cast<std::size_t>(j) * (30 * 24 * 6) / kJobs;
    cost += capsim::replay_job(kind, job, traces[static_cast<std::size_t>(j % kTraces)], kGapS, first).cost_usd;
  }
  return cost;
}

void BM_BatchSweep(benchmark::State& state) {
  const auto traces = availability();
  double cost = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (auto kind : {capsim::PurchasingKind::OnDemand, capsim::PurchasingKind::Spot, capsim::PurchasingKind::Greedy,
                      capsim::PurchasingKind::UniformProgress})
      sweep(traces, kind, cost);
    state.counters["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  benchmark::DoNotOptimize(cost);
}
BENCHMARK(BM_BatchSweep)->Unit(benchmark::kMillisecond)->Iterations(1);

const capsim::bench::RegisterCheck kSweep([](const capsim::bench::Measurements& m) {
  const auto* x = capsim::bench::find(m, "BM_BatchSweep");
  if (!x) return 0;
  const double s = x->counters.at("seconds");
  return capsim::bench::report("10,000 batch jobs over 30 days on 100 availability series, 4 purchasing policies each",
                               fmt::format("<= {:.0f} s", kBatchTargetS), fmt::format("{:.3f} s ({:.0f} jobs/s)", s, 4 * kJobs / s), s <= kBatchTargetS);
});

}  // namespace
