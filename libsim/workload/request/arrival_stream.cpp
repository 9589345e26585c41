#include "capsim/workload/request/arrival_stream.hpp"

#include <algorithm>
#include <cmath>

#include "capsim/core/distributions.hpp"
#include "capsim/core/stream_keys.hpp"
#include "capsim/trace/arrival_times.hpp"

namespace capsim {

ArrivalStream::ArrivalStream(const ServiceSpec& spec, ServiceInputs in)
    : service_(spec.name),
      demand_(spec.demand),
      shape_(spec.request.service_time),
      llm_(spec.request.llm),
      period_(in.period),
      counts_(std::move(in.arrivals_per_period)),
      seed_(in.seed),
      replicate_(in.replicate),
      start_(in.start) {
  if (!counts_.empty()) open(0, 0);
}

void ArrivalStream::open(std::size_t k, SimTime start) {
  std::int64_t n = 0;
  if (demand_.arrivals == ArrivalModel::Log) {
    replay(start);
    next_ = 0;
    return;
  }
  if (demand_.arrivals == ArrivalModel::Expected) {
    // Whole requests: the running total rounded, so no fraction is lost over many periods.
    released_.expected_sum += counts_[k];
    const std::int64_t total = std::llround(released_.expected_sum);
    n = total - released_.expected;
    released_.expected = total;
    even_arrival_times(n, start, period_, times_);
  } else {
    n = std::llround(counts_[k]);
    Rng rng = make_stream({seed_, replicate_, stream::kArrivalTimes, service_, k});
    poisson_arrival_times(n, start, period_, rng, times_);
  }
  draw_sizes(k, static_cast<std::size_t>(n));
  if (llm_) draw_tokens(k, n);
  next_ = 0;
}

void ArrivalStream::replay(SimTime start) {
  // The log's requests are sorted; periods open in order, so one cursor walks it once.
  const RequestLog& log = *demand_.log;
  times_.clear();
  input_tokens_.clear();
  output_tokens_.clear();
  const SimTime end = start + period_;
  auto at = [&](std::size_t i) { return (log.arrivals[i] - start_).count(); };
  while (released_.log_next < log.size() && at(released_.log_next) < start) ++released_.log_next;
  for (; released_.log_next < log.size() && at(released_.log_next) < end; ++released_.log_next) {
    const std::size_t i = released_.log_next;
    times_.push_back(at(i));
    if (llm_ && i < log.input_tokens.size()) {
      input_tokens_.push_back(static_cast<float>(std::max(1.0, log.input_tokens[i])));
      output_tokens_.push_back(static_cast<float>(std::max(1.0, log.output_tokens[i])));
    }
  }
  const auto k = static_cast<std::size_t>(start / period_);
  draw_sizes(k, times_.size());
  // A log without token counts: an LLM service draws them as for any period.
  if (llm_ && input_tokens_.size() != times_.size()) draw_tokens(k, static_cast<std::int64_t>(times_.size()));
}

void ArrivalStream::draw_sizes(std::size_t k, std::size_t n) {
  sizes_.clear();
  if (shape_.shape == ServiceTimeShape::Fixed) return;
  Rng rng = make_stream({seed_, replicate_, stream::kRequestSizes, service_, k});
  sizes_.resize(n);
  for (double& x : sizes_) {
    switch (shape_.shape) {
      case ServiceTimeShape::Exponential: x = -std::log(1.0 - rng.uniform01()); break;
      // A median of exp(−σ²/2) gives mean 1.
      case ServiceTimeShape::Lognormal: x = std::exp(sample_normal(rng, -0.5 * shape_.sigma * shape_.sigma, shape_.sigma)); break;
      case ServiceTimeShape::Empirical: x = sample_empirical(rng, shape_.relative_sizes); break;
      case ServiceTimeShape::Fixed: break;
    }
  }
}

void ArrivalStream::draw_tokens(std::size_t k, std::int64_t n) {
  Rng rng = make_stream({seed_, replicate_, stream::kRequestTokens, service_, k});
  input_tokens_.resize(static_cast<std::size_t>(n));
  output_tokens_.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < input_tokens_.size(); ++i) {
    if (llm_->token_pairs) {
      // A request of the log, prompt and output together (they are correlated).
      const auto& pairs = *llm_->token_pairs;
      const auto j = std::min(pairs.input.size() - 1, static_cast<std::size_t>(rng.uniform01() * static_cast<double>(pairs.input.size())));
      input_tokens_[i] = static_cast<float>(pairs.input[j]);
      output_tokens_[i] = static_cast<float>(pairs.output[j]);
    } else {
      // Whole tokens, at least one of each.
      input_tokens_[i] = static_cast<float>(std::max(1.0, std::round(llm_->input_tokens->sample(rng))));
      output_tokens_[i] = static_cast<float>(std::max(1.0, std::round(llm_->output_tokens->sample(rng))));
    }
  }
}

double ArrivalStream::rate(std::size_t k) const {
  if (counts_.empty()) return 0;
  return counts_[std::min(k, counts_.size() - 1)] / to_seconds(period_);
}

}  // namespace capsim
