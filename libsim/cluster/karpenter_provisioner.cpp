// Karpenter as the provisioner of FleetController (../shared/MODEL.md "Karpenter"): pending replicas
// are batched (a window opens at the first, each new one resets the idle timer, it closes at idle or
// at the maximum), the scheduling simulation (karpenter_scheduler) places them on existing nodes or on
// new node claims, and each claim is launched through the market: spot by price-capacity-optimized,
// on-demand by lowest price, a pool that fails with insufficient capacity avoided for its unavailable
// period and the next one tried. Disruption (consolidation, expiration) is in karpenter_disruption.cpp.
#include <algorithm>

#include <fmt/format.h>

#include "capsim/cluster/fleet_controller.hpp"
#include "capsim/cluster/karpenter_scheduler.hpp"

namespace capsim {

namespace {
constexpr std::int32_t kPriorityFleet = 0;
}

std::size_t FleetController::karpenter_pool_of(const std::string& type, const std::string& zone, CapacityType capacity) {
  const std::string key = type + "/" + zone + "/" + to_string(capacity);
  auto it = karpenter_pools_.find(key);
  if (it != karpenter_pools_.end()) return it->second;
  const std::size_t p = market_.pool(type, zone, capacity);
  ensure_pool(p);
  karpenter_pools_.emplace(key, p);
  return p;
}

void FleetController::karpenter_pending() {
  const auto& k = policy_.cluster.karpenter;
  const std::uint64_t stamp = ++batch_stamp_;
  if (!batch_open_) {
    batch_open_ = true;
    engine_.schedule_in(k.batch_max, [this, stamp] { karpenter_batch_close(stamp, true); }, kPriorityFleet);
  }
  engine_.schedule_in(k.batch_idle, [this, stamp] { karpenter_batch_close(stamp, false); }, kPriorityFleet);
}

void FleetController::karpenter_batch_close(std::uint64_t stamp, bool at_max) {
  // The idle timer of an older pod, or a maximum timer of a window already closed, does nothing.
  if (!batch_open_ || (!at_max && stamp != batch_stamp_)) return;
  batch_open_ = false;
  karpenter_provision();
}

PodSpec FleetController::karpenter_pod(std::size_t r) const {
  PodSpec p = pod_templates_[replicas_[r].service];
  p.name = std::to_string(r);
  return p;
}

std::vector<ExistingNode> FleetController::karpenter_existing_nodes() const {
  std::vector<ExistingNode> existing;
  for (std::size_t id : live_nodes_) {
    const Node& n = nodes_[id];
    if (n.cordoned) continue;
    existing.push_back({std::to_string(id), n.type, {n.cpu_free, n.memory_free, n.gpus_free, n.pods_free}, n.labels,
                        node_pool_name(n), node_taints(n)});
  }
  return existing;
}

std::string FleetController::node_pool_name(const Node& n) const {
  return n.node_pool == kNoGroup ? std::string() : policy_.cluster.karpenter.node_pools[n.node_pool].scheduling.name;
}

const SchedulingSnapshot& FleetController::karpenter_snapshot() {
  // Every offering of the catalog in the scenario's zones, priced and available as the market says
  // now. Prices and availability seldom change, so the prepared snapshot (and the type filtering it
  // has cached) is kept until one of them does.
  const SimTime now = engine_.now();
  if (offering_pools_.empty())
    for (const InstanceType& t : scenario_.catalog.types())
      for (const auto& zone : scenario_.zones)
        for (CapacityType c : {CapacityType::OnDemand, CapacityType::Spot}) {
          if (c == CapacityType::Spot && !scenario_.spot_advisor.find(t.name) &&
              std::none_of(scenario_.market.spot_price_history.begin(), scenario_.market.spot_price_history.end(),
                           [&](const SpotPriceSeries& s) { return s.instance_type == t.name; }))
            continue;
          offering_pools_.push_back(karpenter_pool_of(t.name, zone, c));
        }
  std::vector<std::pair<double, bool>> state;
  state.reserve(offering_pools_.size());
  for (std::size_t p : offering_pools_) {
    const auto cap = market_.capacity_at(p, now);
    state.emplace_back(market_.at(p).prices->price_at(now), pool_unavailable_until_[p] <= now && (!cap || *cap > pool_running_[p]));
  }
  if (snapshot_ && state == snapshot_state_) return *snapshot_;
  std::vector<Offering> offerings;
  offerings.reserve(offering_pools_.size());
  for (std::size_t i = 0; i < offering_pools_.size(); ++i) {
    Offering o = market_.at(offering_pools_[i]).offering;
    o.price_usd_per_h = state[i].first;
    o.available = state[i].second;
    offerings.push_back(std::move(o));
  }
  snapshot_.emplace(*scheduling_catalog_, std::move(offerings));
  snapshot_state_ = std::move(state);
  return *snapshot_;
}

std::size_t FleetController::node_pool_index(const std::string& name) const {
  std::size_t np = 0;
  while (policy_.cluster.karpenter.node_pools[np].scheduling.name != name) ++np;
  return np;
}

std::optional<std::size_t> FleetController::karpenter_launch(const PlannedNodeClaim& claim) {
  const SimTime now = engine_.now();
  const std::size_t np = node_pool_index(claim.node_pool);
  const Requirements& pool_req = policy_.cluster.karpenter.node_pools[np].scheduling.requirements;
  // The launch request: the claim's types in every zone its NodePool allows, at the claim's
  // capacity type; the strategy picks one pool and the next is tried on insufficient capacity.
  std::vector<PoolState> states;
  for (std::size_t i = 0; i < claim.instance_types.size(); ++i)
    for (const auto& zone : scenario_.zones) {
      const std::size_t p = karpenter_pool_of(claim.instance_types[i], zone, claim.capacity_type);
      const MarketPool& mp = market_.at(p);
      if (!pool_req.matches(labels_of(scenario_.catalog.at(claim.instance_types[i]), mp.offering))) continue;
      if (pool_unavailable_until_[p] > now) continue;
      states.push_back(PoolState{p, mp.prices->price_at(now), 1e9, mp.hazard_per_h, static_cast<int>(i)});
    }
  const AllocationStrategy strategy =
      claim.capacity_type == CapacityType::Spot ? AllocationStrategy::PriceCapacityOptimized : AllocationStrategy::LowestPrice;
  while (!states.empty()) {
    const Allocation a = allocate({1, strategy, 1}, states);
    if (a.launches.empty()) break;
    const std::size_t p = a.launches.front().first;
    const auto cap = market_.capacity_at(p, now);
    if (cap && *cap <= pool_running_[p]) {
      ++counters_.fleet.insufficient_capacity;
      pool_unavailable_until_[p] = now + market_.spec().unavailable_after_ice;
      states.erase(std::remove_if(states.begin(), states.end(), [&](const PoolState& s) { return s.offering == p; }), states.end());
      continue;
    }
    if (node_pool_launches_.size() < policy_.cluster.karpenter.node_pools.size())
      node_pool_launches_.resize(policy_.cluster.karpenter.node_pools.size(), 0);
    Tags tags = policy_.cluster.tags;
    for (const auto& [k, v] : policy_.cluster.karpenter.node_pools[np].labels) tags[k] = v;
    tags["karpenter.sh/nodepool"] = claim.node_pool;
    return create_node(kNoGroup, np, p, false, claim.node_pool, node_pool_launches_[np]++, tags);
  }
  return std::nullopt;
}

void FleetController::karpenter_provision() {
  const SimTime now = engine_.now();
  std::vector<PodSpec> pods;
  for (std::size_t r = 0; r < replicas_.size(); ++r)
    if (replicas_[r].node < 0 && !replicas_[r].removed) pods.push_back(karpenter_pod(r));
  if (pods.empty()) return;
  std::vector<NodePoolSpec> pools;
  for (const auto& np : policy_.cluster.karpenter.node_pools) pools.push_back(np.scheduling);
  const std::vector<ExistingNode> existing = karpenter_existing_nodes();
  std::vector<const ExistingNode*> existing_ptrs;
  for (const auto& n : existing) existing_ptrs.push_back(&n);
  const SchedulingResult result = schedule(pods, pools, existing_ptrs, karpenter_snapshot());
  auto replica_of = [&](const std::string& pod) { return static_cast<std::size_t>(std::stoul(pod)); };
  for (const Binding& b : result.bound_to_existing) bind(replica_of(b.pod), static_cast<std::size_t>(std::stoul(b.node)));
  counters_.fleet.unschedulable += static_cast<int>(result.unschedulable.size());
  stuck_.clear();
  for (const UnschedulablePod& u : result.unschedulable) stuck_.insert(replica_of(u.pod));
  if (explain_)
    for (const UnschedulablePod& u : result.unschedulable) {
      // Each reason once: the pod is retried every few minutes for as long as it stays pending.
      const std::string& svc = policy_.services[replicas_[replica_of(u.pod)].service].name;
      if (!unschedulable_explained_.insert(svc + '\n' + u.reason).second) continue;
      explanations_.push_back(fmt::format("{} pod {}#{} could not be scheduled: {}",
                                          format_utc(to_utc(scenario_.simulation.start, now)), svc, u.pod, u.reason));
    }
  bool retry = !result.unschedulable.empty();
  for (const PlannedNodeClaim& claim : result.claims) {
    const std::optional<std::size_t> launched = karpenter_launch(claim);
    if (!launched) {
      retry = true;
      for (const auto& pod : claim.pods) stuck_.insert(replica_of(pod));
      continue;
    }
    for (const auto& pod : claim.pods) {
      const std::size_t r = replica_of(pod);
      if (fits(nodes_[*launched], policy_.services[replicas_[r].service])) bind(r, *launched);
    }
    if (explain_) {
      const Node& n = nodes_[*launched];
      const MarketPool& mp = market_.at(n.pool);
      std::string pods_text;
      for (std::size_t i = 0; i < claim.pods.size(); ++i) {
        const std::size_t r = replica_of(claim.pods[i]);
        pods_text += fmt::format("{}{}#{}", i ? ", " : "", policy_.services[replicas_[r].service].name, r);
      }
      std::string text = fmt::format("{} NodePool {}: node {} ({}, {}, {:.4f} USD/h) for {} pod(s) [{}]; {} type(s) considered, "
                                     "{} in the launch request",
                                     format_utc(scenario_.simulation.start + std::chrono::microseconds{now}), claim.node_pool,
                                     n.type->name, to_string(mp.offering.capacity_type), mp.offering.zone, mp.prices->price_at(now),
                                     claim.pods.size(), pods_text, claim.explanation.types_considered, claim.instance_types.size());
      if (claim.explanation.cheaper_rejected.empty()) text += "; no cheaper type was rejected";
      for (const Rejection& rj : claim.explanation.cheaper_rejected)
        text += fmt::format("\n    {} ({:.4f} USD/h): {}", rj.instance_type, rj.price_usd_per_h, rj.reason);
      explanations_.push_back(std::move(text));
    }
  }
  // Pods left pending (no capacity now, or limits): try again after the unavailable period.
  if (retry) engine_.schedule_in(market_.spec().unavailable_after_ice, [this] { place_pending(); }, kPriorityFleet);
}

}  // namespace capsim
