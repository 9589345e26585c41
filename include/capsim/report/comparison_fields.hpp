#pragma once
// The field tables of the comparison structs (comparison.hpp): the one declaration that result.json's
// comparison section, summary.csv, the compare text and the Python binding walk.
#include "capsim/report/comparison.hpp"
#include "capsim/report/field.hpp"

namespace capsim {

constexpr auto fields_of(std::type_identity<CostSpread>) {
  using T = CostSpread;
  return std::tuple{
      field("mean_usd", &T::mean_usd, "mean over replicates", {.label = "mean", .show = Show::Money}),
      field("sd_usd", &T::sd_usd, "standard deviation over replicates", {.label = "standard deviation", .show = Show::Money}),
      field("p5_usd", &T::p5_usd, "5th percentile over replicates (linear interpolation)", {.label = "P5", .show = Show::Money}),
      field("p50_usd", &T::p50_usd, "median over replicates", {.label = "P50", .show = Show::Money}),
      field("p95_usd", &T::p95_usd, "95th percentile over replicates", {.label = "P95", .show = Show::Money}),
      field("cvar95_usd", &T::cvar95_usd, "mean of the costliest 5% of replicates (CVaR95)", {.label = "CVaR95", .show = Show::Money}),
  };
}

constexpr auto fields_of(std::type_identity<PairedSaving>) {
  using T = PairedSaving;
  return std::tuple{
      field("against", &T::against, "the policy saved against"),
      field("usd", &T::usd, "mean of (theirs - this) per month, replicate by replicate: positive when this is cheaper"),
      field("usd_ci_low", &T::usd_ci_low, "95% Student t interval of that mean, low end (null with one replicate)"),
      field("usd_ci_high", &T::usd_ci_high, "...high end"),
      field("pct", &T::pct, "the saving as a percentage of their mean monthly cost"),
      field("pct_ci_low", &T::pct_ci_low, "the interval as percentages, low end"),
      field("pct_ci_high", &T::pct_ci_high, "...high end"),
  };
}

constexpr auto fields_of(std::type_identity<MonthlySplit>) {
  using T = MonthlySplit;
  return std::tuple{
      field("gpu_instances_usd", &T::gpu_instances_usd, "instances with GPUs or accelerators", {.label = "GPU instances", .show = Show::Money}),
      field("other_instances_usd", &T::other_instances_usd, "every other instance", {.label = "other instances", .show = Show::Money}),
      field("eks_control_plane_usd", &T::eks_control_plane_usd, "EKS control plane", {.label = "EKS control plane", .show = Show::Money}),
      field("on_demand_usd", &T::on_demand_usd, "instances bought on demand", {.label = "bought on demand", .show = Show::Money}),
      field("spot_usd", &T::spot_usd, "instances bought on spot", {.label = "bought on spot", .show = Show::Money}),
      field("reserved_usd", &T::reserved_usd, "capacity reservations", {.label = "capacity reservations", .show = Show::Money}),
      field("requested_not_serving_usd", &T::requested_not_serving_usd, "GPUs pods requested that served no request",
            {.label = "GPUs requested, not serving", .show = Show::Money}),
      field("unallocated_usd", &T::unallocated_usd, "instance capacity no pod requested",
            {.label = "capacity no pod requested", .show = Show::Money}),
      field("gpu_hours_served", &T::gpu_hours_served, "GPU-hours serving requests, per month", {.label = "GPU-hours served", .show = Show::Count}),
      field("usd_per_gpu_hour_served", &T::usd_per_gpu_hour_served, "total cost / GPU-hours served (null when none served)",
            {.label = "USD per GPU-hour served", .show = Show::Money}),
  };
}

constexpr auto fields_of(std::type_identity<ServiceRisk>) {
  using T = ServiceRisk;
  return std::tuple{
      field("name", &T::name, "service name"),
      field("missed_share_mean", &T::missed_share_mean, "missed requests' share, mean over replicates",
            {.label = "missed share: mean", .show = Show::Percent}),
      field("missed_share_p95", &T::missed_share_p95, "...its 95th percentile over replicates", {.label = "missed share: P95", .show = Show::Percent}),
      field("minutes_under_provisioned_mean", &T::minutes_under_provisioned_mean, "minutes under-provisioned, mean over replicates",
            {.label = "minutes under-provisioned: mean", .show = Show::Fixed1}),
      field("minutes_under_provisioned_p95", &T::minutes_under_provisioned_p95, "...its 95th percentile",
            {.label = "minutes under-provisioned: P95", .show = Show::Fixed1}),
      field("latency_p95_s_mean", &T::latency_p95_s_mean, "end-to-end latency p95 (s), mean over replicates (request-level model)",
            {.label = "latency p95 (ms): mean", .show = Show::Millis}),
      field("latency_p95_s_p95", &T::latency_p95_s_p95, "...its 95th percentile over replicates", {.label = "latency p95 (ms): P95", .show = Show::Millis}),
      field("ttft_p95_s_mean", &T::ttft_p95_s_mean, "time to first token p95 (s), mean over replicates (LLM services)",
            {.label = "TTFT p95 (ms): mean", .show = Show::Millis}),
      field("ttft_p95_s_p95", &T::ttft_p95_s_p95, "...its 95th percentile over replicates", {.label = "TTFT p95 (ms): P95", .show = Show::Millis}),
      field("breach_share", &T::breach_share, "replicates in which it broke its objective (null without one)",
            {.label = "objective breached", .show = Show::Percent}),
  };
}

constexpr auto fields_of(std::type_identity<BudgetAlertRisk>) {
  using T = BudgetAlertRisk;
  return std::tuple{
      field("budget", &T::budget, "the budget"),
      field("period_start_utc", &T::period_start_utc, "the period's start"),
      field("alert", &T::alert, "the alert"),
      field("replicates", &T::replicates, "replicates judged"),
      field("fired_share", &T::fired_share, "share of replicates in which it fired", {.label = "fired in (share of replicates)", .show = Show::Percent}),
      field("first_fired_utc", &T::first_fired_utc, "the earliest crossing over the replicates"),
      field("median_fired_at_s", &T::median_fired_at_s, "the median crossing where it fired, seconds from the window's start (-1: never)"),
  };
}

constexpr auto fields_of(std::type_identity<DeadlineRisk>) {
  using T = DeadlineRisk;
  return std::tuple{
      field("job", &T::job, "batch job template"),
      field("purchasing", &T::purchasing, "its purchasing policy"),
      field("miss_share_mean", &T::miss_share_mean, "deadline-miss share, mean over replicates", {.label = "deadline-miss share", .show = Show::Percent}),
      field("cost_per_job_usd_mean", &T::cost_per_job_usd_mean, "USD per job, mean over replicates", {.label = "cost per job (USD)", .show = Show::Money}),
      field("lateness_p95_s", &T::lateness_p95_s, "finish minus deadline, 95th percentile over every judged job (s; negative: early)",
            {.label = "lateness P95 (s)", .show = Show::Fixed0}),
      field("spot_gpu_hour_share", &T::spot_gpu_hour_share, "share of its GPU-hours on spot", {.label = "GPU-hours on spot", .show = Show::Percent}),
      field("restarts_per_job", &T::restarts_per_job, "pod runs cut short per job", {.label = "restarts per job", .show = Show::Fixed2}),
      field("work_lost_gpu_hours_per_job", &T::work_lost_gpu_hours_per_job, "reference GPU-hours lost since checkpoints, per job",
            {.label = "work lost per job (GPU-h)", .show = Show::Fixed2}),
      field("breach_share", &T::breach_share, "replicates in which a job missed its deadline", {.label = "deadline missed", .show = Show::Percent}),
  };
}

constexpr auto fields_of(std::type_identity<BreachRisk>) {
  using T = BreachRisk;
  return std::tuple{
      field("replicates_judged", &T::replicates_judged, "replicates with an objective to judge (0: no service declares one and no batch job runs)"),
      field("breaches", &T::breaches, "replicates in which any service broke its objective or a batch job missed its deadline"),
      field("p_breach", &T::p_breach, "breaches / replicates judged (null when none judged)"),
      field("p_breach_ci_low", &T::p_breach_ci_low, "Wilson 95% interval, low end"),
      field("p_breach_ci_high", &T::p_breach_ci_high, "...high end"),
      field("example", &T::example, "the first breach's reason"),
  };
}

constexpr auto fields_of(std::type_identity<PolicyComparison>) {
  using T = PolicyComparison;
  return std::tuple{
      field("name", &T::name, "policy name"),
      field("description", &T::description, "policy description"),
      field("extends", &T::extends, "the policy it builds on (empty: the base)"),
      field("replicates", &T::replicates, "replicates compared"),
      field("monthly_cost", &T::monthly_cost, "cost per 30-day month across replicates, USD"),
      field("vs_baseline", &T::vs_baseline, "saving against the baseline, paired by replicate"),
      field("split", &T::split, "where the money goes, USD per month (means)"),
      field("risk", &T::risk, "P(SLO breach): share of replicates in which any service broke its objective or a batch job missed its deadline"),
      field("services", &T::services, "each service's SLA measures across replicates"),
      field("batch", &T::batch, "each batch job template's deadlines and cost across replicates"),
      field("budget_alerts", &T::budget_alerts, "each budget alert of each period: how often and when it fired"),
      field("rank", &T::rank, "1 = first: within the risk tolerance first, then cheaper"),
      field("pareto", &T::pareto, "on the Pareto front of mean monthly cost against P(breach)"),
      field("within_tolerance", &T::within_tolerance, "P(breach) at most the risk tolerance"),
  };
}

constexpr auto fields_of(std::type_identity<LadderStep>) {
  using T = LadderStep;
  return std::tuple{
      field("policy", &T::policy, "the step"),
      field("parent", &T::parent, "the policy it extends"),
      field("saving", &T::saving, "its saving against the parent, paired by replicate"),
      field("p_breach", &T::p_breach, "its P(SLO breach)"),
      field("p_breach_change", &T::p_breach_change, "its P(breach) minus its parent's (null when not judged)"),
  };
}

constexpr auto fields_of(std::type_identity<CostDriver>) {
  using T = CostDriver;
  return std::tuple{
      field("what", &T::what, "what the money buys"),
      field("usd", &T::usd, "USD per month"),
      field("share", &T::share, "share of the baseline's total"),
  };
}

constexpr auto fields_of(std::type_identity<Recommendation>) {
  using T = Recommendation;
  return std::tuple{
      field("policy", &T::policy, "the policy recommended (empty: none, see reason)"),
      field("reason", &T::reason, "why, in words"),
  };
}

constexpr auto fields_of(std::type_identity<Comparison>) {
  using T = Comparison;
  return std::tuple{
      field("scenario", &T::scenario, "scenario name"),
      field("seed", &T::seed, "root seed"),
      field("replicates", &T::replicates, "replicates per policy"),
      field("window_days", &T::window_days, "the simulated window, days"),
      field("month_factor", &T::month_factor, "30 days / the window: window costs times this are monthly"),
      field("baseline", &T::baseline, "the baseline policy"),
      field("risk_tolerance", &T::risk_tolerance, "the share of replicates an objective may break in for a policy still recommended"),
      field("risk_tolerance_given", &T::risk_tolerance_given, "false: capsim's default 5%, an assumption"),
      field("policies", &T::policies, "one per policy, in the scenario's order"),
      field("ladder", &T::ladder, "savings per lever: each policy that extends another, against it"),
      field("baseline_drivers", &T::baseline_drivers, "the baseline's monthly cost by what it buys, largest first"),
      field("recommendation", &T::recommendation, "the cheapest policy within the risk tolerance, and why"),
      field("warnings", &T::warnings, "doubts about the comparison itself"),
  };
}

}  // namespace capsim
