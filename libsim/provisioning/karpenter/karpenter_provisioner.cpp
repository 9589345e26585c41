#include "capsim/provisioning/karpenter/karpenter_provisioner.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/pod_scheduler.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/market/allocation.hpp"
#include "capsim/provisioning/karpenter/disruption_controller.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

KarpenterProvisioner::KarpenterProvisioner(const ClusterControllers& cluster, const ProvisionerSpecs& specs)
    : cluster_(cluster),
      spec_(specs.karpenter),
      cluster_tags_(specs.cluster_tags),
      has_spot_prices_(specs.has_spot_prices),
      scheduling_catalog_(cluster.run.catalog) {
  disruption_ = std::make_unique<DisruptionController>(cluster_, *this);
}

KarpenterProvisioner::~KarpenterProvisioner() = default;

std::size_t KarpenterProvisioner::pool_of(const std::string& type, const std::string& zone, CapacityType capacity) {
  const std::string key = type + "/" + zone + "/" + to_string(capacity);
  auto it = pools_.find(key);
  if (it != pools_.end()) return it->second;
  const std::size_t p = cluster_.run.market.pool(type, zone, capacity);
  cluster_.nodes.ensure_pool(p);
  pools_.emplace(key, p);
  return p;
}

void KarpenterProvisioner::pods_pending() {
  const std::uint64_t stamp = ++batch_stamp_;
  if (!batch_open_) {
    batch_open_ = true;
    cluster_.run.engine.schedule_in(spec_.batch_max, [this, stamp] { batch_close(stamp, true); }, kPriorityCluster);
  }
  cluster_.run.engine.schedule_in(spec_.batch_idle, [this, stamp] { batch_close(stamp, false); }, kPriorityCluster);
}

void KarpenterProvisioner::batch_close(std::uint64_t stamp, bool at_max) {
  // The idle timer of an older pod, or a maximum timer of a window already closed, does nothing.
  if (!batch_open_ || (!at_max && stamp != batch_stamp_)) return;
  batch_open_ = false;
  provision();
}

PodSpec KarpenterProvisioner::pod(std::size_t p) const {
  PodSpec spec = cluster_.state.template_of(cluster_.state.pods()[p]);
  spec.name = std::to_string(p);
  return spec;
}

std::vector<ExistingNode> KarpenterProvisioner::existing_nodes() const {
  std::vector<ExistingNode> existing;
  for (std::size_t id : cluster_.state.live_node_ids()) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.cordoned) continue;
    existing.push_back({std::to_string(id), n.type, n.free, n.labels,
                        n.node_pool == kNoOwner ? std::string() : spec_.node_pools[n.node_pool].scheduling.name,
                        n.taints ? *n.taints : std::vector<Taint>{}});
  }
  return existing;
}

const SchedulingSnapshot& KarpenterProvisioner::snapshot() {
  // Every offering of the catalog in the scenario's zones, priced and available as the market says
  // now. Prices and availability seldom change, so the prepared snapshot (and the type filtering it
  // has cached) is kept until one of them does.
  const RunContext& run = cluster_.run;
  const SimTime now = run.now();
  if (offering_pools_.empty())
    for (const InstanceType& t : run.catalog.types())
      for (const auto& zone : run.zones)
        for (CapacityType c : {CapacityType::OnDemand, CapacityType::Spot}) {
          if (c == CapacityType::Spot && !has_spot_prices_(t.name)) continue;
          offering_pools_.push_back(pool_of(t.name, zone, c));
        }
  std::vector<std::pair<double, bool>> state;
  state.reserve(offering_pools_.size());
  for (std::size_t p : offering_pools_) {
    const auto cap = run.market.capacity_at(p, now);
    state.emplace_back(run.market.at(p).prices->price_at(now), !cluster_.nodes.avoided(p, now) && (!cap || *cap > cluster_.nodes.running_in(p)));
  }
  if (snapshot_ && state == snapshot_state_) return *snapshot_;
  std::vector<Offering> offerings;
  offerings.reserve(offering_pools_.size());
  for (std::size_t i = 0; i < offering_pools_.size(); ++i) {
    Offering o = run.market.at(offering_pools_[i]).offering;
    o.price_usd_per_h = state[i].first;
    o.available = state[i].second;
    offerings.push_back(std::move(o));
  }
  snapshot_.emplace(scheduling_catalog_, std::move(offerings));
  snapshot_state_ = std::move(state);
  return *snapshot_;
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
  for (std::size_t i = 0; i < claim.instance_types.size(); ++i)
    for (const auto& zone : run.zones) {
      const std::size_t p = pool_of(claim.instance_types[i], zone, claim.capacity_type);
      const MarketPool& mp = run.market.at(p);
      if (!pool.scheduling.requirements.matches(labels_of(run.catalog.at(claim.instance_types[i]), mp.offering))) continue;
      if (cluster_.nodes.avoided(p, now)) continue;
      states.push_back(PoolState{p, mp.prices->price_at(now), 1e9, mp.hazard_per_h, static_cast<int>(i)});
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
    Tags tags = cluster_tags_;
    for (const auto& [k, v] : pool.labels) tags[k] = v;
    tags["karpenter.sh/nodepool"] = claim.node_pool;
    const NodeOwner owner{kNoOwner, np, claim.node_pool, node_pool_launches_[np]++, &pool.scheduling.taints};
    return cluster_.nodes.create_node(p, owner, false, tags, [&](std::size_t id) {
      if (pool.expire_after && now + *pool.expire_after < run.window_end)
        run.engine.schedule_at(now + *pool.expire_after, [this, id] { expire(id); }, kPriorityCluster);
    });
  }
  return std::nullopt;
}

void KarpenterProvisioner::expire(std::size_t id) {
  // Forceful, as in Karpenter v1: drained and deleted at its expiry without consulting budgets or
  // launching a replacement first; its pods go pending and are provisioned for like any others.
  Node& n = cluster_.state.nodes()[id];
  if (n.gone) return;
  ++cluster_.run.counters.expirations;
  n.disrupting = true;
  cluster_.nodes.remove_node(id, "expiration");
}

void KarpenterProvisioner::provision() {
  RunContext& run = cluster_.run;
  const SimTime now = run.now();
  std::vector<PodSpec> pods;
  const auto& all = cluster_.state.pods();
  for (std::size_t p = 0; p < all.size(); ++p)
    if (all[p].pending()) pods.push_back(pod(p));
  if (pods.empty()) return;
  std::vector<NodePoolSpec> pools;
  for (const auto& np : spec_.node_pools) pools.push_back(np.scheduling);
  const std::vector<ExistingNode> existing = existing_nodes();
  std::vector<const ExistingNode*> existing_ptrs;
  for (const auto& n : existing) existing_ptrs.push_back(&n);
  const SchedulingResult result = schedule(pods, pools, existing_ptrs, snapshot());
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
