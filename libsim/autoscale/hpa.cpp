#include "capsim/autoscale/hpa.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "capsim/core/error.hpp"

// The logic follows kubernetes/kubernetes pkg/controller/podautoscaler: replica_calculator.go
// (GetResourceReplicas, calcPlainMetricReplicas, GetExternalMetricReplicas,
// GetExternalPerPodMetricReplicas, Tolerances.isWithin) for one metric, horizontal.go
// (reconcileAutoscaler, computeReplicasForMetrics, normalizeDesiredReplicas, stabilizeRecommendation,
// convertDesiredReplicasWithRules, stabilizeRecommendationWithBehaviors,
// convertDesiredReplicasWithBehaviorRate, calculateScale{Up,Down}Limit..., storeScaleEvent) for the rest.

namespace capsim {

HpaBehavior default_behavior() {
  HpaBehavior b;
  b.scale_up.stabilization_window = kHpaDefaultScaleUpStabilization;
  b.scale_up.select_policy = SelectPolicy::Max;
  b.scale_up.policies = {{ScalingPolicyType::Pods, kHpaDefaultScaleUpPods, kHpaDefaultScaleUpPeriod},
                         {ScalingPolicyType::Percent, kHpaDefaultScaleUpPercent, kHpaDefaultScaleUpPeriod}};
  b.scale_down.stabilization_window = kHpaDefaultScaleDownStabilization;
  b.scale_down.select_policy = SelectPolicy::Max;
  b.scale_down.policies = {{ScalingPolicyType::Percent, kHpaDefaultScaleDownPercent, kHpaDefaultScaleDownPeriod}};
  return b;
}

namespace {

// A replica count from a double, saturating instead of overflowing.
int to_replicas(double x) {
  if (x >= static_cast<double>(INT_MAX)) return INT_MAX;
  if (x <= 0) return 0;
  return static_cast<int>(x);
}

int clamp_to_int(long long x) {
  return static_cast<int>(std::clamp<long long>(x, INT_MIN, INT_MAX));
}

void check_rules(const HpaScalingRules& r, std::string_view direction) {
  if (r.tolerance && (!(*r.tolerance >= 0) || !std::isfinite(*r.tolerance)))
    throw Error(fmt::format("HPA behavior.{}: tolerance must be a number >= 0, got {}", direction, *r.tolerance));
  if (r.stabilization_window && (*r.stabilization_window < 0 || *r.stabilization_window > kHpaMaxStabilizationWindow))
    throw Error(fmt::format("HPA behavior.{}: stabilization window must be 0-3600 s, got {} s", direction,
                            to_seconds(*r.stabilization_window)));
  if (r.policies.empty() && r.select_policy != SelectPolicy::Disabled)
    throw Error(fmt::format("HPA behavior.{}: at least one policy is needed unless selectPolicy is Disabled", direction));
  for (const auto& p : r.policies) {
    if (p.value <= 0) throw Error(fmt::format("HPA behavior.{}: policy value must be > 0, got {}", direction, p.value));
    if (p.period <= 0 || p.period > kHpaMaxPolicyPeriod)
      throw Error(fmt::format("HPA behavior.{}: policy period must be in (0, 1800] s, got {} s", direction,
                              to_seconds(p.period)));
  }
}

// Net replicas added by `events` within (now - period, now].
long long change_within(SimTime now, SimDuration period, const auto& events) {
  long long sum = 0;
  for (const auto& e : events)
    if (e.at > now - period) sum += e.change;
  return sum;
}

// No proposal: no ready pod reported a value. An int rather than std::optional<int>, which the HPA
// asks for every metric at every sync: an optional<int> returned through memory is written in two
// parts and read back whole, which stalls on store forwarding.
constexpr int kNoProposal = -1;

int proposal(int current_replicas, const MetricSample& s, HpaTolerances tol) {
  if (!(s.target_value > 0) || !std::isfinite(s.target_value))
    throw Error(fmt::format("HPA metric: target must be a positive number, got {}", s.target_value));
  if (!(s.current_value >= 0) || !std::isfinite(s.current_value))
    throw Error(fmt::format("HPA metric: value must be a non-negative number, got {}", s.current_value));
  if (current_replicas < 0 || s.missing_pods < 0 || s.unready_pods < 0 || (s.ready_pods && *s.ready_pods < 0))
    throw Error("HPA metric: replica and pod counts must be >= 0");

  if (s.kind == MetricSample::Kind::ExternalValue) {
    // GetExternalMetricReplicas → getUsageRatioReplicaCount: from zero replicas the ratio itself;
    // otherwise the ratio times the pods that are Running and Ready.
    const double ratio = s.current_value / s.target_value;
    if (current_replicas == 0) return to_replicas(std::ceil(ratio));
    if (tol.within(ratio)) return current_replicas;
    return to_replicas(std::ceil(ratio * s.ready_pods.value_or(current_replicas)));
  }
  if (s.kind == MetricSample::Kind::ExternalAverageValue) {
    // GetExternalPerPodMetricReplicas: the ratio is over the target for every current replica (over
    // zero replicas it is infinite, so never within the tolerance).
    const double wanted = std::ceil(s.current_value / s.target_value);
    if (current_replicas == 0) return to_replicas(wanted);
    if (tol.within(s.current_value / (s.target_value * current_replicas))) return current_replicas;
    return to_replicas(wanted);
  }

  const int ready = s.ready_pods.value_or(current_replicas);
  if (ready == 0) return kNoProposal;  // "did not receive metrics for targeted pods"
  const double ratio = s.current_value / s.target_value;

  const bool scale_up_with_unready = s.unready_pods > 0 && ratio > 1.0;
  if (!scale_up_with_unready && s.missing_pods == 0) {
    if (tol.within(ratio)) return current_replicas;
    return to_replicas(std::ceil(ratio * ready));
  }

  // Re-average with the conservative assumptions, in units of the target. Missing pods: on a
  // scale-down at the target, or for a Resource utilization target at max(100%, target) of their
  // request; on a scale-up at 0; at a ratio of exactly 1 they are left out. Unready pods count (at
  // 0) only on a scale-up.
  double total = ratio * ready;
  int pods = ready;
  if (s.missing_pods > 0 && ratio < 1.0) {
    const double fill = s.utilization_target_percent ? std::max(100.0, *s.utilization_target_percent) / *s.utilization_target_percent : 1.0;
    total += s.missing_pods * fill;
    pods += s.missing_pods;
  } else if (s.missing_pods > 0 && ratio > 1.0) {
    pods += s.missing_pods;
  }
  if (scale_up_with_unready) pods += s.unready_pods;
  const double new_ratio = total / pods;

  // No change within the tolerances, or if the assumptions reverse the direction.
  if (tol.within(new_ratio) || (ratio > 1.0 && new_ratio < 1.0) || (ratio < 1.0 && new_ratio > 1.0)) return current_replicas;
  const int wanted = to_replicas(std::ceil(new_ratio * pods));
  // Nor if counting other pods than the current replicas would reverse it.
  if ((new_ratio < 1.0 && wanted > current_replicas) || (new_ratio > 1.0 && wanted < current_replicas))
    return current_replicas;
  return wanted;
}

}  // namespace

std::optional<int> replicas_for_metric(int current_replicas, const MetricSample& sample, HpaTolerances tolerances) {
  const int p = proposal(current_replicas, sample, tolerances);
  if (p == kNoProposal) return std::nullopt;
  return p;
}

HpaController::HpaController(HpaSpec spec) : spec_(std::move(spec)) {
  if (spec_.min_replicas < 0) throw Error(fmt::format("HPA: min_replicas must be >= 0, got {}", spec_.min_replicas));
  if (spec_.max_replicas < 1) throw Error(fmt::format("HPA: max_replicas must be >= 1, got {}", spec_.max_replicas));
  if (spec_.max_replicas < spec_.min_replicas)
    throw Error(fmt::format("HPA: max_replicas ({}) is below min_replicas ({})", spec_.max_replicas, spec_.min_replicas));
  if (!(spec_.tolerance >= 0) || !std::isfinite(spec_.tolerance))
    throw Error(fmt::format("HPA: tolerance must be a non-negative number, got {}", spec_.tolerance));
  if (spec_.sync_period <= 0) throw Error("HPA: sync period must be > 0");
  if (spec_.initial_readiness_delay < 0) throw Error("HPA: initial readiness delay must be >= 0");
  up_window_ = kHpaDefaultScaleUpStabilization;
  down_window_ = kHpaDefaultScaleDownStabilization;  // the older path's window too (the controller flag)
  if (spec_.behavior) {
    check_rules(spec_.behavior->scale_up, "scaleUp");
    check_rules(spec_.behavior->scale_down, "scaleDown");
    up_window_ = spec_.behavior->scale_up.stabilization_window.value_or(kHpaDefaultScaleUpStabilization);
    down_window_ = spec_.behavior->scale_down.stabilization_window.value_or(kHpaDefaultScaleDownStabilization);
  }
}

bool HpaController::settle(SimTime now, int current, int& answer) {
  if (last_now_ && now < *last_now_)
    throw Error(fmt::format("HPA: sync at {} s is before the previous sync at {} s", to_seconds(now), to_seconds(*last_now_)));
  if (current < 0) throw Error(fmt::format("HPA: current replicas must be >= 0, got {}", current));
  last_now_ = now;
  if (!synced_) {  // recordInitialRecommendation
    if (spec_.behavior) recommendations_.push_back({now, current});
    else record_peak(now, current);
    synced_ = true;
  }

  // "scaling is disabled since the replica count of the target is zero" — unless it may be zero.
  if (current == 0 && spec_.min_replicas != 0) {
    answer = 0;
    return true;
  }
  if (current > spec_.max_replicas || current < spec_.min_replicas) {
    answer = std::clamp(current, spec_.min_replicas, spec_.max_replicas);
    record_scale(now, current, answer);
    return true;
  }
  return false;
}

int HpaController::decide(SimTime now, int current, const std::vector<std::optional<MetricSample>>& metrics) {
  proposals_.current = -1;  // until this call's are worked out
  int answer = 0;
  if (settle(now, current, answer)) return answer;
  if (metrics.empty()) throw Error("HPA: at least one metric is needed");

  // Each direction's tolerance: its behavior's, else the controller's.
  HpaTolerances tol(spec_.tolerance);
  if (spec_.behavior) {
    tol.up = spec_.behavior->scale_up.tolerance.value_or(spec_.tolerance);
    tol.down = spec_.behavior->scale_down.tolerance.value_or(spec_.tolerance);
  }
  int desired = 0;
  std::size_t invalid = 0;
  for (const auto& m : metrics) {
    const int p = m ? proposal(current, *m, tol) : kNoProposal;
    if (p == kNoProposal) {
      ++invalid;
      continue;
    }
    desired = std::max(desired, p);
  }
  proposals_ = {current, desired, invalid, metrics.size()};
  return conclude(now, current, desired, invalid, metrics.size());
}

int HpaController::decide_again(SimTime now, int current) {
  if (!repeatable(current)) throw std::logic_error("HPA: decide_again without proposals for this replica count");
  int answer = 0;
  if (settle(now, current, answer)) return answer;
  return conclude(now, current, proposals_.desired, proposals_.invalid, proposals_.metrics);
}

int HpaController::conclude(SimTime now, int current, int desired, std::size_t invalid, std::size_t metrics) {
  // All metrics missing, or some missing and the rest would scale down: no scaling this sync.
  if (invalid == metrics || (invalid > 0 && desired < current)) return current;

  if (!spec_.behavior) return normalize_without_behavior(now, current, desired);
  const int stabilized = stabilize(now, current, desired);
  const int result = limit_rate(now, current, stabilized);
  if (result != current) record_scale(now, current, result);
  return result;
}

int HpaController::stabilize(SimTime now, int current, int desired) {
  // A recommendation counts within (now - window, now]; one older than both windows never counts again.
  const SimTime up_cutoff = now - up_window_;
  const SimTime down_cutoff = now - down_window_;
  std::erase_if(recommendations_, [&](const Recommendation& r) { return r.at <= std::min(up_cutoff, down_cutoff); });
  int up = desired;    // the lowest recommendation within the scale-up window
  int down = desired;  // the highest within the scale-down window
  for (const auto& r : recommendations_) {
    if (r.at > up_cutoff) up = std::min(up, r.replicas);
    if (r.at > down_cutoff) down = std::max(down, r.replicas);
  }
  recommendations_.push_back({now, desired});  // the unstabilized recommendation
  // Bring the current count within [up, down] (up <= desired <= down).
  int recommendation = current;
  if (recommendation < up) recommendation = up;
  if (recommendation > down) recommendation = down;
  return recommendation;
}

void HpaController::record_peak(SimTime now, int replicas) {
  // A recommendation no higher than this newer one can never be a window's highest again.
  while (peaks_.size() > peaks_head_ && peaks_.back().replicas <= replicas) peaks_.pop_back();
  if (peaks_head_ == peaks_.size()) {
    peaks_.clear();
    peaks_head_ = 0;
  } else if (peaks_head_ > 64 && 2 * peaks_head_ > peaks_.size()) {  // expired ones: give their room back
    peaks_.erase(peaks_.begin(), peaks_.begin() + static_cast<std::ptrdiff_t>(peaks_head_));
    peaks_head_ = 0;
  }
  peaks_.push_back({now, replicas});
}

int HpaController::normalize_without_behavior(SimTime now, int current, int desired) {
  // stabilizeRecommendation: the highest recommendation not older than the window (the controller
  // drops only those Before the cutoff). The controller scans every recommendation it stores; as
  // a recommendation that expires never counts again (the cutoff only moves forward), the highest
  // of those it scans is the first peak still in the window, the same answer without the scan.
  const SimTime cutoff = now - down_window_;
  while (peaks_head_ < peaks_.size() && peaks_[peaks_head_].at < cutoff) ++peaks_head_;
  const int highest = peaks_head_ < peaks_.size() ? std::max(desired, peaks_[peaks_head_].replicas) : desired;
  record_peak(now, desired);
  // convertDesiredReplicasWithRules: at most max(2 × current, 4) and maxReplicas, at least min.
  const auto limit = static_cast<int>(std::max(kHpaScaleUpLimitFactor * current, static_cast<double>(kHpaScaleUpLimitMinimum)));
  const int most = std::min(spec_.max_replicas, limit);
  if (highest < spec_.min_replicas) return spec_.min_replicas;
  return std::min(highest, most);
}

int HpaController::limit_rate(SimTime now, int current, int desired) const {
  const bool up = desired > current;
  if (desired == current) return desired;
  const HpaScalingRules& rules = up ? spec_.behavior->scale_up : spec_.behavior->scale_down;

  long long limit = current;  // Disabled: no change in this direction
  if (rules.select_policy != SelectPolicy::Disabled) {
    // Scaling up, Max picks the highest limit; scaling down, Max (the most change) picks the lowest.
    const bool pick_highest = up == (rules.select_policy == SelectPolicy::Max);
    limit = pick_highest ? LLONG_MIN : LLONG_MAX;
    for (const auto& p : rules.policies) {
      const long long start = static_cast<long long>(current) - change_within(now, p.period, scale_up_events_) +
                              change_within(now, p.period, scale_down_events_);
      const double factor = static_cast<double>(p.value) / 100;
      long long proposed = 0;
      if (up)
        proposed = p.type == ScalingPolicyType::Pods ? start + p.value
                                                     : static_cast<long long>(std::ceil(static_cast<double>(start) * (1 + factor)));
      else  // the controller truncates a Percent scale-down limit (int32 conversion)
        proposed = p.type == ScalingPolicyType::Pods ? start - p.value
                                                     : static_cast<long long>(static_cast<double>(start) * (1 - factor));
      limit = pick_highest ? std::max(limit, proposed) : std::min(limit, proposed);
    }
  }

  if (up) {
    // Never below current (events still in the period hold it), never above max.
    const int allowed = std::min(spec_.max_replicas, clamp_to_int(std::max<long long>(limit, current)));
    return std::min(desired, allowed);
  }
  const int allowed = std::max(spec_.min_replicas, clamp_to_int(std::min<long long>(limit, current)));
  return std::max(desired, allowed);
}

void HpaController::record_scale(SimTime now, int from, int to) {
  // storeScaleEvent: events older than the direction's longest policy period are marked outdated (for
  // good), and the last outdated one is replaced by the new event; otherwise it is appended. Outdated
  // events still count in the limits while inside a period, as in the controller. Without behavior
  // the controller keeps no events.
  if (!spec_.behavior) return;
  const bool up = to > from;
  auto& events = up ? scale_up_events_ : scale_down_events_;
  const HpaScalingRules& rules = up ? spec_.behavior->scale_up : spec_.behavior->scale_down;
  SimDuration longest = 0;
  for (const auto& p : rules.policies) longest = std::max(longest, p.period);
  std::optional<std::size_t> reuse;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].at < now - longest) events[i].outdated = true;
    if (events[i].outdated) reuse = i;
  }
  const ScaleEvent e{now, up ? to - from : from - to, false};
  if (reuse)
    events[*reuse] = e;
  else
    events.push_back(e);
}

void HpaController::set_replica_bounds(int min_replicas, int max_replicas) {
  if (min_replicas < 0 || max_replicas < 1 || max_replicas < min_replicas)
    throw Error(fmt::format("HPA bounds: expected 0 <= minReplicas <= maxReplicas and maxReplicas >= 1, got {} and {}", min_replicas,
                            max_replicas));
  spec_.min_replicas = min_replicas;
  spec_.max_replicas = max_replicas;
}

}  // namespace capsim
