#include "capsim/autoscale/target_tracking.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

#include "capsim/core/error.hpp"

// The sources for every rule are in the header. In short: two N-of-N alarms on one datapoint per
// period, a policy that runs every period its alarm stays in ALARM, and a proportional capacity
// rounded up in both directions.

namespace capsim {

namespace {

bool positive_number(double x) { return x > 0 && std::isfinite(x); }

void check_metric(double metric) {
  if (!(metric >= 0) || !std::isfinite(metric))
    throw Error(fmt::format("target tracking: metric must be a non-negative number, got {}", metric));
}

void check_bounds(int min_size, int max_size) {
  if (min_size < 0) throw Error(fmt::format("target tracking: MinSize must be >= 0, got {}", min_size));
  if (max_size < min_size)
    throw Error(fmt::format("target tracking: MaxSize ({}) is below MinSize ({})", max_size, min_size));
}

}  // namespace

int target_tracking_capacity(int instances, double metric, double target_value) {
  if (instances < 0) throw Error(fmt::format("target tracking: instance count must be >= 0, got {}", instances));
  check_metric(metric);
  if (!positive_number(target_value))
    throw Error(fmt::format("target tracking: TargetValue must be a positive number, got {}", target_value));
  double x = static_cast<double>(instances) * metric / target_value;
  // An average such as 0.1 + 0.2 is not exact; 6.0000000001 instances is 6, not 7.
  const double nearest = std::round(x);
  if (std::abs(x - nearest) < 1e-9) x = nearest;
  x = std::ceil(x);
  if (x >= static_cast<double>(INT_MAX)) return INT_MAX;
  return static_cast<int>(x);
}

TargetTrackingController::TargetTrackingController(TargetTrackingSpec spec) : spec_(std::move(spec)) {
  if (!positive_number(spec_.target_value))
    throw Error(fmt::format("target tracking: TargetValue must be a positive number, got {}", spec_.target_value));
  check_bounds(spec_.min_size, spec_.max_size);
  if (spec_.instance_warmup < 0)
    throw Error(fmt::format("target tracking: instance warmup must be >= 0 s, got {} s", to_seconds(spec_.instance_warmup)));
  if (spec_.scale_in_cooldown < 0)
    throw Error(fmt::format("target tracking: scale-in cooldown must be >= 0 s, got {} s", to_seconds(spec_.scale_in_cooldown)));
  if (spec_.scale_out_datapoints < 1)
    throw Error(fmt::format("target tracking: scale-out datapoints must be >= 1, got {}", spec_.scale_out_datapoints));
  if (spec_.scale_in_datapoints < 1)
    throw Error(fmt::format("target tracking: scale-in datapoints must be >= 1, got {}", spec_.scale_in_datapoints));
  if (!(spec_.scale_in_threshold_ratio > 0 && spec_.scale_in_threshold_ratio <= 1))
    throw Error(fmt::format("target tracking: scale-in threshold ratio must be in (0, 1], got {}",
                            spec_.scale_in_threshold_ratio));
  if (spec_.metric_period <= 0)
    throw Error(fmt::format("target tracking: metric period must be > 0 s, got {} s", to_seconds(spec_.metric_period)));
}

int TargetTrackingController::evaluate(SimTime now, std::optional<double> metric, int desired, int warming) {
  if (last_now_ && now - *last_now_ < spec_.metric_period)
    throw Error(fmt::format(
        "target tracking: datapoint at {} s is less than one metric period ({} s) after the previous one at {} s",
        to_seconds(now), to_seconds(spec_.metric_period), to_seconds(*last_now_)));
  if (desired < 0) throw Error(fmt::format("target tracking: desired capacity must be >= 0, got {}", desired));
  if (warming < 0 || warming > desired)
    throw Error(fmt::format("target tracking: warming instances must be in [0, desired = {}], got {}", desired, warming));
  const int ready = desired - warming;
  if (metric) {
    check_metric(*metric);
    if (ready == 0) throw Error("target tracking: a metric was given but no instance is past its warm-up");
  }

  // Skipped periods are missing datapoints, which breach neither alarm.
  if (last_now_ && now - *last_now_ >= 2 * spec_.metric_period) high_run_ = low_run_ = 0;
  last_now_ = now;
  if (metric) {
    high_run_ = *metric > spec_.target_value ? high_run_ + 1 : 0;
    low_run_ = *metric < spec_.scale_in_threshold_ratio * spec_.target_value ? low_run_ + 1 : 0;
  } else {
    high_run_ = low_run_ = 0;
  }

  int result = desired;
  if (high_run_ >= spec_.scale_out_datapoints) {
    // Proportional to the instances the metric came from; the warming ones are already in
    // `desired`, so a proposal they cover adds nothing.
    result = std::max(desired, target_tracking_capacity(ready, *metric, spec_.target_value));
  } else if (low_run_ >= spec_.scale_in_datapoints && !spec_.disable_scale_in && warming == 0 &&
             (!last_scale_in_ || now - *last_scale_in_ >= spec_.scale_in_cooldown)) {
    // warming == 0, so the metric covers all `desired` instances. Below the threshold (< TargetValue)
    // the proposal never exceeds `desired`.
    const int proposal = std::max(spec_.min_size, target_tracking_capacity(desired, *metric, spec_.target_value));
    if (proposal < desired) {
      result = proposal;
      last_scale_in_ = now;
    }
  }
  return std::clamp(result, spec_.min_size, spec_.max_size);
}

void TargetTrackingController::set_size_bounds(int min_size, int max_size) {
  check_bounds(min_size, max_size);
  spec_.min_size = min_size;
  spec_.max_size = max_size;
}

}  // namespace capsim
