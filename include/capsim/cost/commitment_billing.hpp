#pragma once
// One hour's bill under commitments, in AWS's order, and the totals over many hours.
//
// The order (and why):
//  1. Reserved Instances before any Savings Plan: "Savings Plans apply to your usage after the
//     Amazon EC2 Reserved Instances (RI) are applied" (https://docs.aws.amazon.com/savingsplans/
//     latest/userguide/sp-applying.html; also https://repost.aws/knowledge-center/savings-plans-billing).
//     Zonal reservations go before regional ones: capsim's choice, no AWS text states it; it follows the
//     rule AWS gives for Savings Plans (the narrower commitment first, so the broader one is left for
//     the usage only it can cover). A regional reservation covers its family's sizes by normalization
//     factor, smallest sizes first ("Size flexible Reserved Instances apply to the smallest instance
//     sizes first", https://docs.aws.amazon.com/cur/latest/userguide/monitor-flexible-reservation.html).
//  2. EC2 Instance Savings Plans before Compute Savings Plans, "because Compute Savings Plans have
//     broader applicability" (sp-applying.html above).
//  3. Within each plan type, all plans together, to the usage with the highest savings percentage
//     over on demand first; equal percentages: the lower Savings Plans rate first (sp-applying.html).
//     A commitment not used within its hour is lost: it cannot cover another hour
//     (https://repost.aws/knowledge-center/savings-plans-billing).
//  4. Whatever is left is billed on demand.
// Why it matters: the order decides which usage the commitment covers, hence the hour's bill; a
// Compute plan spent on a 20%-off type first would leave 40%-off usage on demand.
#include <cstddef>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/commitments.hpp"
#include "capsim/cost/ledger.hpp"

namespace capsim {

enum class CommitmentKind { ReservedInstance, SavingsPlan };

/// A part of one usage entry that one commitment covered.
struct CoveredShare {
  CommitmentKind kind = CommitmentKind::SavingsPlan;
  std::size_t commitment = 0;  // index into Commitments::reserved_instances or ::savings_plans
  double usage_h = 0;          // instance-hours covered
  double on_demand_equivalent_usd = 0;  // what they would have cost on demand
  // Savings Plan: rate × hours, taken from the hour's commitment. Reserved Instance: the share of the
  // reservation's hourly fee that the covered normalization units take up.
  double cost_usd = 0;
};

/// One usage entry's bill: what covered it and what was left on demand.
struct EntryBilling {
  std::vector<CoveredShare> covered;
  double on_demand_usage_h = 0;  // instance-hours left on demand
  double on_demand_usd = 0;      // and what they cost
};

/// One hour's bill.
struct HourBilling {
  double held_h = 1;            // the part of the clock hour the commitments were held for (see apply_commitments)
  std::vector<EntryBilling> entries;  // in the order of the usage passed in
  double sp_committed_usd = 0;  // every Savings Plan's hourly commitment, billed used or not
  double sp_used_usd = 0;       // of which usage took up (at Savings Plan rates)
  double ri_fee_usd = 0;        // every reservation's effective hourly fee, billed used or not
  double ri_units = 0;          // normalization units reserved (a type with no factor counts 1 per instance)
  double ri_units_used = 0;     // of which usage took up
  double on_demand_usd = 0;     // the usage left on demand
  double on_demand_equivalent_usd = 0;          // all the usage at on-demand prices
  double covered_on_demand_equivalent_usd = 0;  // the covered part at on-demand prices
  std::size_t entries_without_rate = 0;  // (entry, plan) pairs a plan could cover but the rates list no rate for

  double sp_unused_usd() const { return sp_committed_usd - sp_used_usd; }
  /// What the hour costs: every commitment's fee plus the on-demand remainder.
  double billed_usd() const { return sp_committed_usd + ri_fee_usd + on_demand_usd; }
};

/// The bill of one hour of eligible usage (see EligibleUsage: no spot) under `held`. Savings Plan
/// rates come from `rates` (an EC2 Instance plan covers only its family; a plan with no rate for a
/// type does not cover it, counted in entries_without_rate); regional reservations are sized by
/// `normalization`. Pure: the same inputs give the same bill.
///
/// `held_h` is the part of the clock hour the window holds (a window starting at 10:30 holds half of
/// the 10:00 hour): each commitment's fee, and what it can cover, is that share of its hour's. A
/// commitment is an amount per hour and the usage passed in is only the window's part of the hour,
/// so the part of the commitment that pays for time outside the window is neither billed in the
/// window nor spent on its usage (billing the whole hour charged a window starting at 10:30 for
/// half an hour it does not hold, and let that half cover the window's usage). AWS's documentation
/// found says how a plan is applied within an hour, not how the hour a plan is bought in is billed
/// (CreateSavingsPlan takes the purchase time to the second): capsim's choice for a run's edges.
HourBilling apply_commitments(const HourUsage& hour, const Commitments& held, const SavingsPlanRates& rates,
                              const NormalizationFactors& normalization, double held_h = 1.0);

/// A bill summed over hours (a run, or a replicate).
struct CommitmentTotals {
  double hours = 0;  // held: partial clock hours count their part
  double billed_usd = 0;                        // fees + on-demand remainder
  double on_demand_equivalent_usd = 0;          // the same usage without commitments
  double covered_on_demand_equivalent_usd = 0;  // the part commitments covered, at on-demand prices
  double on_demand_usd = 0;                     // the remainder billed on demand
  double sp_committed_usd = 0;
  double sp_used_usd = 0;
  double ri_fee_usd = 0;
  double ri_units = 0;
  double ri_units_used = 0;
  std::size_t entries_without_rate = 0;

  void add(const HourBilling& hour);
  /// What the commitments saved (negative when they cost more than they covered).
  double savings_usd() const { return on_demand_equivalent_usd - billed_usd; }
  /// Savings Plan commitment used / committed; 0 with nothing committed.
  double sp_utilisation() const;
  /// On-demand equivalent covered (by reservations and plans) / all eligible usage at on-demand
  /// prices; 0 without usage.
  double coverage() const;
  /// Reserved normalization units used / reserved; 0 without reservations.
  double ri_utilisation() const;
};

/// What `held` leaves on demand, hour by hour: each entry's uncovered usage and its on-demand cost
/// (entries fully covered dropped). A plan bought on top of `held` can only cover this; the fees of
/// `held` over the hours are added to `fees_usd`.
RunUsage usage_left_on_demand(const RunUsage& run, const Commitments& held, const SavingsPlanRates& rates,
                              const NormalizationFactors& normalization, double& fees_usd, const HeldHours& held_h = {});

/// apply_commitments hour by hour (each with its part of the hour held), summed.
CommitmentTotals bill_run(const RunUsage& run, const Commitments& held, const SavingsPlanRates& rates,
                          const NormalizationFactors& normalization, const HeldHours& held_h = {});

/// The eligible usage of a run's bill, per UTC clock hour (charges_by_hour): each on-demand
/// instance line's usage and cost within the hour, summed per (type, zone). Spot lines, capacity
/// reservations (paid whole) and the control plane are left out: no Savings Plan or Reserved
/// Instance applies to them.
RunUsage hourly_eligible_usage(const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges, const InstanceCatalog& catalog);

}  // namespace capsim
