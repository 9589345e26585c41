#pragma once
// Every random stream capsim draws from, in one place. A stream is keyed (seed, replicate, component,
// entity, index); the component names below are part of the results' identity: renaming one changes
// every number drawn from it. Policies share streams by key, so policy A and policy B see the same
// arrivals and the same interruptions (common random numbers).
#include <string_view>

namespace capsim::stream {

// Demand: requests in period `index` of a service (entity: the service).
inline constexpr std::string_view kArrivals = "arrivals";
// At request level (entity: the service; index: the period): where in the period each of those
// requests arrives, and each one's size (its service time over the mean, identical for every policy).
inline constexpr std::string_view kArrivalTimes = "arrival_times";
inline constexpr std::string_view kRequestSizes = "request_sizes";
// An LLM service's requests' prompt and output lengths (entity: the service; index: the period).
inline constexpr std::string_view kRequestTokens = "request_tokens";
// A router's random choices (entity: the service).
inline constexpr std::string_view kRouting = "routing";
// Synthetic traces (entity: the trace): its bursts, and the noise of point `index`.
inline constexpr std::string_view kTraceBursts = "trace_bursts";
inline constexpr std::string_view kTraceNoise = "trace_noise";
// Node start-up (entity: the node group or NodePool; index: its launch ordinal), as one figure or
// as launch request → running and running → kubelet Ready.
inline constexpr std::string_view kNodeReady = "node_ready";
inline constexpr std::string_view kNodeLaunch = "node_launch";
inline constexpr std::string_view kNodeBoot = "node_boot";
// Replica start-up (entity: the service; index: its start ordinal), as one figure or as image pull
// and model load.
inline constexpr std::string_view kReplicaStartup = "replica_startup";
inline constexpr std::string_view kImagePull = "image_pull";
inline constexpr std::string_view kModelLoad = "model_load";
// The spot market (entity: the pool): pool-level reclaim events and whether they hit an instance,
// capacity shortages, and each instance's own interruption (index: its launch ordinal in the pool).
inline constexpr std::string_view kPoolEvents = "pool_events";
inline constexpr std::string_view kPoolEventHit = "pool_event_hit";
inline constexpr std::string_view kCapacityShortages = "capacity_shortages";
inline constexpr std::string_view kSpotInterruption = "spot_interruption";
// The world's uncertain figures, drawn once per replicate (entity: the figure's JSON pointer, such
// as "/uncertainty/demand_scale"; index: 0, or the pool for the market's per-pool figures).
inline constexpr std::string_view kUncertainty = "uncertainty";
// The Cluster Autoscaler's random expander (index: the scan).
inline constexpr std::string_view kExpanderRandom = "cluster_autoscaler_expander";

}  // namespace capsim::stream
