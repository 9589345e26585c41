#include "capsim/workload/request/request_service.hpp"

#include <algorithm>
#include <cmath>

#include "capsim/core/stream_keys.hpp"

namespace capsim {

RequestService::RequestService(const ServiceSpec& spec, ServiceInputs in)
    : spec_(spec),
      max_wait_(seconds(spec.sla.max_wait_s)),
      demand_(spec, in),
      picker_(spec.request.router, make_stream({in.seed, in.replicate, stream::kRouting, spec.name, 0})) {
  if (spec.slo) slo_.emplace(*spec.slo);
  tally_.periods.reserve(demand_.periods());
  current_rate_rps_ = demand_.rate(0);
}

void RequestService::integrate_to(SimTime t) {
  RequestTally& m = tally_;
  if (t <= m.clock) return;
  m.area_us += static_cast<double>(in_system_) * static_cast<double>(t - m.clock);
  m.clock = t;
}

void RequestService::integrate_capacity_to(SimTime t) {
  // Capacity changes only when the cluster calls, so its integrals move once per call, not per request.
  RequestTally& m = tally_;
  if (t <= m.capacity_clock) return;
  const double d = to_seconds(t - m.capacity_clock);
  m.period_capacity += replicas_.capacity_rps() * d;
  m.ready_replica_s += replicas_.ready() * d;
  if (replicas_.capacity_rps() < current_rate_rps_) m.under_provisioned_s += d;
  m.capacity_clock = t;
}

void RequestService::advance_to(SimTime now) {
  if (tally_.closed) return;
  for (;;) {
    const SimTime ta = demand_.next_time();
    const SimTime tc = completions_.empty() ? kTimeMax : completions_.top().at;
    const SimTime t = std::min(ta, tc);
    if (t >= now) break;
    integrate_to(t);
    // A completion before an arrival at the same instant: the freed slot is there for it.
    if (tc <= ta) {
      const Completion c = completions_.top();
      completions_.pop();
      complete(c);
    } else {
      const auto [at, size] = demand_.take();
      tally_.arrived += 1;
      ++in_system_;
      dispatch({at, size}, at);
    }
  }
  integrate_to(now);
  integrate_capacity_to(now);
}

void RequestService::enqueue(std::deque<QueuedRequest>& q, const QueuedRequest& r) {
  q.push_back(r);
  ++waiting_;
  tally_.backlog_max = std::max(tally_.backlog_max, static_cast<double>(waiting_));
}

void RequestService::dispatch(const QueuedRequest& r, SimTime t) {
  const auto& active = replicas_.active();
  if (shared() || active.empty()) {
    if (shared() && replicas_.free_slots() > 0)
      for (const std::uint32_t x : active)
        if (!replicas_[x].free_slots.empty()) return start(x, r, t);
    return enqueue(shared_, r);
  }
  const std::uint32_t x = active[picker_.pick(replicas_.loads())];
  if (!replicas_[x].free_slots.empty()) return start(x, r, t);
  enqueue(replicas_[x].queue, r);
  replicas_.touch(x);
}

void RequestService::start(std::uint32_t x, const QueuedRequest& r, SimTime t) {
  ServingReplica& rep = replicas_[x];
  const std::uint32_t slot = rep.free_slots.back();
  rep.free_slots.pop_back();
  replicas_.slot_change(x, -1);
  rep.slots[slot] = {r, t, true};
  const auto d = std::max<SimDuration>(1, std::llround(rep.mean_service_us * r.size));
  completions_.push({t + d, seq_++, x, slot, rep.epoch});
  replicas_.touch(x);
}

void RequestService::complete(const Completion& c) {
  ServingReplica& rep = replicas_[c.replica];
  if (!rep.live || c.epoch != rep.epoch) return;  // cut off under it
  ServingReplica::Slot& s = rep.slots[c.slot];
  s.busy = false;
  rep.free_slots.push_back(c.slot);
  replicas_.slot_change(c.replica, +1);
  RequestTally& m = tally_;
  m.busy_slot_s += to_seconds(c.at - s.start);
  const double e2e = to_seconds(c.at - s.request.arrival), wait = to_seconds(s.start - s.request.arrival);
  m.e2e.add(e2e);
  m.wait.add(wait);
  m.served += 1;
  --in_system_;
  m.sojourn_us += static_cast<double>(c.at - s.request.arrival);
  if (spec_.sla.on_overload == OverloadAction::Late && s.start - s.request.arrival > max_wait_) {
    m.late += 1;
    m.period_missed += 1;
  }
  if (slo_) slo_->served(c.at, spec_.slo->latency == LatencyKind::Wait ? wait : e2e);
  if (auto next = next_waiting(rep.queue, c.at)) {
    start(c.replica, *next, c.at);
  } else if (rep.active_pos >= 0 && shared()) {
    pull_shared(c.replica, c.at);
  }
  replicas_.touch(c.replica);
  if (rep.active_pos < 0 && rep.load() == 0) replicas_.release(c.replica);  // a stopping replica's last request
}

std::optional<QueuedRequest> RequestService::next_waiting(std::deque<QueuedRequest>& q, SimTime t) {
  while (!q.empty()) {
    const QueuedRequest r = q.front();
    q.pop_front();
    --waiting_;
    if (spec_.sla.on_overload == OverloadAction::Drop && t - r.arrival > max_wait_) {
      give_up(r, t);
      continue;
    }
    return r;
  }
  return std::nullopt;
}

void RequestService::give_up(const QueuedRequest& r, SimTime t) {
  // It left at its deadline; found out at t, so the time since then leaves the integral too.
  const SimTime deadline = r.arrival + max_wait_;
  tally_.timed_out += 1;
  tally_.period_missed += 1;
  --in_system_;
  tally_.sojourn_us += static_cast<double>(max_wait_);
  tally_.area_us -= static_cast<double>(t - deadline);
  if (slo_) slo_->failed(deadline);
}

void RequestService::fail(const QueuedRequest& r, SimTime t) {
  tally_.lost += 1;
  tally_.period_missed += 1;
  --in_system_;
  tally_.sojourn_us += static_cast<double>(t - r.arrival);
  if (slo_) slo_->failed(t);
}

void RequestService::pull_shared(std::uint32_t x, SimTime t) {
  while (!replicas_[x].free_slots.empty()) {
    auto r = next_waiting(shared_, t);
    if (!r) break;
    start(x, *r, t);
  }
}

void RequestService::replica_ready(SimTime now, ReplicaId id, const InstanceType& type) {
  advance_to(now);
  if (tally_.closed) return;
  const double rate = spec_.throughput_rps.at(type.name);
  const auto slots = static_cast<std::uint32_t>(std::llround(spec_.concurrency));
  const std::uint32_t x = replicas_.add(id, rate, spec_.concurrency / rate * 1e6, slots);
  // Requests that waited for any replica (or the shared queue) reach it.
  if (shared()) {
    pull_shared(x, now);
  } else {
    while (auto r = next_waiting(shared_, now)) dispatch(*r, now);
  }
}

void RequestService::replica_cut_off(SimTime now, ReplicaId id) {
  advance_to(now);
  if (tally_.closed) return;
  const auto x = replicas_.find(id);
  if (!x) return;
  ServingReplica& rep = replicas_[*x];
  std::vector<QueuedRequest> held;
  for (ServingReplica::Slot& s : rep.slots)
    if (s.busy) {
      tally_.busy_slot_s += to_seconds(now - s.start);
      held.push_back(s.request);
      s.busy = false;
    }
  waiting_ -= static_cast<std::int64_t>(rep.queue.size());
  held.insert(held.end(), rep.queue.begin(), rep.queue.end());
  rep.queue.clear();
  replicas_.deactivate(*x);
  ++rep.epoch;  // its pending completions will not happen
  rep.free_slots.clear();
  for (auto k = static_cast<std::uint32_t>(rep.slots.size()); k-- > 0;) rep.free_slots.push_back(k);
  for (const QueuedRequest& r : held) {
    if (spec_.request.on_interruption == OnInterruption::Retry) {
      tally_.retried += 1;
      dispatch(r, now);
    } else {
      fail(r, now);
    }
  }
}

void RequestService::replica_stopped(SimTime now, ReplicaId id, const InstanceType&) {
  advance_to(now);
  if (tally_.closed) return;
  const auto x = replicas_.find(id);
  if (!x) return;
  replicas_.stop(*x);
  replicas_.deactivate(*x);
  // A graceful stop: no new requests, those in service finish there, those queued go elsewhere.
  ServingReplica& rep = replicas_[*x];
  std::deque<QueuedRequest> queued = std::move(rep.queue);
  rep.queue.clear();
  waiting_ -= static_cast<std::int64_t>(queued.size());
  for (const QueuedRequest& r : queued) dispatch(r, now);
  if (replicas_[*x].load() == 0) replicas_.release(*x);
}

void RequestService::purge_expired(SimTime t) {
  // FIFO queues with one patience: their expired requests are at the front.
  auto purge = [&](std::deque<QueuedRequest>& q) {
    while (!q.empty() && t - q.front().arrival > max_wait_) {
      const QueuedRequest r = q.front();
      q.pop_front();
      --waiting_;
      give_up(r, t);
    }
  };
  purge(shared_);
  auto& all = replicas_.all();
  for (std::uint32_t x = 0; x < all.size(); ++x)
    if (all[x].live) {
      purge(all[x].queue);
      replicas_.touch(x);
    }
}

void RequestService::period_boundary(SimTime now) {
  advance_to(now);
  if (tally_.closed || current_ >= demand_.periods()) return;
  if (spec_.sla.on_overload == OverloadAction::Drop) purge_expired(now);
  ServicePeriod p;
  p.arrivals = static_cast<double>(demand_.opened());
  p.capacity_requests = tally_.period_capacity;
  p.missed = tally_.period_missed;
  p.backlog_end = static_cast<double>(waiting_);
  p.ready_replicas_end = replicas_.ready();
  tally_.periods.push_back(p);
  tally_.period_capacity = tally_.period_missed = 0;
  ++current_;
  if (current_ < demand_.periods()) {
    demand_.open(current_, now);
    current_rate_rps_ = demand_.rate(current_);
  } else {
    close(now);
  }
}

void RequestService::close(SimTime end) {
  // The window closes: requests still here count their time so far (Little's law over the window).
  RequestTally& m = tally_;
  m.closed = true;
  for (const QueuedRequest& r : shared_) m.sojourn_us += static_cast<double>(end - r.arrival);
  for (const ServingReplica& rep : replicas_.all()) {
    if (!rep.live) continue;
    for (const QueuedRequest& r : rep.queue) m.sojourn_us += static_cast<double>(end - r.arrival);
    for (const ServingReplica::Slot& s : rep.slots)
      if (s.busy) {
        m.sojourn_us += static_cast<double>(end - s.request.arrival);
        m.busy_slot_s += to_seconds(end - s.start);
      }
  }
  if (slo_) slo_->finish(end);
}

double RequestService::arrival_rate_at(SimTime t) const {
  return demand_.rate(static_cast<std::size_t>(std::max<SimTime>(0, t / demand_.period())));
}

SlaSummary RequestService::summary() const {
  const RequestTally& m = tally_;
  SlaSummary s;
  s.requests = m.arrived;
  s.served = m.served;
  s.missed = m.late + m.timed_out + m.lost;
  s.interrupted = m.lost;
  s.missed_share = m.arrived > 0 ? s.missed / m.arrived : 0.0;
  s.minutes_under_provisioned = m.under_provisioned_s / 60.0;
  s.backlog_max = m.backlog_max;
  s.backlog_end = static_cast<double>(waiting_);
  s.ready_replica_hours = m.ready_replica_s / 3600.0;
  s.busy_replica_hours = m.busy_slot_s / spec_.concurrency / 3600.0;
  summarize_periods(m.periods, s);
  return s;
}

std::optional<LatencySummary> RequestService::latency() const {
  const RequestTally& m = tally_;
  LatencySummary l;
  l.e2e_mean_s = m.e2e.mean();
  l.e2e_p50_s = m.e2e.quantile(0.50);
  l.e2e_p90_s = m.e2e.quantile(0.90);
  l.e2e_p95_s = m.e2e.quantile(0.95);
  l.e2e_p99_s = m.e2e.quantile(0.99);
  l.e2e_max_s = m.e2e.max();
  l.wait_mean_s = m.wait.mean();
  l.wait_p50_s = m.wait.quantile(0.50);
  l.wait_p95_s = m.wait.quantile(0.95);
  l.wait_p99_s = m.wait.quantile(0.99);
  l.wait_max_s = m.wait.max();
  l.served_late = m.late;
  l.timed_out = m.timed_out;
  l.retried = m.retried;
  l.lost = m.lost;
  if (m.clock > 0) {
    l.mean_in_system = m.area_us / static_cast<double>(m.clock);
    l.arrival_rate_rps = m.arrived / to_seconds(m.clock);
  }
  if (m.arrived > 0) l.mean_time_in_system_s = m.sojourn_us / m.arrived / 1e6;
  return l;
}

std::optional<SloSummary> RequestService::slo() const {
  if (!slo_) return std::nullopt;
  return slo_->summary(tally_.clock);
}

}  // namespace capsim
