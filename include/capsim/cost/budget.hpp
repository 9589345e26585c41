#pragma once
// Budgets evaluated on a run's bill, as AWS Budgets would have: for every budget period the window
// touches, the scoped spend (history before the window plus the simulated part), the instant each
// ACTUAL alert's threshold is crossed (within the clock hour, the hour's spend taken as even), and
// the first UTC midnight at which the period's forecast (actual to date plus capsim's forecast of
// the rest, cost/spend_forecast) passes a FORECASTED alert's threshold, once there is as much
// history as AWS needs to forecast. AWS refreshes budget data up to three times a day, so its
// notification may come hours after the crossing reported here.
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/budget_outcome.hpp"
#include "capsim/cost/budget_spec.hpp"
#include "capsim/cost/ledger.hpp"

namespace capsim {

/// Whether a ledger line's spend counts toward a budget's scope.
bool in_budget_scope(const BudgetScope& scope, const LedgerLine& line);

/// Each budget's scoped spend per UTC clock hour of the window (`charges` as for evaluate_budgets),
/// with its alerts' thresholds.
std::vector<BudgetSpend> budget_spend(const std::vector<BudgetSpec>& budgets, const std::vector<LedgerLine>& lines,
                                      const std::vector<HourCharge>& charges, UtcTime window_start, SimDuration duration);

/// The budgets on one run's bill (`charges`: charges_by_hour of `lines` for a window starting at
/// `window_start`).
std::vector<BudgetOutcome> evaluate_budgets(const std::vector<BudgetSpec>& budgets, const std::vector<LedgerLine>& lines,
                                            const std::vector<HourCharge>& charges, UtcTime window_start, SimDuration duration);

}  // namespace capsim
