#include "capsim/workload/fluid/fluid_service.hpp"

#include "capsim/workload/service_spec.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

FluidService::FluidService(const ServiceSpec& spec, SimDuration period, std::vector<double> arrivals_per_period)
    : FluidService(spec.sla.max_wait_s, spec.sla.on_overload, period, std::move(arrivals_per_period), spec.throughput_rps,
                   spec.concurrency) {}

FluidService::FluidService(double max_wait_s, OverloadAction on_overload, SimDuration period, std::vector<double> arrivals_per_period,
                           std::map<std::string, double> throughput_rps, double concurrency)
    : queue_(max_wait_s, on_overload),
      period_(period),
      arrivals_(std::move(arrivals_per_period)),
      throughput_rps_(std::move(throughput_rps)),
      concurrency_(concurrency) {
  periods_.reserve(arrivals_.size());
}

// The fluid model pools its replicas' capacity: which replica changed does not matter to it.
void FluidService::replica_ready(SimTime now, ReplicaId, const InstanceType& type) {
  change_capacity(now, throughput_rps_.at(type.name), 1);
  recovery_.ready_changed(now, ready_replicas_);
}

void FluidService::replica_stopped(SimTime now, ReplicaId, const InstanceType& type) { change_capacity(now, -throughput_rps_.at(type.name), -1); }

void FluidService::replica_cut_off(SimTime now, ReplicaId) {
  recovery_.cut(now, ready_replicas_);
  interrupt_replica(now, concurrency_);
}

void FluidService::advance_to(SimTime now) {
  if (now <= last_ || current_ >= arrivals_.size()) {
    last_ = std::max(last_, now);
    return;
  }
  const double d = to_seconds(now - last_);
  const double rate = arrivals_[current_] / to_seconds(period_);
  const double served_before = queue_.totals().served;
  queue_.advance(d, rate, capacity_rps_);
  period_so_far_.capacity += capacity_rps_ * d;
  // Replicas are busy in the share of their capacity the served requests used (the fluid model
  // spreads work evenly over the ready replicas).
  replica_s_.ready += ready_replicas_ * d;
  if (capacity_rps_ > 0) replica_s_.busy += (queue_.totals().served - served_before) / capacity_rps_ * ready_replicas_;
  last_ = now;
}

void FluidService::change_capacity(SimTime now, double delta_rps, int delta_replicas) {
  advance_to(now);
  capacity_rps_ = std::max(0.0, capacity_rps_ + delta_rps);
  ready_replicas_ += delta_replicas;
}

void FluidService::period_boundary(SimTime now) {
  advance_to(now);
  if (current_ >= arrivals_.size()) return;
  ServicePeriod p;
  p.arrivals = arrivals_[current_];
  p.capacity_requests = period_so_far_.capacity;
  p.missed = queue_.totals().missed - period_so_far_.missed_start;
  p.backlog_end = queue_.backlog();
  p.ready_replicas_end = ready_replicas_;
  periods_.push_back(p);
  ++current_;
  if (current_ == arrivals_.size()) recovery_.finish();
  period_so_far_ = {0, queue_.totals().missed};
}

double FluidService::arrival_rate_at(SimTime t) const {
  if (arrivals_.empty()) return 0;
  if (t >= last_read_.from && t < last_read_.to) return last_read_.rate;
  const SimTime q = t / period_;
  const auto k = static_cast<std::size_t>(std::clamp<SimTime>(q, 0, static_cast<SimTime>(arrivals_.size()) - 1));
  const double rate = arrivals_[k] / to_seconds(period_);
  // Only a period within the window is kept: before it and past it every time maps to the end's rate.
  if (t >= 0 && static_cast<std::size_t>(q) == k) last_read_ = {q * period_, (q + 1) * period_, rate};
  return rate;
}

double FluidService::busy_share() const {
  if (capacity_rps_ <= 0) return 0;
  if (queue_.backlog() > 0) return 1;
  const double rate = current_ < arrivals_.size() ? arrivals_[current_] / to_seconds(period_) : 0.0;
  return std::min(1.0, rate / capacity_rps_);
}

void FluidService::interrupt_replica(SimTime now, double concurrency) {
  advance_to(now);
  queue_.interrupt(busy_share() * concurrency);
}

SlaSummary FluidService::summary() const {
  SlaSummary s;
  const FluidTotals& t = queue_.totals();
  s.requests = t.arrived;
  s.served = t.served;
  s.missed = t.missed;
  s.interrupted = t.interrupted;
  s.missed_share = t.arrived > 0 ? t.missed / t.arrived : 0.0;
  s.minutes_under_provisioned = t.under_provisioned_s / 60.0;
  s.backlog_max = t.backlog_max;
  s.backlog_end = queue_.backlog();
  s.ready_replica_hours = replica_s_.ready / 3600.0;
  s.busy_replica_hours = replica_s_.busy / 3600.0;
  s.abrupt_stops = recovery_.cuts();
  s.recovery_mean_s = recovery_.mean_s();
  s.recovery_max_s = recovery_.max_s();
  s.unrecovered_at_end = recovery_.unrecovered();
  summarize_periods(periods_, s);
  return s;
}

}  // namespace capsim
