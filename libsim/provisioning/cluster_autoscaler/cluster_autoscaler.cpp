#include "capsim/provisioning/cluster_autoscaler/cluster_autoscaler.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/node_groups.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/pod_fit.hpp"
#include "capsim/cluster/pod_scheduler.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

ClusterAutoscaler::ClusterAutoscaler(const ClusterControllers& cluster, const ClusterAutoscalerSpec& spec,
                                     const std::vector<ServiceSpec>& services)
    : cluster_(cluster), spec_(spec), services_(services), expander_(make_expander(spec.expander)) {}

void ClusterAutoscaler::start() {
  cluster_.run.engine.schedule_in(spec_.scan_interval, [this] { scan(); }, kPriorityCluster);
}

void ClusterAutoscaler::scan() {
  ++scans_;
  scale_up();
  scale_down();
  cluster_.run.engine.schedule_in(spec_.scan_interval, [this] { scan(); }, kPriorityCluster);
}

void ClusterAutoscaler::scale_up() {
  RunContext& run = cluster_.run;
  ClusterState& state = cluster_.state;
  NodeGroupController& groups = cluster_.groups;
  std::vector<std::size_t> pending;
  for (std::size_t p = 0; p < state.pods().size(); ++p)
    if (state.pods()[p].pending()) pending.push_back(p);
  if (pending.empty()) return;
  std::vector<ExpansionOption> options;
  // Each group's template node: its first instance type in its first pool's zone, with its taints.
  // A pending pod counts for a group only if the scheduler's predicates pass on that template (the
  // Cluster Autoscaler simulates the pod on it); a pod no group can ever run stays pending, and the
  // run says why.
  std::vector<std::string> cannot_run(pending.size());
  std::vector<int> groups_that_run(pending.size(), 0);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const NodeGroupSpec& group = groups.spec(g);
    const InstanceType& type = run.catalog.at(group.instance_types.front());
    const Labels labels = labels_of(type, run.market.at(groups.pools(g).front()).offering);
    std::vector<bool> runs(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const auto why = why_pod_cannot_run(state.template_of(state.pods()[pending[i]]), type, labels, group.taints);
      runs[i] = !why;
      groups_that_run[i] += runs[i] ? 1 : 0;
      if (why) cannot_run[i] += fmt::format("{}{} ({}): {}", cannot_run[i].empty() ? "" : "; ", group.name, type.name, *why);
    }
    if (g < backoff_until_.size() && run.now() < backoff_until_[g]) continue;
    const int room = groups.group_bounds(g).second - groups.active(g);
    if (room <= 0) continue;
    // Pack the pending pods this group can run onto new nodes, first fit.
    ExpansionOption o{g};
    std::vector<ResourceList> free;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!runs[i]) continue;
      const ResourceList& need = state.template_of(state.pods()[pending[i]]).requests;
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
    Pod& pod = state.pods()[pending[i]];
    pod.unschedulable = "no node group can run it: " + cannot_run[i];
    if (pod.unschedulable_counted) continue;
    pod.unschedulable_counted = true;
    ++run.counters.unschedulable;
    const std::string& svc = state.template_of(pod).name;
    const std::string reason = "no node group can run it: " + cannot_run[i];
    if (run.explain && unschedulable_explained_.insert(svc + '\n' + reason).second)
      run.decisions.unschedulable.push_back({run.next_decision(), to_seconds(run.now()), fmt::format("{}#{}", svc, pending[i]), reason});
  }
  if (options.empty()) return;
  const ExpansionOption& best = expander_->best_option(options, {run.seed, run.replicate, scans_});
  run.counters.scale_ups += best.nodes;
  last_scale_up_ = run.now();
  const std::size_t first_new = state.nodes().size();
  groups.launch(best.group, best.nodes, false);
  for (std::size_t id = first_new; id < state.nodes().size(); ++id)
    run.engine.schedule_in(spec_.max_node_provision_time, [this, id] { provision_timeout(id); }, kPriorityCluster);
  cluster_.scheduler.place_pending();  // the pending pods wait on the new nodes, so the next scan does not add more
}

void ClusterAutoscaler::provision_timeout(std::size_t id) {
  Node& n = cluster_.state.nodes()[id];
  if (n.gone || n.ready) return;
  const SimTime now = cluster_.run.now();
  const std::size_t g = n.group;
  const std::size_t groups = cluster_.groups.size();
  if (backoff_until_.size() < groups) {
    backoff_until_.resize(groups, 0);
    backoff_.resize(groups, 0);
    last_failure_.resize(groups, -1);
  }
  const bool recent = last_failure_[g] >= 0 && now - last_failure_[g] < spec_.node_group_backoff_reset_timeout;
  backoff_[g] = recent ? std::min(2 * backoff_[g], spec_.max_node_group_backoff) : spec_.initial_node_group_backoff;
  backoff_until_[g] = now + backoff_[g];
  last_failure_[g] = now;
  ++cluster_.run.counters.provision_timeouts;
  cluster_.nodes.remove_node(id, "provision-timeout");
}

void ClusterAutoscaler::scale_down() {
  const SimTime now = cluster_.run.now();
  if (last_scale_up_ >= 0 && now - last_scale_up_ < spec_.scale_down_delay_after_add) return;
  ClusterState& state = cluster_.state;
  auto& nodes = state.nodes();
  bool removed_busy = false;  // one non-empty node per scan; empty ones all at once
  const std::vector<std::size_t> live = state.live_node_ids();  // a copy: nodes are removed as we go
  for (std::size_t id : live) {
    Node& n = nodes[id];
    if (n.gone || n.cordoned || !n.ready) continue;
    const int devices = n.type->gpus + n.type->accelerators;
    if (devices == 0) continue;  // pods only request accelerators here; CPU-only groups are left alone
    const double utilization = 1.0 - static_cast<double>(n.free.gpus) / devices;
    bool candidate = utilization < spec_.scale_down_utilization_threshold;
    if (candidate && !n.pods.empty()) {
      // Its pods must fit on the other nodes (first fit on their free GPUs).
      std::vector<int> free;
      std::vector<const InstanceType*> types;
      for (std::size_t o : state.live_node_ids())
        if (o != id && !nodes[o].cordoned) {
          free.push_back(nodes[o].free.gpus);
          types.push_back(nodes[o].type);
        }
      for (std::size_t p : n.pods) {
        const ServiceSpec& svc = services_[state.pods()[p].service];
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
    if (now - n.unneeded_since < spec_.scale_down_unneeded_time) continue;
    if (cluster_.groups.active(n.group) <= cluster_.groups.group_bounds(n.group).first) continue;
    if (!n.pods.empty()) {
      if (removed_busy) continue;
      removed_busy = true;
    }
    ++cluster_.run.counters.scale_downs;
    cluster_.nodes.remove_node(id, "scale-down");
  }
}

}  // namespace capsim
