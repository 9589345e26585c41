#pragma once
// A target tracking scaling policy of a plain EC2 Auto Scaling group, as the scenario gives it.
#include <string>
#include "capsim/autoscale/target_tracking.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

/// The metric an EC2 Auto Scaling target tracking policy follows, computed from the simulation.
enum class AsgMetric {
  AlbRequestCountPerTarget,  // predefined: requests in the minute per registered (ready) instance
  GpuUtilization,            // customized: the group's GPU utilization in percent (DCGM / Container Insights)
};

/// A target tracking scaling policy on a plain Auto Scaling group of GPU instances (no Kubernetes):
/// the group's desired capacity follows the metric, and the service it serves runs one replica per
/// replica-sized share of each instance's GPUs.
struct TargetTrackingPolicy {
  std::string service;
  AsgMetric metric = AsgMetric::GpuUtilization;
  std::string metric_name;  // as written (PredefinedMetricType or MetricName)
  TargetTrackingSpec spec;  // MinSize/MaxSize come from the group
  SimDuration collection_lag = 60 * kMicrosPerSecond;  // CloudWatch datapoints arrive this late
};

}  // namespace capsim
