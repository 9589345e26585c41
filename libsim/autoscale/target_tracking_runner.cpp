#include "capsim/autoscale/target_tracking_runner.hpp"

#include <algorithm>

#include "capsim/core/event_order.hpp"

namespace capsim {

TargetTrackingRunner::TargetTrackingRunner(Engine& engine, std::vector<TrackedGroup> groups, NodeGroupScaleTarget& target,
                                           const std::vector<std::unique_ptr<Service>>& services)
    : engine_(engine), target_(target), services_(services) {
  for (auto& g : groups) {
    TargetTrackingController controller(g.policy.spec);
    groups_.push_back(Bound{std::move(g), std::move(controller)});
  }
}

void TargetTrackingRunner::start() {
  for (std::size_t i = 0; i < groups_.size(); ++i)
    engine_.schedule_in(groups_[i].tracked.policy.spec.metric_period, [this, i] { evaluate(i); }, kPriorityAutoscaler);
}

void TargetTrackingRunner::evaluate(std::size_t i) {
  Bound& b = groups_[i];
  const SimTime now = engine_.now();
  const TargetTrackingPolicy& policy = b.tracked.policy;
  const std::size_t group = b.tracked.group;
  const TargetTrackingSpec& spec = policy.spec;
  const auto [min_size, max_size] = target_.group_bounds(group);  // scheduled actions may have moved them
  b.controller.set_size_bounds(min_size, max_size);
  const int desired = target_.group_capacity(group);
  const int warming = std::min(desired, target_.group_warming(group, spec.instance_warmup));
  const Service& model = *services_[b.tracked.service];
  const double rate = model.arrival_rate_at(std::max<SimTime>(0, now - policy.collection_lag));
  // Instances still warming up report nothing into the group's aggregate; with none in service there
  // is no datapoint.
  std::optional<double> metric;
  if (desired - warming > 0) {
    if (policy.metric == AsgMetric::AlbRequestCountPerTarget) {
      const int targets = target_.group_ready(group);
      if (targets > 0) metric = rate * 60.0 / targets;  // requests in the minute per registered target
    } else {
      const double capacity = model.capacity_rps();
      metric = capacity > 0 ? std::min(1.0, rate / capacity) * 100.0 : 100.0;
    }
  }
  const int next = b.controller.evaluate(now, metric, desired, warming);
  if (next != desired) target_.set_group_capacity(group, next);
  engine_.schedule_in(spec.metric_period, [this, i] { evaluate(i); }, kPriorityAutoscaler);
}

}  // namespace capsim
