#include "capsim/autoscale/hpa_runner.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "capsim/core/event_order.hpp"

namespace capsim {

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
    if (it != in_.hpas.end()) bind(s, it->second);
    // A ScaledObject: the HPA KEDA creates, and KEDA's own activation beside it.
    if (auto k = in_.keda.find(in_.services[s]); k != in_.keda.end()) {
      bind(s, keda_hpa(k->second));
      keda_.push_back(KedaBound{s, k->second, KedaActivation(k->second)});
    }
  }
  for (const auto& sc : in_.schedules) schedules_.push_back(CronSchedule::parse(sc.schedule, sc.time_zone));
}

void HpaRunner::bind(std::size_t service, const HpaConfig& config) {
  Bound b{service, config, HpaController(config.spec), {}};
  for (const HpaMetric& m : config.metrics) {
    Reading r = Reading::GpuUtilization;
    if (m.source == HpaMetric::Source::External) r = Reading::External;
    else if (m.source == HpaMetric::Source::Resource) r = Reading::Resource;
    else if (m.name == "requests_per_second") r = Reading::RequestsPerSecond;
    else if (m.name == "requests_in_service") r = Reading::RequestsInService;
    else if (m.name == "kv_cache_usage") r = Reading::KvCacheUsage;
    else if (m.name == "waiting_requests") r = Reading::WaitingRequests;
    b.readings.push_back(r);
    b.reads_queue = b.reads_queue || m.service_queue;
  }
  auto reads_capacity = [](Reading r) { return r == Reading::Resource || r == Reading::GpuUtilization; };
  b.pure = !b.reads_queue && std::all_of(b.readings.begin(), b.readings.end(),
                                         [&](Reading r) { return r == Reading::RequestsPerSecond || reads_capacity(r); });
  b.reads_capacity = std::any_of(b.readings.begin(), b.readings.end(), reads_capacity);
  b.samples.reserve(config.metrics.size());
  hpas_.push_back(std::move(b));
}

void HpaRunner::start() {
  for (std::size_t i = 0; i < hpas_.size(); ++i)
    engine_.schedule_in(hpas_[i].config.spec.sync_period, [this, i] { sync(i); }, kPriorityAutoscaler);
  // KEDA polls from the start: a target no trigger keeps active goes to zero at once.
  for (std::size_t k = 0; k < keda_.size(); ++k) engine_.schedule_at(0, [this, k] { poll(k); }, kPriorityAutoscaler);
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
  if (h.pure) {
    const Bound::Inputs in{current, ready, std::bit_cast<std::uint64_t>(rate),
                           h.reads_capacity ? std::bit_cast<std::uint64_t>(model.capacity_rps()) : 0};
    if (in == h.last && h.controller.repeatable(current)) {
      finish_sync(i, current, h.controller.decide_again(now, current));
      return;
    }
    h.last = in;
  }
  const std::optional<QueueState> queue = h.reads_queue ? queue_at(h, now) : std::nullopt;
  // Every 15 s for a month: the samples go into the last sync's room, and each metric's reading
  // was decided when the HPA was bound.
  std::vector<std::optional<MetricSample>>& samples = h.samples;
  samples.clear();
  for (std::size_t k = 0; k < h.config.metrics.size(); ++k) {
    const HpaMetric& m = h.config.metrics[k];
    const Reading reading = h.readings[k];
    if (reading == Reading::External) {
      // The kube-controller-manager's external metrics: Value compares the whole metric with the
      // target and scales the ready pods by the ratio; AverageValue divides it by the target per pod.
      const auto value = external_value(m, queue, std::max<SimTime>(0, now - h.config.collection_lag));
      if (!value) {
        samples.emplace_back();
        continue;
      }
      MetricSample& s = samples.emplace_back(std::in_place).value();
      s.kind = m.target_type == HpaMetric::Target::Value ? MetricSample::Kind::ExternalValue : MetricSample::Kind::ExternalAverageValue;
      s.current_value = *value;
      s.target_value = m.target;
      s.ready_pods = ready;
      continue;
    }
    if ((m.service_queue && !queue) || ready == 0) {
      samples.emplace_back();  // no sample old enough yet, or no pod reports a value
      continue;
    }
    MetricSample& s = samples.emplace_back(std::in_place).value();
    s.target_value = m.target;
    s.ready_pods = ready;
    s.unready_pods = std::max(0, current - ready);
    switch (reading) {
      case Reading::Resource:
        s.current_value = resource_value(m, rate, model.capacity_rps());
        if (m.target_type == HpaMetric::Target::Utilization) s.utilization_target_percent = m.target;
        break;
      case Reading::RequestsPerSecond: s.current_value = rate / ready; break;
      case Reading::RequestsInService: s.current_value = queue->in_service / ready; break;
      case Reading::KvCacheUsage: s.current_value = queue->kv_cache_usage_percent; break;  // already an average over ready replicas
      // Requests held for want of any replica count too: an exporter on the router sees them.
      case Reading::WaitingRequests: s.current_value = queue->waiting / ready; break;
      default: {  // gpu_utilization: the share of serving capacity the arrivals use, in percent
        const double capacity = model.capacity_rps();
        s.current_value = capacity > 0 ? std::min(1.0, rate / capacity) * 100.0 : 100.0;
      }
    }
  }
  finish_sync(i, current, h.controller.decide(now, current, samples));
}

void HpaRunner::finish_sync(std::size_t i, int current, int desired) {
  const Bound& h = hpas_[i];
  if (desired != current) replicas_.set_replicas(h.service, desired);
  engine_.schedule_in(h.config.spec.sync_period, [this, i] { sync(i); }, kPriorityAutoscaler);
}

std::optional<QueueState> HpaRunner::queue_at(Bound& h, SimTime now) {
  const auto state = services_[h.service]->queue_state(now);
  if (!state) return std::nullopt;
  h.queue_history.emplace_back(now, *state);
  // The newest sample at least collection_lag old; older ones are no longer needed.
  const SimTime cutoff = now - h.config.collection_lag;
  while (h.queue_history.size() > 1 && h.queue_history[1].first <= cutoff) h.queue_history.pop_front();
  if (h.queue_history.front().first > cutoff) return std::nullopt;
  return h.queue_history.front().second;
}

std::optional<double> HpaRunner::external_value(const HpaMetric& m, const std::optional<QueueState>& queue, SimTime t) const {
  if (!m.service_queue) return external_(m.name, t);
  if (!queue) return std::nullopt;
  return m.name == "waiting_requests" ? queue->waiting : queue->waiting + queue->in_service;
}

void HpaRunner::poll(std::size_t k) {
  KedaBound& kb = keda_[k];
  const SimTime now = engine_.now();
  // KEDA asks its scalers directly: the queue as it is now, a trace at now.
  const auto queue = services_[kb.service]->queue_state(now);
  bool active = false;
  for (const KedaTrigger& t : kb.spec.triggers)
    if (const auto v = external_value(t.metric, queue, now)) active = active || *v > t.activation_threshold;
  if (const auto set = kb.activation.poll(now, replicas_.replicas(kb.service), active)) replicas_.set_replicas(kb.service, *set);
  engine_.schedule_in(kb.spec.polling_interval, [this, k] { poll(k); }, kPriorityAutoscaler);
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
