#pragma once
// A HorizontalPodAutoscaler as the scenario gives it: its spec and the metrics it reads.
#include <string>
#include <vector>
#include "capsim/autoscale/hpa.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

/// A metric an HPA reads: a Pods metric the simulation computes, or an External metric read from a
/// trace (a queue depth exported from CloudWatch, say).
struct HpaMetric {
  enum class Source { Pods, External };
  enum class Target { AverageValue, Value };
  Source source = Source::Pods;
  std::string name;   // Pods: "requests_per_second" (per ready replica) or "gpu_utilization" (percent busy);
                      // External: the name of a trace under /traces
  Target target_type = Target::AverageValue;
  double target = 0;  // per pod (AverageValue) or for the whole metric (Value, External only)
};

struct HpaConfig {
  HpaSpec spec;
  std::vector<HpaMetric> metrics;
  SimDuration collection_lag = 60 * kMicrosPerSecond;  // the metric a sync reads is this old
};

}  // namespace capsim
