#include "capsim/cluster/node_groups.hpp"

#include <memory>

#include <algorithm>

#include <fmt/format.h>

namespace capsim {

namespace {
constexpr double kNoLimit = 1e9;
}

NodeGroupController::NodeGroupController(RunContext& run, ClusterState& state, NodeLifecycle& nodes, ReplicaController& replicas,
                                         const std::vector<NodeGroupSpec>& groups, const std::vector<ServiceSpec>& services,
                                         const Tags& cluster_tags)
    : run_(run), state_(state), nodes_(nodes), replicas_(replicas), groups_(groups), services_(services), cluster_tags_(cluster_tags) {
  pools_.resize(groups_.size());
  launches_.assign(groups_.size(), 0);
  retrying_.assign(groups_.size(), 0);
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    min_.push_back(groups_[g].min_size);
    max_.push_back(groups_[g].max_size);
    const auto& zones = groups_[g].zones.empty() ? run_.zones : groups_[g].zones;
    for (const auto& type : groups_[g].instance_types)
      for (const auto& zone : zones) pools_[g].push_back(run_.market.pool(type, zone, groups_[g].capacity_type));
    std::optional<std::size_t> follower;
    if (const auto& tt = groups_[g].target_tracking)
      for (std::size_t s = 0; s < services_.size(); ++s)
        if (services_[s].name == tt->service) follower = s;
    follower_.push_back(follower);
  }
}

std::vector<std::size_t> NodeGroupController::all_pools() const {
  std::vector<std::size_t> out;
  for (const auto& p : pools_) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void NodeGroupController::start() {
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const NodeGroupSpec& group = groups_[g];
    if (group.capacity_block) {
      start_capacity_block(g);
      continue;
    }
    if (group.capacity_type == CapacityType::Reserved) {
      // A capacity reservation bills its whole size at the on-demand price for the whole window,
      // used or not (EC2 On-Demand Capacity Reservations).
      const InstanceType& type = run_.catalog.at(group.instance_types.front());
      Tags tags = cluster_tags_;
      for (const auto& [tk, tv] : group.tags) tags[tk] = tv;
      run_.ledger.open_reservation(fmt::format("reservation/{}", group.name), type, group.reservation_count, 0, std::move(tags),
                                   {group.name, group.zones.size() == 1 ? group.zones.front() : std::string()});
    }
    launch(g, group.count, group.initial_state == InitialState::Ready);
  }
}

void NodeGroupController::start_capacity_block(std::size_t g) {
  const NodeGroupSpec& group = groups_[g];
  const CapacityBlockSpec& block = *group.capacity_block;
  const SimTime begins = (block.start - run_.start).count();
  const SimTime ends = begins + static_cast<SimTime>(block.duration_days) * 24 * kMicrosPerHour;
  const SimTime window_end = run_.ledger.window_end();
  if (ends <= 0 || begins >= window_end) return;  // outside the window: nothing to bill or run
  // The block is paid for whole: the part inside the window is billed over its hours.
  const InstanceType& type = run_.catalog.at(group.instance_types.front());
  Tags tags = cluster_tags_;
  for (const auto& [tk, tv] : group.tags) tags[tk] = tv;
  auto open = [this, g, &type, tags, &block](SimTime at) {
    const NodeGroupSpec& gr = groups_[g];
    return run_.ledger.open_reservation(fmt::format("reservation/{}", gr.name), type, gr.reservation_count, at, tags,
                                        {gr.name, gr.zones.front()}, block.usd_per_instance_h);
  };
  auto begin = [this, g, open](SimTime at, bool warm) {
    const std::size_t line = open(at);
    launch(g, groups_[g].count, warm);
    return line;
  };
  // Until a future block begins its group holds nothing; its bill's line is known only then.
  auto line = std::make_shared<std::size_t>(0);
  if (begins <= 0) *line = begin(0, groups_[g].initial_state == InitialState::Ready);
  else run_.engine.schedule_at(begins, [begin, line, begins] { *line = begin(begins, false); });
  if (ends < window_end) run_.engine.schedule_at(ends, [this, line, ends] { run_.ledger.close_instance(*line, ends); });
  // Its instances are terminated from 30 minutes before the end.
  const SimTime stop = std::max<SimTime>(ends - kCapacityBlockTerminationLead, 0);
  if (stop < window_end)
    run_.engine.schedule_at(stop, [this, g] {
      min_[g] = max_[g] = 0;
      set_group_capacity(g, 0, SizeCause::CapacityBlockEnd);
    });
}

void NodeGroupController::launch(std::size_t g, int count, bool warm) {
  if (count <= 0) return;
  const NodeGroupSpec& group = groups_[g];
  const SimTime now = run_.now();
  const std::size_t zones = group.zones.empty() ? run_.zones.size() : group.zones.size();
  int remaining = count;
  // As EC2 Fleet does: the strategy picks pools without knowing their spare capacity; a pool that
  // cannot supply its share fails with insufficient capacity, is avoided for the unavailable period
  // (Karpenter: 3 minutes), and the rest is asked of the next pools.
  for (;;) {
    std::vector<PoolState> states;
    for (std::size_t i = 0; i < pools_[g].size(); ++i) {
      const std::size_t p = pools_[g][i];
      nodes_.ensure_pool(p);
      if (nodes_.avoided(p, now)) continue;
      const MarketPool& mp = run_.market.at(p);
      // The order of the group's instance types is its priority for the prioritized strategy.
      states.push_back(PoolState{p, mp.prices->price_at(now), kNoLimit, mp.hazard_per_h, static_cast<int>(i / std::max<std::size_t>(1, zones))});
    }
    if (states.empty()) break;
    const Allocation a = allocate({static_cast<std::size_t>(remaining), group.allocation_strategy, group.max_pools}, states);
    bool failed = false;
    for (const auto& [p, n] : a.launches) {
      auto cap = run_.market.capacity_at(p, now);
      if (group.capacity_type == CapacityType::Reserved) cap = group.reservation_count;
      const std::size_t supplied = cap ? std::min<std::size_t>(n, static_cast<std::size_t>(std::max(0, *cap - nodes_.running_in(p)))) : n;
      for (std::size_t k = 0; k < supplied; ++k) {
        Tags tags = cluster_tags_;
        for (const auto& [tk, tv] : group.tags) tags[tk] = tv;
        nodes_.create_node(p, NodeOwner{g, kNoOwner, group.name, launches_[g]++, &group.taints, std::nullopt}, warm, tags);
      }
      remaining -= static_cast<int>(supplied);
      if (supplied < n) {
        ++run_.counters.insufficient_capacity;
        nodes_.avoid(p);
        failed = true;
      }
    }
    if (!failed || remaining <= 0) break;
  }
  if (remaining > 0) {
    // No pool could supply the rest: try again when the unavailable period has passed.
    retrying_[g] += remaining;
    run_.engine.schedule_in(run_.market.spec().unavailable_after_ice, [this, g, remaining] {
      retrying_[g] -= remaining;
      launch(g, remaining, false);
    }, kPriorityCluster);
  }
  sync_replicas(g);
}

int NodeGroupController::active(std::size_t g) const {
  int n = 0;
  for (const Node& node : state_.live_nodes()) n += node.group == g && !node.cordoned ? 1 : 0;
  return n;
}

int NodeGroupController::group_capacity(std::size_t g) const {
  int n = retrying_[g];
  for (const Node& node : state_.live_nodes()) n += node.group == g && !node.interrupted ? 1 : 0;
  return n;
}

int NodeGroupController::group_warming(std::size_t g, SimDuration warmup) const {
  const SimTime now = run_.now();
  int n = retrying_[g];
  for (const Node& node : state_.live_nodes())
    // Instances the group starts with in service (as configured) are past any warm-up.
    if (node.group == g && !node.interrupted && (!node.ready || (now < node.ready_at + warmup && node.ready_at > 0))) ++n;
  return n;
}

int NodeGroupController::group_ready(std::size_t g) const {
  int n = 0;
  for (const Node& node : state_.live_nodes()) n += node.group == g && !node.interrupted && node.ready ? 1 : 0;
  return n;
}

void NodeGroupController::apply_scheduled_action(std::size_t g, std::optional<int> min_size, std::optional<int> max_size,
                                                 std::optional<int> desired) {
  ++run_.counters.scheduled_actions;
  if (min_size) min_[g] = *min_size;
  if (max_size) max_[g] = *max_size;
  max_[g] = std::max(max_[g], min_[g]);
  const int target = std::clamp(desired.value_or(group_capacity(g)), min_[g], max_[g]);
  if (target != group_capacity(g)) set_group_capacity(g, target, SizeCause::ScheduledAction);
}

void NodeGroupController::set_group_capacity(std::size_t g, int desired, SizeCause cause) {
  const int current = group_capacity(g);
  const bool tracking = cause == SizeCause::TargetTracking;
  if (desired > current) {
    if (tracking) run_.counters.target_tracking_scale_outs += desired - current;
    launch(g, desired - current, false);
    return;
  }
  const auto& nodes = state_.nodes();
  for (int k = current - desired; k > 0; --k) {
    // Launches still waiting for a retry are given up first.
    if (retrying_[g] > 0) {
      --retrying_[g];
      continue;
    }
    std::ptrdiff_t pick = -1;
    for (std::size_t id : state_.live_node_ids()) {
      const Node& n = nodes[id];
      if (n.group != g || n.interrupted) continue;
      // Not yet in service first, then the most recently launched (AWS's default termination policy
      // balances zones and then picks; per-second billing leaves no billing-hour reason to prefer one).
      const Node* best = pick < 0 ? nullptr : &nodes[static_cast<std::size_t>(pick)];
      if (!best || (!n.ready && best->ready) || (n.ready == best->ready && n.created_at >= best->created_at))
        pick = static_cast<std::ptrdiff_t>(id);
    }
    if (pick < 0) break;
    if (tracking) ++run_.counters.target_tracking_scale_ins;
    nodes_.remove_node(static_cast<std::size_t>(pick), cause == SizeCause::CapacityBlockEnd ? "capacity-block-end" : "scale-in");
  }
  sync_replicas(g);
}

void NodeGroupController::sync_replicas(std::size_t g) {
  if (!follower_[g] || !replicas_.started()) return;
  const std::size_t s = *follower_[g];
  const ServiceSpec& svc = services_[s];
  int slots = 0;
  for (const Node& n : state_.live_nodes())
    if (n.group == g && !n.interrupted) slots += device_count(*n.type, svc.replica_device) / svc.replica_gpus;
  if (slots != replicas_.desired()[s]) replicas_.set_replicas(s, slots);
}

}  // namespace capsim
