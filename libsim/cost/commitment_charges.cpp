#include "capsim/cost/commitment_charges.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include <fmt/format.h>

namespace capsim {

namespace {

// What hourly_eligible_usage counts: on-demand instance lines (no spot, reservation or control plane).
bool eligible(const LedgerLine& l) {
  return l.capacity == CapacityType::OnDemand && !l.instance_type.empty() && l.category != CostCategory::EksControlPlane;
}

// A difference of sums that should be zero but is rounding.
double clean(double usd) { return std::abs(usd) < 1e-12 ? 0.0 : usd; }

struct Described {
  std::string id, type, name;
};

std::vector<Described> describe(const Commitments& held) {
  std::vector<Described> out;
  for (std::size_t i = 0; i < held.reserved_instances.size(); ++i) {
    const ReservedInstance& ri = held.reserved_instances[i];
    out.push_back({fmt::format("reserved-instance/{}", i), "Reserved Instance",
                   fmt::format("{} {}", ri.instance_type, ri.zonal() ? ri.zone : std::string("regional"))});
  }
  for (std::size_t i = 0; i < held.savings_plans.size(); ++i) {
    const SavingsPlan& sp = held.savings_plans[i];
    out.push_back({fmt::format("savings-plan/{}", i),
                   sp.type == SavingsPlanType::Compute ? "Compute Savings Plan" : "EC2 Instance Savings Plan",
                   fmt::format("{}{} {} {}", to_string(sp.type), sp.family.empty() ? std::string() : " " + sp.family, to_string(sp.term),
                               to_string(sp.payment))});
  }
  return out;
}

}  // namespace

double upfront_share(PaymentOption payment) {
  switch (payment) {
    case PaymentOption::AllUpfront: return 1.0;
    case PaymentOption::PartialUpfront: return 0.5;
    case PaymentOption::NoUpfront: break;
  }
  return 0.0;
}

std::vector<std::string> describe_commitments(const Commitments& held) {
  std::vector<std::string> out;
  const std::vector<Described> names = describe(held);
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back(i < held.reserved_instances.size()
                      ? fmt::format("{} {} x{}", names[i].type, names[i].name, held.reserved_instances[i].count)
                      : fmt::format("{} {} at {} USD/h", names[i].type, names[i].name,
                                    held.savings_plans[i - held.reserved_instances.size()].usd_per_h));
  return out;
}

std::vector<CommitmentCharge> itemise_commitments(const RunUsage& usage, const std::vector<LedgerLine>& lines,
                                                  const std::vector<HourCharge>& charges, const Commitments& held,
                                                  const SavingsPlanRates& rates, const NormalizationFactors& normalization,
                                                  const HeldHours& held_h) {
  const std::vector<Described> names = describe(held);
  const std::size_t n_ri = held.reserved_instances.size();
  auto index_of = [n_ri](const CoveredShare& s) { return s.kind == CommitmentKind::ReservedInstance ? s.commitment : n_ri + s.commitment; };
  // The eligible charges of each hour, in line order.
  std::vector<std::vector<std::size_t>> by_hour(usage.size());
  for (std::size_t k = 0; k < charges.size(); ++k) {
    const HourCharge& c = charges[k];
    if (c.hour < 0 || static_cast<std::size_t>(c.hour) >= usage.size() || !eligible(lines.at(c.line))) continue;
    by_hour[static_cast<std::size_t>(c.hour)].push_back(k);
  }
  std::vector<CommitmentCharge> out;
  for (std::size_t h = 0; h < usage.size(); ++h) {
    const HourUsage& hour = usage[h];
    const HourBilling bill = apply_commitments(hour, held, rates, normalization, held_in(held_h, h));
    const double part = bill.held_h;
    std::map<std::pair<std::string, std::string>, std::size_t> entry_of;
    for (std::size_t i = 0; i < hour.size(); ++i) entry_of[{hour[i].instance_type, hour[i].zone}] = i;
    std::vector<double> used_usd(names.size(), 0.0);
    for (const std::size_t k : by_hour[h]) {
      const HourCharge& c = charges[k];
      const LedgerLine& l = lines[c.line];
      const auto it = entry_of.find({l.instance_type, l.zone});
      if (it == entry_of.end() || hour[it->second].usage_h <= 0) continue;
      const double share = c.usage_h / hour[it->second].usage_h;
      for (const CoveredShare& s : bill.entries[it->second].covered) {
        const Described& d = names[index_of(s)];
        CommitmentCharge x{d.id, d.type, d.name};
        x.hour = static_cast<int>(h);
        x.line = static_cast<int>(c.line);
        x.usage_h = s.usage_h * share;
        x.on_demand_usd = s.on_demand_equivalent_usd * share;
        x.effective_usd = s.cost_usd * share;
        out.push_back(std::move(x));
      }
    }
    // Each commitment's used part, from the whole entries (not the lines' shares, which round).
    for (const EntryBilling& e : bill.entries)
      for (const CoveredShare& s : e.covered) used_usd[index_of(s)] += s.cost_usd;
    for (std::size_t i = 0; i < names.size(); ++i) {
      CommitmentCharge x{names[i].id, names[i].type, names[i].name};
      x.hour = static_cast<int>(h);
      x.held_h = part;
      double fee = 0;
      if (i < n_ri) {
        const ReservedInstance& ri = held.reserved_instances[i];
        fee = ri.count * ri.effective_usd_per_h * part;
        x.committed = ri.count * part;
        x.recurring_fee_usd = fee;
      } else {
        const SavingsPlan& sp = held.savings_plans[i - n_ri];
        fee = std::max(0.0, sp.usd_per_h) * part;
        x.committed = fee;
        x.upfront_usd = fee * upfront_share(sp.payment);
        x.recurring_fee_usd = fee - x.upfront_usd;
      }
      x.effective_usd = std::max(0.0, clean(fee - used_usd[i]));
      out.push_back(std::move(x));
    }
  }
  return out;
}

}  // namespace capsim
