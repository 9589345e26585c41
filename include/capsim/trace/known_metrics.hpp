#pragma once
// GPU metrics users export from CloudWatch Container Insights and NVIDIA DCGM, recognised by name so
// a utilization trace is read as a percentage and a GPU count is not mistaken for requests.
#include <optional>
#include <string_view>

namespace capsim {

enum class MetricMeasure {
  Percent,  // a utilization 0-100
  Count,    // a number of GPUs
  Other,    // memory, temperature, power: not a demand or utilization trace
};

struct KnownMetric {
  std::string_view name;      // as published: "node_gpu_utilization", "DCGM_FI_DEV_GPU_UTIL"
  std::string_view family;    // "ContainerInsights" or "DCGM"
  MetricMeasure measure;
  std::string_view meaning;   // one line, for messages and `capsim trace inspect`
};

/// The metric called `name` (a CloudWatch Label or MetricName), if it is a known GPU metric.
std::optional<KnownMetric> find_known_metric(std::string_view name);

}  // namespace capsim
