#pragma once
// Karpenter's provisioning simulation, without an engine: a batch of pending pods is placed on
// existing nodes, on node claims planned in this round, or on new node claims from NodePools, the way
// kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling does it. Each new
// claim carries the instance types that can still hold all its pods, cheapest first, and an
// explanation of why every cheaper type was rejected.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/cluster/pod_spec.hpp"

namespace capsim {

namespace karpenter {
/// Instance types kept per claim while scheduling (scheduling.MaxInstanceTypes in karpenter).
inline constexpr std::size_t kMaxTypesWhileScheduling = 600;
/// Instance types sent in one launch request (the EC2 CreateFleet overrides karpenter-provider-aws sends).
inline constexpr std::size_t kMaxTypesInClaim = 60;
}  // namespace karpenter

/// NodePool `limits`: a bound on the pool's total capacity (existing nodes plus planned claims);
/// an unset field is unlimited.
struct PoolLimits {
  std::optional<std::int64_t> cpu_millicores;
  std::optional<std::int64_t> memory_mib;
  std::optional<int> gpus;
  std::optional<int> nodes;
};

/// A requirement's `minValues` (a flexibility floor): a claim of the NodePool keeps at least `min`
/// distinct values of `key` among its instance types, or the NodePool does not take the pods
/// (Karpenter's default MIN_VALUES_POLICY, Strict). The largest of several on one key applies.
struct MinValues {
  std::string key;
  int min = 1;
};

/// Karpenter's MIN_VALUES_POLICY (--min-values-policy), one setting for every NodePool. Strict (the
/// default): a NodePool whose types cannot meet a minValues does not take the pod, and a launch
/// request whose 60 cheapest types no longer meet it fails. BestEffort: the floor is relaxed to the
/// distinct values there are (the claim is marked relaxed, as Karpenter annotates the NodeClaim
/// karpenter.sh/nodeclaim-min-values-relaxed) and the request is cut to 60 types whatever it keeps.
enum class MinValuesPolicy { Strict, BestEffort };

struct NodePoolSpec {
  std::string name;
  Requirements requirements;
  int weight = 0;  // higher first; ties keep the input order
  PoolLimits limits;
  std::vector<Taint> taints;  // template.spec.taints: on every node it launches
  std::vector<MinValues> min_values;
  /// The capacity reservations its EC2NodeClass's capacityReservationSelectorTerms select (their ids):
  /// the only reserved offerings it may launch into.
  std::vector<std::string> capacity_reservations;
  MinValuesPolicy min_values_policy = MinValuesPolicy::Strict;  // the Karpenter setting, copied to every NodePool
};

/// A node already in the cluster. `type` may be null (unknown type: it then counts nothing against
/// its pool's limits); `node_pool` may be empty (not managed by a NodePool).
struct ExistingNode {
  std::string name;
  const InstanceType* type = nullptr;
  ResourceList free;  // allocatable minus what is bound; `pods` = free pod slots
  std::shared_ptr<const Labels> labels;  // shared: a simulation hands the same node to many rounds
  std::string node_pool;
  std::vector<Taint> taints;
  /// Pods bound to it, by workload, for the workloads with topology spread constraints (they count
  /// its zone's pods, or its own for kubernetes.io/hostname).
  std::map<std::string, int, std::less<>> workload_pods{};
  /// The devices a NodeOverlay's capacity gave it (0: its type's own): its nvidia.com/gpu capacity
  /// as its NodePool's limits count it.
  int overlay_devices = 0;
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
  std::vector<double> instance_type_prices;  // parallel: each type's cheapest offering of `capacity_type`
  CapacityType capacity_type = CapacityType::OnDemand;
  std::string zone;  // of the cheapest offering
  Requirements requirements;  // its NodePool's and its pods' together: the launch keeps to their zones
  double cheapest_price_usd_per_h = 0;
  ResourceList requests;  // sum over its pods
  ClaimExplanation explanation;
  bool min_values_relaxed = false;  // BestEffort relaxed a minValues of its NodePool for it
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

/// The catalog's types prepared for scheduling (their labels, and an index by name), built once and
/// reused by every round over the same catalog, which must outlive it.
struct SchedulingCatalog {
  explicit SchedulingCatalog(const InstanceCatalog& catalog);
  const InstanceCatalog* catalog = nullptr;
  std::vector<Labels> labels;                          // by position in catalog->types()
  std::unordered_map<std::string, std::size_t> index;  // type name -> position
  /// By position: the accelerator devices a node of the type offers pods, its GPUs or Neuron
  /// devices unless a NodeOverlay's capacity says otherwise (set after construction).
  std::vector<int> devices;
};

/// What a NodePool's NodeOverlays make Karpenter believe there (NodeOverlays apply per NodePool).
struct NodePoolBeliefs {
  std::vector<double> prices;  // parallel to the snapshot's offerings; empty: the offerings' own prices
  std::vector<int> devices;    // by catalog position; empty: SchedulingCatalog::devices
};

/// A catalog with its offerings at one moment (prices, availability), prepared once for any number
/// of scheduling rounds against it: Karpenter's consolidation simulates many candidate sets per
/// decision. It caches type filtering by NodePool name and pod shape, so within one snapshot a
/// NodePool name must always mean the same NodePool. Not to be shared between threads.
class SchedulingSnapshot {
 public:
  /// `beliefs`: by NodePool name, the prices and device counts its NodeOverlays give (a NodePool not
  /// named believes the offerings and the catalog).
  SchedulingSnapshot(const SchedulingCatalog& catalog, std::vector<Offering> offerings,
                     std::map<std::string, NodePoolBeliefs, std::less<>> beliefs = {});
  ~SchedulingSnapshot();
  SchedulingSnapshot(SchedulingSnapshot&&) noexcept;
  SchedulingSnapshot& operator=(SchedulingSnapshot&&) noexcept;
  /// The labels of the catalog's type `name` (nullptr for a type it lacks).
  const Labels* type_labels(std::string_view name) const;
  struct Impl;

 private:
  friend SchedulingResult schedule(const std::vector<const PodSpec*>&, const std::vector<NodePoolSpec>&,
                                   const std::vector<const ExistingNode*>&, const SchedulingSnapshot&, bool);
  std::unique_ptr<Impl> impl_;  // its cache fills as rounds run, hence mutable through a const snapshot
};

/// One scheduling round. `offerings` are the type × zone × capacity-type offerings with price and
/// availability; a type without an available offering is never chosen. Throws capsim::Error for
/// negative requests.
SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<ExistingNode>& existing, const InstanceCatalog& catalog,
                          const std::vector<Offering>& offerings);
SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<ExistingNode>& existing, const SchedulingCatalog& catalog,
                          const std::vector<Offering>& offerings);
/// A round against a prepared snapshot, the existing nodes given by address (none copied). Without
/// `explain`, claims carry no list of rejected cheaper types (consolidation has no use for it).
SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<const ExistingNode*>& existing, const SchedulingSnapshot& snapshot,
                          bool explain = true);
/// The same with the pods given by address (none copied).
SchedulingResult schedule(const std::vector<const PodSpec*>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<const ExistingNode*>& existing, const SchedulingSnapshot& snapshot, bool explain);

/// The first of `min_values` that the types named `types` do not meet, said ("" when all are met).
std::string min_values_unmet(const std::vector<MinValues>& min_values, const std::vector<std::string>& types,
                             const SchedulingSnapshot& snapshot);
/// The distinct values of `key` among the types named `types`.
int distinct_values(const std::string& key, const std::vector<std::string>& types, const SchedulingSnapshot& snapshot);

/// One available on-demand offering per catalog type and zone, at the catalog's on-demand price.
std::vector<Offering> ondemand_offerings(const InstanceCatalog& catalog, const std::vector<std::string>& zones);

}  // namespace capsim
