#pragma once
// The bill's exports shared by `capsim run` and `capsim compare`: the hourly billing CSV (or its
// rollup by period and dimensions) and the FOCUS 1.2 file.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim::cli {

struct BillingArgs {
  std::string billing;                // --billing FILE.csv
  std::string period;                 // --billing-by hour|day (empty: hourly, line by line)
  std::vector<std::string> group_by;  // --billing-group k1,k2
  std::string focus;                  // --focus FILE.csv
  int forecast_days = 0;              // --forecast DAYS (0: the scenario's)

  bool wanted() const { return !billing.empty() || !focus.empty(); }
  std::vector<std::string> files() const;
};

void add_billing_options(CLI::App& command, BillingArgs& args);
/// Applies --forecast to the scenario (checked at once: a horizon its history cannot carry fails
/// before anything runs).
void apply_forecast(const BillingArgs& args, Scenario& scenario);
/// Checks the arguments before anything runs (a bad group key fails at once, not after the runs).
void check_billing_args(const BillingArgs& args);
/// Appends the files asked for to `outputs` (written together with the command's other outputs).
void add_billing_outputs(const BillingArgs& args, const RunResult& result,
                         std::vector<std::pair<std::filesystem::path, std::string>>& outputs);

}  // namespace capsim::cli
