// The Cluster Autoscaler's loop over FleetController's node groups (kubernetes/autoscaler FAQ):
// every scan, node groups grow for replicas that fit nowhere, choosing the group by the expander;
// nodes below the utilization threshold whose replicas fit elsewhere are removed once they have been
// unneeded for scale_down_unneeded_time, not sooner than scale_down_delay_after_add after a scale-up.
// Node groups are of one instance type (a mixed group uses its first type, as the Cluster Autoscaler
// does); utilization is the share of a node's GPUs the replicas request. A node not ready within
// max_node_provision_time is deleted and its group backed off (initial 5 min, doubling up to 30 min,
// reset after 3 h without a failure), so the pending replicas go to another group meanwhile.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "capsim/cluster/fleet_controller.hpp"
#include "capsim/cluster/pod_fit.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/rng.hpp"

namespace capsim {

namespace {
constexpr std::int32_t kPriorityFleet = 0;
}

void FleetController::autoscaler_scan() {
  ++autoscaler_scans_;
  autoscaler_scale_up();
  autoscaler_scale_down();
  engine_.schedule_in(policy_.cluster.cluster_autoscaler.scan_interval, [this] { autoscaler_scan(); }, kPriorityFleet);
}

void FleetController::autoscaler_scale_up() {
  std::vector<std::size_t> pending;
  for (std::size_t r = 0; r < replicas_.size(); ++r)
    if (replicas_[r].node < 0 && !replicas_[r].removed) pending.push_back(r);
  if (pending.empty()) return;
  struct Option {
    std::size_t group;
    int nodes = 0, pods = 0, waste_gpus = 0;
    double price = 0;
  };
  std::vector<Option> options;
  // Each group's template node: its first instance type in its first pool's zone, with its taints.
  // A pending pod counts for a group only if the scheduler's predicates pass on that template (the
  // Cluster Autoscaler simulates the pod on it); a pod no group can ever run stays pending, and the
  // run says why.
  std::vector<std::string> cannot_run(pending.size());
  std::vector<int> groups_that_run(pending.size(), 0);
  for (std::size_t g = 0; g < policy_.cluster.node_groups.size(); ++g) {
    const NodeGroupSpec& group = policy_.cluster.node_groups[g];
    const InstanceType& type = scenario_.catalog.at(group.instance_types.front());
    const Labels labels = labels_of(type, market_.at(group_pools_[g].front()).offering);
    std::vector<bool> runs(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const auto why = why_pod_cannot_run(pod_templates_[replicas_[pending[i]].service], type, labels, group.taints);
      runs[i] = !why;
      groups_that_run[i] += runs[i] ? 1 : 0;
      if (why) cannot_run[i] += fmt::format("{}{} ({}): {}", cannot_run[i].empty() ? "" : "; ", group.name, type.name, *why);
    }
    if (g < group_backoff_until_.size() && engine_.now() < group_backoff_until_[g]) continue;
    int active = 0;
    for (const Node& n : live_nodes()) active += n.group == g && !n.cordoned ? 1 : 0;
    const int room = group_max_[g] - active;
    if (room <= 0) continue;
    // Pack the pending replicas this group can run onto new nodes, first fit.
    Option o{g};
    std::vector<ResourceList> free;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!runs[i]) continue;
      const ResourceList& need = pod_templates_[replicas_[pending[i]].service].requests;
      auto fits_in = [&](const ResourceList& f) {
        return f.cpu_millicores >= need.cpu_millicores && f.memory_mib >= need.memory_mib && f.gpus >= need.gpus && f.pods >= 1;
      };
      auto it = std::find_if(free.begin(), free.end(), fits_in);
      if (it == free.end()) {
        if (static_cast<int>(free.size()) == room) continue;
        free.push_back({type.alloc_cpu_millicores, type.alloc_memory_mib, device_count(type, need.device), type.alloc_pods});
        it = free.end() - 1;
      }
      it->cpu_millicores -= need.cpu_millicores;
      it->memory_mib -= need.memory_mib;
      it->gpus -= need.gpus;
      it->pods -= 1;
      ++o.pods;
    }
    if (o.pods == 0) continue;
    o.nodes = static_cast<int>(free.size());
    for (const auto& f : free) o.waste_gpus += f.gpus;
    o.price = type.ondemand_usd_per_h * o.nodes / o.pods;
    options.push_back(o);
  }
  for (std::size_t i = 0; i < pending.size(); ++i) {
    // Counted once per pending spell (the flag clears when the pod is bound); explained once per reason.
    if (groups_that_run[i] > 0) continue;
    Replica& rep = replicas_[pending[i]];
    if (rep.unschedulable_counted) continue;
    rep.unschedulable_counted = true;
    ++counters_.fleet.unschedulable;
    const std::string& svc = policy_.services[rep.service].name;
    const std::string reason = "no node group can run it: " + cannot_run[i];
    if (explain_ && unschedulable_explained_.insert(svc + '\n' + reason).second)
      explanations_.push_back(fmt::format("{} pod {}#{} could not be scheduled: {}",
                                          format_utc(to_utc(scenario_.simulation.start, engine_.now())), svc, pending[i], reason));
  }
  if (options.empty()) return;
  const Option* best = &options.front();
  switch (policy_.cluster.cluster_autoscaler.expander) {
    case Expander::LeastWaste:
      for (const auto& o : options)
        if (o.waste_gpus < best->waste_gpus || (o.waste_gpus == best->waste_gpus && o.pods > best->pods)) best = &o;
      break;
    case Expander::MostPods:
      for (const auto& o : options)
        if (o.pods > best->pods) best = &o;
      break;
    case Expander::LeastNodes:
      for (const auto& o : options)
        if (o.nodes < best->nodes || (o.nodes == best->nodes && o.pods > best->pods)) best = &o;
      break;
    case Expander::Price:
      for (const auto& o : options)
        if (o.price < best->price) best = &o;
      break;
    case Expander::Priority:
      break;  // the first group in the scenario's order that can help
    case Expander::Random: {
      Rng rng = make_stream({scenario_.simulation.seed, replicate_, "cluster_autoscaler_expander", "", autoscaler_scans_});
      best = &options[std::min(options.size() - 1, static_cast<std::size_t>(rng.uniform01() * static_cast<double>(options.size())))];
      break;
    }
  }
  counters_.fleet.scale_ups += best->nodes;
  last_scale_up_ = engine_.now();
  const std::size_t first_new = nodes_.size();
  launch(best->group, best->nodes, false);
  for (std::size_t id = first_new; id < nodes_.size(); ++id)
    engine_.schedule_in(policy_.cluster.cluster_autoscaler.max_node_provision_time, [this, id] { autoscaler_provision_timeout(id); },
                        kPriorityFleet);
  place_pending();  // the pending replicas wait on the new nodes, so the next scan does not add more
}

void FleetController::autoscaler_provision_timeout(std::size_t id) {
  Node& n = nodes_[id];
  if (n.gone || n.ready) return;
  const auto& ca = policy_.cluster.cluster_autoscaler;
  const SimTime now = engine_.now();
  const std::size_t g = n.group;
  const std::size_t groups = policy_.cluster.node_groups.size();
  if (group_backoff_until_.size() < groups) {
    group_backoff_until_.resize(groups, 0);
    group_backoff_.resize(groups, 0);
    group_last_failure_.resize(groups, -1);
  }
  const bool recent = group_last_failure_[g] >= 0 && now - group_last_failure_[g] < ca.node_group_backoff_reset_timeout;
  group_backoff_[g] = recent ? std::min(2 * group_backoff_[g], ca.max_node_group_backoff) : ca.initial_node_group_backoff;
  group_backoff_until_[g] = now + group_backoff_[g];
  group_last_failure_[g] = now;
  ++counters_.fleet.provision_timeouts;
  remove_node(id, "provision-timeout");
}

void FleetController::autoscaler_scale_down() {
  const auto& ca = policy_.cluster.cluster_autoscaler;
  const SimTime now = engine_.now();
  if (last_scale_up_ >= 0 && now - last_scale_up_ < ca.scale_down_delay_after_add) return;
  bool removed_busy = false;  // one non-empty node per scan; empty ones all at once
  const std::vector<std::size_t> live = live_nodes_;  // a copy: nodes are removed as we go
  for (std::size_t id : live) {
    Node& n = nodes_[id];
    if (n.gone || n.cordoned || !n.ready) continue;
    const int devices = n.type->gpus + n.type->accelerators;
    if (devices == 0) continue;  // replicas only request accelerators; CPU-only groups are left alone
    const double utilization = 1.0 - static_cast<double>(n.gpus_free) / devices;
    bool candidate = utilization < ca.scale_down_utilization_threshold;
    if (candidate && !n.replicas.empty()) {
      // Its replicas must fit on the other nodes (first fit on their free GPUs).
      std::vector<int> free;
      std::vector<const InstanceType*> types;
      for (std::size_t o : live_nodes_)
        if (o != id && !nodes_[o].cordoned) {
          free.push_back(nodes_[o].gpus_free);
          types.push_back(nodes_[o].type);
        }
      for (std::size_t r : n.replicas) {
        const ServiceSpec& svc = policy_.services[replicas_[r].service];
        bool placed = false;
        for (std::size_t k = 0; k < free.size() && !placed; ++k)
          if (free[k] >= svc.replica_gpus && svc.throughput_rps.count(types[k]->name)) {
            free[k] -= svc.replica_gpus;
            placed = true;
          }
        candidate = candidate && placed;
      }
    }
    if (!candidate) {
      n.unneeded_since = -1;
      continue;
    }
    if (n.unneeded_since < 0) n.unneeded_since = now;
    if (now - n.unneeded_since < ca.scale_down_unneeded_time) continue;
    int active = 0;
    for (const Node& m : live_nodes()) active += m.group == n.group && !m.cordoned ? 1 : 0;
    if (active <= group_min_[n.group]) continue;
    if (!n.replicas.empty()) {
      if (removed_busy) continue;
      removed_busy = true;
    }
    ++counters_.fleet.scale_downs;
    remove_node(id, "scale-down");
  }
}

}  // namespace capsim
