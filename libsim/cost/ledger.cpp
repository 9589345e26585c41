#include "capsim/cost/ledger.hpp"

#include <set>
#include <string_view>

#include "capsim/core/error.hpp"

namespace capsim {

double billed_seconds(SimTime start, SimTime end, bool terminated) {
  SimDuration d = end - start;
  if (d < 0) d = 0;
  SimDuration increments = (d + kBillingIncrement - 1) / kBillingIncrement;
  SimDuration billed = increments * kBillingIncrement;
  // The minimum applies to an instance that stopped; one still running at the window end will run on.
  if (terminated && billed < kMinimumBilledDuration) billed = kMinimumBilledDuration;
  return to_seconds(billed);
}

std::size_t Ledger::open_instance(std::string resource, const InstanceType& type, CapacityType capacity, double price_usd_per_h,
                                  SimTime start, Tags tags, Placement where) {
  LedgerLine l;
  l.resource = std::move(resource);
  l.instance_type = type.name;
  l.owner = std::move(where.owner);
  l.zone = std::move(where.zone);
  l.category = type.accelerated() ? CostCategory::GpuInstances : CostCategory::OtherInstances;
  l.capacity = capacity;
  l.price_usd_per_h = price_usd_per_h;
  l.start = start;
  l.end = window_end_;
  l.tags = std::move(tags);
  lines_.push_back(std::move(l));
  running_usd_per_h_ += price_usd_per_h;
  return lines_.size() - 1;
}

std::size_t Ledger::open_instance(std::string resource, const InstanceType& type, CapacityType capacity,
                                  std::shared_ptr<const PriceSchedule> schedule, SimTime start, Tags tags, Placement where) {
  const double now = schedule->price_at(start);
  const std::size_t line = open_instance(std::move(resource), type, capacity, now, start, std::move(tags), std::move(where));
  lines_[line].schedule = std::move(schedule);
  return line;
}

std::size_t Ledger::open_reservation(std::string resource, const InstanceType& type, double units, SimTime start, Tags tags, Placement where,
                                     std::optional<double> usd_per_instance_h) {
  const std::size_t line = open_instance(std::move(resource), type, CapacityType::Reserved,
                                         usd_per_instance_h.value_or(type.ondemand_usd_per_h) * units, start, std::move(tags), std::move(where));
  lines_[line].units = units;
  return line;
}

void Ledger::close_instance(std::size_t line, SimTime end) {
  LedgerLine& l = lines_.at(line);
  if (l.terminated) throw Error("instance " + l.resource + " terminated twice");
  l.terminated = true;
  l.end = end;
  running_usd_per_h_ -= l.price_usd_per_h;
}

void Ledger::add_control_plane(double usd_per_h, Tags tags) {
  LedgerLine l;
  l.resource = "eks-control-plane";
  l.category = CostCategory::EksControlPlane;
  l.price_usd_per_h = usd_per_h;
  l.start = 0;
  l.end = window_end_;
  l.tags = std::move(tags);
  lines_.push_back(std::move(l));
}

std::vector<LedgerLine> Ledger::close() const {
  std::vector<LedgerLine> out = lines_;
  for (auto& l : out) {
    if (l.category == CostCategory::EksControlPlane) {
      // Billed per cluster-hour for the time the cluster exists; prorated over the window.
      l.billed_s = to_seconds(l.end - l.start);
    } else {
      l.billed_s = billed_seconds(l.start, l.end, l.terminated);
    }
    l.cost_usd = l.schedule ? l.schedule->usd(l.start, l.start + seconds(l.billed_s)) : l.billed_s * l.price_usd_per_h / 3600.0;
  }
  return out;
}

CostSplit split_costs(const std::vector<LedgerLine>& lines) {
  CostSplit s;
  for (const auto& l : lines) {
    switch (l.category) {
      case CostCategory::GpuInstances: s.gpu_instances_usd += l.cost_usd; break;
      case CostCategory::OtherInstances: s.other_instances_usd += l.cost_usd; break;
      case CostCategory::EksControlPlane: s.eks_control_plane_usd += l.cost_usd; continue;
    }
    switch (l.capacity) {
      case CapacityType::OnDemand: s.on_demand_usd += l.cost_usd; break;
      case CapacityType::Spot: s.spot_usd += l.cost_usd; break;
      case CapacityType::Reserved: s.reserved_usd += l.cost_usd; break;
    }
  }
  s.total_usd = s.gpu_instances_usd + s.other_instances_usd + s.eks_control_plane_usd;
  return s;
}

std::map<std::string, double> costs_by_tag(const std::vector<LedgerLine>& lines) {
  std::set<std::string> keys;
  bool joined_names_can_clash = false;  // "a=b" + "c" and "a" + "b=c" would share the bucket "a=b=c"
  for (const auto& l : lines)
    for (const auto& [k, _] : l.tags) {
      keys.insert(k);
      joined_names_can_clash = joined_names_can_clash || k.find('=') != std::string::npos;
    }
  std::map<std::string, double> out;
  if (joined_names_can_clash) {
    for (const auto& l : lines)
      for (const auto& k : keys) {
        auto it = l.tags.find(k);
        out[k + "=" + (it == l.tags.end() ? std::string("(untagged)") : it->second)] += l.cost_usd;
      }
    return out;
  }
  // Key by key, each value's lines summed in line order (as into "key=value" directly: the same
  // sums), and the bucket's name built once rather than once per line and key.
  std::map<std::string_view, double> by_value;
  for (const auto& k : keys) {
    by_value.clear();
    for (const auto& l : lines) {
      auto it = l.tags.find(k);
      by_value[it == l.tags.end() ? std::string_view("(untagged)") : std::string_view(it->second)] += l.cost_usd;
    }
    for (const auto& [value, usd] : by_value) out.emplace(k + "=" + std::string(value), usd);
  }
  return out;
}

}  // namespace capsim
