#include "commitment_outcome.hpp"

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/commitment_billing.hpp"

namespace capsim::detail {

namespace {
// AWS: a Partial Upfront plan pays at least half of the commitment upfront. capsim takes exactly
// half (listed in the run's warnings when such a plan is held): the invoice inside the window is an
// estimate, the effective cost is not.
constexpr double kPartialUpfrontShare = 0.5;
}  // namespace

CommitmentSummary bill_commitments(const Scenario& scenario, const PolicySpec& policy, const std::vector<LedgerLine>& lines) {
  const auto& sim = scenario.simulation;
  const SimDuration into_hour = offset_in_hour(sim.start);
  const auto clock_hours = static_cast<std::size_t>((into_hour + sim.duration + kMicrosPerHour - 1) / kMicrosPerHour);
  RunUsage usage = hourly_eligible_usage(lines, charges_by_hour(lines, into_hour), scenario.catalog);
  usage.resize(std::max(usage.size(), clock_hours));
  const CommitmentTotals t = bill_run(usage, policy.commitments, scenario.savings_plan_rates, NormalizationFactors::aws_table());
  CommitmentSummary s;
  s.on_demand_equivalent_usd = t.on_demand_equivalent_usd;
  s.effective_usd = t.billed_usd;
  s.savings_usd = t.savings_usd();
  s.sp_committed_usd = t.sp_committed_usd;
  s.sp_used_usd = t.sp_used_usd;
  s.sp_utilisation = t.sp_utilisation();
  s.coverage = t.coverage();
  s.ri_fee_usd = t.ri_fee_usd;
  s.ri_utilisation = t.ri_utilisation();
  for (const SavingsPlan& sp : policy.commitments.savings_plans) {
    const double share = sp.payment == PaymentOption::AllUpfront       ? 1.0
                         : sp.payment == PaymentOption::PartialUpfront ? kPartialUpfrontShare
                                                                       : 0.0;
    s.upfront_usd += share * sp.usd_per_h * static_cast<double>(usage.size());
  }
  s.billed_usd = s.effective_usd - s.upfront_usd;
  s.usage_without_rate = static_cast<int>(t.entries_without_rate);
  return s;
}

}  // namespace capsim::detail
