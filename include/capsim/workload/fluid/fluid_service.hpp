#pragma once
// The fluid service model: demand per period plus the capacity of its ready replicas (each serves
// its type's throughput_rps), fed through the fluid queue. Capacity may change at any instant;
// demand changes at period boundaries.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/workload/fluid/fluid_queue.hpp"
#include "capsim/workload/recovery_tracker.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

class FluidService final : public Service {
 public:
  FluidService(const ServiceSpec& spec, SimDuration period, std::vector<double> arrivals_per_period);
  /// Without a spec: the queue's SLA, throughput per type and in-flight requests per replica.
  FluidService(double max_wait_s, OverloadAction on_overload, SimDuration period, std::vector<double> arrivals_per_period,
               std::map<std::string, double> throughput_rps = {}, double concurrency = 1);

  void replica_ready(SimTime now, ReplicaId id, const InstanceType& type) override;
  void replica_stopped(SimTime now, ReplicaId id, const InstanceType& type) override;
  void replica_cut_off(SimTime now, ReplicaId id) override;
  void period_boundary(SimTime now) override;
  double arrival_rate_at(SimTime t) const override;
  double capacity_rps() const override { return capacity_rps_; }
  const std::vector<ServicePeriod>& periods() const override { return periods_; }
  SlaSummary summary() const override;

  /// Moves the model to `now` (>= the last call) with the current rate and capacity.
  void advance_to(SimTime now);
  /// Capacity changes by `delta_rps` and the ready replicas by `delta_replicas` at `now`.
  void change_capacity(SimTime now, double delta_rps, int delta_replicas);
  /// The share of its ready capacity the service is using now (1 with a backlog).
  double busy_share() const;
  /// A ready replica stopped abruptly at `now` with `concurrency` request slots: the requests it was
  /// serving (Little's law: its busy share of the slots) are lost.
  void interrupt_replica(SimTime now, double concurrency);

 private:
  FluidQueue queue_;
  SimDuration period_;
  std::vector<double> arrivals_;
  std::map<std::string, double> throughput_rps_;
  double concurrency_ = 1;
  std::vector<ServicePeriod> periods_;
  std::size_t current_ = 0;
  SimTime last_ = 0;
  double capacity_rps_ = 0;
  int ready_replicas_ = 0;
  struct PeriodSoFar {
    double capacity = 0;      // requests the ready capacity could serve since the period began
    double missed_start = 0;  // the queue's missed total when it began
  };
  PeriodSoFar period_so_far_;
  struct ReplicaSeconds {
    double ready = 0;  // replicas ready to serve, integrated
    double busy = 0;   // ...of which serving
  };
  ReplicaSeconds replica_s_;
  RecoveryTracker recovery_;
  // The period an autoscaler last read the rate of, and its rate: HPAs read it every 15 s and it
  // changes once a period, so most reads skip the 64-bit division that finds the period.
  struct RateRead {
    SimTime from = 0;  // [from, to): the times in that period (empty until the first read)
    SimTime to = 0;
    double rate = 0;
  };
  mutable RateRead last_read_;
};

}  // namespace capsim
