#include "capsim/provisioning/karpenter/karpenter_provisioner.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

#include <fmt/format.h>

#include "capsim/cluster/capacity_block.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/pod_scheduler.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/core/error.hpp"
#include "capsim/market/allocation.hpp"
#include "capsim/provisioning/karpenter/disruption_controller.hpp"
#include "capsim/provisioning/karpenter/drift.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

namespace {
constexpr std::size_t kCapacityTypes = 3;  // on-demand, spot, reserved: the slots per (type, zone)
}  // namespace

MarketOfferings::MarketOfferings(const ClusterControllers& cluster, std::function<bool(const std::string&)> has_spot_prices,
                                 const std::vector<NodeOverlay>& overlays, const std::vector<KarpenterNodePool>& node_pools)
    : cluster_(cluster), has_spot_prices_(std::move(has_spot_prices)), catalog_(cluster.run.catalog) {
  overlays_.spec = overlays;
  pools_.assign(cluster.run.catalog.types().size() * cluster.run.zones.size() * kCapacityTypes, 0);
  resolve_overlays(node_pools);
}

void MarketOfferings::resolve_overlays(const std::vector<KarpenterNodePool>& node_pools) {
  overlays_.effects = resolve_node_overlays(overlays_.spec, overlay_node_pools(node_pools), cluster_.run.catalog, cluster_.run.zones);
  overlays_.adjustments.assign(node_pools.size(), {});
  overlays_.adjustment_known.assign(node_pools.size(), {});
  // A capacity overlay changes what a node of the type holds in that NodePool's simulation.
  overlays_.devices.assign(node_pools.size(), {});
  for (std::size_t np = 0; np < node_pools.size(); ++np) {
    if (overlays_.effects.node_pools[np].devices.empty()) continue;
    overlays_.devices[np] = catalog_.devices;
    for (const auto& [type, n] : overlays_.effects.node_pools[np].devices) overlays_.devices[np][catalog_.index.at(type)] = n;
  }
}

double MarketOfferings::decided_price(std::size_t node_pool, std::size_t pool, double usd_per_h) {
  const NodePoolOverlayEffects& fx = overlays_.effects.node_pools[node_pool];
  if (fx.prices.empty()) return usd_per_h;
  std::vector<const PriceAdjustment*>& adjustments = overlays_.adjustments[node_pool];
  std::vector<char>& known = overlays_.adjustment_known[node_pool];
  if (known.size() <= pool) {
    known.resize(pool + 1, 0);
    adjustments.resize(pool + 1, nullptr);
  }
  if (!known[pool]) {
    adjustments[pool] = fx.price_change(cluster_.run.market.at(pool).offering.pool());
    known[pool] = 1;
  }
  return adjustments[pool] ? adjustments[pool]->apply(usd_per_h) : usd_per_h;
}

int MarketOfferings::devices(std::size_t node_pool, std::size_t type) const {
  return overlays_.devices[node_pool].empty() ? catalog_.devices[type] : overlays_.devices[node_pool][type];
}

std::size_t MarketOfferings::pool(std::size_t type, std::size_t zone, CapacityType capacity) {
  std::size_t& slot = pools_[(type * cluster_.run.zones.size() + zone) * kCapacityTypes + static_cast<std::size_t>(capacity)];
  if (slot == 0) {
    const std::size_t p = cluster_.run.market.pool(catalog_.catalog->types()[type].name, cluster_.run.zones[zone], capacity);
    cluster_.nodes.ensure_pool(p);
    slot = p + 1;
  }
  return slot - 1;
}

std::vector<std::size_t> MarketOfferings::reserved_pools(std::size_t type, std::size_t zone) {
  std::vector<std::size_t> out;
  const std::string& type_name = catalog_.catalog->types()[type].name;
  const std::string& zone_name = cluster_.run.zones[zone];
  for (const CapacityReservation& r : cluster_.run.market.spec().capacity_reservations) {
    if (r.instance_type != type_name || r.zone != zone_name) continue;
    const std::size_t p = cluster_.run.market.pool(type_name, zone_name, CapacityType::Reserved, r.id);
    cluster_.nodes.ensure_pool(p);
    out.push_back(p);
  }
  return out;
}

std::size_t MarketOfferings::type_index(const std::string& name) const {
  auto it = catalog_.index.find(name);
  if (it != catalog_.index.end()) return it->second;
  (void)cluster_.run.catalog.at(name);  // throws, naming close matches
  throw Error("unknown instance type '" + name + "'");
}

bool MarketOfferings::admits(std::size_t node_pool, const Requirements& requirements, std::size_t pool) {
  if (admits_.size() <= node_pool) admits_.resize(node_pool + 1);
  std::vector<signed char>& known = admits_[node_pool];
  if (known.size() <= pool) known.resize(pool + 1, -1);
  if (known[pool] < 0) known[pool] = requirements.matches(*cluster_.nodes.pool_labels(pool)) ? 1 : 0;
  return known[pool] == 1;
}

void MarketOfferings::node_pools_changed(const std::vector<KarpenterNodePool>& node_pools) {
  admits_.clear();
  snapshot_.reset();  // its type filtering is cached by NodePool name
  // Karpenter's NodeOverlay controller re-evaluates on a NodePool change: its template labels may
  // select other overlays now.
  resolve_overlays(node_pools);
}

bool MarketOfferings::look(Watched& w, SimTime now) {
  // The price in force: the schedule's last step at or before now (time only moves forward, so the
  // step found last time is where to look from).
  const PriceSchedule& prices = *w.prices;
  while (w.price_step + 1 < prices.at.size() && prices.at[w.price_step + 1] <= now) ++w.price_step;
  const double price = prices.at.empty() ? 0.0 : prices.usd_per_h[w.price_step];
  const std::optional<int> cap = w.limited ? cluster_.run.market.capacity_at(w.pool, now) : std::nullopt;
  const bool available = !cluster_.nodes.avoided(w.pool, now) && (!cap || *cap > cluster_.nodes.running_in(w.pool));
  // A reserved offering's free instances are part of it (each round's claims share them).
  const int room = w.reserved && cap ? *cap - cluster_.nodes.running_in(w.pool) : -1;
  const bool changed = price != w.price || available != w.available || room != w.room;
  w.room = room;
  w.price = price;
  w.available = available;
  if (w.price_step + 1 < prices.at.size()) checked_.until = std::min(checked_.until, prices.at[w.price_step + 1]);
  if (!available && cluster_.nodes.avoided(w.pool, now)) checked_.until = std::min(checked_.until, cluster_.nodes.avoided_until(w.pool));
  return changed;
}

const SchedulingSnapshot& MarketOfferings::snapshot() {
  // Every offering of the catalog in the scenario's zones, priced and available as the market says
  // now. Prices and availability seldom change, so the prepared snapshot (and the type filtering it
  // has cached) is kept until one of them does.
  const RunContext& run = cluster_.run;
  const SimTime now = run.now();
  if (watched_.empty()) {
    const auto& types = run.catalog.types();
    for (std::size_t t = 0; t < types.size(); ++t)
      for (std::size_t z = 0; z < run.zones.size(); ++z)
        for (CapacityType c : {CapacityType::OnDemand, CapacityType::Spot}) {
          if (c == CapacityType::Spot && !has_spot_prices_(types[t].name)) continue;
          Watched w;
          w.pool = pool(t, z, c);
          const MarketPool& mp = run.market.at(w.pool);
          w.prices = mp.prices.get();
          w.limited = mp.offering.capacity || mp.availability || !mp.shortages.empty();
          if (w.limited) limited_.push_back(watched_.size());
          watched_.push_back(w);
        }
    // The account's capacity reservations: one reserved offering each, several of one type and zone
    // included (Karpenter's offerings carry the reservation id), in the scenario's order; its capacity
    // what the reservation holds while it is offered.
    for (const CapacityReservation& r : run.market.spec().capacity_reservations) {
      auto z = std::find(run.zones.begin(), run.zones.end(), r.zone);
      if (z == run.zones.end()) continue;
      Watched w;
      w.pool = run.market.pool(r.instance_type, r.zone, CapacityType::Reserved, r.id);
      cluster_.nodes.ensure_pool(w.pool);
      w.prices = run.market.at(w.pool).prices.get();
      w.limited = true;
      w.reserved = true;
      limited_.push_back(watched_.size());
      watched_.push_back(w);
    }
  }
  // An offering without a capacity limit changes only with its price steps and its avoidance, so
  // between a price step or the end of an avoidance and the next, and with no pool avoided since,
  // only the limited ones (their running counts and capacity move) are looked at again.
  bool changed = !snapshot_;
  if (changed || cluster_.nodes.avoidances() != checked_.avoidances || now >= checked_.until) {
    checked_ = {cluster_.nodes.avoidances(), kTimeMax};
    for (Watched& w : watched_) changed = look(w, now) || changed;
  } else {
    for (std::size_t i : limited_) changed = look(watched_[i], now) || changed;
  }
  if (!changed) return *snapshot_;
  std::vector<Offering> offerings;
  offerings.reserve(watched_.size());
  for (const Watched& w : watched_) {
    Offering o = run.market.at(w.pool).offering;
    o.price_usd_per_h = w.price;
    o.available = w.available;
    if (o.capacity_type == CapacityType::Reserved) {
      // Reserved capacity is already paid for: Karpenter prices it at the on-demand price divided by
      // 10,000,000 (kReservedOfferingPriceDivisor), so it is tried first and reserved types keep their
      // on-demand order. Its capacity is what the reservation still holds.
      o.price_usd_per_h = run.catalog.at(o.instance_type).ondemand_usd_per_h / kReservedOfferingPriceDivisor;
      const std::optional<int> cap = run.market.capacity_at(w.pool, now);
      o.capacity = std::max(0, cap.value_or(0) - cluster_.nodes.running_in(w.pool));
    }
    offerings.push_back(std::move(o));
  }
  // Each NodePool's NodeOverlays: the prices it decides by (a reserved offering keeps its near-zero
  // price) and the devices its capacity overlays give.
  std::map<std::string, NodePoolBeliefs, std::less<>> beliefs;
  for (std::size_t np = 0; np < overlays_.effects.node_pools.size(); ++np) {
    const NodePoolOverlayEffects& fx = overlays_.effects.node_pools[np];
    if (fx.prices.empty() && overlays_.devices[np].empty()) continue;
    NodePoolBeliefs& b = beliefs[fx.node_pool];
    b.devices = overlays_.devices[np];
    if (fx.prices.empty()) continue;
    b.prices.reserve(offerings.size());
    for (std::size_t i = 0; i < watched_.size(); ++i)
      b.prices.push_back(offerings[i].capacity_type == CapacityType::Reserved ? offerings[i].price_usd_per_h
                                                                               : decided_price(np, watched_[i].pool, watched_[i].price));
  }
  snapshot_.emplace(catalog_, std::move(offerings), std::move(beliefs));
  return *snapshot_;
}

KarpenterProvisioner::KarpenterProvisioner(const ClusterControllers& cluster, const ProvisionerSpecs& specs)
    : cluster_(cluster),
      spec_(specs.karpenter),
      offerings_(cluster, specs.has_spot_prices, specs.karpenter.node_overlays, specs.karpenter.node_pools) {
  drift_.source = &specs.karpenter;
  drift_.cluster_tags = specs.cluster_tags;
  for (const KarpenterNodePool& np : specs.karpenter.node_pools) drift_.current.push_back(&np);
  for (std::size_t k = 0; k < spec_.changes.size(); ++k) {
    const SimTime at = std::chrono::duration_cast<std::chrono::microseconds>(spec_.changes[k].at - cluster_.run.start).count();
    if (at > 0 && at < cluster_.run.window_end) cluster_.run.engine.schedule_at(at, [this, k] { apply_change(k); }, kPriorityCluster);
  }
  if (!spec_.changes.empty()) cluster_.nodes.on_removed([this](std::size_t id) { drift_.drifted.erase(id); });
  for (const KarpenterNodePool& np : spec_.node_pools) {
    // Pods are never provisioned for on a static NodePool; they land on its nodes when they fit.
    if (!np.replicas) pools_.push_back(np.scheduling);
    Tags tags = specs.cluster_tags;
    for (const auto& [k, v] : np.labels) tags[k] = v;
    tags["karpenter.sh/nodepool"] = np.scheduling.name;
    drift_.node_tags.push_back(std::move(tags));
  }
  disruption_ = std::make_unique<DisruptionController>(cluster_, *this);
  watch_reservation_ends();
  const auto& pools = spec_.node_pools;
  if (std::any_of(pools.begin(), pools.end(), [](const KarpenterNodePool& np) { return np.replicas.has_value(); })) {
    cluster_.run.engine.schedule_at(0, [this] {
      for (std::size_t np = 0; np < spec_.node_pools.size(); ++np)
        if (spec_.node_pools[np].replicas) keep_static(np);
    }, kPriorityCluster);
    // A node that goes (expiry, interruption) is replaced at once, as Karpenter's static provisioning
    // controller keeps the NodeClaim count.
    auto replace = [this](std::size_t id) {
      const std::size_t np = cluster_.state.nodes()[id].node_pool;
      if (np != kNoOwner && spec_.node_pools[np].replicas)
        cluster_.run.engine.schedule_in(0, [this, np] { keep_static(np); }, kPriorityCluster);
    };
    cluster_.nodes.on_removed(replace);
  }
}

void KarpenterProvisioner::keep_static(std::size_t np) {
  RunContext& run = cluster_.run;
  const KarpenterNodePool& pool = spec_.node_pools[np];
  int staying = 0, live = 0;
  for (const Node& n : cluster_.state.live_nodes()) {
    if (n.node_pool != np) continue;
    ++live;
    if (!n.disrupting && !n.interrupted) ++staying;
  }
  int missing = *pool.replicas - staying;
  // limits.nodes bounds the nodes there are, leaving ones included (as during a replacement).
  if (pool.scheduling.limits.nodes) missing = std::min(missing, *pool.scheduling.limits.nodes - live);
  if (missing <= 0) return;
  // The claim is the NodePool's template alone: a pod that asks for nothing and tolerates its taints
  // gives every type its requirements allow, cheapest first.
  PodSpec nothing;
  nothing.name = "static";
  nothing.requests = ResourceList{0, 0, 0, 1, DeviceResource::NvidiaGpu};
  for (const Taint& t : pool.scheduling.taints) nothing.tolerations.push_back(Toleration{t.key, Toleration::Op::Exists, "", t.effect});
  const std::vector<NodePoolSpec> only{pool.scheduling};
  const std::vector<const PodSpec*> pods{&nothing};
  const SchedulingResult r = schedule(pods, only, std::vector<const ExistingNode*>{}, snapshot(), false);
  for (int i = 0; i < missing; ++i) {
    std::optional<std::size_t> launched;
    if (!r.claims.empty()) {
      PlannedNodeClaim claim = r.claims.front();
      claim.pods.clear();
      launched = launch(claim);
    }
    if (!launched) {
      // No capacity (or no type) now: look again after the unavailable period.
      run.engine.schedule_in(run.market.spec().unavailable_after_ice, [this, np] { keep_static(np); }, kPriorityCluster);
      return;
    }
    if (run.explain) {
      const Node& n = cluster_.state.nodes()[*launched];
      const MarketPool& mp = run.market.at(n.pool);
      LaunchDecision d;
      d.sequence = run.next_decision();
      d.at_s = to_seconds(run.now());
      d.node_pool = pool.scheduling.name;
      d.instance_type = n.type->name;
      d.capacity_type = std::string(to_string(mp.offering.capacity_type));
      d.zone = mp.offering.zone;
      d.price_usd_per_h = mp.prices->price_at(run.now());
      d.types_considered = static_cast<int>(r.claims.front().explanation.types_considered);
      d.types_in_request = static_cast<int>(r.claims.front().instance_types.size());
      run.decisions.launches.push_back(std::move(d));
    }
  }
}

void KarpenterProvisioner::watch_reservation_ends() {
  // Karpenter drains a Capacity Block's nodes 40 minutes before the block ends, when EC2 warns that it
  // will begin terminating them 10 minutes later (karpenter-provider-aws design "Capacity Block
  // Support"); their pods go pending and are provisioned for like any others (the block is no longer
  // offered, so on-demand or spot as the NodePool allows). From 30 minutes before the end EC2
  // terminates what still runs in the block: pods still on such a node stop abruptly.
  // An ODCR that ends keeps its instances running, billed on demand from then on (EC2 User Guide: when
  // a reservation expires, its instances are charged at the on-demand rate).
  RunContext& run = cluster_.run;
  for (const CapacityReservation& r : run.market.spec().capacity_reservations) {
    if (r.type == ReservationType::Default && r.ends && *r.ends > 0 && *r.ends < run.window_end)
      run.engine.schedule_at(*r.ends, [this, id = r.id] { odcr_ended(id); }, kPriorityCluster);
    if (r.type != ReservationType::CapacityBlock || !r.ends) continue;
    const SimTime drain = std::max<SimTime>(*r.ends - kCapacityBlockDrainLead, 0);
    const SimTime terminate = std::max<SimTime>(*r.ends - kCapacityBlockTerminationLead, 0);
    if (drain < run.window_end) run.engine.schedule_at(drain, [this, id = r.id] { end_capacity_block(id, false); }, kPriorityCluster);
    if (terminate < run.window_end) run.engine.schedule_at(terminate, [this, id = r.id] { end_capacity_block(id, true); }, kPriorityCluster);
  }
}

void KarpenterProvisioner::end_capacity_block(const std::string& id, bool terminated) {
  std::vector<std::size_t> in_block;
  for (std::size_t n : cluster_.state.live_node_ids()) {
    const Node& node = cluster_.state.nodes()[n];
    if (node.node_pool != kNoOwner && cluster_.run.market.at(node.pool).offering.reservation_id == id) in_block.push_back(n);
  }
  for (std::size_t n : in_block) {
    cluster_.state.nodes()[n].disrupting = true;
    if (terminated) cluster_.replicas.cut_off(n);
    cluster_.nodes.remove_node(n, terminated ? "capacity-block-end" : "capacity-block-drain");
  }
}

void KarpenterProvisioner::odcr_ended(const std::string& id) {
  RunContext& run = cluster_.run;
  const SimTime now = run.now();
  for (std::size_t n : cluster_.state.live_node_ids()) {
    Node& node = cluster_.state.nodes()[n];
    if (node.node_pool == kNoOwner || run.market.at(node.pool).offering.reservation_id != id) continue;
    // Its bill goes on under the same resource, now at the on-demand price.
    const LedgerLine reserved = run.ledger.line(node.ledger_line);
    run.ledger.close_instance(node.ledger_line, now);
    node.ledger_line = run.ledger.open_instance(reserved.resource, *node.type, CapacityType::OnDemand, node.type->ondemand_usd_per_h, now,
                                                reserved.tags, {reserved.owner, reserved.zone});
  }
}

KarpenterProvisioner::~KarpenterProvisioner() = default;

double KarpenterProvisioner::decided_price(std::size_t node_pool, std::size_t pool) {
  return offerings_.decided_price(node_pool, pool, cluster_.run.market.at(pool).prices->price_at(cluster_.run.now()));
}

void KarpenterProvisioner::pods_pending() {
  const std::uint64_t stamp = ++batch_.stamp;
  if (!batch_.open) {
    batch_.open = true;
    cluster_.run.engine.schedule_in(spec_.batch_max, [this, stamp] { batch_close(stamp, true); }, kPriorityCluster);
  }
  cluster_.run.engine.schedule_in(spec_.batch_idle, [this, stamp] { batch_close(stamp, false); }, kPriorityCluster);
}

void KarpenterProvisioner::batch_close(std::uint64_t stamp, bool at_max) {
  // The idle timer of an older pod, or a maximum timer of a window already closed, does nothing.
  if (!batch_.open || (!at_max && stamp != batch_.stamp)) return;
  batch_.open = false;
  provision();
}

PodSpec KarpenterProvisioner::pod(std::size_t p) const {
  PodSpec spec = cluster_.state.template_of(cluster_.state.pods()[p]);
  spec.name = std::to_string(p);
  return spec;
}

const PodSpec& KarpenterProvisioner::pod_spec(std::size_t p) {
  // A slot's pod is rebuilt only when the slot was reused by another service (templates never change).
  if (pod_specs_.size() <= p) pod_specs_.resize(p + 1);
  auto& [service, spec] = pod_specs_[p];
  const std::size_t now_service = cluster_.state.pods()[p].service;
  if (!spec || service != now_service) {
    spec = std::make_unique<PodSpec>(pod(p));
    service = now_service;
  }
  return *spec;
}

namespace {

// The node's pods by workload, for the workloads with topology spread constraints (Karpenter counts
// them per domain); empty when there are none.
std::map<std::string, int, std::less<>> spread_pods(const ClusterState& state, std::size_t id) {
  std::map<std::string, int, std::less<>> out;
  for (std::size_t p : state.nodes()[id].pods) {
    const Pod& pod = state.pods()[p];
    const PodSpec& t = state.template_of(pod);
    if (!t.topology_spread.empty() && pod.node == static_cast<std::ptrdiff_t>(id) && !pod.removed) ++out[t.workload];
  }
  return out;
}

}  // namespace

std::vector<ExistingNode> KarpenterProvisioner::existing_nodes() const {
  std::vector<ExistingNode> existing;
  for (std::size_t id : cluster_.state.live_node_ids()) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.cordoned) continue;
    existing.push_back({std::to_string(id), n.type, n.free, n.labels,
                        n.node_pool == kNoOwner ? std::string() : spec_.node_pools[n.node_pool].scheduling.name,
                        n.taints ? *n.taints : std::vector<Taint>{}, spread_pods(cluster_.state, id), n.overlay_devices});
  }
  return existing;
}

const std::vector<const ExistingNode*>& KarpenterProvisioner::existing_node_views() {
  // What existing_nodes() gives, without copying: a node's name, type, labels, NodePool and taints
  // are fixed at its launch (ids are never reused), so only its free room is brought up to date.
  existing_.clear();
  for (std::size_t id : cluster_.state.live_node_ids()) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.cordoned) continue;
    if (node_views_.size() <= id) node_views_.resize(id + 1);
    std::unique_ptr<ExistingNode>& view = node_views_[id];
    if (!view)
      view = std::make_unique<ExistingNode>(ExistingNode{std::to_string(id), n.type, n.free, n.labels,
                                                         n.node_pool == kNoOwner ? std::string() : spec_.node_pools[n.node_pool].scheduling.name,
                                                         n.taints ? *n.taints : std::vector<Taint>{}, {}, n.overlay_devices});
    view->free = n.free;
    view->workload_pods = spread_pods(cluster_.state, id);
    existing_.push_back(view.get());
  }
  return existing_;
}

std::size_t KarpenterProvisioner::node_pool_index(const std::string& name) const {
  std::size_t np = 0;
  while (spec_.node_pools[np].scheduling.name != name) ++np;
  return np;
}

std::optional<std::size_t> KarpenterProvisioner::launch(const PlannedNodeClaim& claim) {
  RunContext& run = cluster_.run;
  const SimTime now = run.now();
  const std::size_t np = node_pool_index(claim.node_pool);
  const KarpenterNodePool& pool = spec_.node_pools[np];
  // The launch request: the claim's types in every zone its NodePool allows, at the claim's
  // capacity type; the strategy picks one pool and the next is tried on insufficient capacity.
  std::vector<PoolState> states;
  ClaimMatches& pods_allow = claim_matches(claim.requirements);
  for (std::size_t i = 0; i < claim.instance_types.size(); ++i) {
    const std::size_t type = offerings_.type_index(claim.instance_types[i]);
    for (std::size_t zone = 0; zone < run.zones.size(); ++zone)
      // Reserved: each reservation of the type in the zone is its own offering, in the scenario's order.
      for (const std::size_t p : claim.capacity_type == CapacityType::Reserved ? offerings_.reserved_pools(type, zone)
                                                                                : std::vector<std::size_t>{offerings_.pool(type, zone, claim.capacity_type)}) {
        const MarketPool& mp = run.market.at(p);
        if (!offerings_.admits(np, pool.scheduling.requirements, p)) continue;
        // Reserved: only into a reservation its EC2NodeClass selects.
        if (claim.capacity_type == CapacityType::Reserved) {
          const auto& ids = pool.scheduling.capacity_reservations;
          if (mp.offering.reservation_id.empty() || std::find(ids.begin(), ids.end(), mp.offering.reservation_id) == ids.end()) continue;
        }
        // The pods' own zone (and capacity type) requirements bind the launch as the NodePool's do.
        if (!claim_allows(pods_allow, p)) continue;
        if (cluster_.nodes.avoided(p, now)) continue;
        // With a price overlay Karpenter's AWS provider asks CreateFleet to prefer the overlaid prices
        // (strategy prioritized, priorities by them): the launch follows the prices it decided by.
        states.push_back(PoolState{p, offerings_.decided_price(np, p, mp.prices->price_at(now)), 1e9, mp.hazard_per_h, static_cast<int>(i)});
      }
  }
  const AllocationStrategy strategy =
      claim.capacity_type == CapacityType::Spot ? AllocationStrategy::PriceCapacityOptimized : AllocationStrategy::LowestPrice;
  while (!states.empty()) {
    const Allocation a = allocate({1, strategy, 1}, states);
    if (a.launches.empty()) break;
    const std::size_t p = a.launches.front().first;
    const auto cap = run.market.capacity_at(p, now);
    if (cap && *cap <= cluster_.nodes.running_in(p)) {
      ++run.counters.insufficient_capacity;
      cluster_.nodes.avoid(p);
      states.erase(std::remove_if(states.begin(), states.end(), [&](const PoolState& s) { return s.offering == p; }), states.end());
      continue;
    }
    if (node_pool_launches_.size() < spec_.node_pools.size()) node_pool_launches_.resize(spec_.node_pools.size(), 0);
    // The taints live in the scenario's NodePool (spec_'s is replaced at a change, the node keeps its own).
    const KarpenterNodePool* launched_under = drift_.current[np];
    NodeOwner owner{kNoOwner, np, claim.node_pool, node_pool_launches_[np]++, &launched_under->scheduling.taints, std::nullopt};
    const std::string& type_name = run.market.at(p).offering.instance_type;
    const InstanceType& type = run.catalog.at(type_name);
    if (const int d = offerings_.devices(np, offerings_.type_index(type_name)); d != type.gpus + type.accelerators) owner.devices = d;
    return cluster_.nodes.create_node(p, owner, false, drift_.node_tags[np], [&](std::size_t id) {
      if (drift_.of_node.size() <= id) drift_.of_node.resize(id + 1, nullptr);
      drift_.of_node[id] = launched_under;
      if (pool.expire_after && now + *pool.expire_after < run.window_end)
        run.engine.schedule_at(now + *pool.expire_after, [this, id] { expire(id); }, kPriorityCluster);
    });
  }
  return std::nullopt;
}

KarpenterProvisioner::ClaimMatches& KarpenterProvisioner::claim_matches(const Requirements& requirements) {
  // The sets are compared whole (a few keys each); a handful are kept, the oldest replaced first.
  constexpr std::size_t kKept = 16;
  auto it = std::find_if(claim_matches_.begin(), claim_matches_.end(), [&](const ClaimMatches& m) { return m.requirements == requirements; });
  if (it != claim_matches_.end()) return *it;
  if (claim_matches_.size() == kKept) claim_matches_.erase(claim_matches_.begin());
  return claim_matches_.emplace_back(ClaimMatches{requirements, {}});
}

bool KarpenterProvisioner::claim_allows(ClaimMatches& m, std::size_t pool) {
  // A pool's labels never change, so each answer is worked out once.
  if (m.by_pool.size() <= pool) m.by_pool.resize(pool + 1, -1);
  if (m.by_pool[pool] < 0) m.by_pool[pool] = m.requirements.matches(*cluster_.nodes.pool_labels(pool)) ? 1 : 0;
  return m.by_pool[pool] == 1;
}

void KarpenterProvisioner::expire(std::size_t id) {
  // Forceful, as in Karpenter v1: drained and deleted at its expiry without consulting the
  // NodePool's disruption budgets or launching a replacement first; its pods go pending and are
  // provisioned for like any others. The drain still evicts through the Eviction API, so
  // PodDisruptionBudgets hold it back (capsim models no terminationGracePeriod to cut it short).
  Node& n = cluster_.state.nodes()[id];
  if (n.gone || cluster_.nodes.draining(id)) return;
  ++cluster_.run.counters.expirations;
  n.disrupting = true;
  cluster_.nodes.drain_node(id, "expiration", kKarpenterEvictionRetry);
}

void KarpenterProvisioner::apply_change(std::size_t k) {
  const NodePoolChange& change = drift_.source->changes[k];
  pools_.clear();
  bool created = false;
  for (std::size_t np = 0; np < change.node_pools.size(); ++np) {
    const KarpenterNodePool& now = change.node_pools[np];
    if (np == drift_.current.size()) {
      created = true;
      // A NodePool the change creates (the loader appends them): Karpenter may provision from it now.
      drift_.current.push_back(&now);
      spec_.node_pools.push_back(now);
      drift_.node_tags.emplace_back();
    }
    drift_.current[np] = &now;
    spec_.node_pools[np] = now;
    if (!now.replicas) pools_.push_back(now.scheduling);
    // New nodes carry the new labels as cost tags; the nodes there keep theirs.
    Tags tags = drift_.cluster_tags;
    for (const auto& [key, v] : now.labels) tags[key] = v;
    tags["karpenter.sh/nodepool"] = now.scheduling.name;
    drift_.node_tags[np] = std::move(tags);
  }
  offerings_.node_pools_changed(spec_.node_pools);
  // Karpenter re-evaluates the Drifted condition of every NodeClaim: set when its NodePool no longer
  // matches it, cleared when a later change matches it again.
  const SimTime now = cluster_.run.now();
  for (std::size_t id : cluster_.state.live_node_ids()) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.node_pool == kNoOwner || id >= drift_.of_node.size() || !drift_.of_node[id]) continue;
    const DriftKind kind = drift_of(*drift_.of_node[id], *drift_.current[n.node_pool], *cluster_.nodes.pool_labels(n.pool));
    if (kind == DriftKind::None) drift_.drifted.erase(id);
    else drift_.drifted.emplace(id, now);
  }
  cluster_.state.changed();
  // A new NodePool triggers a provisioning round (Karpenter's provisioner watches NodePools), so pods
  // left pending for want of one need not wait for their next retry.
  if (created && !cluster_.replicas.pending().empty()) pods_pending();
}

void KarpenterProvisioner::provision() {
  RunContext& run = cluster_.run;
  const SimTime now = run.now();
  // The pending pods, by index (the replica controller keeps the set as they change).
  std::vector<const PodSpec*> pods;
  for (std::size_t p : cluster_.replicas.pending()) pods.push_back(&pod_spec(p));
  if (pods.empty()) return;
  const std::vector<const ExistingNode*>& existing = existing_node_views();
  // The rejected cheaper types of each claim are only ever read to explain a launch.
  const SchedulingResult result = schedule(pods, pools_, existing, snapshot(), run.explain);
  auto pod_of = [&](const std::string& name) { return static_cast<std::size_t>(std::stoul(name)); };
  for (const Binding& b : result.bound_to_existing) cluster_.replicas.bind(pod_of(b.pod), static_cast<std::size_t>(std::stoul(b.node)));
  run.counters.unschedulable += static_cast<int>(result.unschedulable.size());
  stuck_.clear();
  for (const UnschedulablePod& u : result.unschedulable) {
    stuck_.insert(pod_of(u.pod));
    cluster_.state.pods()[pod_of(u.pod)].unschedulable = u.reason;
  }
  auto service_name = [&](std::size_t p) -> const std::string& { return cluster_.state.template_of(cluster_.state.pods()[p]).name; };
  if (run.explain)
    for (const UnschedulablePod& u : result.unschedulable) {
      // Each reason once: the pod is retried every few minutes for as long as it stays pending.
      const std::string& svc = service_name(pod_of(u.pod));
      if (!unschedulable_explained_.insert(svc + '\n' + u.reason).second) continue;
      run.decisions.unschedulable.push_back({run.next_decision(), to_seconds(now), fmt::format("{}#{}", svc, u.pod), u.reason});
    }
  bool retry = !result.unschedulable.empty();
  for (const PlannedNodeClaim& claim : result.claims) {
    const std::optional<std::size_t> launched = launch(claim);
    if (!launched) {
      retry = true;
      for (const auto& p : claim.pods) stuck_.insert(pod_of(p));
      continue;
    }
    for (const auto& name : claim.pods) {
      const std::size_t p = pod_of(name);
      if (cluster_.scheduler.fits(cluster_.state.nodes()[*launched], cluster_.state.pods()[p].service)) cluster_.replicas.bind(p, *launched);
    }
    if (run.explain) {
      const Node& n = cluster_.state.nodes()[*launched];
      const MarketPool& mp = run.market.at(n.pool);
      LaunchDecision d;
      d.sequence = run.next_decision();
      d.at_s = to_seconds(now);
      d.node_pool = claim.node_pool;
      d.instance_type = n.type->name;
      d.capacity_type = std::string(to_string(mp.offering.capacity_type));
      d.zone = mp.offering.zone;
      d.price_usd_per_h = mp.prices->price_at(now);
      for (const auto& name : claim.pods) d.pods.push_back(fmt::format("{}#{}", service_name(pod_of(name)), name));
      d.types_considered = static_cast<int>(claim.explanation.types_considered);
      d.types_in_request = static_cast<int>(claim.instance_types.size());
      for (const Rejection& rj : claim.explanation.cheaper_rejected) d.cheaper_rejected.push_back({rj.instance_type, rj.price_usd_per_h, rj.reason});
      run.decisions.launches.push_back(std::move(d));
    }
  }
  // Pods left pending (no capacity now, or limits): try again after the unavailable period.
  if (retry) run.engine.schedule_in(run.market.spec().unavailable_after_ice, [this] { cluster_.scheduler.place_pending(); }, kPriorityCluster);
}

}  // namespace capsim
