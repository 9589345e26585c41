#pragma once
// A loaded, validated scenario: the world every policy shares and, per policy, the choices with the
// policy's merge patches already applied. Plain values; io::load_scenario builds it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/autoscale/hpa.hpp"
#include "capsim/autoscale/target_tracking.hpp"
#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/cluster/disruption_budget.hpp"
#include "capsim/cluster/karpenter_scheduler.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/market/allocation.hpp"
#include "capsim/market/market_spec.hpp"
#include "capsim/market/spot_advisor.hpp"
#include "capsim/core/assumption.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/tags.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/trace/request_log.hpp"
#include "capsim/trace/trace.hpp"
#include "capsim/workload/fluid_queue.hpp"

namespace capsim {

// The zones offerings exist in unless the scenario says otherwise; any three us-east-1 zones serve.
inline const std::vector<std::string> kDefaultZones = {"us-east-1a", "us-east-1b", "us-east-1c"};

// Default of a real system: EKS standard support is USD 0.10 per cluster-hour
// (aws.amazon.com/eks/pricing; ../shared/MODEL.md "Billing").
inline constexpr double kEksControlPlaneUsdPerHour = 0.10;

struct SimulationSpec {
  UtcTime start{};
  SimDuration duration = 0;
  SimDuration period = 60 * kMicrosPerSecond;
  std::uint64_t seed = 1;
  int replicates = 1;
  std::size_t periods() const { return static_cast<std::size_t>(duration / period); }
};

struct TraceInput {
  Trace trace;  // at the simulation's period
  bool tile = false;
  std::optional<RequestLog> requests;  // request-level traces: every request with its tokens
};

enum class ArrivalModel {
  Poisson,   // requests in a period ~ Poisson(trace value × scale)
  Expected,  // exactly trace value × scale (deterministic planning)
};

struct DemandSpec {
  std::string trace;
  double scale = 1.0;
  ArrivalModel arrivals = ArrivalModel::Poisson;
};

struct SlaSpec {
  double max_wait_s = 0;
  OverloadAction on_overload = OverloadAction::Drop;
};

struct ServiceSpec {
  std::string name;
  DemandSpec demand;
  int replica_gpus = 1;  // accelerator devices per replica, of `replica_device`
  double concurrency = 1;  // requests a replica serves at once (in flight, lost if it stops abruptly)
  DeviceResource replica_device = DeviceResource::NvidiaGpu;  // nvidia.com/gpu or aws.amazon.com/neuron
  std::int64_t replica_cpu_millicores = 0;  // pod requests (cpu, memory) besides nvidia.com/gpu
  std::int64_t replica_memory_mib = 0;
  Requirements replica_requirements;         // the pod's required node affinity
  std::optional<Distribution> startup_s;  // pod bound → ready, as one figure...
  std::optional<Distribution> image_pull_s;  // ...or as its parts: image pull,
  std::optional<Distribution> model_load_s;  // and model load to serving
  bool has_startup_latency() const { return startup_s || image_pull_s; }
  int replicas = 0;
  std::map<std::string, double> throughput_rps;  // per replica, by instance type
  SlaSpec sla;
  Tags tags;
  std::string namespace_name = "default";  // its pods' Kubernetes namespace (ResourceQuota)
  std::vector<Toleration> tolerations;      // the pod's tolerations (for GPU taints)
  std::optional<std::int64_t> limit_cpu_millicores;  // limits (Kubernetes: a missing request defaults to its limit)
  std::optional<std::int64_t> limit_memory_mib;
  std::optional<std::int64_t> usage_cpu_millicores;  // what a replica actually uses on average (default: its request)
  std::optional<std::int64_t> usage_memory_mib;
};

enum class InitialState { Ready, Launching };

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

struct NodeGroupSpec {
  std::string name;
  std::vector<std::string> instance_types;  // one, or several to diversify over (spot)
  std::vector<std::string> zones;           // empty: every zone of the catalog
  int count = 0;
  CapacityType capacity_type = CapacityType::OnDemand;
  AllocationStrategy allocation_strategy = AllocationStrategy::LowestPrice;
  std::size_t max_pools = 1;  // pools (type × zone) one launch may spread over
  int reservation_count = 0;  // reserved: instances the capacity reservation holds (billed whether used or not)
  int min_size = 0;           // cluster-autoscaler: the group's bounds (count is where it starts)
  int max_size = 0;
  InitialState initial_state = InitialState::Ready;
  Tags tags;
  std::vector<Taint> taints;  // on its nodes (an EKS managed node group's taints)
  std::optional<TargetTrackingPolicy> target_tracking;  // a plain ASG scaled by target tracking
};

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

enum class Provisioner { Static, ClusterAutoscaler, Karpenter };

// Defaults of Karpenter (../shared/MODEL.md "Karpenter").
inline constexpr SimDuration kKarpenterBatchIdle = 1 * kMicrosPerSecond;   // batchIdleDuration
inline constexpr SimDuration kKarpenterBatchMax = 10 * kMicrosPerSecond;   // batchMaxDuration

enum class ConsolidationPolicy { WhenEmpty, WhenEmptyOrUnderutilized };

// Karpenter's default NodePool expireAfter (karpenter.sh/docs/concepts/nodepools; MODEL.md).
inline constexpr SimDuration kKarpenterExpireAfter = 720 * kMicrosPerHour;

/// A Karpenter v1 NodePool as the scenario gives it.
struct KarpenterNodePool {
  NodePoolSpec scheduling;  // name, requirements, taints, weight, limits
  ConsolidationPolicy consolidation_policy = ConsolidationPolicy::WhenEmptyOrUnderutilized;  // Karpenter's default
  std::optional<SimDuration> consolidate_after = SimDuration{0};  // nullopt: "Never"
  Tags labels;  // spec.template.metadata.labels: on its nodes, and so on their cost lines
  std::vector<DisruptionBudget> budgets = default_budgets();  // spec.disruption.budgets
  std::optional<SimDuration> expire_after = kKarpenterExpireAfter;  // template.spec.expireAfter; nullopt: "Never"
};

// The disruption controller's cadence (kubernetes-sigs/karpenter pkg/controllers/disruption:
// it polls every 10 s; consolidationTTL re-validates a decision after 15 s).
inline constexpr SimDuration kKarpenterDisruptionPoll = 10 * kMicrosPerSecond;
inline constexpr SimDuration kKarpenterConsolidationValidation = 15 * kMicrosPerSecond;

struct KarpenterSpec {
  SimDuration batch_idle = kKarpenterBatchIdle;
  SimDuration batch_max = kKarpenterBatchMax;
  SimDuration disruption_poll = kKarpenterDisruptionPoll;
  SimDuration consolidation_validation = kKarpenterConsolidationValidation;
  bool spot_to_spot_consolidation = false;  // settings.featureGates.spotToSpotConsolidation (off by default)
  std::vector<KarpenterNodePool> node_pools;
};

// Defaults of the Cluster Autoscaler (kubernetes/autoscaler FAQ; ../shared/MODEL.md).
inline constexpr SimDuration kCaScanInterval = 10 * kMicrosPerSecond;
inline constexpr SimDuration kCaScaleDownUnneededTime = 10 * kMicrosPerMinute;
inline constexpr double kCaScaleDownUtilizationThreshold = 0.5;
inline constexpr SimDuration kCaScaleDownDelayAfterAdd = 10 * kMicrosPerMinute;
inline constexpr SimDuration kCaMaxNodeProvisionTime = 15 * kMicrosPerMinute;         // --max-node-provision-time
inline constexpr SimDuration kCaInitialNodeGroupBackoff = 5 * kMicrosPerMinute;       // --initial-node-group-backoff-duration
inline constexpr SimDuration kCaMaxNodeGroupBackoff = 30 * kMicrosPerMinute;          // --max-node-group-backoff-duration
inline constexpr SimDuration kCaNodeGroupBackoffResetTimeout = 3 * kMicrosPerHour;    // --node-group-backoff-reset-timeout

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
  Expander expander = Expander::LeastWaste;  // the Cluster Autoscaler's default
};

/// A cron schedule that sets an HPA's bounds, or a node group's size as an EC2 Auto Scaling
/// scheduled action does (scheduled scaling).
struct ScheduleSpec {
  std::string schedule;   // 5-field cron or macro
  std::string time_zone = "UTC";
  std::string hpa;        // the service whose HPA it changes...
  std::optional<int> min_replicas;
  std::optional<int> max_replicas;
  std::string node_group;  // ...or the node group whose MinSize / MaxSize / DesiredCapacity it sets
  std::optional<int> min_size;
  std::optional<int> max_size;
  std::optional<int> desired_capacity;
};

/// A namespace's ResourceQuota (spec.hard): pods that would exceed it are not created.
struct ResourceQuotaSpec {
  std::optional<std::int64_t> cpu_millicores;  // requests.cpu
  std::optional<std::int64_t> memory_mib;      // requests.memory
  std::optional<int> gpus;                     // requests.nvidia.com/gpu
  std::optional<int> pods;                     // pods
};

struct ClusterSpec {
  std::map<std::string, ResourceQuotaSpec> resource_quotas;  // by namespace
  Provisioner provisioner = Provisioner::Static;
  ClusterAutoscalerSpec cluster_autoscaler;
  KarpenterSpec karpenter;
  std::map<std::string, HpaConfig> hpa;  // by service name
  std::vector<ScheduleSpec> schedules;
  bool eks_control_plane = true;
  double eks_control_plane_usd_per_h = kEksControlPlaneUsdPerHour;
  std::optional<Distribution> node_ready_s;  // instance launch → node Ready, as one figure...
  std::optional<Distribution> node_launch_s;  // ...or as its parts: launch request → running,
  std::optional<Distribution> node_boot_s;    // and running → kubelet Ready
  bool has_node_latency() const { return node_ready_s || node_launch_s; }
  std::vector<NodeGroupSpec> node_groups;
  Tags tags;
};

struct PolicySpec {
  std::string name;
  std::string description;
  std::vector<ServiceSpec> services;
  ClusterSpec cluster;
  std::vector<Assumption> assumptions;
};

struct Scenario {
  std::string name;
  std::string description;
  SimulationSpec simulation;
  std::map<std::string, TraceInput> traces;
  InstanceCatalog catalog;
  std::vector<std::string> zones;                // availability zones offerings exist in
  std::map<std::string, std::string> zone_ids;   // zone ID ("use1-az4") → zone name, for spot data keyed by ID
  SpotAdvisor spot_advisor;
  MarketSpec market;
  std::vector<PolicySpec> policies;  // in file order; at least one
  std::string baseline;              // name of one of `policies`
  std::map<std::string, std::string> sources;  // JSON pointer → where the figure comes from
  std::vector<std::string> warnings;           // points filled, merged, dropped or clipped while reading

  const PolicySpec& policy(std::string_view name) const;
};

}  // namespace capsim
