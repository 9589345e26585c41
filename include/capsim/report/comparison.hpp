#pragma once
// What `capsim compare` concludes from a run's replicates: per policy the monthly cost's spread,
// its saving against the baseline (paired by replicate: common random numbers), its risk of
// breaking the services' objectives, the lever ladder of `extends` chains, the Pareto front of cost
// against risk and a recommendation. Plain structs (the Python bindings mirror them); their fields
// are declared once in comparison_fields.hpp. Figures a replicate cannot give are NaN (null in JSON).
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/report/result.hpp"

namespace capsim {

// Costs are projected to a 30-day month: a window's cost × 30 days / the window's length.
inline constexpr double kMonthDays = 30;

/// One policy's monthly cost across replicates, USD per 30-day month.
struct CostSpread {
  double mean_usd = 0, sd_usd = 0;
  double p5_usd = 0, p50_usd = 0, p95_usd = 0;
  double cvar95_usd = 0;  // mean of the costliest 5% of replicates

  friend bool operator==(const CostSpread&, const CostSpread&) = default;
};

/// A policy's saving against another, replicate by replicate (both saw the same world draw).
struct PairedSaving {
  std::string against;
  double usd = 0;             // mean of (theirs − this) per month: positive when this is cheaper
  double usd_ci_low = 0;      // 95% Student t interval of that mean (NaN with one replicate)
  double usd_ci_high = 0;
  double pct = 0;             // usd / their mean monthly cost × 100
  double pct_ci_low = 0, pct_ci_high = 0;  // the interval over their mean

  friend bool operator==(const PairedSaving&, const PairedSaving&) = default;
};

/// Where a policy's monthly money goes (means over replicates, USD per month).
struct MonthlySplit {
  double gpu_instances_usd = 0, other_instances_usd = 0, eks_control_plane_usd = 0;
  double on_demand_usd = 0, spot_usd = 0, reserved_usd = 0;
  double requested_not_serving_usd = 0;  // GPUs pods requested that served no request
  double unallocated_usd = 0;            // instance capacity no pod requested
  double gpu_hours_served = 0;           // GPU-hours serving requests, per month
  double usd_per_gpu_hour_served = 0;    // total / GPU-hours served (NaN when none served)

  friend bool operator==(const MonthlySplit&, const MonthlySplit&) = default;
};

/// One service's SLA measures across a policy's replicates (mean, and the bad tail).
struct ServiceRisk {
  std::string name;
  double missed_share_mean = 0, missed_share_p95 = 0;
  double minutes_under_provisioned_mean = 0, minutes_under_provisioned_p95 = 0;
  double latency_p95_s_mean = 0, latency_p95_s_p95 = 0;  // end-to-end p95 (request-level model; NaN otherwise)
  double ttft_p95_s_mean = 0, ttft_p95_s_p95 = 0;        // time to first token p95 (LLM services; NaN otherwise)
  double breach_share = 0;  // replicates in which it broke its objective (NaN without one)

  friend bool operator==(const ServiceRisk&, const ServiceRisk&) = default;
};

/// One batch job template's deadlines and cost across a policy's replicates.
struct DeadlineRisk {
  std::string job;
  std::string purchasing;            // its purchasing policy
  double miss_share_mean = 0;        // deadline-miss share, mean over replicates
  double cost_per_job_usd_mean = 0;  // USD per job that arrived, mean over replicates
  double lateness_p95_s = 0;         // 95th percentile over every judged job of every replicate (NaN: none judged)
  double spot_gpu_hour_share = 0;    // spot GPU-hours / all its GPU-hours, over every replicate (NaN: none)
  double restarts_per_job = 0;       // over every job of every replicate
  double work_lost_gpu_hours_per_job = 0;
  double breach_share = 0;           // replicates in which a job missed its deadline

  friend bool operator==(const DeadlineRisk&, const DeadlineRisk&) = default;
};

/// One budget alert of one period across a policy's replicates: how often and when it fired.
struct BudgetAlertRisk {
  std::string budget;
  std::string period_start_utc;
  std::string alert;              // "ACTUAL > 80%"
  int replicates = 0;
  double fired_share = 0;         // replicates in which it fired (NaN: not evaluated in any)
  std::string first_fired_utc;    // the earliest crossing over the replicates ("" when it never fired)
  double median_fired_at_s = -1;  // the median crossing over the replicates where it fired (-1: never)

  friend bool operator==(const BudgetAlertRisk&, const BudgetAlertRisk&) = default;
};

/// The share of replicates in which any service broke its objective or a batch job missed its deadline.
struct BreachRisk {
  int replicates_judged = 0;  // 0: no service declares an objective and no batch job runs
  int breaches = 0;
  double p_breach = 0;        // breaches / replicates judged (NaN when none judged)
  double p_breach_ci_low = 0, p_breach_ci_high = 0;  // Wilson 95% interval
  std::string example;        // the first breach's reason ("service: ..."), empty if none

  friend bool operator==(const BreachRisk&, const BreachRisk&) = default;
};

struct PolicyComparison {
  std::string name, description, extends;
  int replicates = 0;
  CostSpread monthly_cost;
  PairedSaving vs_baseline;
  MonthlySplit split;
  BreachRisk risk;
  std::vector<ServiceRisk> services;
  std::vector<DeadlineRisk> batch;  // each batch job template's deadlines (empty without batch work)
  std::vector<BudgetAlertRisk> budget_alerts;  // each budget alert of each period (empty without budgets)
  int rank = 0;                   // 1: recommended order (within tolerance first, then cheaper)
  bool pareto = false;            // on the front of mean monthly cost against P(breach)
  bool within_tolerance = false;  // P(breach) at most the risk tolerance (false when not judged)

  friend bool operator==(const PolicyComparison&, const PolicyComparison&) = default;
};

/// A step of a lever ladder: a policy against the one it extends.
struct LadderStep {
  std::string policy, parent;
  PairedSaving saving;
  double p_breach = 0;         // the step's own
  double p_breach_change = 0;  // its P(breach) − its parent's (NaN when not judged)

  friend bool operator==(const LadderStep&, const LadderStep&) = default;
};

/// A part of the baseline's monthly cost (the parts add up to its total).
struct CostDriver {
  std::string what;
  double usd = 0;    // per month
  double share = 0;  // of the total

  friend bool operator==(const CostDriver&, const CostDriver&) = default;
};

struct Recommendation {
  std::string policy;  // empty: none can be recommended (see reason)
  std::string reason;

  friend bool operator==(const Recommendation&, const Recommendation&) = default;
};

struct Comparison {
  std::string scenario;
  std::uint64_t seed = 0;
  int replicates = 0;
  double window_days = 0;
  double month_factor = 1;  // 30 days / the window
  std::string baseline;
  double risk_tolerance = 0;
  bool risk_tolerance_given = false;
  std::vector<PolicyComparison> policies;  // in the scenario's order
  std::vector<LadderStep> ladder;          // policies that extend another, in the scenario's order
  std::vector<CostDriver> baseline_drivers;  // largest first
  Recommendation recommendation;
  std::vector<std::string> warnings;       // doubts about the comparison itself

  friend bool operator==(const Comparison&, const Comparison&) = default;
};

/// The comparison of a run's policies (every replicate of each; any number of replicates).
Comparison compare_policies(const RunResult& run);

}  // namespace capsim
