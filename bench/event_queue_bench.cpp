// Event-queue throughput in a hold model (pop the earliest event, push one a random delay later),
// capsim's EventQueue next to a raw std::priority_queue of the same Event struct and order, with 100
// and 10,000 pending events. Prints the target, the measured ratio and PASS/FAIL for each size.
// Target (Foundation issue): capsim's queue >= 0.5x the raw baseline's events/s.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_main.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/event_queue.hpp"
#include "capsim/core/rng.hpp"

using capsim::Event;
using capsim::SimTime;

namespace {

constexpr double kTargetRatio = 0.5;

// Delays are drawn once, so both queues see the same sequence and the RNG is not what is measured.
const std::vector<SimTime>& delays() {
  static const std::vector<SimTime> d = [] {
    capsim::Rng rng = capsim::make_stream({1, 0, "bench", "hold", 0});
    std::vector<SimTime> v(1 << 16);
    for (auto& x : v) x = static_cast<SimTime>(capsim::sample_exponential(rng, 1e6)) + 1;
    return v;
  }();
  return d;
}

struct Later {
  bool operator()(const Event& a, const Event& b) const { return capsim::runs_before(b, a); }
};

void BM_RawPriorityQueue(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& d = delays();
  std::priority_queue<Event, std::vector<Event>, Later> q;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < n; ++i) q.push(Event{d[i], 0, seq++, {}});
  std::size_t k = n;
  for (auto _ : state) {
    Event e = q.top();
    q.pop();
    q.push(Event{e.time + d[k++ & 0xffff], 0, seq++, {}});
  }
  benchmark::DoNotOptimize(q.top());
  state.SetItemsProcessed(state.iterations());
}

void BM_CapsimEventQueue(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& d = delays();
  capsim::EventQueue q;
  for (std::size_t i = 0; i < n; ++i) q.push(d[i], 0);
  std::size_t k = n;
  for (auto _ : state) {
    auto e = q.pop();
    q.push(e->time + d[k++ & 0xffff], 0);
  }
  benchmark::DoNotOptimize(q.next_time());
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RawPriorityQueue)->Arg(100)->Arg(10000);
BENCHMARK(BM_CapsimEventQueue)->Arg(100)->Arg(10000);


const capsim::bench::RegisterCheck kHoldModelTarget([](const capsim::bench::Measurements& m) {
  int failures = 0;
  for (const char* n : {"100", "10000"}) {
    const auto raw = m.find(std::string("BM_RawPriorityQueue/") + n);
    const auto ours = m.find(std::string("BM_CapsimEventQueue/") + n);
    if (raw == m.end() || ours == m.end()) continue;  // filtered out
    const double ratio = ours->second.items_per_second / raw->second.items_per_second;
    failures += capsim::bench::report(
        fmt::format("event queue hold model, {} pending", n), fmt::format(">= {:.2f}x raw std::priority_queue", kTargetRatio),
        fmt::format("{:.2f}x (capsim {:.1f} M events/s, raw {:.1f} M events/s)", ratio, ours->second.items_per_second / 1e6,
                    raw->second.items_per_second / 1e6),
        ratio >= kTargetRatio);
  }
  return failures;
});

}  // namespace
