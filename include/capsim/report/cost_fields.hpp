#pragma once
// The field tables of cost management's results (commitments, the hourly bill, budgets), for
// result.json, the CSV files, the summary and the Python binding.
#include "capsim/cost/budget_outcome.hpp"
#include "capsim/cost/commitment_charge.hpp"
#include "capsim/cost/spend_outcome.hpp"
#include "capsim/report/field.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

constexpr auto fields_of(std::type_identity<CommitmentSummary>) {
  using T = CommitmentSummary;
  return std::tuple{
      field("on_demand_equivalent_usd", &T::on_demand_equivalent_usd, "eligible usage (on-demand instances) at on-demand prices",
            {.label = "eligible usage at on-demand prices (USD)", .show = Show::Money}),
      field("effective_usd", &T::effective_usd, "the same with the commitments: their fees, used or not, and the on-demand rest",
            {.label = "with the commitments, effective (USD)", .show = Show::Money}),
      field("savings_usd", &T::savings_usd, "on-demand equivalent minus effective", {.label = "saved (USD)", .show = Show::Money}),
      field("sp_committed_usd", &T::sp_committed_usd, "Savings Plan commitments over the window (a clock hour it holds part of: that part)",
            {.label = "Savings Plans committed (USD)", .show = Show::Money}),
      field("sp_used_usd", &T::sp_used_usd, "the part of them usage consumed", {.label = "Savings Plans used (USD)", .show = Show::Money}),
      field("sp_utilisation", &T::sp_utilisation, "Savings Plan utilisation: used / committed",
            {.label = "Savings Plans utilisation", .show = Show::Percent}),
      field("coverage", &T::coverage, "share of eligible on-demand-equivalent spend a commitment covered",
            {.label = "coverage", .show = Show::Percent}),
      field("ri_fee_usd", &T::ri_fee_usd, "Reserved Instances' effective fees, used or not",
            {.label = "Reserved Instances' fees (USD)", .show = Show::Money}),
      field("ri_utilisation", &T::ri_utilisation, "Reserved Instance utilisation (normalized units)",
            {.label = "Reserved Instances utilisation", .show = Show::Percent}),
      field("upfront_usd", &T::upfront_usd, "the part of the fees paid upfront, before the window",
            {.label = "paid upfront, before the window (USD)", .show = Show::Money}),
      field("billed_usd", &T::billed_usd, "the window's invoice for eligible usage: effective minus upfront",
            {.label = "billed in the window (USD)", .show = Show::Money}),
      field("usage_without_rate", &T::usage_without_rate, "hourly usage entries the rate file had no rate for (billed on demand)",
            {.label = "hourly usage without a plan rate", .show = Show::Count}),
      field("run_billed_usd", &T::run_billed_usd, "the whole run's invoice in the window: its total after the commitments minus upfront payments",
            {.label = "the run billed in the window (USD)", .show = Show::Money}),
      field("run_effective_usd", &T::run_effective_usd, "the whole run's amortised (effective) cost: its total after the commitments",
            {.label = "the run's effective cost (USD)", .show = Show::Money}),
  };
}

constexpr auto fields_of(std::type_identity<BillingHour>) {
  using T = BillingHour;
  return std::tuple{
      field("line", &T::line, "its cost line (an index into cost_lines)"),
      field("hour", &T::hour, "UTC clock hours after the one that holds the window's start"),
      field("usage_h", &T::usage_h, "instance-hours billed in the hour"),
      field("cost_usd", &T::cost_usd, "what the line cost in the hour"),
  };
}

constexpr auto fields_of(std::type_identity<CommitmentCharge>) {
  using T = CommitmentCharge;
  return std::tuple{
      field("commitment", &T::commitment, "which commitment: savings-plan/N or reserved-instance/N, the policy's in order"),
      field("type", &T::type, "Compute Savings Plan, EC2 Instance Savings Plan or Reserved Instance"),
      field("name", &T::name, "what was bought"),
      field("hour", &T::hour, "UTC clock hours after the one that holds the window's start"),
      field("line", &T::line, "the cost line whose usage it covered (an index into cost_lines); -1: the commitment's own charge"),
      field("usage_h", &T::usage_h, "covered instance-hours"),
      field("on_demand_usd", &T::on_demand_usd, "what the covered usage costs on demand"),
      field("effective_usd", &T::effective_usd, "the commitment's amortised cost of the covered usage; on its own charge, the unused part"),
      field("held_h", &T::held_h, "on its own charge: the part of the clock hour held (less than 1 at the window's edges)"),
      field("committed", &T::committed, "on its own charge: that part's commitment (USD for a plan, instance-hours for a reservation)"),
      field("recurring_fee_usd", &T::recurring_fee_usd, "on its own charge: billed in the hour"),
      field("upfront_usd", &T::upfront_usd, "on its own charge: the hour's share of the upfront payment"),
  };
}

constexpr auto fields_of(std::type_identity<BudgetSpend>) {
  using T = BudgetSpend;
  return std::tuple{
      field("budget", &T::budget, "the budget's name"),
      field("thresholds_usd", &T::thresholds_usd, "each alert's threshold in USD, in the budget's order"),
      field("hourly_usd", &T::hourly_usd, "its scoped spend in each UTC clock hour the window touches"),
  };
}

constexpr auto fields_of(std::type_identity<BudgetAlertOutcome>) {
  using T = BudgetAlertOutcome;
  return std::tuple{
      field("alert", &T::alert, "the alert: ACTUAL or FORECASTED spend above a threshold"),
      field("fired", &T::fired, "its threshold was crossed in the period", {.label = "fired", .show = Show::Count}),
      field("fired_at_s", &T::fired_at_s, "when, seconds from the window's start (-1: not fired)"),
      field("fired_at_utc", &T::fired_at_utc, "when, ISO 8601"),
      field("evaluated", &T::evaluated, "false: a forecast alert without enough history to forecast"),
      field("message", &T::message, "the notification's words, or why it was not evaluated"),
  };
}

constexpr auto fields_of(std::type_identity<BudgetOutcome>) {
  using T = BudgetOutcome;
  return std::tuple{
      field("budget", &T::budget, "the budget's name"),
      field("period_start_utc", &T::period_start_utc, "the calendar month or quarter's start"),
      field("period_end_utc", &T::period_end_utc, "...and end"),
      field("amount_usd", &T::amount_usd, "the budgeted amount"),
      field("actual_usd", &T::actual_usd, "the scope's spend in the period (history before the window and the simulated part)",
            {.label = "actual (USD)", .show = Show::Money}),
      field("period_in_window", &T::period_in_window, "the whole period lies inside the window"),
      field("forecast_usd", &T::forecast_usd, "the period's forecast at the window's end (-1: none)"),
      field("forecast_lower_usd", &T::forecast_lower_usd, "its 80% prediction interval's lower end"),
      field("forecast_upper_usd", &T::forecast_upper_usd, "...and upper end"),
      field("status", &T::status, "over, under, forecast over, forecast under, under so far"),
      field("alerts", &T::alerts, "each alert's outcome"),
  };
}

constexpr auto fields_of(std::type_identity<SpendMonthForecast>) {
  using T = SpendMonthForecast;
  return std::tuple{
      field("month_start_utc", &T::month_start_utc, "the calendar month"),
      field("days", &T::days, "its days in the horizon"),
      field("mean_usd", &T::mean_usd, "forecast spend"),
      field("lower_usd", &T::lower_usd, "prediction interval, lower end"),
      field("upper_usd", &T::upper_usd, "...upper end"),
  };
}

constexpr auto fields_of(std::type_identity<SpendForecastOutcome>) {
  using T = SpendForecastOutcome;
  return std::tuple{
      field("first_day_utc", &T::first_day_utc, "the first forecast day"),
      field("history_days", &T::history_days, "days of spend the forecast was fitted on (history and the window's whole days)"),
      field("horizon_days", &T::horizon_days, "days forecast"),
      field("level", &T::level, "the prediction interval's level (0.8: AWS's band)"),
      field("total_mean_usd", &T::total_mean_usd, "forecast spend over the horizon", {.label = "forecast (USD)", .show = Show::Money}),
      field("total_lower_usd", &T::total_lower_usd, "its prediction interval's lower end", {.label = "  lower end", .show = Show::Money}),
      field("total_upper_usd", &T::total_upper_usd, "...upper end", {.label = "  upper end", .show = Show::Money}),
      field("trend_usd_per_day", &T::trend_usd_per_day, "the fitted trend, USD per day per day", {.label = "  trend (USD/day per day)", .show = Show::Fixed2}),
      field("weekly", &T::weekly, "weekday effects fitted (two weeks of history or more)"),
      field("daily_mean_usd", &T::daily_mean_usd, "per day"),
      field("daily_lower_usd", &T::daily_lower_usd, "per day, lower end"),
      field("daily_upper_usd", &T::daily_upper_usd, "per day, upper end"),
      field("months", &T::months, "per calendar month of the horizon"),
  };
}

constexpr auto fields_of(std::type_identity<SpendAnomalyOutcome>) {
  using T = SpendAnomalyOutcome;
  return std::tuple{
      field("day_utc", &T::day_utc, "the day"),
      field("direction", &T::direction, "above or below the expected band"),
      field("actual_usd", &T::actual_usd, "the day's spend"),
      field("expected_usd", &T::expected_usd, "what the baseline expected"),
      field("band_low_usd", &T::band_low_usd, "the expected band's low end"),
      field("band_high_usd", &T::band_high_usd, "...high end"),
      field("impact_usd", &T::impact_usd, "actual minus expected"),
      field("root_cause", &T::root_cause, "the dimension value that explains most of the impact"),
      field("root_cause_impact_usd", &T::root_cause_impact_usd, "its own deviation"),
  };
}

constexpr auto fields_of(std::type_identity<SavingsPlanAdvice>) {
  using T = SavingsPlanAdvice;
  return std::tuple{
      field("plan", &T::plan, "the plan advised on: type, family, term, payment"),
      field("replicates", &T::replicates, "replicates whose hourly usage it weighs"),
      field("none_expected_usd", &T::none_expected_usd, "without a plan: expected cost of eligible usage over the window"),
      field("none_p95_usd", &T::none_p95_usd, "...and its P95"),
      field("min_expected_usd_per_h", &T::min_expected_usd_per_h, "the commitment minimising the expected cost, USD/h"),
      field("min_expected_expected_usd", &T::min_expected_expected_usd, "its expected cost"),
      field("min_expected_p95_usd", &T::min_expected_p95_usd, "its P95 cost"),
      field("min_expected_coverage", &T::min_expected_coverage, "its coverage"),
      field("min_expected_utilisation", &T::min_expected_utilisation, "its utilisation"),
      field("min_p95_usd_per_h", &T::min_p95_usd_per_h, "the commitment minimising the P95 cost, USD/h"),
      field("min_p95_expected_usd", &T::min_p95_expected_usd, "its expected cost"),
      field("min_p95_p95_usd", &T::min_p95_p95_usd, "its P95 cost"),
      field("min_p95_coverage", &T::min_p95_coverage, "its coverage"),
      field("min_p95_utilisation", &T::min_p95_utilisation, "its utilisation"),
      field("usage_without_rate", &T::usage_without_rate, "usage entries the rate file has no rate for (left on demand)"),
      field("on_top_of", &T::on_top_of, "the commitments the policy already holds, advised on top of (empty: none)"),
      field("held_fees_usd", &T::held_fees_usd, "their fees over the window, included in every cost above (mean over replicates)"),
  };
}

}  // namespace capsim
