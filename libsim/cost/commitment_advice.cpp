#include "capsim/cost/commitment_advice.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {

// The same estimator as report's quantile_of (Hyndman & Fan type 7: position q·(n − 1) in the sorted
// values, linear between neighbours), so a P95 here reads like every other P95 capsim reports. cost/
// may not include report/, hence the copy; a test checks the two agree.
double quantile_type7(std::vector<double> x, double q) {
  if (x.empty()) return std::nan("");
  std::sort(x.begin(), x.end());
  const double pos = q * static_cast<double>(x.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  if (lo + 1 >= x.size()) return x.back();
  return x[lo] + (pos - static_cast<double>(lo)) * (x[lo + 1] - x[lo]);
}

// Where a slope changes: at `x` USD/h, the covered slope by d_covered and the used slope by d_used.
struct SlopeChange {
  double x = 0, d_covered = 0, d_used = 0;
};

// One replicate's window as functions of the commitment c: on-demand equivalent covered (concave,
// piecewise linear) and commitment used (min(c, the hour's usage at plan rates), summed over hours).
struct ReplicateModel {
  double hours = 0;
  double on_demand_usd = 0;  // all eligible usage at on-demand prices
  double covered_slope0 = 0, used_slope0 = 0;
  std::vector<double> x, covered_at, covered_slope, used_at, used_slope;  // after each breakpoint x

  double covered(double c) const { return value(c, covered_at, covered_slope, covered_slope0); }
  double used(double c) const { return value(c, used_at, used_slope, used_slope0); }
  double cost(double c) const { return hours * c + on_demand_usd - covered(c); }

 private:
  double value(double c, const std::vector<double>& at, const std::vector<double>& slope, double slope0) const {
    const auto it = std::upper_bound(x.begin(), x.end(), c);
    if (it == x.begin()) return slope0 * c;
    const auto i = static_cast<std::size_t>(it - x.begin()) - 1;
    return at[i] + slope[i] * (c - x[i]);
  }
};

struct Covering {
  double plan_usd, on_demand_usd, rate;  // the usage at plan rates and at on-demand prices
};

// The hour's coverable usage in apply_commitments' order (savings percentage, highest first; equal:
// lower rate first), and the slope changes it brings. An hour the window holds only `held_h` of
// gives the plan held_h × c to spend: its functions of c are the whole hour's at held_h × c, so
// their breakpoints stretch by 1 / held_h and their slopes shrink by held_h. Returns the commitment
// that would cover the hour's usage whole.
double add_hour(const HourUsage& hour, double held_h, const SavingsPlanOffer& offer, const SavingsPlanRates& rates, ReplicateModel& m,
                std::vector<SlopeChange>& changes, std::size_t& without_rate) {
  m.hours += held_h;
  std::vector<Covering> cover;
  for (const EligibleUsage& e : hour) {
    m.on_demand_usd += e.on_demand_usd;
    if (e.usage_h <= 0) continue;
    if (offer.type == SavingsPlanType::Ec2Instance && e.family != offer.family) continue;
    const std::optional<double> rate = rates.rate(e.instance_type, offer.type, offer.term, offer.payment);
    if (!rate || *rate <= 0) {
      ++without_rate;
      continue;
    }
    cover.push_back({*rate * e.usage_h, e.on_demand_usd, *rate});
  }
  std::stable_sort(cover.begin(), cover.end(), [](const Covering& a, const Covering& b) {
    // Savings percentage 1 − plan/on-demand, highest first, compared without dividing.
    const double lhs = a.on_demand_usd * b.plan_usd, rhs = b.on_demand_usd * a.plan_usd;
    if (lhs != rhs) return lhs > rhs;
    return a.rate < b.rate;
  });
  if (held_h <= 0) return 0;
  double cumulative = 0;
  for (std::size_t k = 0; k < cover.size(); ++k) {
    const double ratio = cover[k].on_demand_usd / cover[k].plan_usd;
    if (k == 0) m.covered_slope0 += ratio * held_h;
    cumulative += cover[k].plan_usd;
    const double next = k + 1 < cover.size() ? cover[k + 1].on_demand_usd / cover[k + 1].plan_usd : 0.0;
    changes.push_back({cumulative / held_h, (next - ratio) * held_h, 0});
  }
  if (cumulative > 0) {
    m.used_slope0 += held_h;
    changes.push_back({cumulative / held_h, 0, -held_h});
  }
  return cumulative / held_h;
}

void close_model(ReplicateModel& m, std::vector<SlopeChange> changes) {
  std::sort(changes.begin(), changes.end(), [](const SlopeChange& a, const SlopeChange& b) { return a.x < b.x; });
  double at_x = 0, covered = 0, used = 0, cs = m.covered_slope0, us = m.used_slope0;
  for (std::size_t i = 0; i < changes.size();) {
    const double x = changes[i].x;
    covered += cs * (x - at_x);
    used += us * (x - at_x);
    for (; i < changes.size() && changes[i].x == x; ++i) {
      cs += changes[i].d_covered;
      us += changes[i].d_used;
    }
    at_x = x;
    m.x.push_back(x);
    m.covered_at.push_back(covered);
    m.covered_slope.push_back(cs);
    m.used_at.push_back(used);
    m.used_slope.push_back(us);
  }
}

struct Models {
  std::vector<ReplicateModel> replicates;
  std::vector<SlopeChange> all_changes;  // every replicate's, for the expected-cost walk
  double largest_hour_usd = 0;
  std::size_t without_rate = 0;
};

Models build_models(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer, const SavingsPlanRates& rates,
                    const HeldHours& held_h) {
  if (replicates.empty()) throw Error("commitment advice needs the hourly usage of at least one replicate");
  if (offer.type == SavingsPlanType::Ec2Instance && offer.family.empty())
    throw Error("an EC2 Instance Savings Plan is for one instance family: expected a family, got none");
  Models out;
  for (const RunUsage& run : replicates) {
    ReplicateModel m;
    std::vector<SlopeChange> changes;
    for (std::size_t h = 0; h < run.size(); ++h)
      out.largest_hour_usd = std::max(out.largest_hour_usd, add_hour(run[h], held_in(held_h, h), offer, rates, m, changes, out.without_rate));
    out.all_changes.insert(out.all_changes.end(), changes.begin(), changes.end());
    close_model(m, std::move(changes));
    out.replicates.push_back(std::move(m));
  }
  return out;
}

CommitmentOutcome outcome_at(const Models& models, double c) {
  CommitmentOutcome o;
  o.usd_per_h = c;
  std::vector<double> costs;
  double covered = 0, on_demand = 0, used = 0, committed = 0;
  for (const ReplicateModel& m : models.replicates) {
    costs.push_back(m.cost(c));
    covered += m.covered(c);
    on_demand += m.on_demand_usd;
    used += m.used(c);
    committed += m.hours * c;
  }
  double sum = 0;
  for (double v : costs) sum += v;
  o.expected_cost_usd = sum / static_cast<double>(costs.size());
  o.p95_cost_usd = quantile_type7(std::move(costs), 0.95);
  o.coverage = on_demand > 0 ? covered / on_demand : 0;
  o.utilisation = committed > 0 ? used / committed : 0;
  return o;
}

// The mean cost's slope is (1/R) Σ_r (hours_r − covered slope_r): walk the breakpoints in order and stop
// at the first after which it is no longer negative. Convexity makes that point the minimum.
double expected_cost_minimum(const Models& models) {
  const double r = static_cast<double>(models.replicates.size());
  double slope = 0, scale = 1;
  for (const ReplicateModel& m : models.replicates) {
    slope += (m.hours - m.covered_slope0) / r;
    scale = std::max(scale, m.hours);
  }
  const double flat = -1e-12 * scale;  // a slope this close to 0 is flat: the smaller commitment is kept
  if (slope >= flat) return 0;
  std::vector<SlopeChange> changes = models.all_changes;
  std::sort(changes.begin(), changes.end(), [](const SlopeChange& a, const SlopeChange& b) { return a.x < b.x; });
  for (std::size_t i = 0; i < changes.size();) {
    const double x = changes[i].x;
    for (; i < changes.size() && changes[i].x == x; ++i) slope -= changes[i].d_covered / r;
    if (slope >= flat) return x;
  }
  return changes.empty() ? 0 : changes.back().x;
}

double p95_minimum(const Models& models, double expected_best, const P95Search& search) {
  const double upper = models.largest_hour_usd;
  double best_c = 0, best = outcome_at(models, 0).p95_cost_usd;
  auto consider = [&](double c) {
    const double v = outcome_at(models, c).p95_cost_usd;
    if (v < best - 1e-12 * std::abs(best) || (v <= best && c < best_c)) {
      best = v;
      best_c = c;
    }
  };
  consider(expected_best);
  if (upper <= 0) return best_c;
  const std::size_t n = std::max<std::size_t>(search.grid_points, 3);
  double lo = 0, hi = upper;
  for (int round = 0; round < 64; ++round) {
    const double step = (hi - lo) / static_cast<double>(n - 1);
    for (std::size_t k = 0; k < n; ++k) consider(lo + step * static_cast<double>(k));
    if (step < search.tolerance_usd_per_h) break;
    lo = std::max(0.0, best_c - step);
    hi = std::min(upper, best_c + step);
  }
  return best_c;
}

}  // namespace

CommitmentAdvice advise_savings_plan(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer,
                                     const SavingsPlanRates& rates, const P95Search& search, const HeldHours& held_h) {
  const Models models = build_models(replicates, offer, rates, held_h);
  CommitmentAdvice advice;
  advice.offer = offer;
  advice.replicates = replicates.size();
  advice.no_commitment = outcome_at(models, 0);
  const double expected_best = expected_cost_minimum(models);
  advice.min_expected_cost = outcome_at(models, expected_best);
  advice.min_p95_cost = outcome_at(models, p95_minimum(models, expected_best, search));
  advice.search_upper_usd_per_h = models.largest_hour_usd;
  advice.p95_tolerance_usd_per_h = search.tolerance_usd_per_h;
  advice.usage_without_rate = models.without_rate;
  return advice;
}

CommitmentOutcome evaluate_savings_plan(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer,
                                        const SavingsPlanRates& rates, double usd_per_h, const HeldHours& held_h) {
  return outcome_at(build_models(replicates, offer, rates, held_h), std::max(0.0, usd_per_h));
}

}  // namespace capsim
