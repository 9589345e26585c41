#pragma once
// Karpenter's NodeOverlay (karpenter.sh/v1alpha1, alpha, behind the NodeOverlay feature gate, off by
// default): what Karpenter believes about the instance types it simulates, changed by selector. An
// overlay changes the price of the offerings its requirements select (`price` replaces it,
// `priceAdjustment` adds a percentage or an amount, floored at 0) or adds extended resources to the
// types (`capacity`, e.g. nvidia.com/gpu for GPU time-slicing). Karpenter's scheduling and
// consolidation decide by the overlaid prices and capacity; AWS bills the real price.
//
// Per NodePool: Karpenter's NodeOverlay controller evaluates every overlay against each NodePool's
// instance types, whose requirements it extends with karpenter.sh/nodepool In [the NodePool's name]
// and the NodePool's template labels; an overlay applies to the offerings (zone, capacity type)
// compatible with its requirements. So an overlay may select a NodePool (karpenter.sh/nodepool, or a
// template label), and two NodePools may see different prices and capacity for the same type. A
// capacity overlay applies to the whole type (in that NodePool) when it selects any of its offerings.
//
// Precedence, as Karpenter's NodeOverlay controller resolves it: overlays are taken by weight,
// highest first, and among equal weights by name, the later in the alphabet first. For each offering
// the first overlay with a price wins (a lower weight never overrides a higher one); capacity merges
// resource by resource, the first to give a resource keeping it. An overlay that sets a price on an
// offering, or a resource on a type, that an overlay of the same weight already set in the same
// NodePool conflicts: it is marked ValidationSucceeded=False (reason Conflict) and none of it
// applies, in any NodePool.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/catalog/requirements.hpp"

namespace capsim {

/// `price` ("5.00": the price itself) or `priceAdjustment` ("+10%", "-15%", "+0.5", "-0.25").
struct PriceAdjustment {
  enum class Kind { Price, Percent, Amount };
  Kind kind = Kind::Price;
  double value = 0;  // the price, the signed percentage, or the signed amount (USD/h)
  std::string text;  // as written
  /// The price Karpenter decides by for an offering priced `usd_per_h`; never below 0.
  double apply(double usd_per_h) const;
  friend bool operator==(const PriceAdjustment&, const PriceAdjustment&) = default;
};

/// One NodeOverlay as the manifest or cluster.node_overlays gives it.
struct NodeOverlay {
  std::string name;            // metadata.name
  Requirements requirements;   // empty: every instance type
  int weight = 0;              // spec.weight (1-10000; 0 when left out)
  std::optional<PriceAdjustment> price;  // spec.price or spec.priceAdjustment (never both)
  /// spec.capacity: extended resources by name, in whole units (nvidia.com/gpu: 4).
  std::map<std::string, std::int64_t> capacity;
  friend bool operator==(const NodeOverlay&, const NodeOverlay&) = default;
};

/// An overlay Karpenter refused because an overlay of its weight already set the same field.
struct OverlayConflict {
  std::string overlay;  // refused, applied nowhere
  std::string other;    // the overlay of the same weight that set the field first
  int weight = 0;
  std::string field;    // "price" or the resource name
  std::string where;    // the offering ("g5.xlarge/us-east-1a/on-demand") or the instance type
  std::string node_pool;  // the NodePool in which both set it
};

/// A NodePool as NodeOverlays see it: its name and its template labels (spec.template.metadata.labels).
struct OverlayNodePool {
  std::string name;
  Labels labels;
};

/// What the overlays make Karpenter believe of one NodePool's offerings.
struct NodePoolOverlayEffects {
  std::string node_pool;
  /// The winning price change of each offering an overlay prices, by Offering::pool().
  std::map<std::string, PriceAdjustment> prices;
  /// By instance type: the accelerator devices a node of it offers pods (a capacity overlay of the
  /// resource of its devices: nvidia.com/gpu on an NVIDIA GPU type, aws.amazon.com/neuron on a Neuron one).
  std::map<std::string, int> devices;

  const PriceAdjustment* price_change(const std::string& pool) const;
  /// The price Karpenter decides by for `offering` priced `usd_per_h` now.
  double decided_price(const Offering& offering, double usd_per_h) const;
  /// The devices of `type` a node offers pods: a capacity overlay's, else the type's own.
  int devices_of(const InstanceType& type) const;
};

/// What the overlays do to the catalog's offerings in the scenario's zones, per NodePool, resolved once.
struct NodeOverlayEffects {
  std::vector<NodePoolOverlayEffects> node_pools;  // in the order the NodePools were given
  std::vector<OverlayConflict> conflicts;
  /// Overlays whose requirements select no offering of the catalog in the zones, in any NodePool.
  std::vector<std::string> unmatched;
  /// "overlay 'x': capacity <resource> on <n> types ..." for capacity capsim cannot give a pod: a
  /// resource no pod of capsim requests, or a device resource on types without that device.
  std::vector<std::string> capacity_not_simulated;

  /// Whether some NodePool sees an overlaid price.
  bool any_price() const;
  /// The NodePool's effects (nullptr for a name not given).
  const NodePoolOverlayEffects* of(const std::string& node_pool) const;
};

/// Resolves `overlays` over every offering of `catalog` in `zones` (on-demand and spot) for each of
/// `node_pools`, the way Karpenter's NodeOverlay controller does (see the top of this header).
NodeOverlayEffects resolve_node_overlays(const std::vector<NodeOverlay>& overlays, const std::vector<OverlayNodePool>& node_pools,
                                         const InstanceCatalog& catalog, const std::vector<std::string>& zones);

}  // namespace capsim
