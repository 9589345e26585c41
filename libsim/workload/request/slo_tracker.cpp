#include "capsim/workload/request/slo_tracker.hpp"

#include <algorithm>

namespace capsim {

SloTracker::SloTracker(const SloSpec& spec) : spec_(spec), window_(std::max<SimDuration>(1, seconds(spec.window_s))) {}

void SloTracker::close_window(SimTime end) {
  ++windows_;
  bool ok = true;
  if (window_served_ > 0 && window_latency_.quantile(spec_.percentile / 100.0) > spec_.latency_target_s) ok = false;
  const std::uint64_t total = window_served_ + window_failed_;
  if (spec_.availability > 0 && total > 0 &&
      static_cast<double>(window_served_) < spec_.availability * static_cast<double>(total))
    ok = false;
  if (!ok) {
    ++windows_failed_;
    failed_time_ += end - current_ * window_;
  }
  window_latency_.clear();
  window_served_ = window_failed_ = 0;
  ++current_;
}

void SloTracker::close_until(SimTime at) {
  while (at >= (current_ + 1) * window_) close_window((current_ + 1) * window_);
}

void SloTracker::served(SimTime at, double latency_s) {
  close_until(at);
  window_latency_.add(latency_s);
  ++window_served_;
  ++served_;
  if (latency_s > spec_.latency_target_s) ++over_target_;
}

void SloTracker::failed(SimTime at) {
  close_until(at);
  ++window_failed_;
  ++failed_;
}

void SloTracker::finish(SimTime end) {
  if (finished_) return;
  finished_ = true;
  close_until(end);
  if (end > current_ * window_) close_window(end);  // the partial last window
}

SloSummary SloTracker::summary(SimDuration duration) const {
  SloSummary s;
  s.windows = windows_;
  s.windows_failed = windows_failed_;
  s.violation_minutes = to_minutes(failed_time_);
  if (served_ > 0) {
    s.requests_over_target_share = static_cast<double>(over_target_) / static_cast<double>(served_);
    s.latency_budget_burn = s.requests_over_target_share / (1.0 - spec_.percentile / 100.0);
  }
  const std::uint64_t total = served_ + failed_;
  s.availability = total > 0 ? static_cast<double>(served_) / static_cast<double>(total) : 1.0;
  if (spec_.availability > 0 && spec_.availability < 1) s.availability_budget_burn = (1.0 - s.availability) / (1.0 - spec_.availability);
  if (duration > 0) s.goodput_rps = static_cast<double>(served_ - over_target_) / to_seconds(duration);
  return s;
}

}  // namespace capsim
