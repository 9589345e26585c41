#pragma once
// A HorizontalPodAutoscaler as the scenario gives it: its spec and the metrics it reads.
#include <string>
#include <vector>
#include "capsim/autoscale/hpa.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

/// How a replica's use of one resource follows its load: `idle` when it serves nothing, `busy` when
/// it serves its full throughput, linear in between (millicores or MiB).
struct ResourceUseByLoad {
  double idle = 0;
  double busy = 0;
  double at(double busy_share) const { return idle + busy_share * (busy - idle); }
};

/// A metric an HPA reads: a Pods metric the simulation computes, a Resource metric (cpu or memory
/// use, from the replica's use by load), or an External metric read from a trace (a queue depth
/// exported from CloudWatch, say).
struct HpaMetric {
  enum class Source { Pods, Resource, External };
  enum class Target { AverageValue, Value, Utilization };
  Source source = Source::Pods;
  std::string name;   // Pods: "requests_per_second" (per ready replica), "gpu_utilization" (percent busy),
                      // "requests_in_service" or "waiting_requests" (per ready replica, from the
                      // request-level model), "kv_cache_usage" (percent, LLM services); Resource: "cpu" or "memory"; External: the name of a
                      // trace under /traces, or "waiting_requests" / "requests_in_system" (the
                      // service's whole queue, as a queue service's depth metric)
  bool service_queue = false;  // read from the request-level model's queue rather than a trace or the demand
  Target target_type = Target::AverageValue;
  double target = 0;  // per pod (AverageValue: millicores or MiB for Resource), for the whole metric
                      // (Value, External only), or percent of the request (Utilization, Resource only)
  // Resource metrics: the replica's request and its use by load (filled from the service by the loader).
  double request = 0;
  ResourceUseByLoad use;
};

/// External metric names the request-level model publishes about its whole queue.
inline bool is_service_queue_metric(const std::string& name) { return name == "waiting_requests" || name == "requests_in_system"; }

struct HpaConfig {
  HpaSpec spec;
  std::vector<HpaMetric> metrics;
  SimDuration collection_lag = 60 * kMicrosPerSecond;  // the metric a sync reads is this old
};

}  // namespace capsim
