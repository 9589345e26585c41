#include "capsim/autoscale/hpa_runner.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

namespace {
// After capacity changes and before the period boundary at the same instant.
constexpr std::int32_t kPriorityAutoscaler = 5;
}  // namespace

double resource_value(const HpaMetric& m, double rate_rps, double capacity_rps) {
  // Every ready replica serves the same share of its throughput (the arrivals spread evenly).
  const double busy_share = capacity_rps > 0 ? std::min(1.0, rate_rps / capacity_rps) : 1.0;
  const double use = m.use.at(busy_share);
  if (m.target_type != HpaMetric::Target::Utilization) return use;
  // The metrics client's utilization is a whole percentage: int32(sum(usage) × 100 / sum(requests)).
  return std::floor(use * 100.0 / m.request);
}

HpaRunner::HpaRunner(Engine& engine, HpaRunnerInputs inputs, ReplicaScaleTarget& replicas, NodeGroupScaleTarget& groups,
                     const std::vector<std::unique_ptr<Service>>& services, ExternalMetric external)
    : engine_(engine), in_(std::move(inputs)), replicas_(replicas), groups_(groups), services_(services), external_(std::move(external)) {
  for (std::size_t s = 0; s < in_.services.size(); ++s) {
    auto it = in_.hpas.find(in_.services[s]);
    if (it != in_.hpas.end()) hpas_.push_back(Bound{s, it->second, HpaController(it->second.spec)});
  }
  for (const auto& sc : in_.schedules) schedules_.push_back(CronSchedule::parse(sc.schedule, sc.time_zone));
}

void HpaRunner::start() {
  for (std::size_t i = 0; i < hpas_.size(); ++i)
    engine_.schedule_in(hpas_[i].config.spec.sync_period, [this, i] { sync(i); }, kPriorityAutoscaler);
  for (std::size_t k = 0; k < schedules_.size(); ++k) {
    const SimTime at = (schedules_[k].next_after(in_.start - std::chrono::microseconds{1}) - in_.start).count();
    if (at < in_.window_end) engine_.schedule_at(at, [this, k] { fire(k); }, kPriorityAutoscaler);
  }
}

void HpaRunner::sync(std::size_t i) {
  Bound& h = hpas_[i];
  const SimTime now = engine_.now();
  const Service& model = *services_[h.service];
  const int current = replicas_.replicas(h.service);
  const int ready = replicas_.ready_replicas(h.service);
  const double rate = model.arrival_rate_at(std::max<SimTime>(0, now - h.config.collection_lag));
  std::vector<std::optional<MetricSample>> samples;
  for (const HpaMetric& m : h.config.metrics) {
    if (m.source == HpaMetric::Source::External) {
      // The kube-controller-manager's external metrics: Value compares the whole metric with the
      // target and scales the ready pods by the ratio; AverageValue divides it by the target per pod.
      MetricSample s;
      s.kind = m.target_type == HpaMetric::Target::Value ? MetricSample::Kind::ExternalValue : MetricSample::Kind::ExternalAverageValue;
      s.current_value = external_(m.name, std::max<SimTime>(0, now - h.config.collection_lag));
      s.target_value = m.target;
      s.ready_pods = ready;
      samples.push_back(s);
      continue;
    }
    if (ready == 0) {
      samples.push_back(std::nullopt);  // no pod reports a value
      continue;
    }
    MetricSample s;
    s.target_value = m.target;
    s.ready_pods = ready;
    s.unready_pods = std::max(0, current - ready);
    if (m.source == HpaMetric::Source::Resource) {
      s.current_value = resource_value(m, rate, model.capacity_rps());
      if (m.target_type == HpaMetric::Target::Utilization) s.utilization_target_percent = m.target;
    } else if (m.name == "requests_per_second") {
      s.current_value = rate / ready;
    } else {  // gpu_utilization: the share of serving capacity the arrivals use, in percent
      const double capacity = model.capacity_rps();
      s.current_value = capacity > 0 ? std::min(1.0, rate / capacity) * 100.0 : 100.0;
    }
    samples.push_back(s);
  }
  const int desired = h.controller.decide(now, current, samples);
  if (desired != current) replicas_.set_replicas(h.service, desired);
  engine_.schedule_in(h.config.spec.sync_period, [this, i] { sync(i); }, kPriorityAutoscaler);
}

void HpaRunner::fire(std::size_t k) {
  const ScheduleSpec& sc = in_.schedules[k];
  for (std::size_t g = 0; g < in_.node_groups.size(); ++g)
    if (!sc.node_group.empty() && in_.node_groups[g] == sc.node_group) groups_.apply_scheduled_action(g, sc.min_size, sc.max_size, sc.desired_capacity);
  for (auto& h : hpas_) {
    if (in_.services[h.service] != sc.hpa) continue;
    const int min = sc.min_replicas.value_or(h.controller.spec().min_replicas);
    const int max = std::max(min, sc.max_replicas.value_or(h.controller.spec().max_replicas));
    h.controller.set_replica_bounds(min, max);
  }
  const UtcTime now_utc = in_.start + std::chrono::microseconds{engine_.now()};
  const SimTime next = (schedules_[k].next_after(now_utc) - in_.start).count();
  if (next < in_.window_end) engine_.schedule_at(next, [this, k] { fire(k); }, kPriorityAutoscaler);
}

}  // namespace capsim
