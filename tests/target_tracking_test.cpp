// The EC2 Auto Scaling target tracking decision against values worked out by hand from the documented
// rules (see target_tracking.hpp): AlarmHigh = metric > TargetValue for 3 of 3 one-minute datapoints,
// AlarmLow = metric < 0.7 × TargetValue for 15 of 15, new capacity = ceil(instances × metric / target),
// warming instances counted in the desired capacity but not in the metric.
#include <doctest/doctest.h>

#include <optional>

#include "capsim/autoscale/target_tracking.hpp"
#include "capsim/core/error.hpp"

using namespace capsim;

namespace {

// TargetValue 50 (AlarmLow threshold 0.7 × 50 = 35), sizes [min, max], defaults otherwise.
TargetTrackingSpec target50(int min_size, int max_size) {
  TargetTrackingSpec s;
  s.target_value = 50;
  s.min_size = min_size;
  s.max_size = max_size;
  return s;
}

// One datapoint per minute: the first at t = 60 s.
struct Minutes {
  SimTime t = 0;
  SimTime next() { return t += minutes(1); }
};

}  // namespace

TEST_CASE("target tracking: defaults are the documented / observed ones") {
  TargetTrackingSpec s;
  CHECK(s.disable_scale_in == false);          // DisableScaleIn defaults to false
  CHECK(s.instance_warmup == seconds(300));    // falls back to DefaultCooldown, 300 s
  CHECK(s.scale_in_cooldown == 0);             // EC2 target tracking has no cooldown
  CHECK(s.scale_out_datapoints == 3);
  CHECK(s.scale_in_datapoints == 15);
  CHECK(s.scale_in_threshold_ratio == 0.7);
  CHECK(s.metric_period == seconds(60));
}

TEST_CASE("target tracking: the proportional capacity rounds up") {
  CHECK(target_tracking_capacity(4, 80, 50) == 7);   // 4 × 80 / 50 = 6.4 → 7
  CHECK(target_tracking_capacity(10, 22, 50) == 5);  // 10 × 22 / 50 = 4.4 → 5 (remove 5, not 6)
  CHECK(target_tracking_capacity(5, 60, 50) == 6);   // 5 × 60 / 50 = 6 exactly → 6
  CHECK(target_tracking_capacity(0, 80, 50) == 0);   // no instances, nothing to scale from
  CHECK(target_tracking_capacity(5, 0, 50) == 0);    // 5 × 0 / 50 = 0
  // 0.1 + 0.2 is 0.30000000000000004 in binary: 3 × 0.3 / 0.3 = 3, not 3.0000000000000004 → 4.
  CHECK(target_tracking_capacity(3, 0.1 + 0.2, 0.3) == 3);
  CHECK_THROWS_AS(target_tracking_capacity(-1, 80, 50), Error);
  CHECK_THROWS_AS(target_tracking_capacity(4, -1, 50), Error);
  CHECK_THROWS_AS(target_tracking_capacity(4, 80, 0), Error);
}

TEST_CASE("target tracking: scale out at the third datapoint above the target, not before") {
  TargetTrackingController tt(target50(1, 20));
  Minutes m;
  // 4 instances at 80 > 50: the first two datapoints do not make 3 of 3.
  CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
  CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
  // Third: ceil(4 × 80 / 50) = ceil(6.4) = 7.
  CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 7);
}

TEST_CASE("target tracking: a datapoint at the target, a missing one or a skipped period ends the run") {
  SUBCASE("at the target (the alarm is metric > TargetValue)") {
    TargetTrackingController tt(target50(1, 20));
    Minutes m;
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 50.0, 4, 0) == 4);  // 50 is not > 50: run back to 0
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);  // run 1
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);  // run 2
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 7);  // run 3: ceil(6.4) = 7
  }
  SUBCASE("missing datapoint") {
    TargetTrackingController tt(target50(1, 20));
    Minutes m;
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), std::nullopt, 4, 0) == 4);  // insufficient data: run back to 0
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 7);
  }
  SUBCASE("skipped period") {
    TargetTrackingController tt(target50(1, 20));
    CHECK(tt.evaluate(seconds(60), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(seconds(120), 80.0, 4, 0) == 4);
    // Nothing at 180 s: 240 - 120 = 2 periods, one datapoint missing, so this is run 1.
    CHECK(tt.evaluate(seconds(240), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(seconds(300), 80.0, 4, 0) == 4);  // run 2
    CHECK(tt.evaluate(seconds(360), 80.0, 4, 0) == 7);  // run 3
  }
}

TEST_CASE("target tracking: scale in at the 15th datapoint below 0.7 × target, rounded up") {
  TargetTrackingController tt(target50(1, 20));
  Minutes m;
  // 10 instances at 22 < 35: 14 datapoints are not 15 of 15.
  for (int i = 1; i <= 14; ++i) CHECK(tt.evaluate(m.next(), 22.0, 10, 0) == 10);
  // 15th: ceil(10 × 22 / 50) = ceil(4.4) = 5 — removing 5.6 instances would overshoot, so 5 go.
  CHECK(tt.evaluate(m.next(), 22.0, 10, 0) == 5);
}

TEST_CASE("target tracking: no scale-in between the AlarmLow threshold and the target") {
  TargetTrackingController tt(target50(1, 20));
  Minutes m;
  // 40 and 35 are not < 35, and not > 50: neither alarm, for as long as it lasts.
  for (int i = 0; i < 20; ++i) CHECK(tt.evaluate(m.next(), 40.0, 10, 0) == 10);
  for (int i = 0; i < 20; ++i) CHECK(tt.evaluate(m.next(), 35.0, 10, 0) == 10);
}

TEST_CASE("target tracking: DisableScaleIn blocks scale-in only") {
  TargetTrackingSpec s = target50(1, 20);
  s.disable_scale_in = true;
  TargetTrackingController tt(s);
  Minutes m;
  // 20 datapoints at 22 < 35 would scale 10 → 5 at the 15th; with DisableScaleIn nothing happens.
  for (int i = 0; i < 20; ++i) CHECK(tt.evaluate(m.next(), 22.0, 10, 0) == 10);
  // Scale-out still works: third datapoint at 80 → ceil(10 × 80 / 50) = 16.
  CHECK(tt.evaluate(m.next(), 80.0, 10, 0) == 10);
  CHECK(tt.evaluate(m.next(), 80.0, 10, 0) == 10);
  CHECK(tt.evaluate(m.next(), 80.0, 10, 0) == 16);
}

TEST_CASE("target tracking: MinSize and MaxSize bound the result") {
  SUBCASE("scale-out capped at MaxSize") {
    TargetTrackingController tt(target50(1, 6));
    Minutes m;
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
    CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 6);  // ceil(6.4) = 7, MaxSize 6
  }
  SUBCASE("scale-in floored at MinSize") {
    TargetTrackingController tt(target50(3, 20));
    Minutes m;
    for (int i = 1; i <= 14; ++i) CHECK(tt.evaluate(m.next(), 5.0, 10, 0) == 10);
    CHECK(tt.evaluate(m.next(), 5.0, 10, 0) == 3);  // ceil(10 × 5 / 50) = 1, MinSize 3
  }
  SUBCASE("new bounds clamp the desired capacity") {
    TargetTrackingController tt(target50(1, 20));
    tt.set_size_bounds(1, 8);
    // 40: neither alarm, but 10 is above the new MaxSize 8.
    CHECK(tt.evaluate(seconds(60), 40.0, 10, 0) == 8);
    CHECK_THROWS_AS(tt.set_size_bounds(5, 4), Error);
    CHECK_THROWS_AS(tt.set_size_bounds(-1, 4), Error);
  }
}

TEST_CASE("target tracking: warming instances stop a repeated scale-out") {
  TargetTrackingController tt(target50(1, 20));
  Minutes m;
  CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
  CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 4);
  CHECK(tt.evaluate(m.next(), 80.0, 4, 0) == 7);  // ceil(6.4) = 7: 3 new instances warm up
  // AlarmHigh stays in ALARM and the policy runs again; the metric still comes from the 4 ready
  // instances: ceil(4 × 80 / 50) = 7, which the 7 desired (3 warming) already cover.
  CHECK(tt.evaluate(m.next(), 80.0, 7, 3) == 7);
  CHECK(tt.evaluate(m.next(), 80.0, 7, 3) == 7);
  // The load grows while they warm: ceil(4 × 100 / 50) = 8, one more than 7 — not
  // ceil(7 × 100 / 50) = 14, which counting the warming instances in the base would give.
  CHECK(tt.evaluate(m.next(), 100.0, 7, 3) == 8);
}

TEST_CASE("target tracking: no scale-in while an instance warms up") {
  TargetTrackingController tt(target50(1, 20));
  Minutes m;
  // 10 desired, 1 warming; the 9 ready ones report 22 < 35 for 16 datapoints: AlarmLow is in
  // ALARM from the 15th but scale-in is blocked while an instance warms up.
  for (int i = 0; i < 16; ++i) CHECK(tt.evaluate(m.next(), 22.0, 10, 1) == 10);
  // Warm-up over, still 22 (run 17 >= 15): ceil(10 × 22 / 50) = ceil(4.4) = 5.
  CHECK(tt.evaluate(m.next(), 22.0, 10, 0) == 5);
}

TEST_CASE("target tracking: AlarmLow staying in ALARM scales in again; a scale-in cooldown spaces it") {
  SUBCASE("EC2 default: no cooldown") {
    TargetTrackingController tt(target50(1, 20));
    Minutes m;
    for (int i = 1; i <= 14; ++i) CHECK(tt.evaluate(m.next(), 30.0, 10, 0) == 10);
    CHECK(tt.evaluate(m.next(), 30.0, 10, 0) == 6);  // t = 900 s: ceil(10 × 30 / 50) = 6
    // The load keeps falling: 6 instances still at 30 < 35, run 16, the policy runs again:
    // ceil(6 × 30 / 50) = ceil(3.6) = 4.
    CHECK(tt.evaluate(m.next(), 30.0, 6, 0) == 4);
  }
  SUBCASE("ScaleInCooldown 300 s (Application Auto Scaling style)") {
    TargetTrackingSpec s = target50(1, 20);
    s.scale_in_cooldown = seconds(300);
    TargetTrackingController tt(s);
    Minutes m;
    for (int i = 1; i <= 14; ++i) CHECK(tt.evaluate(m.next(), 30.0, 10, 0) == 10);
    CHECK(tt.evaluate(m.next(), 30.0, 10, 0) == 6);  // t = 900 s, as above
    // t = 960 ... 1140 s: 60 ... 240 s after the scale-in, < 300 s: held at 6.
    for (int i = 0; i < 4; ++i) CHECK(tt.evaluate(m.next(), 30.0, 6, 0) == 6);
    CHECK(tt.evaluate(m.next(), 30.0, 6, 0) == 4);  // t = 1200 s, 300 s after: ceil(3.6) = 4
  }
}

TEST_CASE("target tracking: an empty group stays empty") {
  // MinSize 0 and no instance: no metric, so neither alarm can fire (no scale-out from zero).
  TargetTrackingController tt(target50(0, 20));
  Minutes m;
  for (int i = 0; i < 5; ++i) CHECK(tt.evaluate(m.next(), std::nullopt, 0, 0) == 0);
}

TEST_CASE("target tracking: invalid specs are rejected with a clear message") {
  TargetTrackingSpec s = target50(1, 4);
  s.target_value = 0;
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: TargetValue must be a positive number, got 0",
                       Error);
  s = target50(3, 2);
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: MaxSize (2) is below MinSize (3)", Error);
  s = target50(-1, 2);
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: MinSize must be >= 0, got -1", Error);
  s = target50(1, 4);
  s.scale_in_threshold_ratio = 1.5;
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: scale-in threshold ratio must be in (0, 1], got 1.5",
                       Error);
  s = target50(1, 4);
  s.scale_out_datapoints = 0;
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: scale-out datapoints must be >= 1, got 0", Error);
  s = target50(1, 4);
  s.scale_in_datapoints = 0;
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: scale-in datapoints must be >= 1, got 0", Error);
  s = target50(1, 4);
  s.metric_period = 0;
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: metric period must be > 0 s, got 0 s", Error);
  s = target50(1, 4);
  s.instance_warmup = seconds(-1);
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: instance warmup must be >= 0 s, got -1 s", Error);
  s = target50(1, 4);
  s.scale_in_cooldown = seconds(-1);
  CHECK_THROWS_WITH_AS(TargetTrackingController{s}, "target tracking: scale-in cooldown must be >= 0 s, got -1 s",
                       Error);
}

TEST_CASE("target tracking: invalid datapoints are rejected") {
  TargetTrackingController tt(target50(1, 20));
  CHECK(tt.evaluate(seconds(60), 40.0, 4, 0) == 4);
  // 30 s later is less than one 60 s period.
  CHECK_THROWS_WITH_AS(tt.evaluate(seconds(90), 40.0, 4, 0),
                       "target tracking: datapoint at 90 s is less than one metric period (60 s) after the previous one at 60 s",
                       Error);
  CHECK_THROWS_WITH_AS(tt.evaluate(seconds(120), 40.0, 4, 5),
                       "target tracking: warming instances must be in [0, desired = 4], got 5", Error);
  CHECK_THROWS_WITH_AS(tt.evaluate(seconds(120), 40.0, 4, 4),
                       "target tracking: a metric was given but no instance is past its warm-up", Error);
  CHECK_THROWS_WITH_AS(tt.evaluate(seconds(120), -1.0, 4, 0),
                       "target tracking: metric must be a non-negative number, got -1", Error);
  CHECK_THROWS_AS(tt.evaluate(seconds(120), 40.0, -1, 0), Error);
  // Rejected calls changed nothing: 120 s is still a valid next datapoint.
  CHECK(tt.evaluate(seconds(120), 40.0, 4, 0) == 4);
}
