#pragma once
// The Cluster Autoscaler as the scenario gives it: its flags, with the real defaults.
#include "capsim/core/sim_time.hpp"

namespace capsim {

// Defaults of the Cluster Autoscaler (kubernetes/autoscaler cluster-autoscaler FAQ, "What are the
// parameters to CA?").
inline constexpr SimDuration kCaScanInterval = 10 * kMicrosPerSecond;
inline constexpr SimDuration kCaScaleDownUnneededTime = 10 * kMicrosPerMinute;
inline constexpr double kCaScaleDownUtilizationThreshold = 0.5;
inline constexpr SimDuration kCaScaleDownDelayAfterAdd = 10 * kMicrosPerMinute;
inline constexpr SimDuration kCaMaxNodeProvisionTime = 15 * kMicrosPerMinute;         // --max-node-provision-time
inline constexpr SimDuration kCaInitialNodeGroupBackoff = 5 * kMicrosPerMinute;       // --initial-node-group-backoff-duration
inline constexpr SimDuration kCaMaxNodeGroupBackoff = 30 * kMicrosPerMinute;          // --max-node-group-backoff-duration
inline constexpr SimDuration kCaNodeGroupBackoffResetTimeout = 3 * kMicrosPerHour;    // --node-group-backoff-reset-timeout
inline constexpr SimDuration kCaMaxPodEvictionTime = 2 * kMicrosPerMinute;            // --max-pod-eviction-time
// A scale-down's eviction refused by a PodDisruptionBudget is retried this often (the scale-down
// actuator's DefaultEvictionRetryTime; not a flag).
inline constexpr SimDuration kCaEvictionRetryTime = 10 * kMicrosPerSecond;

enum class Expander { Random, MostPods, LeastWaste, LeastNodes, Price, Priority };

struct ClusterAutoscalerSpec {
  SimDuration scan_interval = kCaScanInterval;
  SimDuration scale_down_unneeded_time = kCaScaleDownUnneededTime;
  double scale_down_utilization_threshold = kCaScaleDownUtilizationThreshold;
  SimDuration scale_down_delay_after_add = kCaScaleDownDelayAfterAdd;
  SimDuration max_node_provision_time = kCaMaxNodeProvisionTime;
  SimDuration initial_node_group_backoff = kCaInitialNodeGroupBackoff;
  SimDuration max_node_group_backoff = kCaMaxNodeGroupBackoff;
  SimDuration node_group_backoff_reset_timeout = kCaNodeGroupBackoffResetTimeout;
  SimDuration max_pod_eviction_time = kCaMaxPodEvictionTime;  // a scale-down's drain fails after this
  Expander expander = Expander::LeastWaste;  // the Cluster Autoscaler's default
};

}  // namespace capsim
