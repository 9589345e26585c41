#include "capsim/workload/request/request_service.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
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
      const QueuedRequest r = demand_.take();
      tally_.arrived += 1;
      ++in_system_;
      dispatch(r, r.arrival);
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
        if (has_room(replicas_[x], r)) return start(x, r, t);
    return enqueue(shared_, r);
  }
  const std::uint32_t x = active[picker_.pick(replicas_.loads())];
  // Behind others in its queue it waits its turn, even if it would fit.
  if (replicas_[x].queue.empty() && has_room(replicas_[x], r)) return start(x, r, t);
  enqueue(replicas_[x].queue, r);
  replicas_.touch(x);
}

bool RequestService::has_room(const ServingReplica& rep, const QueuedRequest& r) const {
  if (rep.free_slots.empty()) return false;
  return !rep.batch || rep.batch->can_admit(static_cast<double>(r.input_tokens) + r.output_tokens);
}

void RequestService::start(std::uint32_t x, const QueuedRequest& r, SimTime t) {
  ServingReplica& rep = replicas_[x];
  const std::uint32_t slot = rep.free_slots.back();
  rep.free_slots.pop_back();
  replicas_.slot_change(x, -1);
  rep.slots[slot] = {r, t, 0, true};
  if (rep.batch) {
    if (rep.in_flight() == 1) rep.busy_since = t;
    rep.batch->admit(slot, r.input_tokens, r.output_tokens, t);
    reschedule(x);
  } else {
    const auto d = std::max<SimDuration>(1, std::llround(rep.mean_service_us * r.size));
    completions_.push({t + d, seq_++, x, slot, rep.epoch});
  }
  replicas_.touch(x);
}

void RequestService::reschedule(std::uint32_t x) {
  // One pending event per LLM replica: its engine's next; older ones become stale.
  ServingReplica& rep = replicas_[x];
  ++rep.epoch;
  if (const SimTime next = rep.batch->next_event(); next != kTimeMax) completions_.push({next, seq_++, x, kEngineEvent, rep.epoch});
}

void RequestService::complete(const Completion& c) {
  ServingReplica& rep = replicas_[c.replica];
  if (c.slot == kGraceEnd) {
    // The grace period of a stopping replica ran out with requests still in it.
    if (rep.live && rep.active_pos < 0 && rep.grace_end == c.at) {
      cut_requests(c.replica, c.at);
      replicas_.release(c.replica);
    }
    return;
  }
  if (!rep.live || c.epoch != rep.epoch) return;  // cut off under it, or rescheduled
  if (c.slot == kEngineEvent) {
    engine_events_.clear();
    rep.batch->advance_to(c.at, engine_events_);
    for (const ContinuousBatch::Event& e : engine_events_) {
      if (e.finished) finish(c.replica, e.id, e.at);
      else rep.slots[e.id].first_token = e.at;
    }
  } else {
    finish(c.replica, c.slot, c.at);
  }
  refill(c.replica, c.at);
  if (rep.batch) reschedule(c.replica);
  replicas_.touch(c.replica);
  if (rep.active_pos < 0 && rep.load() == 0) replicas_.release(c.replica);  // a stopping replica's last request
}

void RequestService::finish(std::uint32_t x, std::uint32_t slot, SimTime at) {
  ServingReplica& rep = replicas_[x];
  ServingReplica::Slot& s = rep.slots[slot];
  s.busy = false;
  rep.free_slots.push_back(slot);
  replicas_.slot_change(x, +1);
  RequestTally& m = tally_;
  m.busy_slot_s += to_seconds(at - s.start);
  const double e2e = to_seconds(at - s.request.arrival), wait = to_seconds(s.start - s.request.arrival);
  m.e2e.add(e2e);
  m.wait.add(wait);
  m.served += 1;
  --in_system_;
  m.sojourn_us += static_cast<double>(at - s.request.arrival);
  if (spec_.sla.on_overload == OverloadAction::Late && s.start - s.request.arrival > max_wait_) {
    m.late += 1;
    m.period_missed += 1;
  }
  double ttft = 0;
  if (rep.batch) {
    if (rep.in_flight() == 0) m.busy_replica_s += to_seconds(at - rep.busy_since);
    ttft = to_seconds(s.first_token - s.request.arrival);
    m.ttft.add(ttft);
    if (s.request.output_tokens > 1) m.tpot.add(to_seconds(at - s.first_token) / (s.request.output_tokens - 1));
    m.decode_s += to_seconds(at - s.first_token);
    m.input_tokens += s.request.input_tokens;
    m.output_tokens += s.request.output_tokens;
  }
  if (slo_) {
    const LatencyKind k = spec_.slo->latency;
    slo_->served(at, k == LatencyKind::Wait ? wait : k == LatencyKind::TimeToFirstToken ? ttft : e2e);
  }
}

void RequestService::refill(std::uint32_t x, SimTime t) {
  // Its own queue first, then (shared queue) the service's; an LLM replica admits while its KV
  // cache has room for the head of the line.
  ServingReplica& rep = replicas_[x];
  auto take_from = [&](std::deque<QueuedRequest>& q) {
    while (!rep.free_slots.empty()) {
      drop_expired_head(q, t);
      if (q.empty() || !has_room(rep, q.front())) return;
      start(x, *next_waiting(q, t), t);
    }
  };
  take_from(rep.queue);
  if (rep.active_pos >= 0 && shared()) take_from(shared_);
}

std::optional<QueuedRequest> RequestService::next_waiting(std::deque<QueuedRequest>& q, SimTime t) {
  drop_expired_head(q, t);
  if (q.empty()) return std::nullopt;
  const QueuedRequest r = q.front();
  q.pop_front();
  --waiting_;
  return r;
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


void RequestService::replica_ready(SimTime now, ReplicaId id, const InstanceType& type) {
  advance_to(now);
  if (tally_.closed) return;
  const double rate = spec_.throughput_rps.at(type.name);
  const LlmRates* llm = spec_.request.llm ? &spec_.request.llm->rates.at(type.name) : nullptr;
  const auto slots = static_cast<std::uint32_t>(llm ? llm->max_num_seqs : std::llround(spec_.concurrency));
  const std::uint32_t x = replicas_.add(id, rate, spec_.concurrency / rate * 1e6, slots, llm);
  recovery_.ready_changed(now, replicas_.ready());
  // Requests that waited for any replica (or the shared queue) reach it.
  if (shared()) {
    refill(x, now);
  } else {
    while (auto r = next_waiting(shared_, now)) dispatch(*r, now);
  }
}

void RequestService::replica_cut_off(SimTime now, ReplicaId id) {
  advance_to(now);
  if (tally_.closed) return;
  const auto x = replicas_.find(id);
  if (!x) return;
  recovery_.cut(now, replicas_.ready());
  cut_requests(*x, now);
}

void RequestService::cut_requests(std::uint32_t x, SimTime now) {
  // Its requests in service and in its queue are cut off: retried at other replicas or lost.
  ServingReplica& rep = replicas_[x];
  std::vector<QueuedRequest> held;
  for (ServingReplica::Slot& s : rep.slots)
    if (s.busy) {
      tally_.busy_slot_s += to_seconds(now - s.start);
      held.push_back(s.request);
      s.busy = false;
    }
  if (rep.batch) {
    rep.batch->clear();
    if (!held.empty()) tally_.busy_replica_s += to_seconds(now - rep.busy_since);
  }
  waiting_ -= static_cast<std::int64_t>(rep.queue.size());
  held.insert(held.end(), rep.queue.begin(), rep.queue.end());
  rep.queue.clear();
  replicas_.deactivate(x);
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
  // A graceful stop: no new requests, queued ones go elsewhere, those in service have the pod's
  // termination grace period to finish (Kubernetes then kills the container: cut off).
  ServingReplica& rep = replicas_[*x];
  std::deque<QueuedRequest> queued = std::move(rep.queue);
  rep.queue.clear();
  waiting_ -= static_cast<std::int64_t>(queued.size());
  for (const QueuedRequest& r : queued) dispatch(r, now);
  if (rep.load() == 0) {
    replicas_.release(*x);
  } else {
    rep.grace_end = now + spec_.termination_grace_period;
    completions_.push({rep.grace_end, seq_++, *x, kGraceEnd, 0});
  }
}

void RequestService::drop_expired_head(std::deque<QueuedRequest>& q, SimTime t) {
  // FIFO queues with one patience: their expired requests are at the front.
  if (spec_.sla.on_overload != OverloadAction::Drop) return;
  while (!q.empty() && t - q.front().arrival > max_wait_) {
    const QueuedRequest r = q.front();
    q.pop_front();
    --waiting_;
    give_up(r, t);
  }
}

void RequestService::purge_expired(SimTime t) {
  drop_expired_head(shared_, t);
  auto& all = replicas_.all();
  for (std::uint32_t x = 0; x < all.size(); ++x)
    if (all[x].live) {
      drop_expired_head(all[x].queue, t);
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
    if (rep.batch && rep.in_flight() > 0) m.busy_replica_s += to_seconds(end - rep.busy_since);
    for (const QueuedRequest& r : rep.queue) m.sojourn_us += static_cast<double>(end - r.arrival);
    for (const ServingReplica::Slot& s : rep.slots)
      if (s.busy) {
        m.sojourn_us += static_cast<double>(end - s.request.arrival);
        m.busy_slot_s += to_seconds(end - s.start);
        if (rep.batch && s.first_token > 0) m.decode_s += to_seconds(end - s.first_token);
      }
  }
  if (slo_) slo_->finish(end);
  recovery_.finish();
  // Little's law over the window is an identity between two tallies kept apart: the requests in the
  // system integrated over time, and each request's time in it. They differ only by rounding; more
  // (sums of up to 10^8 terms: 1e-7 relative) means the model lost or double-counted requests, and
  // its numbers are not to be reported.
  if (std::fabs(m.area_us - m.sojourn_us) > 1e-7 * std::max(1.0, m.sojourn_us) + 1.0)
    throw Error(fmt::format("internal error in service '{}': Little's law does not hold ({} µs·requests integrated, {} µs summed over requests)",
                            spec_.name, m.area_us, m.sojourn_us));
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
  // Busy: an LLM replica while it has any request (its GPU works for the whole batch); otherwise the
  // share of its slots in use.
  s.busy_replica_hours = (spec_.request.llm ? m.busy_replica_s : m.busy_slot_s / spec_.concurrency) / 3600.0;
  s.abrupt_stops = recovery_.cuts();
  s.recovery_mean_s = recovery_.mean_s();
  s.recovery_max_s = recovery_.max_s();
  s.unrecovered_at_end = recovery_.unrecovered();
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

std::optional<QueueState> RequestService::queue_state(SimTime now) {
  advance_to(now);
  QueueState q{static_cast<double>(in_service()), static_cast<double>(waiting()), 0};
  if (spec_.request.llm && !replicas_.active().empty()) {
    double sum = 0;
    for (const std::uint32_t x : replicas_.active()) sum += replicas_[x].batch->kv_usage();
    q.kv_cache_usage_percent = 100.0 * sum / static_cast<double>(replicas_.active().size());
  }
  return q;
}

std::optional<LlmSummary> RequestService::llm() const {
  if (!spec_.request.llm) return std::nullopt;
  const RequestTally& m = tally_;
  LlmSummary l;
  l.ttft_mean_s = m.ttft.mean();
  l.ttft_p50_s = m.ttft.quantile(0.50);
  l.ttft_p90_s = m.ttft.quantile(0.90);
  l.ttft_p95_s = m.ttft.quantile(0.95);
  l.ttft_p99_s = m.ttft.quantile(0.99);
  l.ttft_max_s = m.ttft.max();
  l.tpot_mean_s = m.tpot.mean();
  l.tpot_p50_s = m.tpot.quantile(0.50);
  l.tpot_p90_s = m.tpot.quantile(0.90);
  l.tpot_p95_s = m.tpot.quantile(0.95);
  l.tpot_p99_s = m.tpot.quantile(0.99);
  l.tpot_max_s = m.tpot.max();
  l.input_tokens = m.input_tokens;
  l.output_tokens = m.output_tokens;
  if (m.clock > 0) l.output_tokens_per_s = m.output_tokens / to_seconds(m.clock);
  // Little's law again: sequences decoding at once = decode time / replica time.
  if (m.ready_replica_s > 0) l.mean_batch = m.decode_s / m.ready_replica_s;
  return l;
}

std::optional<SloSummary> RequestService::slo() const {
  if (!slo_) return std::nullopt;
  return slo_->summary(tally_.clock);
}

}  // namespace capsim
