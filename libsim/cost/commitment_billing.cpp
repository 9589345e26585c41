#include "capsim/cost/commitment_billing.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace capsim {

namespace {

// Below this a remaining commitment or usage is rounding, not something left to cover.
constexpr double kNegligible = 1e-12;

// The normalization units one instance-hour of `usage_type` takes from a reservation of `reserved_type`,
// or nullopt when the reservation cannot cover it. Zonal reservations and types without a known
// factor match only their own type.
std::optional<double> units_per_hour(const std::string& usage_type, const std::string& reserved_type, bool size_flexible,
                                     const NormalizationFactors& normalization) {
  const std::optional<double> reserved_factor = normalization.of(reserved_type);
  if (usage_type == reserved_type) return reserved_factor.value_or(1.0);
  if (!size_flexible || !reserved_factor) return std::nullopt;
  return normalization.of(usage_type);
}

struct HourState {
  const HourUsage& usage;
  std::vector<double> remaining_h;  // per entry, not yet covered
  HourBilling bill;
};

double on_demand_rate(const EligibleUsage& e) { return e.usage_h > 0 ? e.on_demand_usd / e.usage_h : 0; }

void cover(HourState& s, std::size_t entry, CommitmentKind kind, std::size_t commitment, double hours, double cost_usd) {
  const double od_usd = hours * on_demand_rate(s.usage[entry]);
  s.remaining_h[entry] -= hours;
  s.bill.entries[entry].covered.push_back({kind, commitment, hours, od_usd, cost_usd});
  s.bill.covered_on_demand_equivalent_usd += od_usd;
}

void apply_reservation(HourState& s, std::size_t index, const ReservedInstance& ri, const NormalizationFactors& normalization) {
  const double per_instance_units = normalization.of(ri.instance_type).value_or(1.0);
  const double units = ri.count * per_instance_units * s.bill.held_h;
  const double fee = ri.count * ri.effective_usd_per_h * s.bill.held_h;
  s.bill.ri_units += units;
  s.bill.ri_fee_usd += fee;
  const std::string family = ri.instance_type.substr(0, ri.instance_type.find('.'));
  struct Candidate {
    std::size_t entry;
    double units_per_h;
  };
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < s.usage.size(); ++i) {
    const EligibleUsage& e = s.usage[i];
    if (s.remaining_h[i] <= kNegligible) continue;
    if (ri.zonal() ? e.zone != ri.zone : e.family != family) continue;
    if (auto u = units_per_hour(e.instance_type, ri.instance_type, !ri.zonal(), normalization); u && *u > 0)
      candidates.push_back({i, *u});
  }
  // Smallest sizes first (AWS's rule for size-flexible reservations; a zonal one has one size).
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.units_per_h < b.units_per_h; });
  double left = units;
  for (const Candidate& c : candidates) {
    if (left <= kNegligible) break;
    const double hours = std::min(s.remaining_h[c.entry], left / c.units_per_h);
    const double used = hours * c.units_per_h;
    left -= used;
    s.bill.ri_units_used += used;
    cover(s, c.entry, CommitmentKind::ReservedInstance, index, hours, units > 0 ? fee * used / units : 0);
  }
}

// Every plan of one type together: (usage, plan) pairs by savings percentage, highest first.
void apply_savings_plans(HourState& s, SavingsPlanType type, const std::vector<SavingsPlan>& plans, const SavingsPlanRates& rates,
                         std::vector<double>& budget_usd) {
  struct Pair {
    std::size_t entry, plan;
    double rate, savings;
  };
  std::vector<Pair> pairs;
  for (std::size_t p = 0; p < plans.size(); ++p) {
    const SavingsPlan& plan = plans[p];
    if (plan.type != type) continue;
    for (std::size_t i = 0; i < s.usage.size(); ++i) {
      const EligibleUsage& e = s.usage[i];
      if (s.remaining_h[i] <= kNegligible || e.usage_h <= 0) continue;
      if (type == SavingsPlanType::Ec2Instance && e.family != plan.family) continue;
      const std::optional<double> rate = rates.rate(e.instance_type, plan.type, plan.term, plan.payment);
      if (!rate || *rate <= 0) {
        ++s.bill.entries_without_rate;
        continue;
      }
      pairs.push_back({i, p, *rate, 1.0 - *rate / on_demand_rate(e)});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    if (a.savings != b.savings) return a.savings > b.savings;
    return a.rate < b.rate;
  });
  for (const Pair& pr : pairs) {
    double& budget = budget_usd[pr.plan];
    if (budget <= kNegligible || s.remaining_h[pr.entry] <= kNegligible) continue;
    const double hours = std::min(s.remaining_h[pr.entry], budget / pr.rate);
    const double cost = hours * pr.rate;
    budget -= cost;
    s.bill.sp_used_usd += cost;
    cover(s, pr.entry, CommitmentKind::SavingsPlan, pr.plan, hours, cost);
  }
}

}  // namespace

HourBilling apply_commitments(const HourUsage& hour, const Commitments& held, const SavingsPlanRates& rates,
                              const NormalizationFactors& normalization, double held_h) {
  HourState s{hour, {}, {}};
  s.bill.held_h = std::clamp(held_h, 0.0, 1.0);
  s.bill.entries.resize(hour.size());
  for (const EligibleUsage& e : hour) {
    s.remaining_h.push_back(std::max(0.0, e.usage_h));
    s.bill.on_demand_equivalent_usd += e.on_demand_usd;
  }
  const auto& ris = held.reserved_instances;
  for (std::size_t r = 0; r < ris.size(); ++r)
    if (ris[r].zonal()) apply_reservation(s, r, ris[r], normalization);
  for (std::size_t r = 0; r < ris.size(); ++r)
    if (!ris[r].zonal()) apply_reservation(s, r, ris[r], normalization);

  std::vector<double> budget_usd;
  for (const SavingsPlan& plan : held.savings_plans) {
    budget_usd.push_back(std::max(0.0, plan.usd_per_h) * s.bill.held_h);
    s.bill.sp_committed_usd += std::max(0.0, plan.usd_per_h) * s.bill.held_h;
  }
  apply_savings_plans(s, SavingsPlanType::Ec2Instance, held.savings_plans, rates, budget_usd);
  apply_savings_plans(s, SavingsPlanType::Compute, held.savings_plans, rates, budget_usd);

  for (std::size_t i = 0; i < hour.size(); ++i) {
    EntryBilling& eb = s.bill.entries[i];
    eb.on_demand_usage_h = std::max(0.0, s.remaining_h[i]);
    eb.on_demand_usd = eb.on_demand_usage_h * on_demand_rate(hour[i]);
    s.bill.on_demand_usd += eb.on_demand_usd;
  }
  return std::move(s.bill);
}

void CommitmentTotals::add(const HourBilling& hour) {
  hours += hour.held_h;
  billed_usd += hour.billed_usd();
  on_demand_equivalent_usd += hour.on_demand_equivalent_usd;
  covered_on_demand_equivalent_usd += hour.covered_on_demand_equivalent_usd;
  on_demand_usd += hour.on_demand_usd;
  sp_committed_usd += hour.sp_committed_usd;
  sp_used_usd += hour.sp_used_usd;
  ri_fee_usd += hour.ri_fee_usd;
  ri_units += hour.ri_units;
  ri_units_used += hour.ri_units_used;
  entries_without_rate += hour.entries_without_rate;
}

double CommitmentTotals::sp_utilisation() const { return sp_committed_usd > 0 ? sp_used_usd / sp_committed_usd : 0; }
double CommitmentTotals::coverage() const {
  return on_demand_equivalent_usd > 0 ? covered_on_demand_equivalent_usd / on_demand_equivalent_usd : 0;
}
double CommitmentTotals::ri_utilisation() const { return ri_units > 0 ? ri_units_used / ri_units : 0; }

RunUsage usage_left_on_demand(const RunUsage& run, const Commitments& held, const SavingsPlanRates& rates,
                              const NormalizationFactors& normalization, double& fees_usd, const HeldHours& held_h) {
  RunUsage out(run.size());
  for (std::size_t h = 0; h < run.size(); ++h) {
    const HourBilling bill = apply_commitments(run[h], held, rates, normalization, held_in(held_h, h));
    fees_usd += bill.sp_committed_usd + bill.ri_fee_usd;
    for (std::size_t i = 0; i < run[h].size(); ++i) {
      const EntryBilling& e = bill.entries[i];
      if (e.on_demand_usage_h <= kNegligible) continue;
      EligibleUsage left = run[h][i];
      left.usage_h = e.on_demand_usage_h;
      left.on_demand_usd = e.on_demand_usd;
      out[h].push_back(std::move(left));
    }
  }
  return out;
}

CommitmentTotals bill_run(const RunUsage& run, const Commitments& held, const SavingsPlanRates& rates,
                          const NormalizationFactors& normalization, const HeldHours& held_h) {
  CommitmentTotals totals;
  for (std::size_t h = 0; h < run.size(); ++h) totals.add(apply_commitments(run[h], held, rates, normalization, held_in(held_h, h)));
  return totals;
}

RunUsage hourly_eligible_usage(const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges, const InstanceCatalog& catalog) {
  std::int64_t last = -1;
  for (const HourCharge& c : charges) last = std::max(last, c.hour);
  std::vector<std::map<std::pair<std::string, std::string>, EligibleUsage>> per_hour(static_cast<std::size_t>(last + 1));
  for (const HourCharge& c : charges) {
    const LedgerLine& line = lines.at(c.line);
    if (line.capacity != CapacityType::OnDemand || line.instance_type.empty() || line.category == CostCategory::EksControlPlane) continue;
    if (c.hour < 0) continue;
    const std::optional<InstanceType> type = catalog.find(line.instance_type);
    EligibleUsage& u = per_hour[static_cast<std::size_t>(c.hour)][{line.instance_type, line.zone}];
    u.instance_type = line.instance_type;
    u.family = type ? type->family : line.instance_type.substr(0, line.instance_type.find('.'));
    u.zone = line.zone;
    u.usage_h += c.usage_h;
    u.on_demand_usd += c.cost_usd;
  }
  RunUsage out(per_hour.size());
  for (std::size_t h = 0; h < per_hour.size(); ++h)
    for (auto& [key, usage] : per_hour[h]) out[h].push_back(std::move(usage));
  return out;
}

}  // namespace capsim
