#include "capsim/io/results/billing_csv.hpp"

#include <set>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io {

using detail::csv_cell;

std::string billing_hours_to_csv(const RunResult& r) {
  check_billing_adds_up(r);
  std::set<std::string> keys;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& l : rep.cost_lines)
        for (const auto& [k, _] : l.tags) keys.insert(k);
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out),
                 "policy,replicate,hour_start_utc,hour_end_utc,resource,aws_service,category,instance_type,zone,capacity_type,node_pool,"
                 "usage_h,unit_price_usd_per_h,cost_usd");
  for (const auto& k : keys) fmt::format_to(std::back_inserter(out), ",{}", csv_cell("tag:" + k));
  fmt::format_to(std::back_inserter(out), "\n");
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const BillingHour& h : rep.billing_hours) {
        const CostLine& l = rep.cost_lines.at(static_cast<std::size_t>(h.line));
        const UtcTime at = billing_hour_start(r.start, h.hour);
        // The hour's own rate: a spot price that moved within the hour gives its time average.
        const double rate = h.usage_h > 0 ? h.cost_usd / h.usage_h : 0.0;
        fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{},{},{},{},{},{}", csv_cell(p.name), rep.replicate, format_utc(at),
                       format_utc(at + std::chrono::hours{1}), csv_cell(l.resource), aws_product_code(l), l.category, l.instance_type, l.zone,
                       l.capacity_type, csv_cell(l.owner), h.usage_h, rate, h.cost_usd);
        for (const auto& k : keys) {
          auto it = l.tags.find(k);
          fmt::format_to(std::back_inserter(out), ",{}", it == l.tags.end() ? std::string() : csv_cell(it->second));
        }
        fmt::format_to(std::back_inserter(out), "\n");
      }
  return fmt::to_string(out);
}

void check_billing_adds_up(const RunResult& r) {
  for (const PolicyResult& p : r.policies)
    for (const ReplicateResult& rep : p.replicates)
      if (rep.commitments && !rep.billing_hours.empty())
        throw Error(fmt::format("--billing: policy '{}' holds Savings Plans or Reserved Instances: the hourly bill lists lines at their "
                                "own prices and would not add up to its total after the commitments; bill the policies without "
                                "commitments (compare --policies) and read the commitments' effect in result.json",
                                p.name));
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
