// Karpenter's NodeOverlays resolved over the catalog's offerings (see node_overlay.hpp).
#include "capsim/provisioning/karpenter/node_overlay.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "capsim/catalog/labels.hpp"

namespace capsim {

double PriceAdjustment::apply(double usd_per_h) const {
  double p = usd_per_h;
  switch (kind) {
    case Kind::Price: p = value; break;
    case Kind::Percent: p = usd_per_h * (1 + value / 100); break;
    case Kind::Amount: p = usd_per_h + value; break;
  }
  // Karpenter floors an adjusted price at 0 (a "-2.00" on a 1.00 offering makes it free, not negative).
  return std::max(p, 0.0);
}

const PriceAdjustment* NodePoolOverlayEffects::price_change(const std::string& pool) const {
  auto it = prices.find(pool);
  return it == prices.end() ? nullptr : &it->second;
}

double NodePoolOverlayEffects::decided_price(const Offering& offering, double usd_per_h) const {
  if (prices.empty()) return usd_per_h;
  const PriceAdjustment* a = price_change(offering.pool());
  return a ? a->apply(usd_per_h) : usd_per_h;
}

int NodePoolOverlayEffects::devices_of(const InstanceType& type) const {
  auto it = devices.find(type.name);
  return it == devices.end() ? type.gpus + type.accelerators : it->second;
}

bool NodeOverlayEffects::any_price() const {
  return std::any_of(node_pools.begin(), node_pools.end(), [](const NodePoolOverlayEffects& n) { return !n.prices.empty(); });
}

const NodePoolOverlayEffects* NodeOverlayEffects::of(const std::string& node_pool) const {
  for (const auto& n : node_pools)
    if (n.node_pool == node_pool) return &n;
  return nullptr;
}

namespace {

// The last overlay (lowest weight so far) that set a field, as Karpenter's store keeps it: a later
// overlay of that same weight setting the field again conflicts.
struct Setter {
  std::string name;
  int weight = 0;
};

struct CapacityState {
  std::map<std::string, std::int64_t> merged;  // resource → quantity, the first (highest) overlay's
  Setter last;
  std::set<std::string> last_resources;        // the resources `last` gave
};

struct PriceState {
  PriceAdjustment winner;
  Setter last;
};

// The device resource a type's accelerators are advertised as, or nullptr when it has none.
const char* device_resource(const InstanceType& t) {
  if (device_count(t, DeviceResource::NvidiaGpu) > 0) return "nvidia.com/gpu";
  if (device_count(t, DeviceResource::AwsNeuron) > 0) return "aws.amazon.com/neuron";
  return nullptr;
}

}  // namespace

NodeOverlayEffects resolve_node_overlays(const std::vector<NodeOverlay>& overlays, const std::vector<OverlayNodePool>& node_pools,
                                         const InstanceCatalog& catalog, const std::vector<std::string>& zones) {
  NodeOverlayEffects out;
  for (const auto& np : node_pools) out.node_pools.push_back({np.name, {}, {}});
  if (overlays.empty()) return out;
  // Karpenter's NodeOverlayList.OrderByWeight: weight descending, then name descending.
  std::vector<const NodeOverlay*> order;
  for (const auto& o : overlays) order.push_back(&o);
  std::stable_sort(order.begin(), order.end(), [](const NodeOverlay* a, const NodeOverlay* b) {
    return a->weight != b->weight ? a->weight > b->weight : a->name > b->name;
  });

  // Every offering considered, per NodePool: type × zone × capacity type, with the labels Karpenter
  // matches an overlay against there (the type's and the offering's, karpenter.sh/nodepool, and the
  // NodePool's template labels where the type has no label of that key).
  struct Candidate {
    std::size_t node_pool;
    std::size_t type;
    std::string pool;
    Labels labels;
  };
  std::vector<Candidate> offerings;
  const auto& types = catalog.types();
  for (std::size_t n = 0; n < node_pools.size(); ++n)
    for (std::size_t t = 0; t < types.size(); ++t)
      for (const auto& z : zones)
        for (CapacityType c : {CapacityType::OnDemand, CapacityType::Spot}) {
          Offering o;
          o.instance_type = types[t].name;
          o.zone = z;
          o.capacity_type = c;
          Labels labels = labels_of(types[t], o);
          labels.emplace(std::string(label::kNodePool), node_pools[n].name);
          for (const auto& [k, v] : node_pools[n].labels) labels.emplace(k, v);
          offerings.push_back({n, t, o.pool(), std::move(labels)});
        }

  // Keyed by (NodePool, offering) and (NodePool, type): Karpenter's store is per NodePool.
  std::map<std::pair<std::size_t, std::string>, PriceState> price_state;
  std::map<std::pair<std::size_t, std::size_t>, CapacityState> capacity_state;
  for (const NodeOverlay* ov : order) {
    std::vector<const Candidate*> matched;
    std::set<std::pair<std::size_t, std::size_t>> matched_types;
    for (const auto& c : offerings)
      if (ov->requirements.matches(c.labels)) {
        matched.push_back(&c);
        matched_types.insert({c.node_pool, c.type});
      }
    if (matched.empty()) {
      out.unmatched.push_back(ov->name);
      continue;
    }
    // Checked in every NodePool before anything is stored: a conflicting overlay applies nowhere.
    std::optional<OverlayConflict> conflict;
    if (ov->price)
      for (const Candidate* c : matched)
        if (auto it = price_state.find({c->node_pool, c->pool}); it != price_state.end() && it->second.last.weight == ov->weight) {
          conflict = OverlayConflict{ov->name, it->second.last.name, ov->weight, "price", c->pool, node_pools[c->node_pool].name};
          break;
        }
    if (!conflict && !ov->capacity.empty())
      for (const auto& key : matched_types) {
        auto it = capacity_state.find(key);
        if (it == capacity_state.end() || it->second.last.weight != ov->weight) continue;
        for (const auto& [resource, q] : ov->capacity)
          if (it->second.last_resources.count(resource)) {
            conflict = OverlayConflict{ov->name, it->second.last.name, ov->weight, resource, types[key.second].name, node_pools[key.first].name};
            break;
          }
        if (conflict) break;
      }
    if (conflict) {
      out.conflicts.push_back(*conflict);
      continue;
    }
    if (ov->price)
      for (const Candidate* c : matched) {
        auto [it, fresh] = price_state.try_emplace({c->node_pool, c->pool}, PriceState{*ov->price, {ov->name, ov->weight}});
        if (!fresh) it->second.last = {ov->name, ov->weight};  // a lower weight: the price stays the first's
      }
    if (!ov->capacity.empty())
      for (const auto& key : matched_types) {
        CapacityState& s = capacity_state[key];
        for (const auto& [resource, q] : ov->capacity) s.merged.try_emplace(resource, q);
        s.last = {ov->name, ov->weight};
        s.last_resources.clear();
        for (const auto& [resource, q] : ov->capacity) s.last_resources.insert(resource);
      }
  }

  for (auto& [key, s] : price_state) out.node_pools[key.first].prices.emplace(key.second, s.winner);
  // Capacity capsim can give a pod: the resource of the type's own devices (its count replaced, as
  // Karpenter's capacity overlay replaces a resource the type already has). Others are named, each
  // type counted once whatever the NodePools that see it.
  std::map<std::string, std::set<std::size_t>> not_simulated;  // resource → types
  for (const auto& [key, s] : capacity_state)
    for (const auto& [resource, q] : s.merged) {
      const char* own = device_resource(types[key.second]);
      if (own && resource == own) out.node_pools[key.first].devices[types[key.second].name] = static_cast<int>(q);
      else not_simulated[resource].insert(key.second);
    }
  for (const auto& [resource, ts] : not_simulated) {
    const std::size_t n = ts.size();
    const bool device = resource == "nvidia.com/gpu" || resource == "aws.amazon.com/neuron";
    out.capacity_not_simulated.push_back(
        device ? fmt::format("a NodeOverlay's capacity {} on {} instance type(s) without such devices is not simulated: capsim gives a "
                             "type's device slot only to the devices it has",
                             resource, n)
               : fmt::format("a NodeOverlay's capacity {} (on {} instance type(s)) changes nothing: capsim's pods request only cpu, "
                             "memory, nvidia.com/gpu and aws.amazon.com/neuron",
                             resource, n));
  }
  return out;
}

}  // namespace capsim
