#include "capsim/workload/request/continuous_batch.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

namespace {

// A token-clock difference this small is rounding, not a token still to come.
constexpr double kTokenEpsilon = 1e-9;

SimDuration micros_up(double seconds) { return std::max<SimDuration>(1, static_cast<SimDuration>(std::ceil(seconds * 1e6))); }

}  // namespace

bool ContinuousBatch::can_admit(double tokens) const {
  if (sequences() >= rates_.max_num_seqs) return false;
  // A request longer than the whole cache runs alone rather than never.
  return sequences() == 0 || kv_used_ + tokens <= rates_.kv_cache_tokens;
}

void ContinuousBatch::admit(std::uint32_t id, double input_tokens, double output_tokens, SimTime now) {
  move_clock(now);
  if (reserved_.size() <= id) reserved_.resize(id + 1, 0.0);
  reserved_[id] = input_tokens + output_tokens;
  kv_used_ += reserved_[id];
  if (prefill_.empty()) prefill_done_ = now + micros_up(input_tokens / rates_.prefill_tokens_per_s);
  prefill_.push_back({id, input_tokens, output_tokens});
}

SimTime ContinuousBatch::next_event() const {
  SimTime t = prefill_done_;
  if (decoding_ > 0) {
    const double tokens = std::max(0.0, decode_.top().done_at - token_clock_);
    t = std::min(t, clock_ + micros_up(tokens * rates_.step_s(static_cast<int>(decoding_))));
  }
  return t;
}

void ContinuousBatch::move_clock(SimTime t) {
  if (t <= clock_) return;
  if (decoding_ > 0) token_clock_ += to_seconds(t - clock_) / rates_.step_s(static_cast<int>(decoding_));
  clock_ = t;
}

void ContinuousBatch::advance_to(SimTime t, std::vector<Event>& out) {
  for (SimTime at = next_event(); at <= t; at = next_event()) {
    move_clock(at);
    // Last tokens first: they free KV cache and shrink the batch the prefilled request joins.
    while (decoding_ > 0 && decode_.top().done_at <= token_clock_ + kTokenEpsilon) {
      const std::uint32_t id = decode_.top().id;
      decode_.pop();
      --decoding_;
      kv_used_ -= reserved_[id];
      out.push_back({id, true, at});
    }
    if (prefill_done_ <= at) {
      const Prefill p = prefill_.front();
      prefill_.pop_front();
      out.push_back({p.id, false, at});  // the prefill yields the first token
      if (p.output_tokens <= 1) {
        kv_used_ -= reserved_[p.id];
        out.push_back({p.id, true, at});
      } else {
        decode_.push({token_clock_ + (p.output_tokens - 1), p.id});
        ++decoding_;
      }
      prefill_done_ = prefill_.empty() ? kTimeMax : at + micros_up(prefill_.front().input_tokens / rates_.prefill_tokens_per_s);
    }
  }
  move_clock(t);
}

std::vector<std::uint32_t> ContinuousBatch::clear() {
  std::vector<std::uint32_t> ids;
  for (const Prefill& p : prefill_) ids.push_back(p.id);
  while (!decode_.empty()) {
    ids.push_back(decode_.top().id);
    decode_.pop();
  }
  prefill_.clear();
  prefill_done_ = kTimeMax;
  decoding_ = 0;
  kv_used_ = 0;
  return ids;
}

}  // namespace capsim
