// The HorizontalPodAutoscaler decision against values worked out by hand from the documented formula
// desired = ceil(current × value / target) and the documented behavior rules (kubernetes.io HPA docs).
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "capsim/autoscale/hpa.hpp"
#include "capsim/core/error.hpp"

using namespace capsim;

namespace {
using Samples = std::vector<std::optional<MetricSample>>;

// A metric whose per-pod average is `value` against a target of 100: the ratio is value / 100.
// `ready` pods reported it (nullopt: every current replica), `missing` ready pods did not, `unready`
// pods are not yet ready.
MetricSample at(double value, std::optional<int> ready = std::nullopt, int missing = 0, int unready = 0) {
  MetricSample m;
  m.current_value = value;
  m.target_value = 100;
  m.ready_pods = ready;
  m.missing_pods = missing;
  m.unready_pods = unready;
  return m;
}
Samples one(double value) { return {at(value)}; }

// With `behavior` given (as the documented defaults): the policies path.
HpaSpec bounds(int min, int max) {
  HpaSpec s;
  s.min_replicas = min;
  s.max_replicas = max;
  s.behavior = default_behavior();
  return s;
}
// Without `behavior`: the controller's older path.
HpaSpec no_behavior(int min, int max) {
  HpaSpec s;
  s.min_replicas = min;
  s.max_replicas = max;
  return s;
}
}  // namespace

TEST_CASE("hpa: default behavior is the documented one") {
  HpaBehavior b = default_behavior();
  CHECK(b.scale_up.stabilization_window == seconds(0));
  CHECK(b.scale_up.select_policy == SelectPolicy::Max);
  REQUIRE(b.scale_up.policies.size() == 2);
  CHECK(b.scale_down.stabilization_window == seconds(300));
  REQUIRE(b.scale_down.policies.size() == 1);
  CHECK(b.scale_down.policies[0].type == ScalingPolicyType::Percent);
  CHECK(b.scale_down.policies[0].value == 100);
  CHECK(b.scale_down.policies[0].period == seconds(15));
  HpaSpec s;
  CHECK(s.tolerance == 0.1);
  CHECK(s.sync_period == seconds(15));
  CHECK(s.initial_readiness_delay == seconds(30));
}

TEST_CASE("hpa: within the tolerance nothing changes") {
  HpaController hpa(bounds(1, 20));
  // 10 pods, ratio 108/100 = 1.08: |1.08 - 1| = 0.08 <= 0.1, so 10 (not ceil(10.8) = 11).
  CHECK(hpa.decide(seconds(0), 10, one(108)) == 10);
  // 20 pods, ratio 0.92: |0.92 - 1| = 0.08 <= 0.1, so 20 (not ceil(18.4) = 19).
  CHECK(hpa.decide(seconds(15), 20, one(92)) == 20);
  // 10 pods, ratio 1.25 is outside: ceil(10 × 1.25) = ceil(12.5) = 13; the scale-up limit is
  // max(10 + 4, 10 × 2) = 20 and max_replicas is 20, so 13. (The 20 recommended at t = 15 s only
  // caps a scale-down.)
  CHECK(hpa.decide(seconds(30), 10, one(125)) == 13);
}

TEST_CASE("hpa: scale up 4 -> 6") {
  HpaController hpa(bounds(1, 10));
  // ratio 150/100 = 1.5: ceil(4 × 1.5) = 6; default limit max(4 + 4, ceil(4 × 2)) = 8 >= 6.
  CHECK(hpa.decide(seconds(0), 4, one(150)) == 6);
}

TEST_CASE("hpa: several metrics, the largest proposal wins; a missing metric only allows a scale-up") {
  HpaController hpa(bounds(1, 10));
  // From 4 pods: ratio 1.5 → ceil(6) = 6; ratio 2.0 → 8; ratio 0.5 → 2. The largest, 8, is within the
  // default limit max(4 + 4, 4 × 2) = 8.
  CHECK(hpa.decide(seconds(0), 4, Samples{at(150), at(200), at(50)}) == 8);

  // A missing metric beside one asking for 6: the scale-up goes ahead.
  HpaController up(bounds(1, 10));
  CHECK(up.decide(seconds(0), 4, Samples{std::nullopt, at(150)}) == 6);

  // Scale-down without a stabilization window, so that only the missing-metric rule can hold it.
  HpaSpec s = bounds(1, 10);
  s.behavior->scale_down.stabilization_window = seconds(0);
  HpaController control(s);
  // Alone, ratio 0.5 from 4 pods: ceil(2) = 2; limit 100%/15 s → int(4 × 0) = 0, min 1 → 2.
  CHECK(control.decide(seconds(0), 4, one(50)) == 2);
  HpaController blocked(s);
  // With a missing metric the proposal 2 < 4 is a scale-down: skipped, 4 stays.
  CHECK(blocked.decide(seconds(0), 4, Samples{std::nullopt, at(50)}) == 4);
  // All missing: nothing to go on, 4 stays.
  CHECK(blocked.decide(seconds(15), 4, Samples{std::nullopt}) == 4);
}

TEST_CASE("hpa: scale-down stabilization waits for the window's highest recommendation to leave it") {
  HpaController hpa(bounds(1, 10));  // default: scale-down window 300 s, scale-down 100% per 15 s
  // Syncs every 15 s from 10 pods. Ratio 0.5 → ceil(10 × 0.5) = 5, except at t = 60 s where ratio
  // 0.8 → ceil(8) = 8. The first sync also records the current count, 10, at t = 0.
  // A recommendation counts while it is within (now - 300 s, now]: the 10 from t = 0 holds every
  // sync up to t = 285 s at max(10, ...) = 10.
  for (int t = 0; t < 300; t += 15) {
    CAPTURE(t);
    CHECK(hpa.decide(seconds(t), 10, one(t == 60 ? 80 : 50)) == 10);
  }
  // t = 300 s: the t = 0 entries are out ((0, 300] excludes 0); the highest left is the 8 from
  // t = 60 s: scale to 8 (the 100%/15 s limit allows down to int(10 × 0) = 0, min 1).
  CHECK(hpa.decide(seconds(300), 10, one(50)) == 8);
  // t = 315..345 s from 8 pods: ceil(8 × 0.5) = 4 is recommended, but the 8 from t = 60 s is still in
  // the window: stay at 8.
  for (int t = 315; t < 360; t += 15) {
    CAPTURE(t);
    CHECK(hpa.decide(seconds(t), 8, one(50)) == 8);
  }
  // t = 360 s: the window (60, 360] holds 5 (t = 75..300 s, computed from 10 pods) and 4 (from 8 pods):
  // the highest is 5.
  CHECK(hpa.decide(seconds(360), 8, one(50)) == 5);
}

TEST_CASE("hpa: default scale-up limit, from 2 pods with a huge ratio") {
  HpaController hpa(bounds(1, 100));
  // Ratio 10 → ceil(2 × 10) = 20 wanted. Limits over 15 s: Pods 2 + 4 = 6, Percent ceil(2 × 2) = 4;
  // select Max → 6.
  CHECK(hpa.decide(seconds(0), 2, one(1000)) == 6);
  // t = 5 s: the +4 at t = 0 is within (−10, 5], so the period started at 6 − 4 = 2: limit 6 again.
  CHECK(hpa.decide(seconds(5), 6, one(1000)) == 6);
  // t = 15 s: (0, 15] no longer holds the t = 0 event: start 6 → max(6 + 4, 6 × 2) = 12.
  CHECK(hpa.decide(seconds(15), 6, one(1000)) == 12);
}

TEST_CASE("hpa: Percent 50% per 60 s, select Max vs Min") {
  HpaSpec s = bounds(1, 100);
  s.behavior->scale_up = {seconds(0), SelectPolicy::Max,
                         {{ScalingPolicyType::Percent, 50, seconds(60)}, {ScalingPolicyType::Pods, 4, seconds(60)}}};
  s.behavior->scale_down = {seconds(0), SelectPolicy::Max,
                           {{ScalingPolicyType::Percent, 50, seconds(60)}, {ScalingPolicyType::Pods, 3, seconds(60)}}};

  SUBCASE("scale up, Max") {
    HpaController hpa(s);
    // From 10, ratio 10 wants 100. Percent: ceil(10 × 1.5) = 15; Pods: 10 + 4 = 14; Max → 15.
    CHECK(hpa.decide(seconds(0), 10, one(1000)) == 15);
    // t = 30 s: the +5 at t = 0 is within the 60 s period: start 15 − 5 = 10 → limit 15, hold.
    CHECK(hpa.decide(seconds(30), 15, one(1000)) == 15);
    // t = 60 s: (0, 60] excludes it: start 15 → Percent ceil(22.5) = 23, Pods 19; Max → 23.
    CHECK(hpa.decide(seconds(60), 15, one(1000)) == 23);
  }
  SUBCASE("scale up, Min") {
    s.behavior->scale_up.select_policy = SelectPolicy::Min;
    HpaController hpa(s);
    CHECK(hpa.decide(seconds(0), 10, one(1000)) == 14);  // min(15, 14)
    // t = 60 s: start 14 → Percent ceil(14 × 1.5) = 21, Pods 18; Min → 18.
    CHECK(hpa.decide(seconds(60), 14, one(1000)) == 18);
  }
  SUBCASE("scale down, Max") {
    HpaController hpa(s);
    // From 9, ratio 0.1 wants ceil(0.9) = 1. Percent: int(9 × 0.5) = int(4.5) = 4 (truncated, as the
    // controller does); Pods: 9 − 3 = 6. Max is the larger change → the lower limit, 4.
    CHECK(hpa.decide(seconds(0), 9, one(10)) == 4);
    // t = 30 s: the −5 at t = 0 is within the period: start 4 + 5 = 9 → limit 4 again, hold.
    CHECK(hpa.decide(seconds(30), 4, one(10)) == 4);
  }
  SUBCASE("scale down, Min") {
    s.behavior->scale_down.select_policy = SelectPolicy::Min;
    HpaController hpa(s);
    CHECK(hpa.decide(seconds(0), 9, one(10)) == 6);  // max(4, 6): the smaller change
  }
}

TEST_CASE("hpa: Disabled scale-down holds, scale-up still works") {
  HpaSpec s = bounds(1, 20);
  s.behavior->scale_down.select_policy = SelectPolicy::Disabled;
  s.behavior->scale_down.stabilization_window = seconds(0);
  HpaController hpa(s);
  // Ratio 0.5 from 10 wants 5; scale-down is disabled: 10.
  CHECK(hpa.decide(seconds(0), 10, one(50)) == 10);
  // Ratio 1.5 wants ceil(15) = 15; limit max(10 + 4, 10 × 2) = 20: 15.
  CHECK(hpa.decide(seconds(15), 10, one(150)) == 15);
}

TEST_CASE("hpa: min and max bound everything") {
  HpaController up(bounds(2, 8));
  // From 6, ratio 3 wants 18; the rate limit is max(6 + 4, 6 × 2) = 12; max_replicas 8 → 8.
  CHECK(up.decide(seconds(0), 6, one(300)) == 8);

  HpaSpec s = bounds(2, 8);
  s.behavior->scale_down.stabilization_window = seconds(0);
  HpaController down(s);
  // From 4, ratio 0.1 wants ceil(0.4) = 1; the rate limit allows int(4 × 0) = 0; min_replicas 2 → 2.
  CHECK(down.decide(seconds(0), 4, one(10)) == 2);

  // A current count outside the bounds goes to the bound, whatever the metrics (even none readable).
  HpaController out(bounds(2, 8));
  CHECK(out.decide(seconds(0), 12, Samples{std::nullopt}) == 8);
  CHECK(out.decide(seconds(15), 1, one(1000)) == 2);
}

TEST_CASE("hpa: a target at 0 replicas is not scaled unless minReplicas is 0") {
  HpaController hpa(bounds(1, 10));
  CHECK(hpa.decide(seconds(0), 0, one(500)) == 0);
  CHECK(hpa.decide(seconds(15), 0, one(500)) == 0);
}

TEST_CASE("hpa: missing and not-yet-ready pods in one metric") {
  // 4 replicas, 2 ready pods report 50 (ratio 0.5), 2 report nothing. A scale-down: the missing two
  // count at 100% of target: (2 × 0.5 + 2 × 1) / 4 = 0.75 → ceil(0.75 × 4) = 3 (not ceil(0.5 × 2) = 1).
  CHECK(replicas_for_metric(4, at(50, 2, 2), 0.1) == 3);
  // The same with ready pods at 300 (ratio 3): a scale-up, the missing two count at 0%:
  // (2 × 3 + 0) / 4 = 1.5 → ceil(1.5 × 4) = 6.
  CHECK(replicas_for_metric(4, at(300, 2, 2), 0.1) == 6);
  // 8 replicas: 5 ready at 130 (ratio 1.3), 3 not yet ready. Ready pods alone would give
  // ceil(1.3 × 5) = 7, a scale-down while above target; counting the 3 at 0% gives 6.5 / 8 = 0.8125,
  // which reverses the direction: no change, 8.
  CHECK(replicas_for_metric(8, at(130, 5, 0, 3), 0.1) == 8);
  // No ready pod reported: no proposal.
  CHECK(!replicas_for_metric(4, at(0, 0, 4), 0.1));
}

TEST_CASE("hpa: invalid specs and calls are errors") {
  CHECK_THROWS_AS(HpaController{bounds(5, 3)}, Error);
  CHECK_THROWS_AS(HpaController{bounds(-1, 3)}, Error);
  CHECK_THROWS_AS(HpaController{bounds(0, 0)}, Error);
  HpaSpec s = bounds(1, 3);
  s.behavior->scale_up.policies = {{ScalingPolicyType::Percent, 0, seconds(15)}};
  CHECK_THROWS_AS(HpaController{s}, Error);
  HpaController hpa(bounds(1, 3));
  hpa.decide(seconds(30), 2, one(100));
  CHECK_THROWS_AS(hpa.decide(seconds(15), 2, one(100)), Error);
  MetricSample no_target = at(1);
  no_target.target_value = 0;
  CHECK_THROWS_AS(replicas_for_metric(2, no_target, 0.1), Error);
}

TEST_CASE("hpa: without behavior, the older path limits a sync to max(2 x current, 4)") {
  HpaController old(no_behavior(1, 100));
  // 1 replica at ratio 10: desired ceil(10) = 10; limit max(2, 4) = 4.
  CHECK(old.decide(seconds(0), 1, one(1000)) == 4);
  // 4 at ratio 10: desired 40, limit max(8, 4) = 8; 8 → 16; nothing waits for a policy period.
  CHECK(old.decide(seconds(15), 4, one(1000)) == 8);
  CHECK(old.decide(seconds(30), 8, one(1000)) == 16);
  // The documented default behavior from 1 replica allows max(1 + 4, 2 × 1) = 5.
  HpaController with(bounds(1, 100));
  CHECK(with.decide(seconds(0), 1, one(1000)) == 5);
}

TEST_CASE("hpa: without behavior, a scale-down waits for the highest recommendation of the last 300 s") {
  HpaController old(no_behavior(1, 100));
  // t=0: the first sync records the current 10 (recordInitialRecommendation) and recommends 10.
  CHECK(old.decide(seconds(0), 10, one(100)) == 10);
  // t=15..300: ratio 0.5 recommends 5, held at 10 by the recommendations of t=0.
  for (int t = 15; t <= 300; t += 15) CHECK(old.decide(seconds(t), 10, one(50)) == 10);
  // t=300 is exactly 300 s after t=0 and still counted (the controller drops only those before
  // the cutoff); at t=315 the t=0 ones are out and only 5s remain.
  CHECK(old.decide(seconds(315), 10, one(50)) == 5);
}

TEST_CASE("hpa: missing pods at a ratio of exactly 1 are left out; Resource targets fill at max(100%, target)") {
  // 4 replicas, 2 ready at exactly the target, 2 missing: the ratio stays 1, no change.
  CHECK(replicas_for_metric(4, at(100, 2, 2), 0.0) == 4);
  // A Resource utilization target of 50%: 2 ready pods at 25% (ratio 0.5), 2 missing. On the
  // scale-down the missing count at max(100, 50) = 100% of their request, twice the target:
  // (2 × 0.5 + 2 × 2) / 4 = 1.25 > 1 reverses the direction: no change, 4.
  MetricSample cpu = at(25, 2, 2);
  cpu.target_value = 50;
  cpu.utilization_target_percent = 50;
  CHECK(replicas_for_metric(4, cpu, 0.1) == 4);
  // A 200% target: max(100, 200) = 200% is the target itself: (2 × 0.5 + 2 × 1) / 4 = 0.75 → 3.
  MetricSample high = at(100, 2, 2);
  high.target_value = 200;
  high.utilization_target_percent = 200;
  CHECK(replicas_for_metric(4, high, 0.1) == 3);
}

TEST_CASE("hpa: external metrics, Value against ready pods, AverageValue against the target per pod") {
  MetricSample value;
  value.kind = MetricSample::Kind::ExternalValue;
  value.current_value = 300;
  value.target_value = 100;
  value.ready_pods = 2;
  // Ratio 3 over the 2 Running and Ready pods of 4: ceil(3 × 2) = 6 (not ceil(3 × 4) = 12).
  CHECK(replicas_for_metric(4, value, 0.1) == 6);
  // From zero replicas: ceil(ratio) = ceil(2.5) = 3, with no tolerance.
  value.current_value = 250;
  CHECK(replicas_for_metric(0, value, 0.1) == 3);
  value.current_value = 105;
  CHECK(replicas_for_metric(0, value, 0.1) == 2);
  MetricSample avg;
  avg.kind = MetricSample::Kind::ExternalAverageValue;
  avg.current_value = 250;
  avg.target_value = 100;
  // 250 over 2 replicas × 100: ratio 1.25 → ceil(250 / 100) = 3; from 0 replicas likewise 3.
  CHECK(replicas_for_metric(2, avg, 0.1) == 3);
  CHECK(replicas_for_metric(0, avg, 0.1) == 3);
  // A target of 10 per pod over 25 replicas: 250 / (10 × 25) = 1, within the tolerance → 25.
  avg.target_value = 10;
  CHECK(replicas_for_metric(25, avg, 0.1) == 25);
}

TEST_CASE("hpa: minReplicas 0 scales down to zero and up from zero on an external metric") {
  HpaSpec s = bounds(0, 10);
  s.behavior->scale_down.stabilization_window = seconds(0);
  HpaController hpa(s);
  MetricSample queue;
  queue.kind = MetricSample::Kind::ExternalValue;
  queue.target_value = 100;
  queue.ready_pods = 2;
  queue.current_value = 0;
  // An empty queue: ratio 0 → ceil(0 × 2) = 0 replicas, allowed by the 100% scale-down policy.
  CHECK(hpa.decide(seconds(0), 2, {queue}) == 0);
  // From zero, 700 queued: ceil(7) = 7, limited by the scale-up policies to max(0 + 4, 0 × 2) = 4.
  queue.current_value = 700;
  queue.ready_pods = 0;
  CHECK(hpa.decide(seconds(15), 0, {queue}) == 4);
}

TEST_CASE("hpa: separate scale-up and scale-down tolerances") {
  HpaSpec s = bounds(1, 100);
  s.behavior->scale_up.tolerance = 0.05;
  s.behavior->scale_down.tolerance = 0.2;
  s.behavior->scale_down.stabilization_window = seconds(0);
  HpaController hpa(s);
  // Ratio 1.08 is outside 1 + 0.05: ceil(10 × 1.08) = 11.
  CHECK(hpa.decide(seconds(0), 10, one(108)) == 11);
  // Ratio 0.85 is inside 1 - 0.2: no change.
  CHECK(hpa.decide(seconds(15), 11, one(85)) == 11);
  // Ratio 0.75 is outside: ceil(11 × 0.75) = ceil(8.25) = 9.
  CHECK(hpa.decide(seconds(30), 11, one(75)) == 9);
  CHECK(HpaTolerances(0.05, 0.2).within(0.8));
  CHECK_FALSE(HpaTolerances(0.05, 0.2).within(1.06));
}

TEST_CASE("hpa: decide_again gives decide's answers and history when the samples repeat") {
  // Two controllers through the same syncs: one always works the proposals out, the other repeats
  // them whenever its caller's samples and current count are the last ones. Values move every few
  // syncs, the current count follows the answers, and the bounds change now and then (a schedule),
  // so both the early answers and the stabilization windows are crossed.
  for (const HpaSpec& spec : {no_behavior(2, 40), bounds(2, 40)}) {
    HpaController full(spec), again(spec);
    int current = 4, repeats = 0;
    std::optional<std::pair<int, double>> last;
    std::uint64_t x = 88172645463325252ULL;
    double value = 100;
    for (int k = 0; k < 2000; ++k) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      if (k % 4 == 0) value = static_cast<double>(20 + x % 200);
      if (k % 97 == 0) {
        const int min = 1 + static_cast<int>(x % 6);
        full.set_replica_bounds(min, 40);
        again.set_replica_bounds(min, 40);
      }
      const SimTime now = seconds(15 * k);
      const int want = full.decide(now, current, one(value));
      int got = 0;
      if (last && *last == std::make_pair(current, value) && again.repeatable(current)) {
        got = again.decide_again(now, current);
        ++repeats;
      } else {
        got = again.decide(now, current, one(value));
      }
      last = std::make_pair(current, value);
      REQUIRE(got == want);
      current = want;
    }
    CHECK(repeats > 500);
  }
  // No proposals yet, or the last call answered before the metrics: nothing to repeat.
  HpaController hpa(no_behavior(2, 10));
  CHECK_FALSE(hpa.repeatable(4));
  CHECK(hpa.decide(seconds(0), 12, one(100)) == 10);  // above max: clamped before any metric is read
  CHECK_FALSE(hpa.repeatable(12));
  CHECK(hpa.decide(seconds(15), 4, one(100)) == 8);  // the initial recommendation, 12, holds a scale-down: at most 2 x 4
  CHECK(hpa.repeatable(4));
  CHECK(hpa.decide_again(seconds(30), 4) == 8);
  CHECK_FALSE(hpa.repeatable(5));
}
