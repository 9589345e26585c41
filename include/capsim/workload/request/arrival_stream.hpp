#pragma once
// A service's requests one by one, period by period: each period's count is the world's draw (the
// same the fluid model gets), placed at Poisson times within the period (or evenly, for expected
// demand), each request with a size (its service time over its type's mean) drawn from the shape.
// An LLM service's requests also get their prompt and output lengths (from distributions, or pairs
// drawn from the demand's request log). Times, sizes and tokens come from (service, period)
// substreams, so every policy sees the same requests.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/workload/request/replica_set.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

class ArrivalStream {
 public:
  /// Opens the first period.
  ArrivalStream(const ServiceSpec& spec, ServiceInputs inputs);

  /// The next request's arrival time in the open period; kTimeMax when it has no more.
  SimTime next_time() const { return next_ < times_.size() ? times_[next_] : kTimeMax; }
  /// Takes the next request (next_time() must not be kTimeMax).
  QueuedRequest take() {
    QueuedRequest r{times_[next_], sizes_.empty() ? 1.0 : sizes_[next_]};
    if (!input_tokens_.empty()) {
      r.input_tokens = input_tokens_[next_];
      r.output_tokens = output_tokens_[next_];
    }
    ++next_;
    return r;
  }
  /// Opens period `k` (starting at `start`), dropping what is left of the last one.
  void open(std::size_t k, SimTime start);

  std::size_t periods() const { return counts_.size(); }
  SimDuration period() const { return period_; }
  /// Requests/s of period `k` (clamped to the window).
  double rate(std::size_t k) const;
  /// Requests the open period holds.
  std::int64_t opened() const { return static_cast<std::int64_t>(times_.size()); }

 private:
  void draw_sizes(std::size_t k, std::size_t n);
  void draw_tokens(std::size_t k, std::int64_t n);
  /// A replayed log's requests in [start, start + period): their times and tokens.
  void replay(SimTime start);

  /// Where the stream stands in its demand: expected demand's running total and the whole requests
  /// released so far, or the next request of a replayed log.
  struct Released {
    double expected_sum = 0;
    std::int64_t expected = 0;
    std::size_t log_next = 0;
  };

  std::string service_;
  DemandSpec demand_;
  ServiceTimeSpec shape_;
  std::optional<LlmSpec> llm_;
  SimDuration period_;
  std::vector<double> counts_;
  std::uint64_t seed_, replicate_;
  UtcTime start_;
  Released released_;
  std::vector<SimTime> times_;
  std::vector<double> sizes_;
  std::vector<float> input_tokens_, output_tokens_;
  std::size_t next_ = 0;
};

}  // namespace capsim
