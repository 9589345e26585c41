#pragma once
// One LLM replica's engine under continuous batching, as vLLM runs it: admitted requests are first
// prefilled (their prompt processed, which yields the first output token), one at a time at the
// GPU's prefill rate, then join the decode batch, where every step gives each sequence one more
// token. A step takes base + per_sequence × batch seconds (decode is memory-bound: a bigger batch
// shares the weight reads, so per-token latency grows slowly and throughput saturates near
// 1 / per_sequence). Admission is bounded by max_num_seqs and by the KV cache: a request reserves
// its prompt plus output tokens when admitted (vLLM allocates blocks as it goes and preempts when it
// runs out; reserving up front never preempts and is the conservative side).
//
// Simplification, stated: a prefill does not slow the decode steps running beside it.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

/// How fast one replica of a model variant runs on one instance type.
struct LlmRates {
  double prefill_tokens_per_s = 0;
  double step_base_s = 0;          // a decode step's time with no sequence...
  double step_per_sequence_s = 0;  // ...plus this per sequence in the batch
  double kv_cache_tokens = 0;      // tokens of KV cache the replica holds
  int max_num_seqs = 256;
  /// Step time with `batch` sequences.
  double step_s(int batch) const { return step_base_s + step_per_sequence_s * batch; }
};

class ContinuousBatch {
 public:
  explicit ContinuousBatch(LlmRates rates) : rates_(rates) {}

  struct Event {
    std::uint32_t id;
    bool finished;  // false: its prefill ended (first token); true: its last token
    SimTime at;
  };

  /// Whether a request of `tokens` (prompt + output) may be admitted now.
  bool can_admit(double tokens) const;
  /// Admits request `id` at `now` (after advance_to(now)): it queues for prefill.
  void admit(std::uint32_t id, double input_tokens, double output_tokens, SimTime now);
  /// When the next prefill or last token happens (kTimeMax with nothing running).
  SimTime next_event() const;
  /// Plays everything up to and including `t` (at most next_event()), appending what happened.
  void advance_to(SimTime t, std::vector<Event>& out);
  /// Drops every request (its replica was cut off); their ids.
  std::vector<std::uint32_t> clear();

  int sequences() const { return static_cast<int>(prefill_.size() + decoding_); }
  /// The share of the KV cache its admitted requests reserve (vLLM's gpu_cache_usage_perc).
  double kv_usage() const { return rates_.kv_cache_tokens > 0 ? std::min(1.0, kv_used_ / rates_.kv_cache_tokens) : 0.0; }
  int batch() const { return static_cast<int>(decoding_); }

 private:
  struct Prefill {
    std::uint32_t id;
    double input_tokens, output_tokens;
  };
  struct Decoding {
    double done_at;  // the token clock's value at its last token
    std::uint32_t id;
    bool operator>(const Decoding& o) const { return done_at != o.done_at ? done_at > o.done_at : id > o.id; }
  };
  void move_clock(SimTime t);

  LlmRates rates_;
  std::deque<Prefill> prefill_;
  SimTime prefill_done_ = kTimeMax;  // when the head's prefill ends
  std::priority_queue<Decoding, std::vector<Decoding>, std::greater<>> decode_;
  std::size_t decoding_ = 0;
  std::vector<double> reserved_;  // by id: KV tokens it holds
  double kv_used_ = 0;
  double token_clock_ = 0;  // tokens each decoding sequence has gained since the start
  SimTime clock_ = 0;
};

}  // namespace capsim
