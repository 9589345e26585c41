#pragma once
// Internal to sim/: a run's bill with the policy's Savings Plans and Reserved Instances applied.
#include <vector>

#include "capsim/cost/commitment_advice.hpp"
#include "capsim/cost/commitment_billing.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim::detail {

/// The run's eligible usage for every UTC clock hour the window touches (an hour without usage
/// included, so a commitment still pays for it).
RunUsage eligible_usage_of(const Scenario& scenario, const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges);

/// The part of each of those clock hours the window holds (the first and last may be partial).
HeldHours held_hours_of(const Scenario& scenario);

/// "compute:1y:no-upfront" or "ec2-instance:g5:1y:no-upfront"; throws Error saying what was expected.
SavingsPlanOffer parse_savings_plan_offer(const std::string& text);
/// The advice for one policy from its replicates' eligible usage, on top of the commitments it holds
/// (`held`): on the usage they leave on demand, their fees added to every cost.
SavingsPlanAdvice advise(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer, const SavingsPlanRates& rates,
                         const Commitments& held, const HeldHours& held_h);

/// The commitments applied hour by hour to `usage` (eligible_usage_of) to the run's eligible usage (every UTC clock hour the
/// window touches, so an hour without usage still pays its commitment).
CommitmentSummary bill_commitments(const Scenario& scenario, const PolicySpec& policy, const RunUsage& usage);

}  // namespace capsim::detail
