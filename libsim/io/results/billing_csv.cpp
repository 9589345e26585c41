#include "capsim/io/results/billing_csv.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io {

using detail::csv_cell;

namespace {

const char* covered_type(const CommitmentCharge& c) {
  return c.commitment.starts_with("savings-plan/") ? "SavingsPlanCoveredUsage" : "DiscountedUsage";
}

}  // namespace

std::string billing_hours_to_csv(const RunResult& r) {
  check_commitments_itemised(r, "--billing");
  std::set<std::string> keys;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& l : rep.cost_lines)
        for (const auto& [k, _] : l.tags) keys.insert(k);
  fmt::memory_buffer out;
  auto o = std::back_inserter(out);
  fmt::format_to(o,
                 "policy,replicate,hour_start_utc,hour_end_utc,resource,aws_service,category,instance_type,zone,capacity_type,node_pool,"
                 "usage_h,unit_price_usd_per_h,cost_usd,line_item_type,commitment,effective_cost_usd");
  for (const auto& k : keys) fmt::format_to(o, ",{}", csv_cell("tag:" + k));
  fmt::format_to(o, "\n");
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates) {
      std::map<std::pair<int, int>, std::vector<const CommitmentCharge*>> covered;
      for (const CommitmentCharge& c : rep.commitment_charges)
        if (c.line >= 0) covered[{c.line, c.hour}].push_back(&c);
      for (const BillingHour& h : rep.billing_hours) {
        const CostLine& l = rep.cost_lines.at(static_cast<std::size_t>(h.line));
        const UtcTime at = billing_hour_start(r.start, h.hour);
        auto row = [&](double usage_h, double cost, const char* type, const std::string& commitment, double effective) {
          // The hour's own rate: a spot price that moved within the hour gives its time average.
          const double rate = usage_h > 0 ? cost / usage_h : 0.0;
          fmt::format_to(o, "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", csv_cell(p.name), rep.replicate, format_utc(at),
                         format_utc(at + std::chrono::hours{1}), csv_cell(l.resource), aws_product_code(l), l.category, l.instance_type,
                         l.zone, l.capacity_type, csv_cell(l.owner), usage_h, rate, cost, type, csv_cell(commitment), effective);
          for (const auto& k : keys) {
            auto it = l.tags.find(k);
            fmt::format_to(o, ",{}", it == l.tags.end() ? std::string() : csv_cell(it->second));
          }
          fmt::format_to(o, "\n");
        };
        const auto parts = covered.find({h.line, h.hour});
        if (parts == covered.end()) {
          row(h.usage_h, h.cost_usd, "Usage", "", h.cost_usd);
          continue;
        }
        double usage_h = h.usage_h, cost = h.cost_usd;
        for (const CommitmentCharge* c : parts->second) usage_h -= c->usage_h, cost -= c->on_demand_usd;
        if (usage_h > 1e-12) row(usage_h, cost, "Usage", "", cost);
        for (const CommitmentCharge* c : parts->second) {
          const bool plan = c->commitment.starts_with("savings-plan/");
          row(c->usage_h, plan ? c->on_demand_usd : 0.0, covered_type(*c), c->commitment, c->effective_usd);
          if (plan) row(c->usage_h, -c->on_demand_usd, "SavingsPlanNegation", c->commitment, 0.0);
        }
      }
      // Each commitment's fee, hour by hour.
      for (const CommitmentCharge& c : rep.commitment_charges) {
        if (c.line >= 0) continue;
        const bool plan = c.commitment.starts_with("savings-plan/");
        const UtcTime at = billing_hour_start(r.start, c.hour);
        auto fee_row = [&](const char* type, double cost, double effective) {
          // Usage: the part of the hour the window holds, at the hour's rate.
          fmt::format_to(o, "{},{},{},{},{},{},,,,,,{},{},{},{},{},{}", csv_cell(p.name), rep.replicate, format_utc(at),
                         format_utc(at + std::chrono::hours{1}), csv_cell(c.commitment), plan ? "ComputeSavingsPlans" : "AmazonEC2",
                         c.held_h, c.held_h > 0 ? cost / c.held_h : 0.0, cost, type, csv_cell(c.commitment), effective);
          for (std::size_t k = 0; k < keys.size(); ++k) fmt::format_to(o, ",");
          fmt::format_to(o, "\n");
        };
        fee_row(plan ? "SavingsPlanRecurringFee" : "RIFee", c.recurring_fee_usd, c.effective_usd);
        if (c.upfront_usd > 0) fee_row("SavingsPlanUpfrontFee", c.upfront_usd, 0.0);
      }
    }
  return fmt::to_string(out);
}

void check_commitments_itemised(const RunResult& r, const char* flag) {
  for (const PolicyResult& p : r.policies)
    for (const ReplicateResult& rep : p.replicates)
      if (rep.commitments && !rep.billing_hours.empty() && rep.commitment_charges.empty())
        throw Error(fmt::format("{}: policy '{}' holds Savings Plans or Reserved Instances but replicate {} of the result does not "
                                "itemise them (commitment_charges is empty): its lines at their own prices would not add up to its "
                                "total; run it again with this capsim, keeping the series",
                                flag, p.name, rep.replicate));
}

std::string billing_rollup_to_csv(const std::vector<BillingRollupRow>& rows, const std::vector<std::string>& group_by) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "policy,replicate,period_start_utc");
  for (const auto& k : group_by) fmt::format_to(std::back_inserter(out), ",{}", csv_cell(k));
  fmt::format_to(std::back_inserter(out), ",usage_h,cost_usd\n");
  for (const auto& row : rows) {
    fmt::format_to(std::back_inserter(out), "{},{},{}", csv_cell(row.policy), row.replicate, format_utc(row.period_start));
    for (const auto& v : row.group) fmt::format_to(std::back_inserter(out), ",{}", csv_cell(v));
    fmt::format_to(std::back_inserter(out), ",{},{}\n", row.usage_h, row.cost_usd);
  }
  return fmt::to_string(out);
}

}  // namespace capsim::io
