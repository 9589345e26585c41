#include "capsim/trace/known_metrics.hpp"

#include <array>

namespace capsim {

namespace {
using M = MetricMeasure;
// Sources: aws/amazon-cloudwatch-agent @0583de87 (GPU processor's DCGM rename map, Container
// Insights constants and EMF declarations) and the AWS Container Insights metrics documentation;
// NVIDIA dcgm-exporter
// @00d6d344 default-counters.csv for the DCGM fields and their units.
constexpr std::array kKnown = {
    KnownMetric{"container_gpu_utilization", "ContainerInsights", M::Percent, "GPU utilization of a container (from DCGM_FI_DEV_GPU_UTIL)"},
    KnownMetric{"pod_gpu_utilization", "ContainerInsights", M::Percent, "GPU utilization of a pod (from DCGM_FI_DEV_GPU_UTIL)"},
    KnownMetric{"node_gpu_utilization", "ContainerInsights", M::Percent, "GPU utilization of a node (from DCGM_FI_DEV_GPU_UTIL)"},
    KnownMetric{"container_gpu_memory_utilization", "ContainerInsights", M::Percent, "GPU memory used, percent (from DCGM_FI_DEV_FB_USED_PERCENT)"},
    KnownMetric{"pod_gpu_memory_utilization", "ContainerInsights", M::Percent, "GPU memory used, percent (from DCGM_FI_DEV_FB_USED_PERCENT)"},
    KnownMetric{"node_gpu_memory_utilization", "ContainerInsights", M::Percent, "GPU memory used, percent (from DCGM_FI_DEV_FB_USED_PERCENT)"},
    KnownMetric{"pod_gpu_reserved_capacity", "ContainerInsights", M::Percent, "GPUs requested by a pod over the node's GPUs, percent"},
    KnownMetric{"node_gpu_reserved_capacity", "ContainerInsights", M::Percent, "GPUs requested on a node over its GPUs, percent"},
    KnownMetric{"node_gpu_unreserved_capacity", "ContainerInsights", M::Percent, "GPUs not requested on a node, percent"},
    KnownMetric{"pod_gpu_request", "ContainerInsights", M::Count, "GPUs a pod requests (nvidia.com/gpu)"},
    KnownMetric{"pod_gpu_limit", "ContainerInsights", M::Count, "GPUs a pod is limited to (nvidia.com/gpu)"},
    KnownMetric{"pod_gpu_usage_total", "ContainerInsights", M::Count, "GPUs allocated to a pod"},
    KnownMetric{"node_gpu_limit", "ContainerInsights", M::Count, "GPUs on a node (allocatable nvidia.com/gpu)"},
    KnownMetric{"node_gpu_usage_total", "ContainerInsights", M::Count, "GPUs used by a node's running pods"},
    KnownMetric{"node_gpu_available_capacity", "ContainerInsights", M::Count, "GPUs available on a node"},
    KnownMetric{"container_gpu_memory_used", "ContainerInsights", M::Other, "GPU memory used (from DCGM_FI_DEV_FB_USED)"},
    KnownMetric{"pod_gpu_memory_used", "ContainerInsights", M::Other, "GPU memory used (from DCGM_FI_DEV_FB_USED)"},
    KnownMetric{"node_gpu_memory_used", "ContainerInsights", M::Other, "GPU memory used (from DCGM_FI_DEV_FB_USED)"},
    KnownMetric{"container_gpu_memory_total", "ContainerInsights", M::Other, "GPU memory (from DCGM_FI_DEV_FB_TOTAL)"},
    KnownMetric{"pod_gpu_memory_total", "ContainerInsights", M::Other, "GPU memory (from DCGM_FI_DEV_FB_TOTAL)"},
    KnownMetric{"node_gpu_memory_total", "ContainerInsights", M::Other, "GPU memory (from DCGM_FI_DEV_FB_TOTAL)"},
    KnownMetric{"container_gpu_temperature", "ContainerInsights", M::Other, "GPU temperature (from DCGM_FI_DEV_GPU_TEMP)"},
    KnownMetric{"pod_gpu_temperature", "ContainerInsights", M::Other, "GPU temperature (from DCGM_FI_DEV_GPU_TEMP)"},
    KnownMetric{"node_gpu_temperature", "ContainerInsights", M::Other, "GPU temperature (from DCGM_FI_DEV_GPU_TEMP)"},
    KnownMetric{"container_gpu_power_draw", "ContainerInsights", M::Other, "GPU power draw (from DCGM_FI_DEV_POWER_USAGE)"},
    KnownMetric{"pod_gpu_power_draw", "ContainerInsights", M::Other, "GPU power draw (from DCGM_FI_DEV_POWER_USAGE)"},
    KnownMetric{"node_gpu_power_draw", "ContainerInsights", M::Other, "GPU power draw (from DCGM_FI_DEV_POWER_USAGE)"},
    KnownMetric{"DCGM_FI_DEV_GPU_UTIL", "DCGM", M::Percent, "GPU utilization (in %)"},
    KnownMetric{"DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM", M::Percent, "memory utilization (in %)"},
    KnownMetric{"DCGM_FI_DEV_ENC_UTIL", "DCGM", M::Percent, "encoder utilization (in %)"},
    KnownMetric{"DCGM_FI_DEV_DEC_UTIL", "DCGM", M::Percent, "decoder utilization (in %)"},
    KnownMetric{"DCGM_FI_DEV_FB_USED_PERCENT", "DCGM", M::Percent, "frame buffer used (in %)"},
    KnownMetric{"DCGM_FI_DEV_FB_USED", "DCGM", M::Other, "frame buffer used (in MiB)"},
    KnownMetric{"DCGM_FI_DEV_FB_FREE", "DCGM", M::Other, "frame buffer free (in MiB)"},
    KnownMetric{"DCGM_FI_DEV_GPU_TEMP", "DCGM", M::Other, "GPU temperature (in C)"},
    KnownMetric{"DCGM_FI_DEV_POWER_USAGE", "DCGM", M::Other, "power draw (in W)"},
};
}  // namespace

std::optional<KnownMetric> find_known_metric(std::string_view name) {
  for (const auto& m : kKnown)
    if (m.name == name) return m;
  return std::nullopt;
}

}  // namespace capsim
