#include "capsim/autoscale/hpa_runner.hpp"

#include <algorithm>

namespace capsim {

namespace {
// After capacity changes and before the period boundary at the same instant.
constexpr std::int32_t kPriorityAutoscaler = 5;
}  // namespace

HpaRunner::HpaRunner(Engine& engine, const Scenario& scenario, const PolicySpec& policy, FleetController& fleet,
                     const std::vector<ServiceModel>& services)
    : engine_(engine), scenario_(scenario), policy_(policy), fleet_(fleet), services_(services) {
  for (std::size_t s = 0; s < policy_.services.size(); ++s) {
    auto it = policy_.cluster.hpa.find(policy_.services[s].name);
    if (it != policy_.cluster.hpa.end()) hpas_.push_back(Bound{s, it->second, HpaController(it->second.spec)});
  }
  for (const auto& sc : policy_.cluster.schedules) schedules_.push_back(CronSchedule::parse(sc.schedule, sc.time_zone));
}

void HpaRunner::start() {
  for (std::size_t i = 0; i < hpas_.size(); ++i)
    engine_.schedule_in(hpas_[i].config.spec.sync_period, [this, i] { sync(i); }, kPriorityAutoscaler);
  for (std::size_t k = 0; k < schedules_.size(); ++k) {
    const SimTime at = (schedules_[k].next_after(scenario_.simulation.start - std::chrono::microseconds{1}) - scenario_.simulation.start).count();
    if (at < scenario_.simulation.duration) engine_.schedule_at(at, [this, k] { fire(k); }, kPriorityAutoscaler);
  }
}

void HpaRunner::sync(std::size_t i) {
  Bound& h = hpas_[i];
  const SimTime now = engine_.now();
  const ServiceModel& model = services_[h.service];
  const int current = fleet_.replicas(h.service);
  const int ready = fleet_.ready_replicas(h.service);
  const double rate = model.arrival_rate_at(std::max<SimTime>(0, now - h.config.collection_lag));
  std::vector<std::optional<MetricSample>> samples;
  for (const HpaMetric& m : h.config.metrics) {
    if (m.source == HpaMetric::Source::External) {
      // The kube-controller-manager's external metrics: Value compares the whole metric with the
      // target (ratio × current replicas); AverageValue divides it by the current replica count.
      const double v = external_value(m.name, std::max<SimTime>(0, now - h.config.collection_lag));
      MetricSample s;
      s.target_value = m.target;
      s.current_value = m.target_type == HpaMetric::Target::Value ? v : (current > 0 ? v / current : v);
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
    if (m.name == "requests_per_second") {
      s.current_value = rate / ready;
    } else {  // gpu_utilization: the share of serving capacity the arrivals use, in percent
      const double capacity = model.capacity_rps();
      s.current_value = capacity > 0 ? std::min(1.0, rate / capacity) * 100.0 : 100.0;
    }
    samples.push_back(s);
  }
  const int desired = h.controller.decide(now, current, samples);
  if (desired != current) fleet_.set_replicas(h.service, desired);
  engine_.schedule_in(h.config.spec.sync_period, [this, i] { sync(i); }, kPriorityAutoscaler);
}

double HpaRunner::external_value(const std::string& trace, SimTime t) const {
  const TraceInput& in = scenario_.traces.at(trace);
  const Trace& tr = in.trace;
  if (tr.values.empty()) return 0;
  // Periods on the simulation's grid (traces are resampled to it), counted from the trace's start.
  const std::int64_t since = (scenario_.simulation.start - tr.start).count() + t;
  std::int64_t k = since / tr.period - (since % tr.period < 0 ? 1 : 0);
  const auto n = static_cast<std::int64_t>(tr.values.size());
  if (in.tile) k = ((k % n) + n) % n;  // as the demand of a tiled trace repeats
  return tr.values[static_cast<std::size_t>(std::clamp<std::int64_t>(k, 0, n - 1))];
}

void HpaRunner::fire(std::size_t k) {
  const ScheduleSpec& sc = policy_.cluster.schedules[k];
  for (std::size_t g = 0; g < policy_.cluster.node_groups.size(); ++g)
    if (!sc.node_group.empty() && policy_.cluster.node_groups[g].name == sc.node_group)
      fleet_.apply_scheduled_action(g, sc.min_size, sc.max_size, sc.desired_capacity);
  for (auto& h : hpas_) {
    if (policy_.services[h.service].name != sc.hpa) continue;
    const int min = sc.min_replicas.value_or(h.controller.spec().min_replicas);
    const int max = std::max(min, sc.max_replicas.value_or(h.controller.spec().max_replicas));
    h.controller.set_replica_bounds(min, max);
  }
  const UtcTime now_utc = scenario_.simulation.start + std::chrono::microseconds{engine_.now()};
  const SimTime next = (schedules_[k].next_after(now_utc) - scenario_.simulation.start).count();
  if (next < scenario_.simulation.duration) engine_.schedule_at(next, [this, k] { fire(k); }, kPriorityAutoscaler);
}

}  // namespace capsim
