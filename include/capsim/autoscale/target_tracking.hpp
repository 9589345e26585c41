#pragma once
// The EC2 Auto Scaling target tracking scaling policy (PutScalingPolicy, PolicyType
// TargetTrackingScaling) for a plain Auto Scaling group: two CloudWatch alarms on a per-instance
// average metric, and a proportional new desired capacity when one of them is in ALARM. Pure and
// engine-independent: the caller supplies the time, one datapoint per metric period, the group's
// desired capacity and how many of its instances are still warming up; the controller keeps only
// the alarms' breaching runs and the time of its last scale-in.
//
// What AWS documents, and where:
// [TT]  EC2 user guide, "Target tracking scaling policies",
//       https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
//       - the service creates and manages two alarms (TargetTracking-<asg>-AlarmHigh / -AlarmLow);
//       - scale out is proportional to the metric "as fast as it can", scale in "more gradually";
//       - rounding is conservative: "adding 1.5 instances ... we round up and add two instances";
//         "if we determine that removing 1.5 instances increases your CPU utilization to above
//         50 percent, we remove just one instance" — i.e. the new capacity ready × metric / target
//         is rounded UP in both directions;
//       - DisableScaleIn: the policy never removes instances (another policy may);
//       - no scale-in on insufficient data (the policy needs data to see a low-utilization trend);
//       - "Amazon EC2 Auto Scaling does not scale your group below the minimum capacity or above the
//         maximum capacity" (MinSize / MaxSize);
//       - warm-up: until its warm-up has expired an instance is not counted toward the aggregated
//         metric; "a scale-in activity can't start while a scale-out activity is in progress".
// [WU]  EC2 user guide, "Set the default instance warmup for an Auto Scaling group",
//       https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
//       - while instances warm up, policies scale out only if the metric of the instances that are
//         not warming up is above the alarm high threshold (= TargetValue for target tracking);
//       - instances still warming up "are counted as part of the desired capacity for the next
//         scale-out activity", so repeated breaches do not add the same capacity twice;
//       - scale-in by scaling policies is blocked until the instances finish warming up.
// [SS]  EC2 user guide, step scaling "Instance warm-up" (the worked arithmetic the rule above
//       implies): 10 in service + 1 warming, the breach asks for 30 % of 10 = 3 more, "the desired
//       capacity of the group is already 11, so we add only 2", new desired 13 — the proposal is
//       computed from the capacity that is past warm-up and compared with the desired capacity,
//       https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// [WC]  EC2 user guide, "Available warm-up and cooldown settings",
//       https://docs.aws.amazon.com/autoscaling/ec2/userguide/consolidated-view-of-warm-up-and-cooldown-settings.html
//       - EstimatedInstanceWarmup (per policy) overrides DefaultInstanceWarmup (per group, 0-3600 s,
//         default none); without both, the warm-up falls back to DefaultCooldown (default 300 s);
//       - DefaultCooldown and Cooldown "are only needed when you use simple scaling policies": EC2
//         target tracking has NO ScaleInCooldown / ScaleOutCooldown (those are Application Auto
//         Scaling parameters, default 300 s for e.g. ECS services; see [AAS]). It relies on warm-up.
// [CW]  CloudWatch user guide, "Alarm actions": "Except for Auto Scaling actions, the actions happen
//       only on state transitions" — an alarm that stays in ALARM invokes the scaling policy again
//       each evaluation, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
// [AAS] Application Auto Scaling, "How target tracking scaling works": capacity is removed only when
//       utilization is below a threshold "far enough below the target value (usually more than 10%
//       lower)"; ScaleInCooldown / ScaleOutCooldown,
//       https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
// [API] TargetTrackingConfiguration: TargetValue (required), DisableScaleIn (default false),
//       https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_TargetTrackingConfiguration.html
//
// What AWS does NOT publish (each is a parameter below, with the default and the evidence for it):
// - the alarms' shape. The managed alarms have been observed as "metric > TargetValue for 3
//   datapoints within 3 minutes" (AlarmHigh) and "metric < threshold for 15 datapoints within
//   15 minutes" (AlarmLow), 60 s periods: https://github.com/aws/copilot-cli/issues/4233 (ECS),
//   https://github.com/aws-samples/amazon-aurora-labs-for-mysql/issues/3 (Aurora), and EC2 console
//   captures in public lab write-ups. Since November 2024 AWS may auto-tune these alarms
//   ("highly responsive scaling", https://cloudandclear.uk/aws-auto-scaling-assumptions-production/,
//   third-party); capsim models the fixed 3/15 cadence.
// - the AlarmLow threshold. For EC2 Auto Scaling groups the public console captures show 0.7 ×
//   TargetValue (target 50 → "< 35", 40 → "< 28", 30 → "< 21"); for Application Auto Scaling (ECS)
//   they show 0.9 × TargetValue (30 → 27, 70 → 63), matching [AAS]'s "usually more than 10% lower";
//   one older EC2 capture shows 40 → 36. Default 0.7; use 0.9 to model Application Auto Scaling.
// - any limit on how much one scale-in removes: capsim removes proportionally (rounded up, as [TT]).
#include <optional>

#include "capsim/core/sim_time.hpp"

namespace capsim {

inline constexpr int kTargetTrackingScaleOutDatapoints = 3;   // AlarmHigh: 3 of 3 datapoints (observed)
inline constexpr int kTargetTrackingScaleInDatapoints = 15;   // AlarmLow: 15 of 15 datapoints (observed)
inline constexpr double kTargetTrackingScaleInThresholdRatio = 0.7;  // AlarmLow threshold / TargetValue (observed on EC2)
/// The alarms' period; [TT] recommends 1-minute metrics (EC2 detailed monitoring). With basic
/// monitoring (5-minute EC2 metrics) use 300 s: 3 datapoints then take 15 minutes.
inline constexpr SimDuration kTargetTrackingMetricPeriod = 60 * kMicrosPerSecond;
/// DefaultCooldown's default, which is also the warm-up when neither EstimatedInstanceWarmup nor
/// DefaultInstanceWarmup is set ([WC]).
inline constexpr SimDuration kAsgDefaultCooldown = 300 * kMicrosPerSecond;

/// One target tracking policy and the size bounds of its group. Field names mirror the AWS API.
struct TargetTrackingSpec {
  /// TargetValue: the per-instance average to hold (GPU utilization percent, requests/s per
  /// instance, ...). > 0. AlarmHigh fires on metric > TargetValue.
  double target_value = 0;
  /// DisableScaleIn: when true the policy only ever adds instances.
  bool disable_scale_in = false;
  /// EstimatedInstanceWarmup, else the group's DefaultInstanceWarmup, else DefaultCooldown ([WC]).
  /// For the caller, which counts an instance as warming for this long after it is InService; the
  /// controller itself only sees the count. >= 0.
  SimDuration instance_warmup = kAsgDefaultCooldown;
  /// Minimum time from one scale-in by this policy to the next. EC2 target tracking has no such
  /// parameter ([WC]), hence 0; set it (e.g. 300 s) to model Application Auto Scaling's
  /// ScaleInCooldown. >= 0.
  SimDuration scale_in_cooldown = 0;
  int min_size = 0;  // MinSize, >= 0
  int max_size = 1;  // MaxSize, >= min_size
  int scale_out_datapoints = kTargetTrackingScaleOutDatapoints;  // >= 1
  int scale_in_datapoints = kTargetTrackingScaleInDatapoints;    // >= 1
  /// AlarmLow fires on metric < ratio × TargetValue. In (0, 1], so the two alarms never overlap.
  double scale_in_threshold_ratio = kTargetTrackingScaleInThresholdRatio;
  /// The alarms' period: evaluate() is called once per period. > 0.
  SimDuration metric_period = kTargetTrackingMetricPeriod;
};

/// The proportional capacity: ceil(instances × metric / target_value), rounded up in both
/// directions as [TT] describes. A product within 1e-9 of a whole number counts as that number, so
/// floating-point noise in an average does not add an instance. Saturates at INT_MAX.
/// Throws capsim::Error on instances < 0, a metric that is negative or not finite, or a
/// target_value that is not a positive number.
int target_tracking_capacity(int instances, double metric, double target_value);

/// One policy's state across metric periods: the length of the current breaching run of each alarm
/// and the time of its last scale-in.
class TargetTrackingController {
 public:
  /// Throws capsim::Error when the spec is not one AWS would accept (or not meaningful here).
  explicit TargetTrackingController(TargetTrackingSpec spec);

  /// The group's desired capacity after the datapoint of the metric period ending at `now`.
  /// - `metric`: the period's average over the in-service instances that are past warm-up; nullopt
  ///   when none reported. A missing datapoint breaches neither alarm (no scaling on insufficient
  ///   data), so it ends both breaching runs; so do skipped periods (a call two or more periods
  ///   after the previous one). (ALBRequestCountPerTarget emits zeros for idle periods [TT]: pass
  ///   0.0 for those, not nullopt.)
  /// - `desired`: the group's current desired capacity, instances still warming up included;
  ///   `warming`: how many of them are still within their warm-up (<= desired). The metric must come
  ///   from desired - warming > 0 instances.
  /// While AlarmHigh is in ALARM (the last scale_out_datapoints datapoints all above TargetValue)
  /// the policy runs each period ([CW]): the proposal target_tracking_capacity(desired - warming,
  /// metric, TargetValue) replaces `desired` only if larger — warming instances already count
  /// ([WU], [SS]) — capped at MaxSize.
  /// While AlarmLow is in ALARM (the last scale_in_datapoints datapoints all below the threshold)
  /// the policy scales in to target_tracking_capacity(desired, metric, TargetValue), not below
  /// MinSize — unless DisableScaleIn, an instance is warming up ([WU]), or the scale-in cooldown has
  /// not passed since this policy's last scale-in.
  /// Otherwise `desired` is returned unchanged. The result is always within [MinSize, MaxSize], as
  /// the group never holds a desired capacity outside them.
  /// Throws capsim::Error when `now` is less than one metric period after the previous call, on
  /// negative counts, warming > desired, a metric that is negative or not finite, or a metric with
  /// no instance past warm-up.
  int evaluate(SimTime now, std::optional<double> metric, int desired, int warming);

  const TargetTrackingSpec& spec() const { return spec_; }
  /// New MinSize / MaxSize (a scheduled action); throws capsim::Error unless 0 <= min <= max.
  void set_size_bounds(int min_size, int max_size);

 private:
  TargetTrackingSpec spec_;
  int high_run_ = 0;  // consecutive datapoints above TargetValue, up to now
  int low_run_ = 0;   // consecutive datapoints below the AlarmLow threshold
  std::optional<SimTime> last_now_;
  std::optional<SimTime> last_scale_in_;
};

}  // namespace capsim
