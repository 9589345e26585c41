#pragma once
// Internal to sim/: a run's daily spend forecast and its anomalies (the scenario's forecast and
// anomaly_detection settings).
#include <optional>
#include <vector>

#include <functional>

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/cost/spend_outcome.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim::detail {

/// The window's whole UTC days of spend (a partial first or last day left out) and the day the first one is.
struct WholeDays {
  UtcTime first_day{};
  std::vector<double> usd;
};
WholeDays whole_days_of_spend(const Scenario& scenario, const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges,
                              const std::function<bool(const LedgerLine&)>& counts = {});

std::optional<SpendForecastOutcome> forecast_outcome(const Scenario& scenario, const std::vector<LedgerLine>& lines,
                                                     const std::vector<HourCharge>& charges);
std::vector<SpendAnomalyOutcome> anomaly_outcomes(const Scenario& scenario, const std::vector<LedgerLine>& lines,
                                                  const std::vector<HourCharge>& charges);

}  // namespace capsim::detail
