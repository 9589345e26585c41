#pragma once
// Internal to io/: decoders of Kubernetes objects from JSON (a YAML manifest parses to the same
// values). Each takes a JSON value and the pointer it sits at, so one decoder serves a scenario
// file's sections and a manifest alike; every problem is recorded by the Checker with its pointer,
// what was expected and what was found.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/autoscale/hpa_config.hpp"
#include "capsim/autoscale/keda.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/catalog/topology_spread.hpp"
#include "capsim/cluster/resource_quota.hpp"
#include "capsim/provisioning/karpenter/disruption_budget.hpp"
#include "capsim/provisioning/karpenter/node_overlay.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"
#include "io/json/json_checker.hpp"

namespace capsim::io::k8s {

using detail::Bound;
using detail::Checker;
using detail::describe;
using detail::ptr_join;
using nlohmann::json;

// Sizes beyond any real workload; larger values are typos (an extra zero), reported as such.
inline constexpr std::int64_t kMaxReplicas = 1'000'000;

/// A CPU quantity under `key` of `obj` ("4", 0.5, "500m") in millicores; nullopt when absent or bad.
std::optional<std::int64_t> cpu_quantity(Checker& ck, const json& obj, const std::string& p, const char* key);
/// A memory quantity under `key` of `obj` ("16Gi", "512Mi") in MiB; nullopt when absent or bad.
std::optional<std::int64_t> memory_quantity(Checker& ck, const json& obj, const std::string& p, const char* key);

/// Who wrote the requirements, which decides the operators and keys they may use.
struct RequirementRules {
  /// Karpenter's Gte and Lte, and its "single positive integer value" for Gt/Lt/Gte/Lte: newer
  /// karpenter.sh/v1 NodePools and NodeOverlays (Karpenter's ValidateRequirement) accept them;
  /// Kubernetes pods do not (their NodeSelectorRequirement has In, NotIn, Exists, DoesNotExist, Gt, Lt).
  bool karpenter = false;
  /// Keys allowed beyond the well-known ones (a NodeOverlay's karpenter.sh/nodepool and the NodePools'
  /// template labels), and where they come from, for the message when a key is neither.
  std::vector<std::string> extra_keys{};
  std::string extra_keys_note{};
};

/// NodeSelectorRequirements ({key, operator, values}); a set no node can satisfy is an error.
std::vector<Requirement> requirements(Checker& ck, const json& j, const std::string& p, const RequirementRules& rules = {});
/// Taints ({key, value, effect}).
std::vector<Taint> taints(Checker& ck, const json& j, const std::string& p);
/// Tolerations ({key, operator, value, effect, tolerationSeconds}), as the API server validates them.
std::vector<Toleration> tolerations(Checker& ck, const json& j, const std::string& p);

/// capsim's short form of topology spread (a service replica's `topology_spread`: {key, max_skew,
/// when_unsatisfiable, min_domains}); keys other than the zone and the hostname are refused.
std::vector<TopologySpreadConstraint> topology_spread_short(Checker& ck, const json& j, const std::string& p);
/// A pod spec's topologySpreadConstraints, checked as the API server does: the zone and hostname
/// constraints into `out`, and a note in `notes` for each constraint or field capsim does not
/// simulate (another topologyKey, nodeAffinityPolicy Ignore, nodeTaintsPolicy Honor, a labelSelector
/// that does not select the pod's own `pod_labels`).
void topology_spread_constraints(Checker& ck, const json& j, const std::string& p, const std::map<std::string, std::string>& pod_labels,
                                 std::vector<TopologySpreadConstraint>& out, std::vector<std::string>& notes);

/// A Karpenter NodePool object ({apiVersion, kind, metadata, spec}) with the v1.x additions capsim
/// simulates (Balanced consolidation, static replicas, minValues): manifests and the scenario's
/// cluster.node_pools read NodePools through this one function.
std::optional<KarpenterNodePool> node_pool(Checker& ck, const json& j, const std::string& p);
/// The fields of karpenter.sh/v1 without those additions (node_pool takes them out first).
std::optional<KarpenterNodePool> node_pool_v1(Checker& ck, const json& j, const std::string& p);
/// A NodePool's spec.disruption.budgets.
std::vector<DisruptionBudget> disruption_budgets(Checker& ck, const json& j, const std::string& p);

/// A Karpenter NodeOverlay object ({apiVersion, kind, metadata, spec}), as a manifest or the
/// scenario's cluster.node_overlays gives it: requirements on well-known labels, karpenter.sh/nodepool
/// and the labels of `template_labels` (the NodePools' spec.template.metadata.labels keys), weight,
/// price or priceAdjustment, capacity of extended resources.
std::optional<NodeOverlay> node_overlay(Checker& ck, const json& j, const std::string& p,
                                        const std::vector<std::string>& template_labels = {});

/// A KEDA ScaledObject's spec (minReplicaCount, maxReplicaCount, pollingInterval, cooldownPeriod,
/// triggers, advanced.horizontalPodAutoscalerConfig.behavior). A trigger of type "queue" reads the
/// service's simulated queue (metadata.metricName waiting_requests or requests_in_system); "trace"
/// reads one of `traces`.
std::optional<ScaledObjectSpec> scaled_object(Checker& ck, const json& j, const std::string& p, const std::set<std::string>& traces);

/// An HPA's `behavior` (scaleUp, scaleDown), fields left out defaulted as the API server does.
std::optional<HpaBehavior> hpa_behavior(Checker& ck, const json& j, const std::string& p);

/// An autoscaling/v2 HorizontalPodAutoscaler spec (minReplicas, maxReplicas, metrics, behavior) plus
/// capsim's collection_lag_s. External metrics must name one of `external_metrics`.
std::optional<HpaConfig> horizontal_pod_autoscaler(Checker& ck, const json& j, const std::string& p,
                                                   const std::set<std::string>& external_metrics);

/// What a pod template asks of a node, as the scheduler adds it up: the containers' requests summed
/// (or the largest init container's, if larger), a request left out defaulting to its limit; one
/// accelerator kind; node affinity; tolerations; labels.
struct PodShape {
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_mib = 0;
  std::optional<std::int64_t> limit_cpu_millicores;  // set when every container has one
  std::optional<std::int64_t> limit_memory_mib;
  int devices = 0;  // nvidia.com/gpu or aws.amazon.com/neuron, per `device`
  DeviceResource device = DeviceResource::NvidiaGpu;
  std::vector<Requirement> requirements;  // nodeSelector and the required node affinity term
  std::vector<Toleration> tolerations;
  std::map<std::string, std::string> labels;
  bool preferred_affinity = false;  // preferredDuringScheduling terms were given (not simulated)
  std::optional<std::int64_t> termination_grace_period_s;  // terminationGracePeriodSeconds
  std::vector<TopologySpreadConstraint> topology_spread;  // topologySpreadConstraints capsim simulates
  std::vector<std::string> topology_spread_notes;         // and what of them it does not
};

/// A v1 PodTemplateSpec ({metadata, spec}), as a Deployment's spec.template holds it.
std::optional<PodShape> pod_template(Checker& ck, const json& j, const std::string& p);

/// A v1 ResourceQuota ({hard: {...}}).
std::optional<ResourceQuotaSpec> resource_quota(Checker& ck, const json& q, const std::string& p);

}  // namespace capsim::io::k8s
