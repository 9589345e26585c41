#pragma once
// Which Savings Plan commitment to buy, from a forecast: the simulated hourly eligible usage of every
// replicate of one policy. Two answers, because they differ when the forecast is uncertain: the
// commitment that minimises the expected (mean over replicates) cost of the window, and the one that
// minimises its P95 over replicates.
//
// The structure used. In one hour, a plan of c USD/h covers the usage in order of savings percentage
// (apply_commitments' rule), so the on-demand usage it removes grows with c at a falling rate
// (on-demand price / Savings Plans rate of the usage being covered) until all of it is covered: a
// concave, piecewise-linear function. The hour's cost, c plus what is left on demand, is convex and
// piecewise linear, its breakpoints at the cumulative Savings Plans cost of the usage in that order;
// so is a sum over hours and a mean over replicates. The expected cost is therefore minimised exactly
// at one of those breakpoints (or at 0), found by walking them in order until the slope is no longer
// negative. The P95 is a quantile of convex functions, not itself convex: it is minimised by a search.
//
// The plan is advised alone, on the usage passed in: a policy that already holds commitments passes
// the usage they leave on demand (usage_left_on_demand), so the new plan comes on top of them.
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/cost/commitments.hpp"

namespace capsim {

/// The Savings Plan product to advise on (no amount: that is the answer).
struct SavingsPlanOffer {
  SavingsPlanType type = SavingsPlanType::Compute;
  std::string family;  // an EC2 Instance Savings Plan's family; empty for Compute
  CommitmentTerm term = CommitmentTerm::OneYear;
  PaymentOption payment = PaymentOption::NoUpfront;
};

/// What one commitment gives over the replicates.
struct CommitmentOutcome {
  double usd_per_h = 0;           // the commitment
  double expected_cost_usd = 0;   // mean over replicates of the window's cost (commitment + on-demand remainder)
  double p95_cost_usd = 0;        // its 0.95 quantile (the estimator of quantile_of in report/statistics.hpp)
  // Pooled over replicates: on-demand equivalent covered / all eligible usage at on-demand prices.
  double coverage = 0;
  // Pooled over replicates: commitment used / committed; 0 with no commitment.
  double utilisation = 0;
};

struct CommitmentAdvice {
  SavingsPlanOffer offer;
  std::size_t replicates = 0;
  CommitmentOutcome no_commitment;
  CommitmentOutcome min_expected_cost;  // exact (a breakpoint; the smallest of equal minima)
  CommitmentOutcome min_p95_cost;       // to within p95_tolerance_usd_per_h of the best point the search found
  double search_upper_usd_per_h = 0;    // the P95 search range's end: the largest hour's usage at Savings Plans rates
  double p95_tolerance_usd_per_h = 0;
  std::size_t usage_without_rate = 0;   // entries the plan could cover but the rates list no rate for (left on demand)
};

/// The grid and refinement of the P95 search: `grid_points` evenly over [0, upper], then around the
/// best point (one grid step either side) again with `grid_points`, until a step is below
/// `tolerance_usd_per_h`. The expected-cost optimum and 0 are always tried as well. Because the P95 is
/// not convex, a dip narrower than the first grid step can be missed: the result is the best point
/// found, not a proven minimum.
struct P95Search {
  std::size_t grid_points = 201;
  double tolerance_usd_per_h = 1e-4;
};

/// The advice for one policy. `replicates[r]` is replicate r's every hour of the window in order (an
/// hour without usage still bills the commitment; `held_h`: the part of each clock hour the window
/// holds, as apply_commitments takes it). Usage outside the offer (another family for an EC2
/// Instance plan, or a type the rates do not list) is counted at on-demand prices. Throws
/// capsim::Error when there is no replicate or an EC2 Instance offer names no family.
CommitmentAdvice advise_savings_plan(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer,
                                     const SavingsPlanRates& rates, const P95Search& search = {}, const HeldHours& held_h = {});

/// The outcome of committing `usd_per_h` under `offer` (what advise_savings_plan reports for its
/// choices), for a commitment the user names.
CommitmentOutcome evaluate_savings_plan(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer,
                                        const SavingsPlanRates& rates, double usd_per_h, const HeldHours& held_h = {});

}  // namespace capsim
