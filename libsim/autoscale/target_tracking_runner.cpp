#include "capsim/autoscale/target_tracking_runner.hpp"

#include <algorithm>

namespace capsim {

namespace {
// After capacity changes and before the period boundary at the same instant (as the HPAs).
constexpr std::int32_t kPriorityAutoscaler = 5;
}  // namespace

TargetTrackingRunner::TargetTrackingRunner(Engine& engine, const PolicySpec& policy, FleetController& fleet,
                                           const std::vector<ServiceModel>& services)
    : engine_(engine), policy_(policy), fleet_(fleet), services_(services) {
  for (std::size_t g = 0; g < policy_.cluster.node_groups.size(); ++g) {
    const auto& tt = policy_.cluster.node_groups[g].target_tracking;
    if (!tt) continue;
    std::size_t s = 0;
    while (policy_.services[s].name != tt->service) ++s;
    groups_.push_back(Bound{g, s, &*tt, TargetTrackingController(tt->spec)});
  }
}

void TargetTrackingRunner::start() {
  for (std::size_t i = 0; i < groups_.size(); ++i)
    engine_.schedule_in(groups_[i].policy->spec.metric_period, [this, i] { evaluate(i); }, kPriorityAutoscaler);
}

void TargetTrackingRunner::evaluate(std::size_t i) {
  Bound& b = groups_[i];
  const SimTime now = engine_.now();
  const TargetTrackingSpec& spec = b.policy->spec;
  const auto [min_size, max_size] = fleet_.group_bounds(b.group);  // scheduled actions may have moved them
  b.controller.set_size_bounds(min_size, max_size);
  const int desired = fleet_.group_capacity(b.group);
  const int warming = std::min(desired, fleet_.group_warming(b.group, spec.instance_warmup));
  const ServiceModel& model = services_[b.service];
  const double rate = model.arrival_rate_at(std::max<SimTime>(0, now - b.policy->collection_lag));
  // Instances still warming up report nothing into the group's aggregate; with none in service there
  // is no datapoint.
  std::optional<double> metric;
  if (desired - warming > 0) {
    if (b.policy->metric == AsgMetric::AlbRequestCountPerTarget) {
      const int targets = fleet_.group_ready(b.group);
      if (targets > 0) metric = rate * 60.0 / targets;  // requests in the minute per registered target
    } else {
      const double capacity = model.capacity_rps();
      metric = capacity > 0 ? std::min(1.0, rate / capacity) * 100.0 : 100.0;
    }
  }
  const int next = b.controller.evaluate(now, metric, desired, warming);
  if (next != desired) fleet_.set_group_capacity(b.group, next);
  engine_.schedule_in(spec.metric_period, [this, i] { evaluate(i); }, kPriorityAutoscaler);
}

}  // namespace capsim
