#pragma once
// The projected bill as CSV: hour by hour per line (shaped like a Cost and Usage Report: one row per
// resource per UTC clock hour, usage, rate, cost and a "tag:<key>" column per tag key), or rolled up
// by period and dimensions.
//
// A policy's Savings Plans and Reserved Instances appear as a CUR shows them (line_item_type, after
// https://docs.aws.amazon.com/cur/latest/userguide/cur-sp.html and Lineitem-columns.html): usage a
// plan covered is a SavingsPlanCoveredUsage row at its on-demand cost and a SavingsPlanNegation row
// taking that cost back; usage a reservation covered a DiscountedUsage row costing 0; each
// commitment's fee every hour a SavingsPlanRecurringFee or RIFee row; the rest of the usage Usage
// rows. effective_cost_usd is the amortised cost (CUR's SavingsPlanEffectiveCost, reservation
// EffectiveCost): the commitment's rate on covered usage, 0 on a negation, the commitment left
// unused on a fee row. An upfront payment was made before the window for the whole term: each hour
// carries its share as a SavingsPlanUpfrontFee row, so cost_usd adds up to the run's total (after
// the commitments) and, without those rows, to the window's invoice.
#include <string>
#include <vector>

#include "capsim/report/billing_rollup.hpp"
#include "capsim/report/result.hpp"

namespace capsim::io {

/// Throws Error when a policy holds commitments but its replicates do not itemise them
/// (commitment_charges: a result built by hand or by an older capsim), so its lines at their own
/// prices would not add up to its total; `flag` names the output in the message.
void check_commitments_itemised(const RunResult& result, const char* flag);
/// Every replicate's billing hours (kept with the series), one row per line per hour.
std::string billing_hours_to_csv(const RunResult& result);
/// Rollup rows with a column per group key.
std::string billing_rollup_to_csv(const std::vector<BillingRollupRow>& rows, const std::vector<std::string>& group_by);

}  // namespace capsim::io
