#pragma once
// How a request-level service is modelled (a policy's choice): how requests are routed to replicas,
// the shape of their service times, and what happens to requests a reclaimed replica was holding.
// Its SLO (service level objective) is declared here too, since only this model measures latency.
#include <string>
#include <vector>

namespace capsim {

/// Which model turns a service's demand and ready replicas into its SLA measures.
enum class ServiceModelKind {
  Fluid,    // per-period fluid backlog (fast, for year-long runs)
  Request,  // every request an event: queues, concurrency, latency percentiles
};

/// How a request picks a replica.
enum class RouterKind {
  RoundRobin,        // each ready replica in turn (kube-proxy's ipvs rr, Envoy ROUND_ROBIN)
  LeastOutstanding,  // the replica with the fewest requests in flight or queued (NGINX least_conn)
  PowerOfTwo,        // the less loaded of two replicas drawn at random (Envoy LEAST_REQUEST's default)
  SharedQueue,       // one FIFO queue every replica pulls from (workers reading a message queue)
};

/// The shape of service times around the mean the instance type gives (concurrency / throughput_rps).
enum class ServiceTimeShape { Fixed, Exponential, Lognormal, Empirical };

struct ServiceTimeSpec {
  ServiceTimeShape shape = ServiceTimeShape::Fixed;
  double sigma = 0;                    // lognormal: the log's standard deviation
  std::vector<double> relative_sizes;  // empirical: measured times divided by their mean (mean 1)
  std::string source;                  // empirical: the file they came from
};

/// What happens to requests a replica was serving or holding when it was reclaimed under them.
enum class OnInterruption {
  Retry,  // the client retries them at another replica (latency counts from the first arrival)
  Lose,   // they fail
};

struct RequestModelSpec {
  RouterKind router = RouterKind::LeastOutstanding;
  ServiceTimeSpec service_time;
  OnInterruption on_interruption = OnInterruption::Retry;
};

/// Which latency an SLO bounds.
enum class LatencyKind {
  EndToEnd,  // arrival → response complete
  Wait,      // arrival → service starts (queueing)
};

/// A service level objective: in every window, the latency percentile at most the target, and the
/// share of requests that did not fail at least the availability target.
struct SloSpec {
  LatencyKind latency = LatencyKind::EndToEnd;
  double percentile = 95;         // in (0, 100)
  double latency_target_s = 0;    // > 0
  double window_s = 300;          // windows start at the window's start
  double availability = 0;        // share of requests served (not timed out or lost); 0: not set
};

}  // namespace capsim
