#include "capsim/report/billing_rollup.hpp"

#include <map>
#include <tuple>

#include <date/date.h>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "capsim/cost/billing_hours.hpp"

namespace capsim {

const std::vector<std::string>& billing_group_keys() {
  static const std::vector<std::string> keys{"node_pool", "capacity_type", "instance_type", "zone", "aws_service", "category", "resource"};
  return keys;
}

void check_billing_group_key(const std::string& key) {
  if (key.starts_with("tag:") && key.size() > 4) return;
  for (const auto& k : billing_group_keys())
    if (k == key) return;
  std::vector<std::string> all = billing_group_keys();
  all.push_back("tag:<key>");
  std::string names;
  for (const auto& k : all) names += (names.empty() ? "" : ", ") + k;
  const std::string hint = did_you_mean(key, all);
  throw Error("billing: cannot group by '" + key + "'" + (hint.empty() ? "" : "; " + hint) + " (expected one of " + names + ")");
}

CostLine cost_line_of(const LedgerLine& l) {
  const bool eks = l.category == CostCategory::EksControlPlane;
  return {l.resource,
          l.category == CostCategory::GpuInstances ? "gpu_instances" : eks ? "eks_control_plane" : "other_instances",
          l.instance_type,
          eks ? std::string() : std::string(to_string(l.capacity)),
          l.owner,
          l.zone,
          l.price_usd_per_h,
          to_seconds(l.start),
          to_seconds(l.end),
          !l.terminated,
          l.billed_s,
          l.cost_usd,
          l.tags};
}

std::string aws_product_code(const CostLine& line) { return line.category == "eks_control_plane" ? "AmazonEKS" : "AmazonEC2"; }

std::string billing_group_value(const CostLine& line, const std::string& key) {
  if (key == "node_pool") return line.owner;
  if (key == "capacity_type") return line.capacity_type;
  if (key == "instance_type") return line.instance_type;
  if (key == "zone") return line.zone;
  if (key == "aws_service") return aws_product_code(line);
  if (key == "category") return line.category;
  if (key == "resource") return line.resource;
  if (key.starts_with("tag:")) {
    auto it = line.tags.find(key.substr(4));
    return it == line.tags.end() ? std::string() : it->second;
  }
  check_billing_group_key(key);
  return {};
}

UtcTime billing_hour_start(UtcTime window_start, int hour) {
  return window_start - std::chrono::microseconds{offset_in_hour(window_start)} + std::chrono::hours{hour};
}

std::vector<BillingRollupRow> roll_up_billing(const RunResult& result, BillingPeriod period, const std::vector<std::string>& group_by) {
  for (const auto& k : group_by) check_billing_group_key(k);
  std::vector<BillingRollupRow> out;
  for (const PolicyResult& p : result.policies)
    for (const ReplicateResult& rep : p.replicates) {
      // Keyed by (period start, group values): a map keeps the rows in that order.
      std::map<std::tuple<UtcTime, std::vector<std::string>>, std::pair<double, double>> sums;
      auto period_of = [&](int hour) {
        const UtcTime at = billing_hour_start(result.start, hour);
        return period == BillingPeriod::Day ? UtcTime{date::floor<date::days>(at)} : at;
      };
      // A policy's commitments, as the hourly bill shows them: usage they covered is billed through
      // their fees (each a group of its own: its resource and service), so its on-demand cost leaves
      // the line's group.
      std::map<std::pair<int, int>, double> covered_usd;
      for (const CommitmentCharge& c : rep.commitment_charges) {
        if (c.line >= 0) {
          covered_usd[{c.line, c.hour}] += c.on_demand_usd;
          continue;
        }
        std::vector<std::string> group;
        for (const auto& k : group_by)
          group.push_back(k == "resource"      ? c.commitment
                          : k == "aws_service" ? std::string(c.commitment.starts_with("savings-plan/") ? "ComputeSavingsPlans" : "AmazonEC2")
                                               : std::string());
        sums[{period_of(c.hour), std::move(group)}].second += c.recurring_fee_usd + c.upfront_usd;
      }
      for (const BillingHour& h : rep.billing_hours) {
        const CostLine& line = rep.cost_lines.at(static_cast<std::size_t>(h.line));
        UtcTime at = billing_hour_start(result.start, h.hour);
        if (period == BillingPeriod::Day) at = date::floor<date::days>(at);
        std::vector<std::string> group;
        group.reserve(group_by.size());
        for (const auto& k : group_by) group.push_back(billing_group_value(line, k));
        auto& s = sums[{at, std::move(group)}];
        s.first += h.usage_h;
        const auto covered = covered_usd.find({h.line, h.hour});
        s.second += covered == covered_usd.end() ? h.cost_usd : h.cost_usd - covered->second;
      }
      for (auto& [key, s] : sums) out.push_back({p.name, rep.replicate, std::get<0>(key), std::get<1>(key), s.first, s.second});
    }
  return out;
}

}  // namespace capsim
