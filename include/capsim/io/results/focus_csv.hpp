#pragma once
// The projected bill in FOCUS 1.2 (FinOps Open Cost and Usage Specification, the version AWS Data
// Exports produce), so a FinOps tool that reads FOCUS can load capsim's projection beside the real
// bill. One row per cost line per UTC clock hour; the x_ columns carry what FOCUS has no column for.
//
// What capsim fills, and why (AWS does not publish the values its own export writes for EC2 and EKS,
// so these are capsim's choices within the specification's allowed values):
// - ProviderName, PublisherName, InvoiceIssuerName "AWS"; BillingAccountId "capsim-projection" and
//   BillingAccountName the scenario's name: this is a projection, not an account's bill.
// - ServiceName "Amazon Elastic Compute Cloud" (instances, reservations) or "Amazon Elastic
//   Kubernetes Service" (the control plane); ServiceCategory "Compute"; ServiceSubcategory
//   "Virtual Machines" or "Containers".
// - PricingCategory "Standard" (on-demand, reservations, control plane) or "Dynamic" (spot).
// - PricingUnit and ConsumedUnit "Hours"; ListUnitPrice and ContractedUnitPrice the hour's own rate
//   (a spot price that moved within the hour: its time average), so ListCost = ListUnitPrice ×
//   PricingQuantity as FOCUS 1.2 requires; no negotiated discounts, so Contracted = List = Billed.
// - SkuId and SkuPriceId capsim's own key of the priced product ("AmazonEC2:g5.xlarge:on-demand:
//   us-east-1"): AWS's SKU codes are not in capsim's price data.
// - An On-Demand Capacity Reservation as AWS bills one: the instances running in it carry its
//   CapacityReservationId with status Used and the instance price; the reservation's own row is
//   the unused rest (status Unused). capsim's ledger bills the whole reservation on one line; the
//   split moves cost between rows without changing the total.
// - Savings Plans and Reserved Instances (FOCUS 1.2's commitment discount rules): usage a commitment
//   covered is a Usage row with CommitmentDiscountId ("savings-plan/0", "reserved-instance/0"),
//   Category (Spend for a plan, Usage for a reservation), Type, Name, Status "Used", PricingCategory
//   "Committed", BilledCost 0 and EffectiveCost the commitment's amortised cost of it, List and
//   Contracted costs at on demand; the rest of the line's hour stays an on-demand row. Each hour a
//   commitment's fee is a Purchase row (ChargeFrequency Recurring; PricingQuantity the part of the
//   hour the window holds, 1 but at its edges, at the hourly fee; EffectiveCost 0, Standard) and
//   what it left unused a Usage row with status "Unused" (no ConsumedQuantity; PricingQuantity the
//   unused part of the hour at the hourly fee). The part of
//   an upfront payment that pays for the window's hours is a One-Time Purchase per billing month
//   (the payment itself was made before the window, for the whole term). So each commitment's
//   Purchase BilledCost equals its Usage rows' EffectiveCost, as FOCUS requires.
//   CommitmentDiscountQuantity is in USD for a plan, instance-hours of its type for a reservation
//   ("USD" and "Hours" in CommitmentDiscountUnit: capsim's choice); ServiceName for a plan's own
//   rows "Savings Plans for AWS Compute usage" (the product its fees are billed under).
// - Nulls are empty cells. BillingAccountType (for providers with several account types) is left
//   out. FOCUS 1.3 adds columns (contract commitments, split cost allocation); adding them means
//   appending them to the column list in focus_csv.cpp with their values per row.
#include <string>
#include <vector>

#include "capsim/report/result.hpp"

namespace capsim::io {

/// The FOCUS columns capsim writes, in order (the x_ columns follow them).
const std::vector<std::string>& focus_columns();

/// Every replicate's billing hours (kept with the series) as FOCUS 1.2 rows, with x_Policy,
/// x_Replicate, x_NodePool and x_CapacityType, and its commitments' rows (commitment_charges).
/// Throws Error for a policy holding commitments whose replicates do not itemise them.
std::string focus_to_csv(const RunResult& result);

}  // namespace capsim::io
