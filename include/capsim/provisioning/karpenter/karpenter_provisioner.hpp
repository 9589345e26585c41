#pragma once
// Karpenter as a provisioner: pending pods are batched (a window opens at the first, each new one
// resets the idle timer, it closes at idle or at the maximum), the scheduling simulation
// (scheduler.hpp) places them on existing nodes or on new node claims, and each claim is launched
// through the market: spot by price-capacity-optimized, on-demand by lowest price, a pool that fails
// with insufficient capacity avoided for its unavailable period and the next one tried. A node
// expires at its NodePool's expireAfter. Disruption is its own controller (disruption_controller).
// At each scheduled change (KarpenterSpec::changes) the NodePools become the changed ones: new claims
// come from them, and the nodes launched under a template that changed are marked Drifted (drift.hpp).
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capsim/core/tags.hpp"
#include "capsim/cost/price_schedule.hpp"
#include "capsim/provisioning/karpenter/node_overlay.hpp"
#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"
#include "capsim/provisioning/provisioner.hpp"

namespace capsim {

class DisruptionController;

/// Karpenter's view of the market during one run: the market pool of every offering it considers,
/// whether a NodePool's requirements admit a pool, and the catalog's offerings prepared for
/// scheduling at the prices and availability of now. Provisioning rounds come hundreds of times a
/// month while these seldom change, so each is worked out once and then only re-checked.
class MarketOfferings {
 public:
  /// `overlays`: the NodeOverlays whose prices and device capacity Karpenter decides by, resolved for
  /// each of `node_pools` (they apply per NodePool).
  MarketOfferings(const ClusterControllers& cluster, std::function<bool(const std::string&)> has_spot_prices,
                  const std::vector<NodeOverlay>& overlays, const std::vector<KarpenterNodePool>& node_pools);

  /// The market pool of the catalog's `type`-th type in the run's `zone`-th zone (made on first use).
  std::size_t pool(std::size_t type, std::size_t zone, CapacityType capacity);
  /// The market pools of the account's capacity reservations of that type and zone: one reserved
  /// offering per reservation (as Karpenter makes them), in market.capacity_reservations order.
  std::vector<std::size_t> reserved_pools(std::size_t type, std::size_t zone);
  /// The catalog position of the type named `name` (throws, with close matches, for an unknown one).
  std::size_t type_index(const std::string& name) const;
  /// Whether NodePool `node_pool` (its `requirements`) admits the offering of market pool `pool`.
  bool admits(std::size_t node_pool, const Requirements& requirements, std::size_t pool);
  /// Every offering in the scenario's zones, priced and available as the market says now (the
  /// prepared snapshot, and the type filtering it has cached, kept until one of them changes).
  const SchedulingSnapshot& snapshot();
  /// The price Karpenter decides by in the `node_pool`-th NodePool for market pool `pool` priced
  /// `usd_per_h` (its NodeOverlays', or the market's): what it schedules, launches and consolidates
  /// by, never what is billed.
  double decided_price(std::size_t node_pool, std::size_t pool, double usd_per_h);
  /// The accelerator devices a node of the catalog's `type`-th type offers pods in the `node_pool`-th
  /// NodePool (its NodeOverlays' capacity, or the type's own).
  int devices(std::size_t node_pool, std::size_t type) const;
  /// The NodePools changed (a scheduled change) to `node_pools`: what was worked out from their
  /// requirements is forgotten, and the overlays are resolved again for them.
  void node_pools_changed(const std::vector<KarpenterNodePool>& node_pools);

 private:
  struct Watched {                 // one offering of the snapshot
    std::size_t pool = 0;          // its market pool
    const PriceSchedule* prices = nullptr;
    std::size_t price_step = 0;    // the step of its price schedule in force at the last look
    bool limited = false;          // a capacity, recorded availability or shortages can limit it
    double price = 0;              // as the snapshot has them
    bool available = false;
    bool reserved = false;         // a capacity reservation's offering
    int room = -1;                 // reserved: its free instances at the last look
  };
  struct Checked {                 // the last look at every offering
    std::uint64_t avoidances = 0;  // pools avoided by then
    SimTime until = -1;            // the next price step or end of an avoidance after it
  };
  /// Brings one offering up to now; true when its price or availability changed.
  bool look(Watched& w, SimTime now);
  void resolve_overlays(const std::vector<KarpenterNodePool>& node_pools);

  ClusterControllers cluster_;
  std::function<bool(const std::string&)> has_spot_prices_;
  SchedulingCatalog catalog_;               // the catalog prepared once
  std::vector<std::size_t> pools_;          // (type, zone, capacity type) -> market pool + 1 (0: not made yet); not reserved
  std::vector<std::vector<signed char>> admits_;  // NodePool × market pool: 1 admits, 0 not, -1 not known yet
  std::vector<Watched> watched_;            // every offering it considers
  std::vector<std::size_t> limited_;        // those `limited`, by position in watched_
  Checked checked_;
  std::optional<SchedulingSnapshot> snapshot_;
  struct Overlays {
    std::vector<NodeOverlay> spec;
    NodeOverlayEffects effects;  // resolved for the NodePools now
    std::vector<std::vector<const PriceAdjustment*>> adjustments;  // NodePool × market pool; filled as pools are met
    std::vector<std::vector<char>> adjustment_known;
    std::vector<std::vector<int>> devices;  // NodePool × catalog type; empty: the catalog's
  };
  Overlays overlays_;
};

class KarpenterProvisioner final : public Provisioner {
 public:
  KarpenterProvisioner(const ClusterControllers& cluster, const ProvisionerSpecs& specs);
  ~KarpenterProvisioner() override;

  void pods_pending() override;

  /// The catalog's offerings in the scenario's zones, priced and available as the market says now
  /// (kept while prices and availability do not change).
  const SchedulingSnapshot& snapshot() { return offerings_.snapshot(); }
  /// The price Karpenter decides by now in the `node_pool`-th NodePool for market pool `pool` (its
  /// NodeOverlays' price, or the market's).
  double decided_price(std::size_t node_pool, std::size_t pool);
  /// The cluster's nodes as the scheduling simulation sees them (not gone, not cordoned).
  std::vector<ExistingNode> existing_nodes() const;
  /// Launches `claim` (its types in every zone its NodePool allows); the node, or nullopt when no
  /// pool had capacity.
  std::optional<std::size_t> launch(const PlannedNodeClaim& claim);
  /// Pods the last provisioning round could not place (limits, no type, no capacity).
  const std::set<std::size_t>& stuck() const { return stuck_; }
  /// A pod as the scheduling simulation sees it (named by its index).
  PodSpec pod(std::size_t p) const;
  /// The settings and the NodePools as they are now (after the changes so far).
  const KarpenterSpec& spec() const { return spec_; }
  /// The Drifted nodes, each with when it drifted.
  const std::map<std::size_t, SimTime>& drifted() const { return drift_.drifted; }

 private:
  void batch_close(std::uint64_t stamp, bool at_max);
  void provision();
  std::size_t node_pool_index(const std::string& name) const;
  void expire(std::size_t node);
  /// Schedules the drain (40 minutes before the end) and EC2's termination (30 minutes before) of
  /// every Capacity Block's nodes, and the end of every ODCR that ends inside the window.
  void watch_reservation_ends();
  /// An ODCR ended: its nodes run on, billed on demand.
  void odcr_ended(const std::string& id);
  /// Removes the nodes running in reservation `id`: drained (pods rescheduled) or terminated.
  void end_capacity_block(const std::string& id, bool terminated);
  /// Applies the `k`-th scheduled change of the NodePools and marks the nodes it drifts.
  void apply_change(std::size_t k);
  /// A static NodePool (spec.replicas): launches what its replicas miss, within limits.nodes.
  void keep_static(std::size_t node_pool);
  /// Pod `p` as pod(p) gives it, built once per pod slot and service and kept.
  const PodSpec& pod_spec(std::size_t p);
  /// The nodes of existing_nodes(), kept per node between rounds (only the free room changes).
  const std::vector<const ExistingNode*>& existing_node_views();
  struct ClaimMatches;
  /// The kept answers for a claim's pod requirements (made, possibly replacing the oldest, if new).
  ClaimMatches& claim_matches(const Requirements& requirements);
  /// Whether they allow market pool `pool` (its zone and capacity type).
  bool claim_allows(ClaimMatches& m, std::size_t pool);

  ClusterControllers cluster_;
  KarpenterSpec spec_;  // the scenario's, its NodePools replaced at each change
  struct Templates {
    const KarpenterSpec* source = nullptr;            // the scenario's: the NodePools of every change live there
    Tags cluster_tags;
    std::vector<Tags> node_tags;                      // per NodePool: the cost tags of its new nodes
    std::vector<const KarpenterNodePool*> current;    // per NodePool, its template now
    std::vector<const KarpenterNodePool*> of_node;    // per node id, the template it was launched under
    std::map<std::size_t, SimTime> drifted;           // Drifted nodes, with when they drifted
  };
  Templates drift_;
  std::unique_ptr<DisruptionController> disruption_;
  struct Batch {
    bool open = false;       // a batching window is open
    std::uint64_t stamp = 0;  // bumps with each pod that goes pending (its idle timer carries it)
  };
  Batch batch_;
  std::vector<int> node_pool_launches_;
  MarketOfferings offerings_;
  std::vector<NodePoolSpec> pools_;   // each dynamic NodePool's scheduling spec, as every round hands it over
  std::vector<std::pair<std::size_t, std::unique_ptr<PodSpec>>> pod_specs_;  // per pod slot: (service, its PodSpec)
  std::vector<std::unique_ptr<ExistingNode>> node_views_;  // per node id, made when first seen live
  std::vector<const ExistingNode*> existing_;               // the last round's live, uncordoned nodes
  std::set<std::size_t> stuck_;
  std::set<std::string> unschedulable_explained_;
  // Recent claims' pod requirements and, per market pool, whether they allow it (-1: not asked
  // yet). Claims mostly carry the same few sets, and matching every pool's labels against them
  // was half of a launch.
  struct ClaimMatches {
    Requirements requirements;
    std::vector<signed char> by_pool;
  };
  std::vector<ClaimMatches> claim_matches_;
};

}  // namespace capsim
