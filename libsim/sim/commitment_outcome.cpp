#include "commitment_outcome.hpp"

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/commitment_billing.hpp"
#include "capsim/cost/commitment_charges.hpp"
#include "capsim/core/error.hpp"

#include <fmt/format.h>

namespace capsim::detail {

RunUsage eligible_usage_of(const Scenario& scenario, const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges) {
  const auto& sim = scenario.simulation;
  const SimDuration into_hour = offset_in_hour(sim.start);
  const auto clock_hours = static_cast<std::size_t>((into_hour + sim.duration + kMicrosPerHour - 1) / kMicrosPerHour);
  RunUsage usage = hourly_eligible_usage(lines, charges, scenario.catalog);
  usage.resize(std::max(usage.size(), clock_hours));
  return usage;
}

HeldHours held_hours_of(const Scenario& scenario) {
  const auto& sim = scenario.simulation;
  const SimDuration into_hour = offset_in_hour(sim.start);
  const SimDuration end = into_hour + sim.duration;
  HeldHours out;
  for (SimDuration from = 0; from < end; from += kMicrosPerHour) {
    const SimDuration a = std::max(from, into_hour), b = std::min(from + kMicrosPerHour, end);
    out.push_back(static_cast<double>(b - a) / static_cast<double>(kMicrosPerHour));
  }
  return out;
}

SavingsPlanOffer parse_savings_plan_offer(const std::string& text) {
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    const std::size_t colon = text.find(':', from);
    parts.push_back(text.substr(from, colon - from));
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  SavingsPlanOffer offer;
  const auto type = parts.empty() ? std::nullopt : savings_plan_type_named(parts[0]);
  const std::size_t rest = type == SavingsPlanType::Ec2Instance ? 2 : 1;
  const auto term = parts.size() == rest + 2 ? commitment_term_named(parts[rest]) : std::nullopt;
  const auto payment = parts.size() == rest + 2 ? payment_option_named(parts[rest + 1]) : std::nullopt;
  if (!type || !term || !payment || (rest == 2 && parts[1].empty()))
    throw Error(fmt::format("--advise-savings-plan '{}': expected TYPE:TERM:PAYMENT such as compute:1y:no-upfront, or "
                            "ec2-instance:FAMILY:TERM:PAYMENT such as ec2-instance:g5:3y:all-upfront (terms 1y, 3y; payments "
                            "no-upfront, partial-upfront, all-upfront)",
                            text));
  offer.type = *type;
  if (rest == 2) offer.family = parts[1];
  offer.term = *term;
  offer.payment = *payment;
  return offer;
}

SavingsPlanAdvice advise(const std::vector<RunUsage>& replicates, const SavingsPlanOffer& offer, const SavingsPlanRates& rates,
                         const Commitments& held, const HeldHours& held_h) {
  SavingsPlanAdvice s;
  std::vector<RunUsage> left;
  if (!held.empty()) {
    // The fees do not depend on usage: every replicate's window pays the same, so adding their mean
    // to the expected cost and to the P95 (a quantile shifts with a constant) is exact.
    double fees = 0;
    for (const RunUsage& run : replicates)
      left.push_back(usage_left_on_demand(run, held, rates, NormalizationFactors::aws_table(), fees, held_h));
    s.held_fees_usd = replicates.empty() ? 0.0 : fees / static_cast<double>(replicates.size());
    for (const std::string& name : describe_commitments(held)) s.on_top_of += (s.on_top_of.empty() ? "" : ", ") + name;
  }
  CommitmentAdvice a = advise_savings_plan(held.empty() ? replicates : left, offer, rates, {}, held_h);
  for (CommitmentOutcome* o : {&a.no_commitment, &a.min_expected_cost, &a.min_p95_cost})
    o->expected_cost_usd += s.held_fees_usd, o->p95_cost_usd += s.held_fees_usd;
  s.plan = fmt::format("{}{} {} {}", to_string(offer.type), offer.family.empty() ? std::string() : " " + offer.family, to_string(offer.term),
                       to_string(offer.payment));
  s.replicates = static_cast<int>(a.replicates);
  s.none_expected_usd = a.no_commitment.expected_cost_usd;
  s.none_p95_usd = a.no_commitment.p95_cost_usd;
  s.min_expected_usd_per_h = a.min_expected_cost.usd_per_h;
  s.min_expected_expected_usd = a.min_expected_cost.expected_cost_usd;
  s.min_expected_p95_usd = a.min_expected_cost.p95_cost_usd;
  s.min_expected_coverage = a.min_expected_cost.coverage;
  s.min_expected_utilisation = a.min_expected_cost.utilisation;
  s.min_p95_usd_per_h = a.min_p95_cost.usd_per_h;
  s.min_p95_expected_usd = a.min_p95_cost.expected_cost_usd;
  s.min_p95_p95_usd = a.min_p95_cost.p95_cost_usd;
  s.min_p95_coverage = a.min_p95_cost.coverage;
  s.min_p95_utilisation = a.min_p95_cost.utilisation;
  s.usage_without_rate = static_cast<int>(a.usage_without_rate);
  return s;
}

CommitmentSummary bill_commitments(const Scenario& scenario, const PolicySpec& policy, const RunUsage& usage) {
  const HeldHours held_h = held_hours_of(scenario);
  const CommitmentTotals t = bill_run(usage, policy.commitments, scenario.savings_plan_rates, NormalizationFactors::aws_table(), held_h);
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
    // A Partial Upfront plan's share is an estimate (see upfront_share); the effective cost is not.
    s.upfront_usd += upfront_share(sp.payment) * sp.usd_per_h * t.hours;
  }
  s.billed_usd = s.effective_usd - s.upfront_usd;
  s.usage_without_rate = static_cast<int>(t.entries_without_rate);
  return s;
}

}  // namespace capsim::detail
