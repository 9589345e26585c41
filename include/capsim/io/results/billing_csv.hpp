#pragma once
// The projected bill as CSV: hour by hour per line (shaped like a Cost and Usage Report: one row per
// resource per UTC clock hour, usage, rate, cost and a "tag:<key>" column per tag key), or rolled up
// by period and dimensions.
#include <string>
#include <vector>

#include "capsim/report/billing_rollup.hpp"
#include "capsim/report/result.hpp"

namespace capsim::io {

/// Throws Error when a policy holds commitments: its lines at their own prices would not add up to
/// its total after them.
void check_billing_adds_up(const RunResult& result);
/// Every replicate's billing hours (kept with the series), one row per line per hour.
std::string billing_hours_to_csv(const RunResult& result);
/// Rollup rows with a column per group key.
std::string billing_rollup_to_csv(const std::vector<BillingRollupRow>& rows, const std::vector<std::string>& group_by);

}  // namespace capsim::io
