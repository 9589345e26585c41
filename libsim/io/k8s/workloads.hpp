#pragma once
// Internal to io/: decoders of the Kubernetes objects around a workload's pods — Deployments and
// StatefulSets (apps/v1), LimitRanges (v1), PodDisruptionBudgets (policy/v1), label selectors —
// and Karpenter's EC2NodeClass (karpenter.k8s.aws/v1). Each takes the whole object and the pointer
// it sits at, and records every problem with the Checker, as decoders.hpp's do.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/market/capacity_reservation.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

/// A metav1.LabelSelector: matchLabels and matchExpressions, ANDed. An empty selector selects
/// every pod (as a PDB's does in policy/v1).
struct LabelSelector {
  struct Expression {
    std::string key;
    std::string op;  // In, NotIn, Exists, DoesNotExist
    std::vector<std::string> values;
  };
  std::map<std::string, std::string> match_labels;
  std::vector<Expression> match_expressions;
  bool matches(const std::map<std::string, std::string>& labels) const;
};

std::optional<LabelSelector> label_selector(Checker& ck, const json& j, const std::string& p);

/// A Deployment's or StatefulSet's pods: how many, their labels and their template as written.
struct Workload {
  std::string kind;  // "Deployment" or "StatefulSet"
  std::string name, namespace_name;
  int replicas = 1;  // spec.replicas; the API server defaults it to 1
  bool replicas_given = false;
  LabelSelector selector;
  std::map<std::string, std::string> pod_labels;  // spec.template.metadata.labels
};

/// An apps/v1 Deployment or StatefulSet object. Its selector must select its own template's pods,
/// as the API server requires; the template itself is decoded by pod_template (decoders.hpp).
std::optional<Workload> workload(Checker& ck, const json& j, const std::string& p);

/// What a namespace's LimitRange does to a container (type Container), after the API server's
/// defaulting of the LimitRange itself: a `default` limit left out is its `max`, a `defaultRequest`
/// left out is its `default` (else its `min`).
struct LimitRangeDefaults {
  nlohmann::json default_limits = nlohmann::json::object();    // resource → quantity, as written
  nlohmann::json default_requests = nlohmann::json::object();
  std::map<std::string, std::int64_t> min, max;                // "cpu" in millicores, "memory" in MiB
};

std::optional<LimitRangeDefaults> limit_range(Checker& ck, const json& j, const std::string& p);

/// The LimitRanger admission plugin on a pod template (JSON, at `p`): each container's cpu and
/// memory request left out (after a request defaults to its own limit) takes the default request,
/// a limit left out the default limit; a request or limit outside [min, max] is refused, as the
/// API server refuses the pod.
void apply_limit_range(Checker& ck, const LimitRangeDefaults& limits, json& pod_template, const std::string& p);

/// A policy/v1 PodDisruptionBudget: minAvailable or maxUnavailable (a count or a percentage).
struct PodDisruptionBudgetSpec {
  std::string name, namespace_name;
  LabelSelector selector;
  std::optional<std::string> min_available, max_unavailable;  // "1" or "25%", as written
  std::optional<std::string> unhealthy_pod_eviction_policy;   // IfHealthyBudget (the default) or AlwaysAllow
};

std::optional<PodDisruptionBudgetSpec> pod_disruption_budget(Checker& ck, const json& j, const std::string& p);

/// What capsim reads of an EC2NodeClass: the fields that change what a node costs or where it may
/// run, and the names of the fields it does not model (read and ignored, said in a note).
struct Ec2NodeClassSpec {
  std::string name;
  std::optional<std::string> instance_store_policy;  // "RAID0"
  std::vector<CapacityReservationTerm> capacity_reservation_terms;  // capacityReservationSelectorTerms
  std::vector<std::string> ignored_fields;            // spec fields capsim does not model, sorted
  /// What Karpenter's static drift compares (the EC2NodeClass hash): the spec less the fields it does
  /// not hash (the selector terms, ipPrefixCount, amiFamily) plus the AMI family in force (amiFamily,
  /// else the alias's family), written canonically (zero values dropped, lists as sets).
  std::string static_hash;
  /// amiSelectorTerms, subnetSelectorTerms and securityGroupSelectorTerms, written canonically: what
  /// the class resolves its AMIs, subnets and security groups from (Karpenter's dynamic drift).
  std::string resolution_terms;
};

std::optional<Ec2NodeClassSpec> ec2_node_class(Checker& ck, const json& j, const std::string& p);

}  // namespace capsim::io::k8s
