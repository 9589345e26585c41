#include "billing_options.hpp"

#include "capsim/core/error.hpp"
#include "capsim/io/results/billing_csv.hpp"
#include "capsim/io/results/focus_csv.hpp"
#include "capsim/report/billing_rollup.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim::cli {

std::vector<std::string> BillingArgs::files() const {
  std::vector<std::string> out;
  if (!billing.empty()) out.push_back(billing);
  if (!focus.empty()) out.push_back(focus);
  return out;
}

void add_billing_options(CLI::App& command, BillingArgs& args) {
  command.add_option("--billing", args.billing,
                     "Also write the projected bill (CSV): by default one row per resource per UTC clock hour (usage, rate, cost, "
                     "tags), like a Cost and Usage Report; with --billing-by or --billing-group, rolled up");
  command.add_option("--billing-by", args.period, "Roll the bill up by 'hour' or 'day' (UTC)")->check(CLI::IsMember({"hour", "day"}));
  command.add_option("--billing-group", args.group_by,
                     "Roll the bill up by these dimensions, comma-separated: node_pool, capacity_type, instance_type, zone, aws_service, "
                     "category, resource, tag:<key>")
      ->delimiter(',');
  command.add_option("--forecast", args.forecast_days,
                     "Forecast the DAYS after the window from each replicate's daily spend, with an 80% prediction interval (at most as "
                     "many days as the window's whole days plus the scenario's forecast.history)")
      ->check(CLI::Range(1, 3660));
  command.add_option("--focus", args.focus, "Also write the projected bill in FOCUS 1.2 (CSV), one row per resource per hour");
}

void apply_forecast(const BillingArgs& args, Scenario& scenario) {
  if (args.forecast_days <= 0) return;
  scenario.forecast.days = args.forecast_days;
  check_forecast_horizon(scenario);
}

void check_billing_args(const BillingArgs& args) {
  if (args.billing.empty() && (!args.period.empty() || !args.group_by.empty()))
    throw Error("--billing-by and --billing-group shape the --billing file: give --billing FILE.csv too");
  for (const auto& k : args.group_by) check_billing_group_key(k);
}

void add_billing_outputs(const BillingArgs& args, const RunResult& result,
                         std::vector<std::pair<std::filesystem::path, std::string>>& outputs) {
  if (!args.billing.empty()) {
    if (args.period.empty() && args.group_by.empty()) {
      outputs.emplace_back(args.billing, io::billing_hours_to_csv(result));
    } else {
      io::check_commitments_itemised(result, "--billing");
      const BillingPeriod period = args.period == "day" ? BillingPeriod::Day : BillingPeriod::Hour;
      outputs.emplace_back(args.billing, io::billing_rollup_to_csv(roll_up_billing(result, period, args.group_by), args.group_by));
    }
  }
  if (!args.focus.empty()) outputs.emplace_back(args.focus, io::focus_to_csv(result));
}

}  // namespace capsim::cli
