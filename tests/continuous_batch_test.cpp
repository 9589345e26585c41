// One LLM replica's continuous batching, against timelines worked out by hand from its rates.
#include <doctest/doctest.h>

#include <vector>

#include "capsim/workload/request/continuous_batch.hpp"

using namespace capsim;

namespace {

std::vector<ContinuousBatch::Event> run_all(ContinuousBatch& b) {
  std::vector<ContinuousBatch::Event> out;
  while (b.next_event() != kTimeMax) b.advance_to(b.next_event(), out);
  return out;
}

SimTime at_of(const std::vector<ContinuousBatch::Event>& ev, std::uint32_t id, bool finished) {
  for (const auto& e : ev)
    if (e.id == id && e.finished == finished) return e.at;
  return -1;
}

}  // namespace

TEST_CASE("A fixed batch decodes at the step time you compute from the rates") {
  // Prefill is (nearly) instant, so eight sequences decode together from the start. A step takes
  // 20 ms + 1 ms × 8 = 28 ms; each needs 100 tokens after its first: 2.8 s. Throughput: 8 tokens
  // per 28 ms = 285.7 tokens/s; per-token latency 28 ms.
  LlmRates r;
  r.prefill_tokens_per_s = 1e12;
  r.step_base_s = 0.020;
  r.step_per_sequence_s = 0.001;
  r.kv_cache_tokens = 1e9;
  r.max_num_seqs = 8;
  ContinuousBatch b(r);
  for (std::uint32_t i = 0; i < 8; ++i) b.admit(i, 100, 101, 0);
  CHECK_FALSE(b.can_admit(1));  // max_num_seqs
  const auto ev = run_all(b);
  // Prefills of 1 µs each, one after another: sequence i joins at (i + 1) µs; the batch is full
  // from 8 µs, so every sequence ends within 8 µs of 2.8 s.
  for (std::uint32_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(at_of(ev, i, false) == static_cast<SimTime>(i + 1));
    CHECK(at_of(ev, i, true) >= seconds(2.8));
    CHECK(at_of(ev, i, true) <= seconds(2.8) + 16);
  }
  CHECK(b.sequences() == 0);
}

TEST_CASE("Prefills one at a time, decode steps that slow as the batch grows") {
  // Prefill 1,000 tokens/s: two prompts of 100 tokens end at 0.1 s and 0.2 s (their first tokens).
  // Steps: 20 ms alone, 30 ms for two. Each needs 10 more tokens. The first decodes alone from
  // 0.1 to 0.2 s (5 tokens), then with the second: 5 more × 30 ms, done at 0.35 s; the second has
  // 5 by then and finishes alone: 5 × 20 ms, at 0.45 s.
  LlmRates r;
  r.prefill_tokens_per_s = 1000;
  r.step_base_s = 0.010;
  r.step_per_sequence_s = 0.010;
  r.kv_cache_tokens = 1e9;
  ContinuousBatch b(r);
  b.admit(0, 100, 11, 0);
  b.admit(1, 100, 11, 0);
  const auto ev = run_all(b);
  CHECK(at_of(ev, 0, false) == seconds(0.1));
  CHECK(at_of(ev, 1, false) == seconds(0.2));
  CHECK(at_of(ev, 0, true) == doctest::Approx(static_cast<double>(seconds(0.35))).epsilon(1e-5));
  CHECK(at_of(ev, 1, true) == doctest::Approx(static_cast<double>(seconds(0.45))).epsilon(1e-5));
}

TEST_CASE("The KV cache bounds admission; a single output token ends at its prefill") {
  LlmRates r;
  r.prefill_tokens_per_s = 1000;
  r.step_base_s = 0.01;
  r.step_per_sequence_s = 0.001;
  r.kv_cache_tokens = 300;
  ContinuousBatch b(r);
  CHECK(b.can_admit(200));
  b.admit(0, 199, 1, 0);
  CHECK(b.kv_usage() == doctest::Approx(200.0 / 300));  // what vLLM reports as gpu_cache_usage_perc
  CHECK_FALSE(b.can_admit(200));  // 200 + 200 > 300
  CHECK(b.can_admit(100));
  std::vector<ContinuousBatch::Event> ev;
  b.advance_to(seconds(0.199), ev);
  REQUIRE(ev.size() == 2);  // first and last token at once
  CHECK(ev[0].finished == false);
  CHECK(ev[1].finished == true);
  CHECK(ev[1].at == seconds(0.199));
  CHECK(b.can_admit(300));
  // A request longer than the whole cache still runs, alone.
  CHECK(b.can_admit(5000));
  b.admit(1, 4000, 1000, seconds(0.2));
  CHECK_FALSE(b.can_admit(1));
  CHECK(b.clear() == std::vector<std::uint32_t>{1});
  CHECK(b.sequences() == 0);
}
