#pragma once
// Internal to sim/: the hourly spend that budgets, the forecast and anomaly detection read for a
// policy holding Savings Plans or Reserved Instances: its bill after them, not its lines' own prices.
#include <vector>

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/commitment_charge.hpp"
#include "capsim/cost/ledger.hpp"

namespace capsim::detail {

/// Lines and hourly charges in the form spend readers take (HourCharge of LedgerLine).
struct CommittedSpend {
  std::vector<LedgerLine> lines;
  std::vector<HourCharge> charges;
};

/// The billed cost of each hour under the commitments itemised in `items` (itemise_commitments on
/// `lines` and `charges`): a covered charge less the on-demand price of its covered usage, and one
/// line per commitment (AmazonEC2, no tags, no NodePool: AWS puts no resource tags on fee lines)
/// holding its recurring fee each hour and its upfront part in the month's first hour, as FOCUS's
/// BilledCost does. This is AWS Budgets' default, unblended cost: a commitment's amortised cost is
/// its effective cost, which a budget only reads when asked to.
CommittedSpend committed_spend(const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges,
                               const std::vector<CommitmentCharge>& items, UtcTime window_start);

}  // namespace capsim::detail
