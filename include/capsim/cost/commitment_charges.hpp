#pragma once
// A run's commitments itemised hour by hour as AWS's bills show them (CUR's SavingsPlanCoveredUsage,
// DiscountedUsage, SavingsPlanRecurringFee and RIFee lines; FOCUS's CommitmentDiscount rows).
//
// Covered usage is shared among the cost lines of one (instance type, zone) in an hour in
// proportion to their usage: apply_commitments covers that usage as a whole, and AWS does not say
// which of several identical instances its discount lands on. The sums are what matter: for each
// hour the covered parts and the on-demand rest add up to the lines' usage, and each commitment's
// covered parts plus its unused part add up to its fee.
#include <string>
#include <vector>

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/commitment_charge.hpp"
#include "capsim/cost/commitment_billing.hpp"

namespace capsim {

/// The part of a plan's commitment paid upfront: all, none, or for Partial Upfront half (AWS: "at
/// least half"; capsim takes half and lists it among the run's warnings).
double upfront_share(PaymentOption payment);

/// Each held commitment in words, in the order of itemise_commitments ("Compute Savings Plan compute
/// 1y no-upfront at 0.5 USD/h", "Reserved Instance g5.xlarge regional x1").
std::vector<std::string> describe_commitments(const Commitments& held);

/// Every hour of `usage` (eligible_usage of the run: hour h of `usage` is clock hour h) billed under
/// `held` as apply_commitments does (with each hour's part held, `held_h`), itemised: for each hour,
/// each covered part of each eligible charge's usage (charges and lines as charges_by_hour gave
/// them), then each commitment's own charge (reservations, then plans, in the policy's order).
/// Ordered by hour.
std::vector<CommitmentCharge> itemise_commitments(const RunUsage& usage, const std::vector<LedgerLine>& lines,
                                                  const std::vector<HourCharge>& charges, const Commitments& held,
                                                  const SavingsPlanRates& rates, const NormalizationFactors& normalization,
                                                  const HeldHours& held_h = {});

}  // namespace capsim
