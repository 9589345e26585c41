#include "capsim/cluster/node_lifecycle.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"

namespace capsim {

NodeLifecycle::NodeLifecycle(RunContext& run, ClusterState& state, ReplicaController& replicas, NodeStartup startup)
    : run_(run), state_(state), replicas_(replicas), startup_(std::move(startup)) {}

void NodeLifecycle::ensure_pool(std::size_t p) {
  if (p < running_.size()) return;
  running_.resize(p + 1, 0);
  launches_.resize(p + 1, 0);
  unavailable_until_.resize(p + 1, 0);
}

void NodeLifecycle::avoid(std::size_t p) {
  unavailable_until_[p] = run_.now() + run_.market.spec().unavailable_after_ice;
  ++avoidances_;
}

const std::shared_ptr<const Labels>& NodeLifecycle::pool_labels(std::size_t p) {
  if (pool_labels_.size() <= p) pool_labels_.resize(p + 1);
  std::shared_ptr<const Labels>& labels = pool_labels_[p];
  if (!labels) {
    const Offering& o = run_.market.at(p).offering;
    labels = std::make_shared<const Labels>(labels_of(run_.catalog.at(o.instance_type), o));
  }
  return labels;
}

std::size_t NodeLifecycle::create_node(std::size_t p, const NodeOwner& owner, bool warm, const Tags& tags,
                                       const std::function<void(std::size_t)>& before_announce) {
  const SimTime now = run_.now();
  ensure_pool(p);
  const MarketPool& mp = run_.market.at(p);
  Node node;
  node.group = owner.group;
  node.node_pool = owner.node_pool;
  node.pool = p;
  node.taints = owner.taints;
  node.type = &run_.catalog.at(mp.offering.instance_type);
  node.labels = pool_labels(p);
  // Its GPUs or its Neuron devices.
  node.free = {node.type->alloc_cpu_millicores, node.type->alloc_memory_mib,
               owner.devices.value_or(node.type->gpus + node.type->accelerators), node.type->alloc_pods};
  node.overlay_devices = owner.devices.value_or(0);
  node.pool_ordinal = launches_[p]++;
  ++running_[p];
  FleetSummary& f = run_.counters;
  ++f.launches;
  f.gpus_launched += node.type->gpus;
  ++f.nodes_at_end;
  f.gpus_at_end += node.type->gpus;
  f.peak_nodes = std::max(f.peak_nodes, f.nodes_at_end);
  f.peak_gpus = std::max(f.peak_gpus, f.gpus_at_end);
  node.ledger_line = run_.ledger.open_instance(fmt::format("node/{}/{}", owner.name, owner.ordinal), *node.type, mp.offering.capacity_type, mp.prices, now, tags,
                                                {owner.name, mp.offering.zone});
  node.ready_at = now;
  node.created_at = now;
  node.last_pod_change = now;
  if (!warm) {
    // The loader requires a latency wherever a node can start cold; reaching here without one is a bug.
    if (!startup_.launch_s && !startup_.ready_s) throw std::logic_error("a node launched cold with no start-up latency given");
    auto draw = [&](std::string_view component, const Distribution& d) {
      Rng rng = make_stream({run_.seed, run_.replicate, component, owner.name, static_cast<std::uint64_t>(owner.ordinal)});
      return seconds(d.sample(rng) * run_.node_latency_factor);
    };
    node.ready_at = now + (startup_.launch_s ? draw(stream::kNodeLaunch, *startup_.launch_s) + draw(stream::kNodeBoot, *startup_.boot_s)
                                             : draw(stream::kNodeReady, *startup_.ready_s));
  }
  const std::size_t id = state_.add_node(std::move(node));
  run_.engine.schedule_at(state_.nodes()[id].ready_at, [this, id] { node_ready(id); }, kPriorityCluster);
  const SimTime reclaim_at = run_.market.reclaim_time(p, state_.nodes()[id].pool_ordinal, now);
  if (reclaim_at < run_.window_end) schedule_reclaim(id, reclaim_at);
  if (before_announce) before_announce(id);
  state_.changed();
  return id;
}

void NodeLifecycle::node_ready(std::size_t id) {
  Node& n = state_.nodes()[id];
  if (n.gone) return;
  n.ready = true;
  n.became_ready = true;
  run_.counters.max_ready_nodes = std::max(run_.counters.max_ready_nodes, ++ready_nodes_);
  // consolidateAfter counts from initialization when no pod has come or gone since.
  state_.pods_changed(id, run_.now());
  for (const auto& f : on_ready_) f(id);
  place_pending();
}

void NodeLifecycle::remove_node(std::size_t id, const char* reason) {
  Node& n = state_.nodes()[id];
  if (n.gone) return;
  const SimTime now = run_.now();
  if (n.cordoned_at < 0) n.cordoned_at = now;
  n.cordoned = true;
  state_.mark_gone(id);
  drains_.erase(id);  // a reclaim ends a drain: the pods still on the node go with it
  n.terminated_at = now;
  n.end_reason = reason;
  --run_.counters.nodes_at_end;
  run_.counters.gpus_at_end -= n.type->gpus;
  if (n.ready) --ready_nodes_;
  --running_[n.pool];
  run_.ledger.close_instance(n.ledger_line, now);
  replicas_.evict(id);
  state_.changed();
  for (const auto& f : on_removed_) f(id);
  place_pending();
}

}  // namespace capsim
