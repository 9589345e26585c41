#pragma once
// The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) decision, as the kube-controller-manager
// makes it on each sync: one proposal per metric (the replica calculator), the largest wins, then
// stabilization over past recommendations, then the behavior policies' rate limits (or, for an HPA
// without `behavior`, the controller's older limit) and minReplicas/maxReplicas. Pure and engine-independent: the caller supplies the time, the current
// replica count and the metric samples; the controller keeps only the history the real one keeps.
#include <optional>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

// Defaults, as documented on kubernetes.io ("Horizontal Pod Autoscaling", tasks/run-application/
// horizontal-pod-autoscale) and set in kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults.go and
// the kube-controller-manager flags. Every one is a field of HpaSpec / HpaBehavior.
inline constexpr int kHpaDefaultMinReplicas = 1;        // spec.minReplicas defaults to 1
inline constexpr double kHpaDefaultTolerance = 0.1;     // --horizontal-pod-autoscaler-tolerance
inline constexpr SimDuration kHpaDefaultSyncPeriod = 15 * kMicrosPerSecond;  // --horizontal-pod-autoscaler-sync-period
inline constexpr SimDuration kHpaDefaultInitialReadinessDelay = 30 * kMicrosPerSecond;  // --horizontal-pod-autoscaler-initial-readiness-delay
inline constexpr SimDuration kHpaDefaultScaleDownStabilization = 300 * kMicrosPerSecond;  // --horizontal-pod-autoscaler-downscale-stabilization; docs "Default Behavior"
inline constexpr SimDuration kHpaDefaultScaleUpStabilization = 0;  // docs "Default Behavior": scaleUp stabilizationWindowSeconds 0
inline constexpr int kHpaDefaultScaleUpPercent = 100;   // docs "Default Behavior": scaleUp Percent 100 / 15 s
inline constexpr int kHpaDefaultScaleUpPods = 4;        // docs "Default Behavior": scaleUp Pods 4 / 15 s (selectPolicy Max)
inline constexpr SimDuration kHpaDefaultScaleUpPeriod = 15 * kMicrosPerSecond;
inline constexpr int kHpaDefaultScaleDownPercent = 100;  // docs "Default Behavior": scaleDown Percent 100 / 15 s
inline constexpr SimDuration kHpaDefaultScaleDownPeriod = 15 * kMicrosPerSecond;
// API validation limits (autoscaling/v2 HPAScalingRules): periodSeconds in (0, 1800],
// stabilizationWindowSeconds in [0, 3600].
inline constexpr SimDuration kHpaMaxPolicyPeriod = 1800 * kMicrosPerSecond;
inline constexpr SimDuration kHpaMaxStabilizationWindow = 3600 * kMicrosPerSecond;
// The older path (no `behavior`): a sync may scale up to at most max(2 × current, 4)
// (horizontal.go, scaleUpLimitFactor and scaleUpLimitMinimum).
inline constexpr double kHpaScaleUpLimitFactor = 2.0;
inline constexpr int kHpaScaleUpLimitMinimum = 4;

/// The band of usage ratios that changes nothing: 1 - down <= ratio <= 1 + up. Both are the
/// controller's --horizontal-pod-autoscaler-tolerance unless behavior.scaleUp/scaleDown.tolerance
/// says otherwise (Kubernetes 1.33+, the HPAConfigurableTolerance feature gate).
struct HpaTolerances {
  double up = kHpaDefaultTolerance;
  double down = kHpaDefaultTolerance;
  HpaTolerances() = default;
  HpaTolerances(double both) : up(both), down(both) {}  // NOLINT: one tolerance for both directions reads naturally
  HpaTolerances(double up_, double down_) : up(up_), down(down_) {}
  bool within(double ratio) const { return 1.0 - down <= ratio && ratio <= 1.0 + up; }
};

enum class ScalingPolicyType { Pods, Percent };

/// One HPAScalingPolicy: change by at most `value` pods (or `value` percent) per `period`.
struct HpaScalingPolicy {
  ScalingPolicyType type = ScalingPolicyType::Pods;
  int value = 0;           // > 0
  SimDuration period = 0;  // periodSeconds, in (0, 1800 s]
};

/// selectPolicy: Max allows the largest change any policy allows, Min the smallest, Disabled none.
enum class SelectPolicy { Max, Min, Disabled };

/// HPAScalingRules for one direction.
struct HpaScalingRules {
  /// stabilizationWindowSeconds; nullopt takes the direction's default (0 up, 300 s down).
  std::optional<SimDuration> stabilization_window;
  SelectPolicy select_policy = SelectPolicy::Max;
  std::vector<HpaScalingPolicy> policies;  // at least one unless select_policy is Disabled
  /// tolerance (>= 0) for ratios in this direction; nullopt: HpaSpec::tolerance.
  std::optional<double> tolerance{};
};

struct HpaBehavior {
  HpaScalingRules scale_up;
  HpaScalingRules scale_down;
};

/// The documented default behavior, filled in as the API server fills a `behavior` that leaves
/// fields out: scaleUp window 0, policies Percent 100 / 15 s and Pods 4 / 15 s, select Max;
/// scaleDown window 300 s, policy Percent 100 / 15 s, select Max.
HpaBehavior default_behavior();

struct HpaSpec {
  /// >= 0. 0 is scale to zero (the HPAScaleToZero feature gate, alpha): Kubernetes allows it only
  /// with an Object or External metric, which the scenario loader checks.
  int min_replicas = kHpaDefaultMinReplicas;
  int max_replicas = 1;  // >= min_replicas, >= 1
  /// nullopt: the spec has no `behavior` (the API server does not default one), and the controller
  /// takes its older path: scale-up to at most max(2 × current, 4) per sync, scale-down stabilized
  /// over the last 300 s, no policies. Given: the policies path, its fields defaulted as above.
  std::optional<HpaBehavior> behavior;
  double tolerance = kHpaDefaultTolerance;  // no change while the ratio is within 1 ± tolerance
  /// How often the caller calls decide(); the controller itself does not need it.
  SimDuration sync_period = kHpaDefaultSyncPeriod;
  /// For the caller when it counts MetricSample::unready_pods of a CPU metric: a pod that is not Ready
  /// and has not been Ready since this long after its start counts as not yet ready. (For other
  /// metrics the kube-controller-manager counts only Pending pods as unready.)
  SimDuration initial_readiness_delay = kHpaDefaultInitialReadinessDelay;
};

/// One metric at one sync. The pod counts let the readiness and missing-value rules of the replica
/// calculator apply; leave them at their defaults when every current replica is ready and reported
/// a value.
struct MetricSample {
  enum class Kind {
    PerPod,                // a Pods metric, or a Resource one: the average over pods vs a per-pod target
    ExternalValue,         // an External metric with a Value target: the whole metric vs the target
    ExternalAverageValue,  // an External metric with an AverageValue target: the whole metric / replicas
  };
  Kind kind = Kind::PerPod;
  /// PerPod: the average over the `ready_pods` pods that reported a value; External: the whole metric.
  double current_value = 0;
  double target_value = 1;  // > 0: per pod (PerPod, ExternalAverageValue) or for the whole metric
  /// Ready pods that reported a value (PerPod), or Running and Ready pods (ExternalValue); nullopt
  /// means all current replicas.
  std::optional<int> ready_pods;
  /// PerPod: ready pods without a value. When the others suggest scaling down they count at the
  /// target (at max(100%, target) of their request for a Resource utilization target); scaling up,
  /// at 0; at a ratio of exactly 1 they are left out.
  int missing_pods = 0;
  /// PerPod: pods not yet ready: ignored, except that on a scale-up they count at 0.
  int unready_pods = 0;
  /// PerPod Resource metric with a Utilization target: the target in percent of the request.
  std::optional<double> utilization_target_percent;
};

/// The replica count one metric proposes (the replica calculator, before stabilization and limits):
/// - PerPod: ceil(ready_pods × current/target), or `current_replicas` within the tolerances; with
///   missing or unready pods, the conservative re-computation above, which never reverses the
///   direction; nullopt when no ready pod reported a value.
/// - ExternalValue: ceil(ratio × ready pods), or current within the tolerances; from zero
///   replicas, ceil(ratio) (no tolerance).
/// - ExternalAverageValue: ceil(metric / target), or current when metric / (target × current) is
///   within the tolerances; from zero replicas, ceil(metric / target).
/// Throws capsim::Error on a target <= 0, a negative value or negative pod counts.
std::optional<int> replicas_for_metric(int current_replicas, const MetricSample& sample, HpaTolerances tolerances);

/// One HPA's state across syncs: its past recommendations (for the stabilization windows) and its
/// scale events (for the policies' periods), the history the kube-controller-manager keeps (on the
/// older path, only the recommendations that can still decide a window: the same decisions).
class HpaController {
 public:
  /// Throws capsim::Error when the spec is not one the Kubernetes API would accept.
  explicit HpaController(HpaSpec spec);

  /// The replica count the HPA sets at `now` (calls must not go back in time), given the target's
  /// current replica count and one sample per metric, std::nullopt for a metric that could not be
  /// read. As the kube-controller-manager does:
  /// - current 0 with minReplicas > 0 → 0 (scaling is disabled while the target has zero replicas);
  ///   with minReplicas 0 the metrics decide, so an External metric can scale up from zero;
  /// - current above max (below min) → max (min), whatever the metrics say;
  /// - the largest proposal wins; if a metric is missing and the others suggest scaling down (or all
  ///   are missing), nothing changes and nothing is recorded — a missing metric can only allow a
  ///   scale-up;
  /// - with `behavior` (the policies path):
  ///   - stabilization: the result stays between the lowest recommendation of the scale-up window
  ///     and the highest of the scale-down window (the first sync counts the current count as one);
  ///   - policies: a scale-up goes at most to the most (select Max) or least (Min) permissive limit
  ///     over the policies, each computed from the replica count at the start of its period (current
  ///     minus the scale-ups plus the scale-downs recorded within it); likewise down; Disabled holds;
  ///   - then min/max bound the result. A change is recorded as a scale event at `now`;
  /// - without (the older path): the highest recommendation of the last 300 s (one exactly 300 s old
  ///   still counts), then at most max(2 × current, 4) and maxReplicas, at least minReplicas.
  int decide(SimTime now, int current_replicas, const std::vector<std::optional<MetricSample>>& metrics);
  /// decide() with the samples of the last call, for a caller that knows they have not changed:
  /// the same answer and history, without working the metrics' proposals out again (an HPA syncs
  /// every 15 s and its samples mostly repeat). Only when repeatable(current_replicas).
  int decide_again(SimTime now, int current_replicas);
  /// Whether the last decide() worked proposals out, for this current count (decide_again may follow).
  bool repeatable(int current_replicas) const { return proposals_.current == current_replicas; }

  const HpaSpec& spec() const { return spec_; }
  /// New minReplicas/maxReplicas (scheduled scaling); throws capsim::Error when min > max, min < 0
  /// or max < 1.
  void set_replica_bounds(int min_replicas, int max_replicas);

 private:
  struct Recommendation {
    SimTime at;
    int replicas;
  };
  struct ScaleEvent {
    SimTime at;
    int change;     // > 0: pods added (scale-up events) or removed (scale-down events)
    bool outdated;  // older than the direction's longest policy period once; reusable slot
  };

  /// decide()'s checks and early answers, before the metrics: true with `answer` set when one applies.
  bool settle(SimTime now, int current, int& answer);
  /// decide() from the largest proposal on, given how many metrics had none.
  int conclude(SimTime now, int current, int desired, std::size_t invalid, std::size_t metrics);
  int stabilize(SimTime now, int current, int desired);
  int limit_rate(SimTime now, int current, int desired) const;
  /// The older path: stabilizeRecommendation and convertDesiredReplicasWithRules.
  int normalize_without_behavior(SimTime now, int current, int desired);
  /// The older path's record of a recommendation (into `peaks_`).
  void record_peak(SimTime now, int replicas);
  void record_scale(SimTime now, int from, int to);

  HpaSpec spec_;
  SimDuration up_window_;
  SimDuration down_window_;
  std::vector<Recommendation> recommendations_;  // the policies path: as the controller keeps them
  // The older path, synced every 15 s for months: only the recommendations that can still be a
  // window's highest (each higher than every later one), oldest first from `peaks_head_` (a sliding
  // window maximum). They give the highest the controller's full list gives.
  std::vector<Recommendation> peaks_;
  std::size_t peaks_head_ = 0;
  std::vector<ScaleEvent> scale_up_events_;
  std::vector<ScaleEvent> scale_down_events_;
  bool synced_ = false;  // the first sync records the current count as a recommendation
  std::optional<SimTime> last_now_;
  struct Proposals {  // what the last decide() worked out from its samples (current -1: nothing)
    int current = -1;
    int desired = 0;
    std::size_t invalid = 0;
    std::size_t metrics = 0;
  };
  Proposals proposals_;
};

}  // namespace capsim
