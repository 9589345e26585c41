#pragma once
// Karpenter's provisioning simulation, without an engine: a batch of pending pods is placed on
// existing nodes, on node claims planned in this round, or on new node claims from NodePools, the way
// kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling does it (see MODEL.md). Each new
// claim carries the instance types that can still hold all its pods, cheapest first, and an
// explanation of why every cheaper type was rejected.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/catalog/requirements.hpp"

namespace capsim {

namespace karpenter {
/// Instance types kept per claim while scheduling (scheduling.MaxInstanceTypes in karpenter).
inline constexpr std::size_t kMaxTypesWhileScheduling = 600;
/// Instance types sent in one launch request (the EC2 CreateFleet overrides karpenter-provider-aws sends).
inline constexpr std::size_t kMaxTypesInClaim = 60;
}  // namespace karpenter

/// Requests of a pod, or free room on a node. `pods` counts pod slots (one per pod).
struct ResourceList {
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_mib = 0;
  int gpus = 0;  // nvidia.com/gpu
  int pods = 1;
};

struct PodSpec {
  std::string name;
  ResourceList requests;
  Requirements requirements;  // required node affinity / node selector
};

/// NodePool `limits`: a bound on the pool's total capacity (existing nodes plus planned claims);
/// an unset field is unlimited.
struct PoolLimits {
  std::optional<std::int64_t> cpu_millicores;
  std::optional<std::int64_t> memory_mib;
  std::optional<int> gpus;
  std::optional<int> nodes;
};

struct NodePoolSpec {
  std::string name;
  Requirements requirements;
  int weight = 0;  // higher first; ties keep the input order
  PoolLimits limits;
};

/// A node already in the cluster. `type` may be null (unknown type: it then counts nothing against
/// its pool's limits); `node_pool` may be empty (not managed by a NodePool).
struct ExistingNode {
  std::string name;
  const InstanceType* type = nullptr;
  ResourceList free;  // allocatable minus what is bound; `pods` = free pod slots
  Labels labels;
  std::string node_pool;
};

/// Why one instance type was not used. `reason` starts with its kind: "requirements: ...",
/// "exotic: ...", "offering: ...", "fit: ...", "limits: ...".
struct Rejection {
  std::string instance_type;
  double price_usd_per_h = 0;  // its cheapest compatible offering, or else its cheapest offering
  std::string reason;
};

/// For a new claim: the pod that opened it, how many types it started with, and every type cheaper
/// than its cheapest type (at opening) that was rejected for that pod, cheapest first.
struct ClaimExplanation {
  std::string opened_by;
  std::size_t types_considered = 0;
  double opened_price_usd_per_h = 0;
  std::vector<Rejection> cheaper_rejected;
};

struct PlannedNodeClaim {
  std::string node_pool;
  std::vector<std::string> pods;
  /// The launch request: cheapest first (by the chosen capacity type's price), at most kMaxTypesInClaim.
  std::vector<std::string> instance_types;
  CapacityType capacity_type = CapacityType::OnDemand;
  std::string zone;  // of the cheapest offering
  double cheapest_price_usd_per_h = 0;
  ResourceList requests;  // sum over its pods
  ClaimExplanation explanation;
};

struct Binding {
  std::string pod;
  std::string node;
};

struct UnschedulablePod {
  std::string pod;
  std::string reason;  // one clause per NodePool tried ("pool gpu: limits: ...")
};

struct SchedulingResult {
  std::vector<Binding> bound_to_existing;
  std::vector<PlannedNodeClaim> claims;
  std::vector<UnschedulablePod> unschedulable;

  /// Index in `claims` of the claim holding `pod`, or nullopt.
  std::optional<std::size_t> claim_of(std::string_view pod) const;
  /// The existing node `pod` was bound to, or "".
  std::string node_of(std::string_view pod) const;
};

/// One scheduling round. `offerings` are the type × zone × capacity-type offerings with price and
/// availability; a type without an available offering is never chosen. Throws capsim::Error for
/// negative requests.
SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<ExistingNode>& existing, const InstanceCatalog& catalog,
                          const std::vector<Offering>& offerings);

/// One available on-demand offering per catalog type and zone, at the catalog's on-demand price.
std::vector<Offering> ondemand_offerings(const InstanceCatalog& catalog, const std::vector<std::string>& zones);

}  // namespace capsim
