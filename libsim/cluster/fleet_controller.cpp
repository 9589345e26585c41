#include "capsim/cluster/fleet_controller.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/core/rng.hpp"

namespace capsim {

namespace {
// Capacity changes before the period boundary at the same instant (see sim/simulation.cpp).
constexpr std::int32_t kPriorityFleet = 0;
constexpr double kNoLimit = 1e9;
}  // namespace

FleetController::FleetController(Engine& engine, const Scenario& scenario, const PolicySpec& policy, SpotMarket& market,
                                 Ledger& ledger, std::vector<ServiceModel>& services, std::uint64_t replicate)
    : engine_(engine), scenario_(scenario), policy_(policy), market_(market), ledger_(ledger), services_(services),
      replicate_(replicate) {
  const auto& groups = policy_.cluster.node_groups;
  group_pools_.resize(groups.size());
  group_launches_.assign(groups.size(), 0);
  group_retrying_.assign(groups.size(), 0);
  for (const auto& g : groups) {
    group_min_.push_back(g.min_size);
    group_max_.push_back(g.max_size);
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& zones = groups[g].zones.empty() ? scenario_.zones : groups[g].zones;
    for (const auto& type : groups[g].instance_types)
      for (const auto& zone : zones) group_pools_[g].push_back(market_.pool(type, zone, groups[g].capacity_type));
  }
  service_starts_.assign(policy_.services.size(), 0);
  if (policy_.cluster.provisioner == Provisioner::Karpenter) scheduling_catalog_.emplace(scenario_.catalog);
  for (const ServiceSpec& svc : policy_.services) {
    PodSpec p;
    p.requests = {svc.replica_cpu_millicores, svc.replica_memory_mib, svc.replica_gpus, 1, svc.replica_device};
    // A replica runs only on the types its service has a throughput for.
    std::vector<std::string> types;
    for (const auto& [t, _] : svc.throughput_rps) types.push_back(t);
    p.requirements = svc.replica_requirements.intersect(Requirements({{std::string(label::kInstanceType), Operator::In, types}}));
    p.tolerations = svc.tolerations;
    pod_templates_.push_back(std::move(p));
  }
  counters_.replica_minutes_lost.assign(policy_.services.size(), 0.0);
  counters_.quota_refused.assign(policy_.services.size(), 0);
  bound_replica_s_.assign(policy_.services.size(), 0.0);
}

void FleetController::start() {
  watch_availability();
  for (std::size_t g = 0; g < policy_.cluster.node_groups.size(); ++g) {
    const NodeGroupSpec& group = policy_.cluster.node_groups[g];
    if (group.capacity_type == CapacityType::Reserved) {
      // A capacity reservation bills its whole size at the on-demand price for the whole window,
      // used or not (EC2 On-Demand Capacity Reservations).
      const InstanceType& type = scenario_.catalog.at(group.instance_types.front());
      Tags tags = policy_.cluster.tags;
      for (const auto& [tk, tv] : group.tags) tags[tk] = tv;
      ledger_.open_instance(fmt::format("reservation/{}", group.name), type,
                            type.ondemand_usd_per_h * group.reservation_count, 0, std::move(tags));
    }
    launch(g, group.count, group.initial_state == InitialState::Ready);
  }
  desired_.assign(policy_.services.size(), 0);
  for (std::size_t s = 0; s < policy_.services.size(); ++s) {
    desired_[s] = policy_.services[s].replicas;
    for (int r = 0; r < policy_.services[s].replicas; ++r) create_replica(s);
  }
  for (std::size_t g = 0; g < policy_.cluster.node_groups.size(); ++g) sync_group_replicas(g);
  place_pending();
  if (policy_.cluster.provisioner == Provisioner::ClusterAutoscaler)
    engine_.schedule_in(policy_.cluster.cluster_autoscaler.scan_interval, [this] { autoscaler_scan(); }, kPriorityFleet);
}

int FleetController::replicas(std::size_t service) const {
  int n = 0;
  for (const auto& r : replicas_) n += r.service == service && !r.removed ? 1 : 0;
  return n;
}

int FleetController::ready_replicas(std::size_t service) const {
  int n = 0;
  for (const auto& r : replicas_) n += r.service == service && !r.removed && r.ready ? 1 : 0;
  return n;
}

bool FleetController::quota_allows(std::size_t service) const {
  const ServiceSpec& svc = policy_.services[service];
  auto q = policy_.cluster.resource_quotas.find(svc.namespace_name);
  if (q == policy_.cluster.resource_quotas.end()) return true;
  std::int64_t cpu = svc.replica_cpu_millicores, mem = svc.replica_memory_mib;
  // requests.nvidia.com/gpu counts NVIDIA GPUs only.
  auto nvidia = [&](const ServiceSpec& s) { return s.replica_device == DeviceResource::NvidiaGpu ? s.replica_gpus : 0; };
  int gpus = nvidia(svc), pods = 1;
  for (const auto& r : replicas_) {
    if (r.removed || policy_.services[r.service].namespace_name != svc.namespace_name) continue;
    const ServiceSpec& o = policy_.services[r.service];
    cpu += o.replica_cpu_millicores;
    mem += o.replica_memory_mib;
    gpus += nvidia(o);
    ++pods;
  }
  const ResourceQuotaSpec& h = q->second;
  return (!h.cpu_millicores || cpu <= *h.cpu_millicores) && (!h.memory_mib || mem <= *h.memory_mib) &&
         (!h.gpus || gpus <= *h.gpus) && (!h.pods || pods <= *h.pods);
}

void FleetController::create_replica(std::size_t service) {
  if (!quota_allows(service)) {
    // The API server refuses the pod (exceeded quota); the ReplicaSet keeps trying, we count it.
    ++counters_.quota_refused[service];
    return;
  }
  // Reuse a removed replica's slot, so the table stays as large as the most replicas at once; its
  // start counter carries on, so events of its previous life stay stale.
  auto slot = std::find_if(replicas_.begin(), replicas_.end(), [](const Replica& r) { return r.removed; });
  if (slot == replicas_.end()) {
    replicas_.push_back(Replica{service});
    replicas_.back().born = ++replicas_born_;
    return;
  }
  const std::uint64_t start = slot->start;
  *slot = Replica{service};
  slot->start = start;
  slot->born = ++replicas_born_;
}

void FleetController::set_replicas(std::size_t service, int desired) {
  desired_[service] = desired;
  int current = replicas(service);
  for (int want = desired - current; want > 0; --want) create_replica(service);
  current = replicas(service);
  while (current > desired) {
    // Pending first, then not yet ready, then the most recently created.
    std::ptrdiff_t pick = -1;
    int pick_rank = -1;
    std::uint64_t pick_born = 0;
    for (std::size_t i = 0; i < replicas_.size(); ++i) {
      const Replica& r = replicas_[i];
      if (r.service != service || r.removed) continue;
      const int rank = r.node < 0 ? 2 : !r.ready ? 1 : 0;
      if (rank > pick_rank || (rank == pick_rank && r.born > pick_born)) {
        pick = static_cast<std::ptrdiff_t>(i);
        pick_rank = rank;
        pick_born = r.born;
      }
    }
    if (pick < 0) break;
    Replica& r = replicas_[static_cast<std::size_t>(pick)];
    if (r.node >= 0) {
      account_unbind(static_cast<std::size_t>(pick));
      Node& n = nodes_[static_cast<std::size_t>(r.node)];
      n.gpus_free += policy_.services[service].replica_gpus;
      n.cpu_free += policy_.services[service].replica_cpu_millicores;
      n.memory_free += policy_.services[service].replica_memory_mib;
      n.pods_free += 1;
      n.replicas.erase(std::find(n.replicas.begin(), n.replicas.end(), static_cast<std::size_t>(pick)));
      pods_changed(static_cast<std::size_t>(r.node));
      if (r.ready) services_[service].change_capacity(engine_.now(), -policy_.services[service].throughput_rps.at(n.type->name), -1);
    }
    r.removed = true;
    r.ready = false;
    r.node = -1;
    r.down_since = -1;
    ++r.start;
    --current;
  }
  place_pending();
}

void FleetController::evict_replicas(std::size_t id) {
  Node& n = nodes_[id];
  if (n.replicas.empty()) return;
  counters_.fleet.pods_disrupted += static_cast<int>(n.replicas.size());
  for (std::size_t r : n.replicas) {
    account_unbind(r);
    Replica& rep = replicas_[r];
    const ServiceSpec& svc = policy_.services[rep.service];
    if (rep.ready) {
      services_[rep.service].change_capacity(engine_.now(), -svc.throughput_rps.at(n.type->name), -1);
      rep.down_since = engine_.now();
    }
    rep.ready = false;
    rep.node = -1;
    ++rep.start;
    n.gpus_free += svc.replica_gpus;
    n.cpu_free += svc.replica_cpu_millicores;
    n.memory_free += svc.replica_memory_mib;
    n.pods_free += 1;
  }
  n.replicas.clear();
  pods_changed(id);
}

void FleetController::remove_node(std::size_t id, const char* reason) {
  Node& n = nodes_[id];
  if (n.gone) return;
  if (n.cordoned_at < 0) n.cordoned_at = engine_.now();
  n.cordoned = true;
  n.gone = true;
  live_nodes_.erase(std::lower_bound(live_nodes_.begin(), live_nodes_.end(), id));
  n.terminated_at = engine_.now();
  n.end_reason = reason;
  --counters_.fleet.nodes_at_end;
  counters_.fleet.gpus_at_end -= n.type->gpus;
  if (n.ready) --ready_nodes_;
  --pool_running_[n.pool];
  ledger_.close_instance(n.ledger_line, engine_.now());
  evict_replicas(id);
  cluster_changed();
  if (n.group != kNoGroup) sync_group_replicas(n.group);
  // A replacement that never became ready leaves the nodes it was for where they were.
  if (replacements_.count(id)) release_candidates(id);
  place_pending();
}

void FleetController::ensure_pool(std::size_t p) {
  if (p < pool_running_.size()) return;
  pool_running_.resize(p + 1, 0);
  pool_launches_.resize(p + 1, 0);
  pool_unavailable_until_.resize(p + 1, 0);
}

void FleetController::launch(std::size_t g, int count, bool warm) {
  if (count <= 0) return;
  const NodeGroupSpec& group = policy_.cluster.node_groups[g];
  const SimTime now = engine_.now();
  const std::size_t zones = group.zones.empty() ? scenario_.zones.size() : group.zones.size();
  int remaining = count;
  // As EC2 Fleet does: the strategy picks pools without knowing their spare capacity; a pool that
  // cannot supply its share fails with insufficient capacity, is avoided for the unavailable period
  // (Karpenter: 3 minutes), and the rest is asked of the next pools.
  for (;;) {
    std::vector<PoolState> states;
    for (std::size_t i = 0; i < group_pools_[g].size(); ++i) {
      const std::size_t p = group_pools_[g][i];
      ensure_pool(p);
      if (pool_unavailable_until_[p] > now) continue;
      const MarketPool& mp = market_.at(p);
      // The order of the group's instance types is its priority for the prioritized strategy.
      states.push_back(PoolState{p, mp.prices->price_at(now), kNoLimit, mp.hazard_per_h, static_cast<int>(i / std::max<std::size_t>(1, zones))});
    }
    if (states.empty()) break;
    const Allocation a = allocate({static_cast<std::size_t>(remaining), group.allocation_strategy, group.max_pools}, states);
    bool failed = false;
    for (const auto& [p, n] : a.launches) {
      auto cap = market_.capacity_at(p, now);
      if (group.capacity_type == CapacityType::Reserved) cap = group.reservation_count;
      const std::size_t supplied = cap ? std::min<std::size_t>(n, static_cast<std::size_t>(std::max(0, *cap - pool_running_[p]))) : n;
      for (std::size_t k = 0; k < supplied; ++k) start_node(g, p, warm);
      remaining -= static_cast<int>(supplied);
      if (supplied < n) {
        ++counters_.fleet.insufficient_capacity;
        pool_unavailable_until_[p] = now + market_.spec().unavailable_after_ice;
        failed = true;
      }
    }
    if (!failed || remaining <= 0) break;
  }
  if (remaining > 0) {
    // No pool could supply the rest: try again when the unavailable period has passed.
    group_retrying_[g] += remaining;
    engine_.schedule_in(market_.spec().unavailable_after_ice, [this, g, remaining] {
      group_retrying_[g] -= remaining;
      launch(g, remaining, false);
    }, kPriorityFleet);
  }
  sync_group_replicas(g);
}

void FleetController::start_node(std::size_t g, std::size_t p, bool warm) {
  const NodeGroupSpec& group = policy_.cluster.node_groups[g];
  Tags tags = policy_.cluster.tags;
  for (const auto& [tk, tv] : group.tags) tags[tk] = tv;
  create_node(g, kNoGroup, p, warm, group.name, group_launches_[g]++, tags);
}

std::size_t FleetController::create_node(std::size_t g, std::size_t node_pool, std::size_t p, bool warm, const std::string& owner,
                                         int ordinal, const Tags& tags) {
  const SimTime now = engine_.now();
  ensure_pool(p);
  const MarketPool& mp = market_.at(p);
  Node node;
  node.group = g;
  node.node_pool = node_pool;
  node.pool = p;
  node.type = &scenario_.catalog.at(mp.offering.instance_type);
  node.labels = std::make_shared<const Labels>(labels_of(*node.type, mp.offering));
  node.gpus_free = node.type->gpus + node.type->accelerators;  // its GPUs or its Neuron devices
  node.cpu_free = node.type->alloc_cpu_millicores;
  node.memory_free = node.type->alloc_memory_mib;
  node.pods_free = node.type->alloc_pods;
  node.pool_ordinal = pool_launches_[p]++;
  ++pool_running_[p];
  FleetSummary& f = counters_.fleet;
  ++f.launches;
  f.gpus_launched += node.type->gpus;
  ++f.nodes_at_end;
  f.gpus_at_end += node.type->gpus;
  f.peak_nodes = std::max(f.peak_nodes, f.nodes_at_end);
  f.peak_gpus = std::max(f.peak_gpus, f.gpus_at_end);
  node.ledger_line = ledger_.open_instance(fmt::format("node/{}/{}", owner, ordinal), *node.type, mp.prices, now, tags);
  node.ready_at = now;
  node.created_at = now;
  node.last_pod_change = now;
  if (!warm) {
    const auto& c = policy_.cluster;
    auto draw = [&](const char* component, const Distribution& d) {
      Rng rng = make_stream({scenario_.simulation.seed, replicate_, component, owner, static_cast<std::uint64_t>(ordinal)});
      return seconds(d.sample(rng));
    };
    node.ready_at = now + (c.node_launch_s ? draw("node_launch", *c.node_launch_s) + draw("node_boot", *c.node_boot_s)
                                           : draw("node_ready", *c.node_ready_s));
  }
  const std::size_t id = nodes_.size();
  nodes_.push_back(std::move(node));
  live_nodes_.push_back(id);
  engine_.schedule_at(nodes_[id].ready_at, [this, id] { node_ready(id); }, kPriorityFleet);
  const SimTime reclaim_at = market_.reclaim_time(p, nodes_[id].pool_ordinal, now);
  if (reclaim_at < scenario_.simulation.duration) schedule_reclaim(id, reclaim_at);
  if (node_pool != kNoGroup) {
    const auto& expire_after = policy_.cluster.karpenter.node_pools[node_pool].expire_after;
    if (expire_after && now + *expire_after < scenario_.simulation.duration)
      engine_.schedule_at(now + *expire_after, [this, id] { expire(id); }, kPriorityFleet);
  }
  cluster_changed();
  return id;
}

void FleetController::schedule_reclaim(std::size_t id, SimTime at) {
  const SimTime now = engine_.now();
  const auto& spec = market_.spec();
  if (spec.rebalance_lead) {
    // A rebalance recommendation only produces an event (Karpenter); it is counted.
    engine_.schedule_at(std::max(now, at - spec.notice - *spec.rebalance_lead), [this, id] {
      if (!nodes_[id].gone) ++counters_.fleet.rebalance_recommendations;
    }, kPriorityFleet);
  }
  engine_.schedule_at(std::max(now, at - spec.notice), [this, id] { notice(id); }, kPriorityFleet);
  engine_.schedule_at(at, [this, id] { reclaim(id); }, kPriorityFleet);
}

void FleetController::watch_availability() {
  // A recorded pool that drops below the instances running in it reclaims the excess (the most
  // recently launched first) with the usual notice.
  for (std::size_t g = 0; g < group_pools_.size(); ++g)
    for (std::size_t p : group_pools_[g]) {
      const AvailabilityTrace* trace = market_.at(p).availability;
      if (!trace || trace->gap <= 0) continue;
      ensure_pool(p);
      for (std::size_t k = 1; k < trace->data.size(); ++k) {
        const SimTime at = static_cast<SimTime>(k) * trace->gap;
        if (at >= scenario_.simulation.duration) break;
        const int before = trace->capacity_at(at - 1), after = trace->capacity_at(at);
        const bool drop = after >= 0 && (before < 0 || after < before);
        if (!drop) continue;
        engine_.schedule_at(std::max<SimTime>(0, at - market_.spec().notice), [this, p, at, after] {
          std::vector<std::size_t> running;
          for (std::size_t id : live_nodes_)
            if (nodes_[id].pool == p && !nodes_[id].interrupted) running.push_back(id);
          for (std::size_t i = running.size(); i-- > static_cast<std::size_t>(after);) schedule_reclaim(running[i], at);
        }, kPriorityFleet);
      }
    }
}

void FleetController::node_ready(std::size_t id) {
  Node& n = nodes_[id];
  if (n.gone) return;
  n.ready = true;
  n.became_ready = true;
  counters_.fleet.max_ready_nodes = std::max(counters_.fleet.max_ready_nodes, ++ready_nodes_);
  // consolidateAfter counts from initialization when no pod has come or gone since.
  pods_changed(id);
  if (replacements_.count(id)) replacement_ready(id);
  place_pending();
}

void FleetController::notice(std::size_t id) {
  Node& n = nodes_[id];
  if (n.gone || n.interrupted) return;
  n.interrupted = true;
  n.cordoned = true;
  if (n.cordoned_at < 0) n.cordoned_at = engine_.now();
  ++counters_.fleet.interruptions;
  // The reclaimed offering is avoided for a while, and a replacement is launched at once: a node
  // group's by the group; Karpenter cordons and drains the node, and provisions for its pods.
  pool_unavailable_until_[n.pool] = engine_.now() + market_.spec().unavailable_after_ice;
  if (n.group == kNoGroup) {
    evict_replicas(id);
    place_pending();
  } else {
    launch(n.group, 1, false);
  }
}

void FleetController::reclaim(std::size_t id) {
  if (nodes_[id].gone) return;
  if (!nodes_[id].interrupted) notice(id);
  // Replicas still on the node when the instance goes (nothing drained it) stop abruptly: the
  // requests they were serving are lost. Drained ones (Karpenter at the notice) finished theirs.
  for (std::size_t r : nodes_[id].replicas)
    if (replicas_[r].ready) services_[replicas_[r].service].interrupt_replica(engine_.now(), policy_.services[replicas_[r].service].concurrency);
  remove_node(id, "spot-interruption");
}

bool FleetController::fits(const Node& n, const ServiceSpec& svc) const {
  return !n.gone && !n.cordoned && n.gpus_free >= svc.replica_gpus && n.cpu_free >= svc.replica_cpu_millicores &&
         (svc.replica_gpus == 0 || device_count(*n.type, svc.replica_device) > 0) &&
         n.memory_free >= svc.replica_memory_mib && n.pods_free >= 1 && svc.throughput_rps.count(n.type->name) &&
         !first_untolerated(node_taints(n), svc.tolerations) &&
         (svc.replica_requirements.empty() || svc.replica_requirements.matches(*n.labels));
}

void FleetController::bind(std::size_t r, std::size_t id) {
  Replica& rep = replicas_[r];
  Node& n = nodes_[id];
  const ServiceSpec& svc = policy_.services[rep.service];
  n.gpus_free -= svc.replica_gpus;
  n.cpu_free -= svc.replica_cpu_millicores;
  n.memory_free -= svc.replica_memory_mib;
  n.pods_free -= 1;
  n.replicas.push_back(r);
  rep.node = static_cast<std::ptrdiff_t>(id);
  rep.bound_since = engine_.now();
  rep.unschedulable_counted = false;
  ++n.binds;
  pods_changed(id);
  const bool warm = engine_.now() == 0 && n.ready_at == 0 && rep.down_since < 0;
  start_replica(r, warm);
}

void FleetController::place_pending() {
  bool left = false;
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    Replica& rep = replicas_[r];
    if (rep.node >= 0 || rep.removed) continue;
    const ServiceSpec& svc = policy_.services[rep.service];
    bool placed = false;
    for (std::size_t id : live_nodes_) {
      if (!fits(nodes_[id], svc)) continue;
      bind(r, id);
      placed = true;
      break;
    }
    left = left || !placed;
  }
  if (left && policy_.cluster.provisioner == Provisioner::Karpenter) karpenter_pending();
}

void FleetController::start_replica(std::size_t r, bool warm) {
  Replica& rep = replicas_[r];
  const Node& n = nodes_[static_cast<std::size_t>(rep.node)];
  const std::uint64_t start = ++rep.start;
  SimTime ready = std::max(engine_.now(), n.ready_at);
  if (!warm) {
    const ServiceSpec& svc = policy_.services[rep.service];
    const std::uint64_t ordinal = service_starts_[rep.service]++;
    auto draw = [&](const char* component, const Distribution& d) {
      Rng rng = make_stream({scenario_.simulation.seed, replicate_, component, svc.name, ordinal});
      return seconds(d.sample(rng));
    };
    ready += svc.image_pull_s ? draw("image_pull", *svc.image_pull_s) + draw("model_load", *svc.model_load_s)
                              : draw("replica_startup", *svc.startup_s);
  }
  engine_.schedule_at(ready, [this, r, start] { replica_ready(r, start); }, kPriorityFleet);
}

void FleetController::replica_ready(std::size_t r, std::uint64_t start) {
  Replica& rep = replicas_[r];
  if (rep.start != start || rep.node < 0) return;
  const Node& n = nodes_[static_cast<std::size_t>(rep.node)];
  rep.ready = true;
  if (rep.down_since >= 0) {
    counters_.replica_minutes_lost[rep.service] += to_minutes(engine_.now() - rep.down_since);
    rep.down_since = -1;
  }
  services_[rep.service].change_capacity(engine_.now(), policy_.services[rep.service].throughput_rps.at(n.type->name), 1);
}

int FleetController::group_capacity(std::size_t g) const {
  int n = group_retrying_[g];
  for (const Node& node : live_nodes()) n += node.group == g && !node.interrupted ? 1 : 0;
  return n;
}

int FleetController::group_warming(std::size_t g, SimDuration warmup) const {
  const SimTime now = engine_.now();
  int n = group_retrying_[g];
  for (const Node& node : live_nodes())
    // Instances the group starts with in service (as configured) are past any warm-up.
    if (node.group == g && !node.interrupted && (!node.ready || (now < node.ready_at + warmup && node.ready_at > 0))) ++n;
  return n;
}

int FleetController::group_ready(std::size_t g) const {
  int n = 0;
  for (const Node& node : live_nodes()) n += node.group == g && !node.interrupted && node.ready ? 1 : 0;
  return n;
}

void FleetController::apply_scheduled_action(std::size_t g, std::optional<int> min_size, std::optional<int> max_size,
                                             std::optional<int> desired) {
  ++counters_.fleet.scheduled_actions;
  if (min_size) group_min_[g] = *min_size;
  if (max_size) group_max_[g] = *max_size;
  group_max_[g] = std::max(group_max_[g], group_min_[g]);
  const int target = std::clamp(desired.value_or(group_capacity(g)), group_min_[g], group_max_[g]);
  if (target != group_capacity(g)) set_group_capacity(g, target, SizeCause::ScheduledAction);
}

void FleetController::set_group_capacity(std::size_t g, int desired, SizeCause cause) {
  const int current = group_capacity(g);
  const bool tracking = cause == SizeCause::TargetTracking;
  if (desired > current) {
    if (tracking) counters_.fleet.target_tracking_scale_outs += desired - current;
    launch(g, desired - current, false);
    return;
  }
  for (int k = current - desired; k > 0; --k) {
    // Launches still waiting for a retry are given up first.
    if (group_retrying_[g] > 0) {
      --group_retrying_[g];
      continue;
    }
    std::ptrdiff_t pick = -1;
    for (std::size_t id : live_nodes_) {
      const Node& n = nodes_[id];
      if (n.group != g || n.interrupted) continue;
      // Not yet in service first, then the most recently launched (AWS's default termination policy
      // balances zones and then picks; per-second billing leaves no billing-hour reason to prefer one).
      if (pick < 0 || (!n.ready && nodes_[static_cast<std::size_t>(pick)].ready) ||
          (n.ready == nodes_[static_cast<std::size_t>(pick)].ready && n.created_at >= nodes_[static_cast<std::size_t>(pick)].created_at))
        pick = static_cast<std::ptrdiff_t>(id);
    }
    if (pick < 0) break;
    if (tracking) ++counters_.fleet.target_tracking_scale_ins;
    remove_node(static_cast<std::size_t>(pick), "scale-in");
  }
  sync_group_replicas(g);
}

void FleetController::sync_group_replicas(std::size_t g) {
  const auto& tt = policy_.cluster.node_groups[g].target_tracking;
  if (!tt || desired_.empty()) return;
  std::size_t s = 0;
  while (policy_.services[s].name != tt->service) ++s;
  int slots = 0;
  for (const Node& n : live_nodes())
    if (n.group == g && !n.interrupted)
      slots += device_count(*n.type, policy_.services[s].replica_device) / policy_.services[s].replica_gpus;
  if (slots != desired_[s]) set_replicas(s, slots);
}

double FleetController::request_share(const Node& n, std::size_t service) const {
  const ServiceSpec& svc = policy_.services[service];
  if (const int devices = n.type->gpus + n.type->accelerators; devices > 0)
    return std::min(1.0, static_cast<double>(svc.replica_gpus) / devices);
  double share = 0;
  if (n.type->alloc_cpu_millicores > 0) share = static_cast<double>(svc.replica_cpu_millicores) / n.type->alloc_cpu_millicores;
  if (n.type->alloc_memory_mib > 0) share = std::max(share, static_cast<double>(svc.replica_memory_mib) / n.type->alloc_memory_mib);
  if (share == 0 && n.type->alloc_pods > 0) share = 1.0 / n.type->alloc_pods;  // a pod that requests nothing still takes a slot
  return std::min(1.0, share);
}

void FleetController::account_unbind(std::size_t r) {
  Replica& rep = replicas_[r];
  if (rep.node < 0 || rep.bound_since < 0) return;
  Node& n = nodes_[static_cast<std::size_t>(rep.node)];
  const double dt = to_seconds(engine_.now() - rep.bound_since);
  if (n.share_s.empty()) n.share_s.assign(policy_.services.size(), 0.0);
  n.share_s[rep.service] += dt * request_share(n, rep.service);
  bound_replica_s_[rep.service] += dt;
  rep.bound_since = -1;
}

std::vector<NodeAllocation> FleetController::allocations() const {
  std::vector<NodeAllocation> out;
  out.reserve(nodes_.size());
  for (const Node& n : nodes_) {
    NodeAllocation a{n.ledger_line, n.share_s};
    a.share_s.resize(policy_.services.size(), 0.0);
    for (std::size_t r : n.replicas) {
      const Replica& rep = replicas_[r];
      if (rep.bound_since >= 0) a.share_s[rep.service] += to_seconds(engine_.now() - rep.bound_since) * request_share(n, rep.service);
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<double> FleetController::bound_replica_seconds() const {
  std::vector<double> out = bound_replica_s_;
  for (const Replica& r : replicas_)
    if (r.node >= 0 && !r.removed && r.bound_since >= 0) out[r.service] += to_seconds(engine_.now() - r.bound_since);
  return out;
}

std::vector<NodeRecord> FleetController::node_records() const {
  std::vector<NodeRecord> out;
  out.reserve(nodes_.size());
  for (const Node& n : nodes_) {
    const MarketPool& mp = market_.at(n.pool);
    const LedgerLine& line = ledger_.line(n.ledger_line);
    NodeRecord r;
    r.name = line.resource;
    r.owner = n.node_pool != kNoGroup ? policy_.cluster.karpenter.node_pools[n.node_pool].scheduling.name
                                      : policy_.cluster.node_groups[n.group].name;
    r.instance_type = n.type->name;
    r.zone = mp.offering.zone;
    r.capacity_type = std::string(to_string(mp.offering.capacity_type));
    r.price_usd_per_h = mp.prices->price_at(n.created_at);
    r.launched_s = to_seconds(n.created_at);
    r.ready_s = n.became_ready ? to_seconds(n.ready_at) : -1;
    r.cordoned_s = n.cordoned_at >= 0 ? to_seconds(n.cordoned_at) : -1;
    r.terminated_s = n.terminated_at >= 0 ? to_seconds(n.terminated_at) : -1;
    r.end_reason = n.end_reason;
    r.pods_bound = n.binds;
    out.push_back(std::move(r));
  }
  return out;
}

FleetCounters FleetController::counters() const {
  FleetCounters c = counters_;
  c.replicas_placed.assign(policy_.services.size(), 0);
  c.replicas_desired = desired_;
  for (const auto& r : replicas_) {
    if (r.node >= 0 && !r.removed) ++c.replicas_placed[r.service];
  }
  // Replicas still down when the window closes count until its end.
  for (const auto& r : replicas_)
    if (r.down_since >= 0) c.replica_minutes_lost[r.service] += to_minutes(engine_.now() - r.down_since);
  return c;
}

}  // namespace capsim
