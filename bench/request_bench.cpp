// The request-level service model's speed.
// 1. One service with 50 replicas (least-outstanding routing, exponential service times, 90% busy):
//    >= 5 M requests/s end to end (arrival times, routing, queues, completions, latency sketches).
// 2. The M/M/50 queue of bench/mmc_simpy.py (λ = 45/s, μ = 1/s, one shared FIFO queue), run here and
//    in SimPy (Debian's python3-simpy) in the same process run: capsim >= 50x SimPy's requests/s.
// 3. The default scenario's `autoscaled` policy over its 30 days at request level: <= 30 s.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_main.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/request/request_service.hpp"

namespace {

constexpr double kTargetRequestsPerSecond = 5e6;
constexpr double kTargetSimpyRatio = 50;
constexpr double kTargetThirtyDaysS = 30;

// `periods` minutes of Poisson demand at `rate_rps` through `replicas` ready replicas; the requests played.
double play(capsim::RouterKind router, double rate_rps, int replicas, std::size_t periods) {
  capsim::ServiceSpec spec;
  spec.name = "svc";
  spec.model = capsim::ServiceModelKind::Request;
  spec.throughput_rps = {{"x", 1.0}};
  spec.request.router = router;
  spec.request.service_time.shape = capsim::ServiceTimeShape::Exponential;
  spec.sla.max_wait_s = 1e6;
  std::vector<double> counts;
  capsim::Rng rng(1);
  for (std::size_t k = 0; k < periods; ++k) counts.push_back(static_cast<double>(capsim::sample_poisson(rng, rate_rps * 60)));
  capsim::RequestService m(spec, {capsim::seconds(60), counts, 1, 0});
  capsim::InstanceType x;
  x.name = "x";
  for (int i = 0; i < replicas; ++i) m.replica_ready(0, static_cast<capsim::ReplicaId>(i), x);
  for (std::size_t k = 1; k <= periods; ++k) m.period_boundary(static_cast<capsim::SimTime>(k) * capsim::seconds(60));
  benchmark::DoNotOptimize(m.latency());
  return m.summary().requests;
}

void BM_RequestsFiftyReplicas(benchmark::State& state) {
  double requests = 0;
  for (auto _ : state) requests += play(capsim::RouterKind::LeastOutstanding, 45, 50, 1000);
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
}
BENCHMARK(BM_RequestsFiftyReplicas)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_RequestsMM50(benchmark::State& state) {
  double requests = 0;
  for (auto _ : state) requests += play(capsim::RouterKind::SharedQueue, 45, 50, 1000);
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
}
BENCHMARK(BM_RequestsMM50)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_RequestLevelThirtyDays(benchmark::State& state) {
  capsim::Scenario s = capsim::io::load_scenario(CAPSIM_SOURCE_DIR "/scenarios/fleet-options.json");
  capsim::PolicySpec policy = s.policy("autoscaled");
  for (auto& svc : policy.services) {
    svc.model = capsim::ServiceModelKind::Request;
    svc.concurrency = std::max(1.0, std::round(svc.concurrency));
  }
  double requests = 0;
  for (auto _ : state) {
    capsim::ReplicateResult r = capsim::run_replicate(s, policy, 0);
    for (const auto& svc : r.services) requests += svc.sla.requests;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
  state.counters["requests_per_run"] = requests / static_cast<double>(state.iterations());
}
BENCHMARK(BM_RequestLevelThirtyDays)->Unit(benchmark::kSecond)->Iterations(1);

// SimPy's requests/s on the same M/M/50, from its own timing (the script times only its run).
double simpy_requests_per_second() {
  const std::string cmd = "/usr/bin/python3 " CAPSIM_SOURCE_DIR "/bench/mmc_simpy.py --lam 45 --mu 1 --c 50 --requests 200000 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return 0;
  std::string out;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe.get())) out += buf.data();
  const auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded() || !j.contains("requests_per_s")) {
    std::printf("SimPy baseline failed: %s\n", out.c_str());
    return 0;
  }
  return j["requests_per_s"].get<double>();
}

const capsim::bench::RegisterCheck kRequestTargets([](const capsim::bench::Measurements& m) {
  int failures = 0;
  if (const auto* r = capsim::bench::find(m, "BM_RequestsFiftyReplicas")) {
    failures += capsim::bench::report("request model, one service, 50 replicas (least-outstanding, 90% busy)",
                                      fmt::format(">= {:.1f} M requests/s", kTargetRequestsPerSecond / 1e6),
                                      fmt::format("{:.2f} M requests/s", r->items_per_second / 1e6), r->items_per_second >= kTargetRequestsPerSecond);
  }
  if (const auto* r = capsim::bench::find(m, "BM_RequestsMM50")) {
    const double simpy = simpy_requests_per_second();
    const double ratio = simpy > 0 ? r->items_per_second / simpy : 0;
    failures += capsim::bench::report("M/M/50 (lambda 45/s, mu 1/s, shared queue): capsim against SimPy 2 on this machine",
                                      fmt::format(">= {:.0f}x", kTargetSimpyRatio),
                                      fmt::format("capsim {:.2f} M requests/s, SimPy {:.0f} requests/s: {:.0f}x", r->items_per_second / 1e6, simpy, ratio),
                                      ratio >= kTargetSimpyRatio);
  }
  if (const auto* r = capsim::bench::find(m, "BM_RequestLevelThirtyDays")) {
    const double s = r->real_time_ns / 1e9;
    failures += capsim::bench::report("default scenario `autoscaled`, 30 days at request level (coding trace)",
                                      fmt::format("<= {:.0f} s", kTargetThirtyDaysS),
                                      fmt::format("{:.2f} s for {:.1f} M requests ({:.2f} M requests/s)", s, r->counters.at("requests_per_run") / 1e6,
                                                  r->items_per_second / 1e6),
                                      s <= kTargetThirtyDaysS);
  }
  return failures;
});

}  // namespace
