#pragma once
// The Service interface: what the cluster tells a service model and what the model publishes.
// The cluster says which replica became ready or stopped, on which instance type, and whether it
// stopped abruptly; the model turns that and its demand into the metrics autoscalers read and the
// SLA summary. The fluid model (workload/fluid/) is the first implementation; a request-level or
// batch model is another folder and one line in workload/service_models.cpp.
#include <memory>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

struct ServiceSpec;

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

class Service {
 public:
  virtual ~Service() = default;

  // What the cluster tells it (times never go back).
  /// A replica on an instance of `type` became ready to serve.
  virtual void replica_ready(SimTime now, const InstanceType& type) = 0;
  /// A ready replica on `type` stopped serving (drained, evicted, scaled away or reclaimed).
  virtual void replica_stopped(SimTime now, const InstanceType& type) = 0;
  /// A ready replica stopped abruptly (its instance reclaimed under it): the requests it was serving
  /// are lost. Told before the replica_stopped of the same stop.
  virtual void replica_cut_off(SimTime now) = 0;
  /// Closes the period that ends at `now` and opens the next one.
  virtual void period_boundary(SimTime now) = 0;

  // What autoscalers read (a metrics pipeline's view).
  /// The arrival rate (requests/s) of the period holding `t`.
  virtual double arrival_rate_at(SimTime t) const = 0;
  /// Requests/s its ready replicas can serve now.
  virtual double capacity_rps() const = 0;

  // What the report reads.
  virtual const std::vector<ServicePeriod>& periods() const = 0;
  virtual SlaSummary summary() const = 0;
};

/// The model of `spec`'s service over `arrivals_per_period` (requests in each period of `period`).
std::unique_ptr<Service> make_service(const ServiceSpec& spec, SimDuration period, std::vector<double> arrivals_per_period);

}  // namespace capsim
