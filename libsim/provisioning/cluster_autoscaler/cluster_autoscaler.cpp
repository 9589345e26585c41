#include "capsim/provisioning/cluster_autoscaler/cluster_autoscaler.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "capsim/catalog/topology_spread.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/node_groups.hpp"
#include "capsim/cluster/node_lifecycle.hpp"
#include "capsim/cluster/pod_fit.hpp"
#include "capsim/cluster/pod_scheduler.hpp"
#include "capsim/cluster/replica_controller.hpp"
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
  // The pending pods, by index (the replica controller keeps the set as they change: most scans
  // find none, and a scan of every pod slot was most of the autoscaler's time).
  if (cluster_.replicas.pending().empty()) return;
  const std::vector<std::size_t> pending(cluster_.replicas.pending().begin(), cluster_.replicas.pending().end());
  std::vector<ExpansionOption> options;
  // Each group's template node: its first instance type in its first pool's zone, with its taints.
  // A pending pod counts for a group only if the scheduler's predicates pass on that template (the
  // Cluster Autoscaler simulates the pod on it); a pod no group can ever run stays pending, and the
  // run says why.
  std::vector<int> groups_that_run(pending.size(), 0);
  std::vector<char> packed(pending.size(), 0);           // onto some group's new nodes
  std::vector<std::string> spread_refused(pending.size());  // why a group's zone breaks the pod's spread
  // The template node's labels are its first pool's (the pool's type is the group's first type).
  auto template_labels = [&](std::size_t g) -> const Labels& { return *cluster_.nodes.pool_labels(groups.pools(g).front()); };
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const NodeGroupSpec& group = groups.spec(g);
    const InstanceType& type = run.catalog.at(group.instance_types.front());
    const Labels& labels = template_labels(g);
    std::vector<bool> runs(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
      runs[i] = pod_can_run(state.template_of(state.pods()[pending[i]]), type, labels, group.taints);
      groups_that_run[i] += runs[i] ? 1 : 0;
    }
    if (g < backoff_until_.size() && run.now() < backoff_until_[g]) continue;
    const int room = groups.group_bounds(g).second - groups.active(g);
    if (room <= 0) continue;
    // Pack the pending pods this group can run onto new nodes, first fit. The autoscaler's
    // simulation runs the scheduler's filters, PodTopologySpread among them: a pod with DoNotSchedule
    // constraints goes onto a new node only while one more of its service's pods in the template's
    // zone (or on that node, for kubernetes.io/hostname) keeps the skew, counted over the live nodes
    // and the pods packed so far. ScheduleAnyway only scores, so it does not enter here.
    ExpansionOption o{g};
    std::vector<ResourceList> free;
    std::vector<std::map<std::size_t, int>> node_pods;  // by new node: pods packed, by service
    std::map<std::size_t, std::vector<DomainCounts>> counts;  // by spread service: its zone counts here
    const auto zone_label = labels.find(label::kZone);
    const std::string zone = zone_label == labels.end() ? std::string() : zone_label->second;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!runs[i]) continue;
      const std::size_t service = state.pods()[pending[i]].service;
      const PodSpec& pod = state.template_of(state.pods()[pending[i]]);
      const ResourceList& need = pod.requests;
      std::vector<DomainCounts>* spread = nullptr;
      if (!pod.topology_spread.empty()) {
        auto [c, fresh] = counts.try_emplace(service);
        if (fresh) {
          c->second = cluster_.scheduler.spread_counts(service);
          for (std::size_t k = 0; k < pod.topology_spread.size(); ++k)
            if (pod.topology_spread[k].key == label::kZone && !zone.empty()) c->second[k].try_emplace(zone, 0);  // the template's zone is a domain
        }
        spread = &c->second;
        std::string refused;
        for (std::size_t k = 0; k < pod.topology_spread.size() && refused.empty(); ++k) {
          const TopologySpreadConstraint& tc = pod.topology_spread[k];
          if (tc.schedule_anyway || tc.key != label::kZone) continue;
          refused = spread_violation(tc, (*spread)[k], zone, spread_global_min(tc, (*spread)[k]));
        }
        if (!refused.empty()) {
          spread_refused[i] = fmt::format("{} ({}): {}", group.name, type.name, refused);
          continue;
        }
      }
      auto fits_in = [&](std::size_t n) {
        const ResourceList& f = free[n];
        if (f.cpu_millicores < need.cpu_millicores || f.memory_mib < need.memory_mib || f.gpus < need.gpus || f.pods < 1) return false;
        // A new node is a hostname domain of its own, and the least-populated one (it started empty).
        for (const TopologySpreadConstraint& tc : pod.topology_spread)
          if (!tc.schedule_anyway && tc.key == label::kHostname && node_pods[n][service] + 1 > tc.max_skew) return false;
        return true;
      };
      std::size_t n = 0;
      while (n < free.size() && !fits_in(n)) ++n;
      if (n == free.size()) {
        if (static_cast<int>(free.size()) == room) continue;
        free.push_back({type.alloc_cpu_millicores, type.alloc_memory_mib, device_count(type, need.device), type.alloc_pods});
        node_pods.emplace_back();
      }
      ResourceList& f = free[n];
      f.cpu_millicores -= need.cpu_millicores;
      f.memory_mib -= need.memory_mib;
      f.gpus -= need.gpus;
      f.pods -= 1;
      ++node_pods[n][service];
      if (spread)
        for (std::size_t k = 0; k < pod.topology_spread.size(); ++k)
          if (pod.topology_spread[k].key == label::kZone && !zone.empty()) ++(*spread)[k][zone];
      packed[i] = 1;
      ++o.pods;
    }
    if (o.pods == 0) continue;
    o.nodes = static_cast<int>(free.size());
    for (const auto& f : free) o.waste_gpus += f.gpus;
    o.price = type.ondemand_usd_per_h * o.nodes / o.pods;
    options.push_back(o);
  }
  for (std::size_t i = 0; i < pending.size(); ++i) {
    // A pod every group could run but whose spread no group's zone keeps: it does not trigger a
    // scale-up either ("node(s) didn't match pod topology spread constraints").
    if (groups_that_run[i] > 0 && !packed[i] && !spread_refused[i].empty()) {
      explain_unschedulable(pending[i], "no node group keeps its topology spread: " + spread_refused[i]);
      continue;
    }
    // Counted once per pending spell (the flag clears when the pod is bound); explained once per reason.
    if (groups_that_run[i] > 0) continue;
    // Why, group by group: written only for a pod no group can run (most scans have none).
    std::string cannot_run;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const InstanceType& type = run.catalog.at(groups.spec(g).instance_types.front());
      const auto why = why_pod_cannot_run(state.template_of(state.pods()[pending[i]]), type, template_labels(g), groups.spec(g).taints);
      cannot_run += fmt::format("{}{} ({}): {}", cannot_run.empty() ? "" : "; ", groups.spec(g).name, type.name, *why);
    }
    explain_unschedulable(pending[i], "no node group can run it: " + cannot_run);
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

void ClusterAutoscaler::explain_unschedulable(std::size_t p, const std::string& reason) {
  RunContext& run = cluster_.run;
  Pod& pod = cluster_.state.pods()[p];
  pod.unschedulable = reason;
  if (pod.unschedulable_counted) return;
  pod.unschedulable_counted = true;
  ++run.counters.unschedulable;
  const std::string& svc = cluster_.state.template_of(pod).name;
  if (run.explain && unschedulable_explained_.insert(svc + '\n' + reason).second)
    run.decisions.unschedulable.push_back({run.next_decision(), to_seconds(run.now()), fmt::format("{}#{}", svc, p), reason});
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

std::string ClusterAutoscaler::no_place_to_move(std::size_t id) {
  // First fit of its pods on the other nodes' free GPUs, on types their service runs on. The
  // autoscaler's removal simulation takes the candidate's pods off it in a fork of its cluster
  // snapshot and tries each on the other nodes with the scheduler's filters, PodTopologySpread
  // among them: a pod's DoNotSchedule constraints are counted over its service's pods with the
  // candidate's own taken away, the candidate staying in the snapshot (so its domain is still
  // eligible, and may now hold the least), and each pod placed adds to its destination's domain.
  // ScheduleAnyway only scores, and the simulation does not score: it does not block a removal.
  const ClusterState& state = cluster_.state;
  const auto& nodes = state.nodes();
  others_.clear();
  for (std::size_t o : state.live_node_ids())
    if (o != id && !nodes[o].cordoned) others_.push_back({nodes[o].free.gpus, o});
  auto hard = [](const TopologySpreadConstraint& c) { return !c.schedule_anyway; };
  std::map<std::size_t, std::vector<DomainCounts>> spread;  // by service with a DoNotSchedule constraint
  for (std::size_t p : nodes[id].pods) {
    const Pod& pod = state.pods()[p];
    const auto& constraints = services_[pod.service].topology_spread;
    if (pod.node != static_cast<std::ptrdiff_t>(id) || pod.removed || std::none_of(constraints.begin(), constraints.end(), hard)) continue;
    auto [it, fresh] = spread.try_emplace(pod.service);
    if (fresh) it->second = cluster_.scheduler.spread_counts(pod.service);
    for (std::size_t c = 0; c < constraints.size(); ++c)
      if (auto d = it->second[c].find(PodScheduler::domain_of(nodes[id], id, constraints[c].key)); d != it->second[c].end()) --d->second;
  }
  for (std::size_t p : nodes[id].pods) {
    const std::size_t s = state.pods()[p].service;
    const int gpus = services_[s].replica_gpus;
    const auto& constraints = services_[s].topology_spread;
    auto counts = spread.find(s);
    std::string refused;  // why the first node with room breaks the pod's spread
    auto keeps_spread = [&](std::size_t o) {
      if (counts == spread.end()) return true;
      for (std::size_t c = 0; c < constraints.size(); ++c) {
        if (constraints[c].schedule_anyway) continue;
        const DomainCounts& in = counts->second[c];
        const std::string d = PodScheduler::domain_of(nodes[o], o, constraints[c].key);
        const int min = spread_global_min(constraints[c], in);
        if (in.count(d) && spread_allows(constraints[c], in, d, min)) continue;
        if (refused.empty())
          refused = fmt::format("{}: {}", cluster_.run.ledger.line(nodes[o].ledger_line).resource,
                                in.count(d) ? spread_violation(constraints[c], in, d, min) : fmt::format("no {} label", constraints[c].key));
        return false;
      }
      return true;
    };
    auto room = std::find_if(others_.begin(), others_.end(),
                             [&](const auto& o) { return o.first >= gpus && serves(s, o.second) && keeps_spread(o.second); });
    const std::string pod_name = fmt::format("{}#{}", state.template_of(state.pods()[p]).name, p);
    if (room == others_.end())
      return refused.empty() ? fmt::format("pod {} fits no other node ({} GPU(s) free on none that its service runs on)", pod_name, gpus)
                             : fmt::format("pod {} fits no other node within its topology spread; {}", pod_name, refused);
    room->first -= gpus;
    if (counts != spread.end())
      for (std::size_t c = 0; c < constraints.size(); ++c)
        if (std::string d = PodScheduler::domain_of(nodes[room->second], room->second, constraints[c].key); !d.empty()) ++counts->second[c][d];
  }
  return "";
}

void ClusterAutoscaler::explain_unremovable(std::size_t id, const std::string& detail) {
  RunContext& run = cluster_.run;
  if (!run.explain || !unremovable_explained_.insert(fmt::format("{}\n{}", id, detail)).second) return;
  const LedgerLine& line = run.ledger.line(cluster_.state.nodes()[id].ledger_line);
  run.decisions.unremovable.push_back(
      {run.next_decision(), to_seconds(run.now()), line.resource, line.instance_type, line.zone, "NoPlaceToMovePods", detail});
}

bool ClusterAutoscaler::serves(std::size_t service, std::size_t node) {
  // A node's type never changes, so whether its service has a throughput for it is looked up once.
  if (serves_.size() <= service) serves_.resize(service + 1);
  std::vector<signed char>& known = serves_[service];
  if (known.size() <= node) known.resize(node + 1, -1);
  if (known[node] < 0) known[node] = services_[service].throughput_rps.count(cluster_.state.nodes()[node].type->name) ? 1 : 0;
  return known[node] == 1;
}

void ClusterAutoscaler::scale_down() {
  const SimTime now = cluster_.run.now();
  if (last_scale_up_ >= 0 && now - last_scale_up_ < spec_.scale_down_delay_after_add) return;
  const std::uint64_t revision = cluster_.state.revision();
  const int notices = cluster_.run.counters.interruptions;
  const int scheduled_actions = cluster_.run.counters.scheduled_actions;
  LastScaleDown& last = last_scale_down_;
  if (last.revision == revision && last.notices == notices && last.scheduled_actions == scheduled_actions && now < last.due) return;
  last.revision = 0;
  bool removed_busy = false;  // one non-empty node per scan; empty ones all at once
  // The live nodes as they were when the scan began. Nothing changes the list before the first
  // removal, so it is walked in place and copied (the rest of it) only then: most scans remove none.
  const std::vector<std::size_t>& live = cluster_.state.live_node_ids();
  for (std::size_t k = 0; k < live.size(); ++k) {
    if (!to_remove(live[k], now, removed_busy)) continue;
    live_.assign(live.begin() + static_cast<std::ptrdiff_t>(k) + 1, live.end());
    remove(live[k]);
    for (std::size_t id : live_)
      if (to_remove(id, now, removed_busy)) remove(id);
    return;
  }
  // Nothing removed, so the cluster is as the check saw it (it only marks unneeded times), and a
  // candidate already past its unneeded time was held by its group's minimum: it stays held until
  // the cluster or the minimum moves. The others come due in time.
  SimTime due = kTimeMax;
  for (std::size_t id : live) {
    const Node& n = cluster_.state.nodes()[id];
    if (n.unneeded_since < 0) continue;
    const SimTime at = n.unneeded_since + spec_.scale_down_unneeded_time;
    if (at > now) due = std::min(due, at);
  }
  last = {revision, notices, scheduled_actions, due};
}

bool ClusterAutoscaler::to_remove(std::size_t id, SimTime now, bool& removed_busy) {
  Node& n = cluster_.state.nodes()[id];
  if (n.gone || n.cordoned || !n.ready) return false;
  const int devices = n.type->gpus + n.type->accelerators;
  if (devices == 0) return false;  // pods only request accelerators here; CPU-only groups are left alone
  const double utilization = 1.0 - static_cast<double>(n.free.gpus) / devices;
  bool candidate = utilization < spec_.scale_down_utilization_threshold;
  if (candidate && !n.pods.empty()) {
    // Its pods must fit on the other nodes: a node whose pods find no place stays (NoPlaceToMovePods).
    const std::string no_place = no_place_to_move(id);
    if (!no_place.empty()) explain_unremovable(id, no_place);
    candidate = no_place.empty() && budgets_allow(id);
  }
  if (!candidate) {
    n.unneeded_since = -1;
    return false;
  }
  if (n.unneeded_since < 0) n.unneeded_since = now;
  if (now - n.unneeded_since < spec_.scale_down_unneeded_time) return false;
  if (cluster_.groups.active(n.group) <= cluster_.groups.group_bounds(n.group).first) return false;
  if (!n.pods.empty()) {
    if (removed_busy) return false;
    removed_busy = true;
  }
  return true;
}

bool ClusterAutoscaler::budgets_allow(std::size_t id) const {
  // The scale-down simulation's PodDisruptionBudget check (its RemainingPdbTracker): the node's pods
  // under one budget must not outnumber the disruptions it allows now ("not enough pod disruption
  // budget to move"), or the node is not removable. One non-empty node goes per scan, so the
  // budgets are not shared with another removal of the same scan. A budget shared by several
  // services counts their pods together.
  const ReplicaController& replicas = cluster_.replicas;
  std::map<std::size_t, int> per_budget;
  for (std::size_t p : cluster_.state.nodes()[id].pods)
    if (const std::size_t b = replicas.budget_of(cluster_.state.pods()[p].service); b != ReplicaController::kNoBudget) ++per_budget[b];
  return std::all_of(per_budget.begin(), per_budget.end(),
                     [&](const auto& entry) { return entry.second <= replicas.budget_disruptions_allowed(entry.first); });
}

void ClusterAutoscaler::remove(std::size_t id) {
  ++cluster_.run.counters.scale_downs;
  // Its pods are evicted through the Eviction API; a refusal is retried every 10 s, and a drain not
  // done within --max-pod-eviction-time fails: the node is uncordoned and stays.
  const EvictionRetry retry{kCaEvictionRetryTime, kCaEvictionRetryTime, spec_.max_pod_eviction_time};
  cluster_.nodes.drain_node(id, "scale-down", retry, [this] { --cluster_.run.counters.scale_downs; });
}

}  // namespace capsim
