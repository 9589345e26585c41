// The request-level model inside whole runs: chosen per service in a scenario file, reported next to
// the fluid model's measures, and in agreement with the fluid model where the two must agree.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "capsim/autoscale/keda.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/summary.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;

namespace {

Scenario default_scenario_for_one_day() {
  Scenario s = io::load_scenario(test::source_dir() / "scenarios" / "fleet-options.json");
  s.simulation.duration = hours(24);
  return s;
}

Scenario at_request_level(Scenario s) {
  for (auto& p : s.policies)
    for (auto& svc : p.services) svc.model = ServiceModelKind::Request;
  return s;
}

}  // namespace

// Slow under the sanitizers (2 minutes at -O0): the release tests run it, the asan preset skips the suite.
TEST_CASE("fluid and request level agree on cost exactly and on the missed share within a stated tolerance (a day of the bundled trace)" *
          doctest::test_suite("slow")) {
  const Scenario fluid = default_scenario_for_one_day();
  const Scenario request = at_request_level(fluid);
  const RunResult a = run_scenario(fluid);
  const RunResult b = run_scenario(request);
  REQUIRE(a.policies.size() == b.policies.size());
  for (std::size_t i = 0; i < a.policies.size(); ++i) {
    const auto& fa = a.policies[i].replicates[0];
    const auto& fb = b.policies[i].replicates[0];
    CAPTURE(a.policies[i].name);
    // The model only measures: the cluster, its autoscalers and so the bill are the same.
    CHECK(fa.cost.total_usd == fb.cost.total_usd);
    CHECK(fa.fleet.launches == fb.fleet.launches);
    const SlaSummary& x = fa.services[0].sla;
    const SlaSummary& y = fb.services[0].sla;
    // The same Poisson counts per period (the fluid model sums them as rate × time: last bits differ).
    CHECK(x.requests == doctest::Approx(y.requests).epsilon(1e-12));
    // Requests are missed where capacity stays below demand for longer than max_wait_s (10 s) — a
    // minute-scale effect both models see alike; within a minute the request model adds Poisson
    // bunching and fixed 0.5 s services the fluid model smooths out. Tolerance: 0.05 percentage
    // points (on this day: autoscaled 0.2218% fluid, 0.2232% request; the others 0 and 0).
    CHECK(std::fabs(x.missed_share - y.missed_share) <= 0.0005);
    REQUIRE(fb.services[0].latency);
    CHECK_FALSE(fa.services[0].latency);
    const LatencySummary& l = *fb.services[0].latency;
    CHECK(l.mean_in_system == doctest::Approx(l.arrival_rate_rps * l.mean_time_in_system_s).epsilon(1e-9));
  }
}

TEST_CASE("An LLM request alone on its replica: prefill, then decode at the model file's batch-1 step") {
  // One request a minute (300 prompt tokens, 101 output tokens) on one g5.xlarge (A10G). Prefill at
  // 4,000 tokens/s: 75 ms, which is the time to first token (no queue). Decode: the L40S points
  // (batch 1, 8, 32 at 44, 325, 1,124 tokens/s) fit step = 22.8258 ms + 0.178902 ms × batch by
  // least squares; the A10G's is that × 864 / 600 (bandwidth), so one sequence takes 33.1268 ms a
  // token, and its 100 tokens after the first 3.31268 s: 3.38768 s end to end.
  const Scenario s = io::load_scenario(test::data_dir() / "scenarios" / "llm_sparse.json");
  const RunResult r = run_scenario(s);
  const ServiceResult& svc = r.policies[0].replicates[0].services[0];
  REQUIRE(svc.llm);
  CHECK(svc.sla.requests == 10);
  CHECK(svc.sla.served == 10);
  CHECK(svc.llm->ttft_mean_s == doctest::Approx(0.075).epsilon(1e-4));
  CHECK(svc.llm->tpot_mean_s == doctest::Approx(0.0331268).epsilon(1e-4));
  CHECK(svc.latency->e2e_mean_s == doctest::Approx(3.38768).epsilon(1e-4));
  CHECK(svc.llm->output_tokens == 1010);
  CHECK(svc.llm->output_tokens_per_s == doctest::Approx(1010 / 600.0));
  // Busy 3.38768 s of every minute; the batch is one sequence for its 3.31268 s of decoding.
  CHECK(svc.sla.busy_replica_hours == doctest::Approx(10 * 3.38768 / 3600).epsilon(1e-4));
  CHECK(svc.llm->mean_batch == doctest::Approx(3.31268 / 60).epsilon(1e-4));
  // The SLO bounds time to first token (p99 <= 0.5 s): every window passes.
  REQUIRE(svc.slo);
  CHECK(svc.slo->windows == 10);
  CHECK(svc.slo->windows_failed == 0);
  // The derived A10G figures and vLLM's defaults are listed with the run's assumptions.
  bool derived = false, seqs = false;
  for (const Assumption& a : r.policies[0].assumptions) {
    derived = derived || a.pointer.find("llama-3.1-8b.json#/derived_decode/a10g") != std::string::npos;
    seqs = seqs || a.pointer == "/services/0/request/llm/max_num_seqs";
  }
  CHECK(derived);
  CHECK(seqs);
}

TEST_CASE("KEDA on the simulated queue: to zero at once, from zero at the first active poll, the cold start in the wait") {
  // KEDA polls at 0 s: no trigger has ever been active, so the one replica goes at once. Requests
  // arrive from 0.5 s (one a second) and are held. The poll at 30 s sees them waiting (above the
  // activation threshold 0) and scales to 1; the HPA KEDA made syncs next, at 30 s: 30 waiting over
  // a threshold of 5 asks for 6, its older path allows max(2 × 1, 4), maxReplicaCount 3: three
  // replicas, ready 60 s later at 90 s. The first request, at 0.5 s, waited 89.5 s.
  const Scenario s = io::load_scenario(test::data_dir() / "scenarios" / "keda_queue.json");
  RunOptions opt;
  opt.keep_series = true;
  const RunResult r = run_scenario(s, opt);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  const ServiceResult& svc = rep.services[0];
  REQUIRE(svc.latency);
  CHECK(svc.latency->wait_max_s == doctest::Approx(89.5));
  // Ready replicas at the end of each minute: none until 90 s, then three.
  const std::vector<int> ready(rep.service_series[0].ready_replicas.begin(), rep.service_series[0].ready_replicas.end());
  CHECK(ready == std::vector<int>{0, 3, 3, 3, 3});
  CHECK(svc.sla.requests == 480);
}

TEST_CASE("KEDA's activation and the HPA it creates") {
  ScaledObjectSpec so;
  so.min_replica_count = 0;
  so.max_replica_count = 10;
  so.cooldown_period = seconds(300);
  KedaTrigger t;
  t.metric.source = HpaMetric::Source::External;
  t.metric.target = 5;
  so.triggers.push_back(t);
  const HpaConfig h = keda_hpa(so);
  CHECK(h.spec.min_replicas == 1);  // KEDA's HPA never goes below one; KEDA itself takes it to zero
  CHECK(h.spec.max_replicas == 10);
  REQUIRE(h.metrics.size() == 1);
  CHECK(h.metrics[0].target == 5);
  KedaActivation k(so);
  CHECK(k.poll(0, 2, false) == 0);  // never active: no cooldown to wait for
  CHECK(k.poll(seconds(30), 0, true) == 1);
  CHECK_FALSE(k.poll(seconds(60), 3, true));  // active with replicas: the HPA's business
  CHECK_FALSE(k.poll(seconds(330), 3, false));  // last active 60 s: 270 s of cooldown so far
  CHECK_FALSE(k.poll(seconds(360), 3, false));  // exactly 300 s: KEDA waits until the cooldown is past
  CHECK(k.poll(seconds(390), 3, false) == 0);
  so.min_replica_count = 2;
  KedaActivation floor(so);
  CHECK(floor.poll(0, 0, true) == 2);
  CHECK_FALSE(floor.poll(seconds(1000), 2, false));  // never to zero with a minimum
  CHECK(floor.poll(seconds(1030), 1, false) == 2);   // and back to it when below
}

TEST_CASE("An HPA on the simulated queue: waiting requests per replica as a Pods metric") {
  // One replica serves one request a second; minute 1 brings three a second from 60 s (at 60 1/6 s,
  // then every 1/3 s). By the sync at 75 s, 45 have arrived; the replica finished the 14 it started
  // from 60.5 s to 73.5 s and serves a 15th, so 30 wait: 30 per ready replica against a target of 5
  // asks for 6, the older path allows max(2 × 1, 4), maxReplicas 3. Two more replicas, ready at 135 s.
  const Scenario s = io::load_scenario(test::data_dir() / "scenarios" / "hpa_queue.json");
  RunOptions opt;
  opt.keep_series = true;
  const RunResult r = run_scenario(s, opt);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  const std::vector<int> ready(rep.service_series[0].ready_replicas.begin(), rep.service_series[0].ready_replicas.end());
  CHECK(ready == std::vector<int>{1, 1, 3, 3, 3});
}

TEST_CASE("A request log replayed as recorded: every request at its own time with its own tokens") {
  // scenarios/data/azure-llm-2023/code_requests.csv holds 8,819 requests with 18,059,974 prompt
  // and 245,896 output tokens (summed from the file with Python's csv module). On six L40S replicas
  // with room to spare, every one is served before the window closes, with exactly those tokens.
  const Scenario s = io::load_scenario(test::data_dir() / "scenarios" / "llm_log_replay.json");
  const RunResult r = run_scenario(s);
  const ServiceResult& svc = r.policies[0].replicates[0].services[0];
  CHECK(svc.sla.requests == 8819);
  CHECK(svc.sla.served == 8819);
  REQUIRE(svc.llm);
  CHECK(svc.llm->input_tokens == 18059974);
  CHECK(svc.llm->output_tokens == 245896);
  // Nothing random in the arrivals: another replicate replays the same requests.
  Scenario twice = s;
  twice.simulation.replicates = 2;
  const RunResult r2 = run_scenario(twice);
  CHECK(r2.policies[0].replicates[1].services[0].llm->input_tokens == 18059974);
}

TEST_CASE("An HPA on the LLM engines' KV cache scales out when prompts fill it") {
  // The Azure code hour's prompts average about 2,000 tokens; one L40S replica's KV cache beside
  // 16-bit weights holds (44.7 GiB × 0.9 − 14.96 GiB) / 128 KiB ≈ 207,000 tokens. With a target of
  // 1% per replica, the requests in flight at the busy minutes ask for more replicas than one.
  Scenario s = io::load_scenario(test::data_dir() / "scenarios" / "llm_log_replay.json");
  PolicySpec& p = s.policies.front();
  p.services.front().replicas = 1;
  p.services.front().startup_s = Distribution{Distribution::Constant{60}};
  HpaConfig h;
  h.spec.min_replicas = 1;
  h.spec.max_replicas = 6;
  h.collection_lag = 0;
  HpaMetric m;
  m.source = HpaMetric::Source::Pods;
  m.name = "kv_cache_usage";
  m.service_queue = true;
  m.target = 1;
  h.metrics.push_back(m);
  p.cluster.hpa.emplace("code-completion", h);
  RunOptions opt;
  opt.keep_series = true;
  const RunResult r = run_scenario(s, opt);
  const auto& ready = r.policies[0].replicates[0].service_series[0].ready_replicas;
  CHECK(*std::max_element(ready.begin(), ready.end()) > 1);
  CHECK(ready.front() == 1);
  // Without a start-up latency a replica started mid-run is an error, not an instant start.
  p.services.front().startup_s.reset();
  CHECK_THROWS_WITH_AS(run_scenario(s), doctest::Contains("has no start-up latency (replica.startup_s)"), Error);
}

TEST_CASE("A model derived from another: Qwen2.5-7B's batch-1 decode on an A100 against Qwen's published figure") {
  // qwen2.5-7b.json has no decode figures of its own; it scales Llama-3.1-8B's A100 fit (weights
  // 7.61 / 8.03, KV 56 / 128 KiB per token). Qwen's own benchmark measured 84.28 tokens/s at batch
  // 1 on an A100 (vLLM, BF16): a lone request's time per output token must be within 1% of 1 / 84.28 s.
  const Scenario s = io::load_scenario(test::data_dir() / "scenarios" / "llm_sparse_qwen.json");
  const RunResult r = run_scenario(s);
  const ServiceResult& svc = r.policies[0].replicates[0].services[0];
  REQUIRE(svc.llm);
  CHECK(svc.llm->tpot_mean_s == doctest::Approx(1 / 84.28).epsilon(0.01));
  bool derived = false;
  for (const Assumption& a : r.policies[0].assumptions) derived = derived || a.pointer.find("qwen2.5-7b.json#/derived_from_model") != std::string::npos;
  CHECK(derived);
}
