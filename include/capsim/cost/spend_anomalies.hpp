#pragma once
// Anomalies in daily spend: capsim's own method (AWS does not publish Cost Anomaly Detection's model).
// A live detector's view: a day is judged only against the days before it, so a spike never hides in
// its own baseline.
//   expected(d) = the median of the same weekday's days in the last `baseline_weeks` weeks before d
//                 (of all those days while the window holds fewer than two of each weekday);
//   scale(d)    = 1.4826 × the median, over the window's days j, of |x_j − the median of j's same-weekday
//                 neighbours in the window, j left out|: a leave-one-out error, the same kind of error
//                 as x_d − expected(d), and robust (1.4826 makes a median absolute deviation estimate a
//                 normal standard deviation); at least `scale_floor_fraction` × |expected(d)|, so a flat
//                 series with a tiny wobble does not flag every wobble, and at least a cent;
//   anomaly     : |x_d − expected(d)| > threshold × scale(d), and the impact (x_d − expected(d)) at least
//                 `min_impact_usd` and `min_impact_fraction` × expected(d) in size (AWS alerts on an
//                 anomaly only when its total cost impact meets the subscription's threshold:
//                 https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/; the
//                 percentage is capsim's addition, for series of very different sizes).
// The root cause: each part of the spend (a NodePool, a tag value, a service) is held against its own
// baseline, computed the same way; the part whose own deviation goes furthest in the direction of the
// impact explains it.
// Known behaviour (with the default 4 weeks): a lasting step (a new NodePool that stays) is flagged on
// every day of its first week, and is the baseline from its fourth week, when it holds three of each
// weekday's four days; in between the window's days disagree with their weekdays, the scale widens,
// and only some days are flagged. A steady trend is judged against a baseline about 2.5 weeks old, so
// growth much faster than the noise is flagged as it grows.
// False positives: at the default threshold, 0.27% of clean judged days (96 in 35,000: 500 series of
// 12 weeks with Gaussian noise, a weekday pattern and a slow rise); the tests hold it under 0.5%. That
// is more than a normal tail at 4 sigma, because the baseline is a median of only 2 to 4 days and the
// scale is itself estimated from at most 4 weeks.
#include <span>
#include <string>
#include <vector>

namespace capsim {

/// One part of the spend, day by day on the total's days: `dimension` "nodepool", "tag:team",
/// "service"; `value` "gpu-spot", "ml", "chat". The values of one dimension should add up to the total
/// (each share is of the total's impact), but this is not checked: unallocated spend may be left out.
struct SpendPart {
  std::string dimension;
  std::string value;
  std::vector<double> usd;
};

struct SpendAnomalyOptions {
  double threshold = 4;               // k: how many scales from the expected amount
  double min_impact_usd = 0;          // |impact| at least this, in USD
  double min_impact_fraction = 0;     // and at least this fraction of the expected amount (0.2: 20%)
  double scale_floor_fraction = 0.01; // the scale is at least 1% of the expected amount
  int baseline_weeks = 4;             // the window the baseline is taken from
  int min_history_days = 14;          // days before the first judged one: two of each weekday
};

enum class SpendDirection { Above, Below };

/// A part's own deviation on the anomaly's day.
struct SpendCause {
  std::string dimension;
  std::string value;
  double actual_usd = 0;
  double expected_usd = 0;
  double impact_usd = 0;  // actual − expected
  double share = 0;       // impact_usd / the total's impact (may pass 1 when other parts moved the other way)
};

struct SpendAnomaly {
  int day = 0;          // index in the series
  int weekday = 0;      // 0 Monday .. 6 Sunday
  double actual_usd = 0;
  double expected_usd = 0;
  double band_low_usd = 0;   // expected ∓ threshold × scale; the low end clamped at 0
  double band_high_usd = 0;
  double impact_usd = 0;     // actual − expected
  double score = 0;          // impact / scale: how many scales out
  SpendDirection direction = SpendDirection::Above;
  // Per dimension, the value that explains most of the impact; the best explanation first, so
  // causes[0] is the root cause. Empty when no parts were given.
  std::vector<SpendCause> causes;
};

struct SpendAnomalyReport {
  std::vector<SpendAnomaly> anomalies;  // in day order
  int first_judged_day = 0;             // days before it had too little history to be judged
  int judged_days = 0;
};

/// The anomalies of `total_usd` (day 0 a `first_weekday`: 0 Monday .. 6 Sunday), explained by `parts`
/// (each as long as the total). To watch one service or NodePool on its own, pass its series as the
/// total. Throws capsim::Error when a part's length differs from the total's, an amount is not
/// finite, or an option or the weekday is out of range.
SpendAnomalyReport detect_spend_anomalies(std::span<const double> total_usd, std::span<const SpendPart> parts,
                                          int first_weekday, const SpendAnomalyOptions& options = {});

}  // namespace capsim
