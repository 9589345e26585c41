#pragma once
// An SLO judged window by window, as an SLO dashboard does: every window's latency percentile (from a
// mergeable sketch, so no request is kept) against its target, and its share of failed requests
// against the availability target; plus the error budgets both burn over the whole run.
#include <cstdint>

#include "capsim/core/quantile_sketch.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/workload/request/request_spec.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

class SloTracker {
 public:
  explicit SloTracker(const SloSpec& spec);

  /// A request served at `at` with the SLO's latency `latency_s`.
  void served(SimTime at, double latency_s);
  /// A request that failed at `at` (timed out or lost).
  void failed(SimTime at);
  /// Closes every window up to `end` (the last one may be partial).
  void finish(SimTime end);

  /// The outcome; `duration` is the run's window (for goodput).
  SloSummary summary(SimDuration duration) const;

 private:
  void close_until(SimTime at);
  void close_window(SimTime end);

  SloSpec spec_;
  SimDuration window_;
  std::int64_t current_ = 0;  // index of the open window
  QuantileSketch window_latency_;
  std::uint64_t window_served_ = 0, window_failed_ = 0;
  std::uint64_t served_ = 0, failed_ = 0, over_target_ = 0;
  int windows_ = 0, windows_failed_ = 0;
  SimDuration failed_time_ = 0;
  bool finished_ = false;
};

}  // namespace capsim
