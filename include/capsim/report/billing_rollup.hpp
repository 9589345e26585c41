#pragma once
// The hourly bill rolled up by period (hour or UTC day) and by the dimensions a FinOps team groups
// spend by: NodePool or node group, capacity type, instance type, zone, AWS service, cost category,
// a cost-allocation tag, or the resource itself.
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

enum class BillingPeriod { Hour, Day };

struct BillingRollupRow {
  std::string policy;
  int replicate = 0;
  UtcTime period_start{};
  std::vector<std::string> group;  // one value per group key, in the keys' order
  double usage_h = 0;              // instance-hours (the control plane's cluster-hours included)
  double cost_usd = 0;

  friend bool operator==(const BillingRollupRow&, const BillingRollupRow&) = default;
};

/// The dimensions a rollup may group by ("tag:<key>" for any tag key).
const std::vector<std::string>& billing_group_keys();
/// Throws Error naming the key and the close matches when it is none of billing_group_keys().
void check_billing_group_key(const std::string& key);

/// A ledger line as the results report it.
CostLine cost_line_of(const LedgerLine& line);

/// The AWS service a cost line is billed under, as CUR names products: "AmazonEC2", "AmazonEKS".
std::string aws_product_code(const CostLine& line);
/// The value of one group key for a line ("" when a line has no such tag).
std::string billing_group_value(const CostLine& line, const std::string& key);
/// The UTC clock hour `hour` counts from (the one holding `window_start`).
UtcTime billing_hour_start(UtcTime window_start, int hour);

/// Every replicate's billing hours (kept with the series) rolled up; rows ordered by policy,
/// replicate, period, then group values. Under commitments, cost is what the hourly bill charges:
/// covered usage costs nothing on its line, and each commitment's fee (recurring and the hour's
/// share of any upfront payment) is a group of its own (resource: the commitment; aws_service:
/// ComputeSavingsPlans or AmazonEC2; other keys empty), so the rows add up to the run's total.
std::vector<BillingRollupRow> roll_up_billing(const RunResult& result, BillingPeriod period, const std::vector<std::string>& group_by);

}  // namespace capsim
