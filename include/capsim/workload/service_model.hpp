#pragma once
// One service during a run: demand per period plus the capacity of its ready replicas, fed through
// the fluid queue. Capacity may change at any instant; demand changes at period boundaries.
#include <cstddef>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/workload/fluid_queue.hpp"

namespace capsim {

/// Per-period record of one service (what the recorder keeps).
struct ServicePeriod {
  double arrivals = 0;           // requests that arrived
  double capacity_requests = 0;  // ∫ capacity dt over the period
  double missed = 0;
  double backlog_end = 0;
  int ready_replicas_end = 0;
};

/// The SLA measures of one service over the window.
struct SlaSummary {
  double requests = 0;
  double served = 0;
  double missed = 0;
  double missed_share = 0;               // missed / requests (0 without requests)
  double minutes_under_provisioned = 0;  // time with capacity below the arrival rate
  double availability = 1;               // share of periods whose capacity covered their arrivals
  double backlog_p95 = 0;                // over the backlog at each period end
  double backlog_max = 0;
  double backlog_end = 0;                // still queued when the window closed
  double ready_replica_hours = 0;        // replicas ready to serve, integrated over the window
  double busy_replica_hours = 0;         // ...of which spent serving requests
  double interrupted = 0;                // requests cut off in service by an abrupt stop (counted in missed)

  friend bool operator==(const SlaSummary&, const SlaSummary&) = default;
};

class ServiceModel {
 public:
  ServiceModel(double max_wait_s, OverloadAction on_overload, SimDuration period, std::vector<double> arrivals_per_period);

  /// Moves the model to `now` (>= the last call) with the current rate and capacity.
  void advance_to(SimTime now);
  /// A replica became ready (+rps) or stopped serving (-rps) at `now`.
  void change_capacity(SimTime now, double delta_rps, int delta_replicas);
  /// Closes the period that ends at `now` and opens the next one.
  void period_boundary(SimTime now);

  const std::vector<ServicePeriod>& periods() const { return periods_; }
  /// The arrival rate (requests/s) of the period holding `t` (what a metrics pipeline reports).
  double arrival_rate_at(SimTime t) const;
  double capacity_rps() const { return capacity_rps_; }
  /// The share of its ready capacity the service is using now (1 with a backlog).
  double busy_share() const;
  /// A ready replica stopped abruptly at `now` with `concurrency` request slots: the requests it was
  /// serving (Little's law: its busy share of the slots) are lost.
  void interrupt_replica(SimTime now, double concurrency);
  SlaSummary summary() const;

 private:
  FluidQueue queue_;
  SimDuration period_;
  std::vector<double> arrivals_;
  std::vector<ServicePeriod> periods_;
  std::size_t current_ = 0;
  SimTime last_ = 0;
  double capacity_rps_ = 0;
  int ready_replicas_ = 0;
  double period_capacity_ = 0;
  double period_missed_start_ = 0;
  double ready_replica_s_ = 0;
  double busy_replica_s_ = 0;
};

}  // namespace capsim
