#pragma once
// A service's requests one by one, period by period: each period's count is the world's draw (the
// same the fluid model gets), placed at Poisson times within the period (or evenly, for expected
// demand), each request with a size (its service time over its type's mean) drawn from the shape.
// Times and sizes come from (service, period) substreams, so every policy sees the same requests.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

class ArrivalStream {
 public:
  /// Opens the first period.
  ArrivalStream(const ServiceSpec& spec, ServiceInputs inputs);

  /// The next request's arrival time in the open period; kTimeMax when it has no more.
  SimTime next_time() const { return next_ < times_.size() ? times_[next_] : kTimeMax; }
  /// Takes the next request's arrival time and size (next_time() must not be kTimeMax).
  std::pair<SimTime, double> take() {
    const double size = sizes_.empty() ? 1.0 : sizes_[next_];
    return {times_[next_++], size};
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
  std::string service_;
  ArrivalModel model_;
  ServiceTimeSpec shape_;
  SimDuration period_;
  std::vector<double> counts_;
  std::uint64_t seed_, replicate_;
  double expected_sum_ = 0;          // expected demand: the running total of the counts...
  std::int64_t expected_released_ = 0;  // ...and the whole requests released so far
  std::vector<SimTime> times_;
  std::vector<double> sizes_;
  std::size_t next_ = 0;
};

}  // namespace capsim
