#include "capsim/cluster/replica_controller.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"

namespace capsim {

ReplicaController::ReplicaController(RunContext& run, ClusterState& state, const std::vector<ServiceSpec>& specs,
                                     const std::map<std::string, ResourceQuotaSpec>& quotas,
                                     const std::vector<std::unique_ptr<Service>>& services)
    : run_(run), state_(state), specs_(specs), quotas_(quotas), services_(services) {
  starts_.assign(specs_.size(), 0);
  minutes_lost_.assign(specs_.size(), 0.0);
  quota_refused_.assign(specs_.size(), 0);
  live_.assign(specs_.size(), 0);
  ready_.assign(specs_.size(), 0);
  // One budget per service's own, one per shared name over all the services that carry it.
  budgets_.of_service.assign(specs_.size(), kNoBudget);
  std::map<std::string, std::size_t> shared;
  for (std::size_t s = 0; s < specs_.size(); ++s) {
    const auto& b = specs_[s].disruption_budget;
    if (!b) continue;
    auto named = b->shared_name.empty() ? shared.end() : shared.find(b->shared_name);
    if (named == shared.end()) {
      if (!b->shared_name.empty()) shared.emplace(b->shared_name, budgets_.list.size());
      budgets_.of_service[s] = budgets_.list.size();
      budgets_.list.push_back({&*b, {s}});
    } else {
      budgets_.of_service[s] = named->second;
      budgets_.list[named->second].services.push_back(s);
    }
  }
}

void ReplicaController::start() {
  desired_.assign(specs_.size(), 0);
  for (std::size_t s = 0; s < specs_.size(); ++s) {
    desired_[s] = specs_[s].replicas;
    for (int r = 0; r < specs_[s].replicas; ++r) create(s);
  }
}

int ReplicaController::replicas(std::size_t service) const { return live_[service]; }

int ReplicaController::ready_replicas(std::size_t service) const { return ready_[service]; }

bool ReplicaController::quota_allows(std::size_t service) const {
  const ServiceSpec& svc = specs_[service];
  auto q = quotas_.find(svc.namespace_name);
  if (q == quotas_.end()) return true;
  std::int64_t cpu = svc.replica_cpu_millicores, mem = svc.replica_memory_mib;
  // requests.nvidia.com/gpu counts NVIDIA GPUs only.
  auto nvidia = [&](const ServiceSpec& s) { return s.replica_device == DeviceResource::NvidiaGpu ? s.replica_gpus : 0; };
  std::int64_t gpus = nvidia(svc), pods = 1;
  for (std::size_t s = 0; s < specs_.size(); ++s) {
    const ServiceSpec& o = specs_[s];
    if (o.namespace_name != svc.namespace_name) continue;
    cpu += live_[s] * o.replica_cpu_millicores;
    mem += live_[s] * o.replica_memory_mib;
    gpus += std::int64_t{live_[s]} * nvidia(o);
    pods += live_[s];
  }
  const ResourceQuotaSpec& h = q->second;
  return (!h.cpu_millicores || cpu <= *h.cpu_millicores) && (!h.memory_mib || mem <= *h.memory_mib) && (!h.gpus || gpus <= *h.gpus) &&
         (!h.pods || pods <= *h.pods);
}

std::optional<std::size_t> ReplicaController::create(std::size_t service) {
  if (!quota_allows(service)) {
    // The API server refuses the pod (exceeded quota); the ReplicaSet keeps trying, we count it.
    ++quota_refused_[service];
    return std::nullopt;
  }
  // Reuse a removed pod's slot, so the table stays as large as the most pods at once; its start
  // counter carries on, so events of its previous life stay stale.
  auto& pods = state_.pods();
  ++live_[service];
  if (free_slots_.empty()) {
    pods.push_back(Pod{service});
    pods.back().born = ++born_;
    pending_.insert(pods.size() - 1);
    return pods.size() - 1;
  }
  const std::size_t id = *free_slots_.begin();
  pending_.insert(id);
  Pod& slot = pods[id];
  free_slots_.erase(free_slots_.begin());
  const std::uint64_t start = slot.start;
  slot = Pod{service};
  slot.start = start;
  slot.born = ++born_;
  return id;
}

void ReplicaController::set_replicas(std::size_t service, int desired) {
  desired_[service] = desired;
  int current = replicas(service);
  for (int want = desired - current; want > 0; --want) create(service);
  current = replicas(service);
  auto& pods = state_.pods();
  if (current <= desired) {
    place_pending_();
    return;
  }
  // Pending first, then not yet ready, then the most recently created (born is unique, so the
  // order is total). Removing a pod changes no other pod's rank, so one sort serves the whole cut.
  std::vector<std::size_t> victims;
  for (std::size_t i = 0; i < pods.size(); ++i)
    if (pods[i].service == service && !pods[i].removed) victims.push_back(i);
  auto rank = [&](std::size_t i) { return pods[i].node < 0 ? 2 : !pods[i].ready ? 1 : 0; };
  const auto cut = static_cast<std::size_t>(current - desired);
  std::partial_sort(victims.begin(), victims.begin() + static_cast<std::ptrdiff_t>(std::min(cut, victims.size())), victims.end(),
                    [&](std::size_t a, std::size_t b) {
                      const int ra = rank(a), rb = rank(b);
                      return ra != rb ? ra > rb : pods[a].born > pods[b].born;
                    });
  victims.resize(std::min(cut, victims.size()));
  for (const std::size_t id : victims) remove(id);
  place_pending_();
}

std::optional<std::size_t> ReplicaController::add_pod(std::size_t service) {
  auto id = create(service);
  if (id) ++desired_[service];
  return id;
}

void ReplicaController::delete_pod(std::size_t id) {
  --desired_[state_.pods()[id].service];
  remove(id);
}

void ReplicaController::remove(std::size_t id) {
  Pod& p = state_.pods()[id];
  const std::size_t service = p.service;
  if (p.node >= 0) {
    const auto n = static_cast<std::size_t>(p.node);
    state_.account_unbind(id, run_.now());
    state_.release(id);
    Node& node = state_.nodes()[n];
    node.pods.erase(std::find(node.pods.begin(), node.pods.end(), id));
    state_.pods_changed(n, run_.now());
    if (p.ready) {
      services_[service]->replica_stopped(run_.now(), id, *node.type);
      --ready_[service];
    }
  } else {
    pending_.erase(id);
  }
  p.removed = true;
  p.ready = false;
  p.node = -1;
  p.down_since = -1;
  ++p.start;
  --live_[service];
  free_slots_.insert(id);
}

void ReplicaController::evict(std::size_t n) {
  Node& node = state_.nodes()[n];
  if (node.pods.empty()) return;
  run_.counters.pods_disrupted += static_cast<int>(node.pods.size());
  for (std::size_t id : node.pods) unbind_evicted(id, node);
  node.pods.clear();
  state_.pods_changed(n, run_.now());
}

void ReplicaController::unbind_evicted(std::size_t id, const Node& node) {
  state_.account_unbind(id, run_.now());
  state_.release(id);
  Pod& p = state_.pods()[id];
  if (p.ready) {
    services_[p.service]->replica_stopped(run_.now(), id, *node.type);
    p.down_since = run_.now();
    --ready_[p.service];
  }
  p.ready = false;
  p.node = -1;
  ++p.start;
  pending_.insert(id);
}

BudgetedPods ReplicaController::budgeted(std::size_t budget) const {
  // The disruption controller's expected count sums the scales of the controllers that own the pods
  // the budget selects: a service with no pod now adds nothing, whatever its desired count.
  BudgetedPods out;
  for (std::size_t s : budgets_.list[budget].services) {
    if (live_[s] > 0) out.desired += desired_[s];
    out.healthy += ready_[s];
  }
  return out;
}

int ReplicaController::budget_disruptions_allowed(std::size_t budget) const {
  return capsim::disruptions_allowed(*budgets_.list[budget].spec, budgeted(budget));
}

int ReplicaController::disruptions_allowed(std::size_t service) const {
  const std::size_t b = budgets_.of_service[service];
  return b == kNoBudget ? std::numeric_limits<int>::max() : budget_disruptions_allowed(b);
}

bool ReplicaController::eviction_allowed(std::size_t id) const {
  const Pod& p = state_.pods()[id];
  const std::size_t b = budgets_.of_service[p.service];
  return b == kNoBudget || capsim::eviction_allowed(*budgets_.list[b].spec, budgeted(b), p.ready);
}

bool ReplicaController::disruption_blocked(std::size_t id) const {
  const Pod& p = state_.pods()[id];
  const std::size_t b = budgets_.of_service[p.service];
  if (b == kNoBudget || (!p.ready && budgets_.list[b].spec->always_allow_unhealthy)) return false;
  return budget_disruptions_allowed(b) == 0;
}

void ReplicaController::evict_pod(std::size_t id) {
  const auto n = static_cast<std::size_t>(state_.pods()[id].node);
  Node& node = state_.nodes()[n];
  ++run_.counters.pods_disrupted;
  unbind_evicted(id, node);
  node.pods.erase(std::find(node.pods.begin(), node.pods.end(), id));
  state_.pods_changed(n, run_.now());
  // The budget's status moved: a consolidation held back by it may be possible now.
  state_.changed();
}

void ReplicaController::cut_off(std::size_t n) {
  // Drained pods (Karpenter at the notice) finished their requests; the ones still here did not.
  for (std::size_t id : state_.nodes()[n].pods)
    if (state_.pods()[id].ready) services_[state_.pods()[id].service]->replica_cut_off(run_.now(), id);
}

void ReplicaController::bind(std::size_t p, std::size_t n) {
  state_.bind(p, n, run_.now());
  pending_.erase(p);
  state_.pods_changed(n, run_.now());
  const bool warm = run_.now() == 0 && state_.nodes()[n].ready_at == 0 && state_.pods()[p].down_since < 0;
  start_pod(p, warm);
}

void ReplicaController::start_pod(std::size_t id, bool warm) {
  Pod& p = state_.pods()[id];
  const Node& n = state_.nodes()[static_cast<std::size_t>(p.node)];
  const std::uint64_t start = ++p.start;
  SimTime ready = std::max(run_.now(), n.ready_at);
  if (!warm) {
    const ServiceSpec& svc = specs_[p.service];
    // The loader requires it wherever a replica can start after the first instant; a spec built
    // in code may not have it, and a start-up time is not something to assume.
    if (!svc.has_startup_latency())
      throw Error(fmt::format("service '{}' starts a replica at {:g} s but has no start-up latency (replica.startup_s)", svc.name,
                              to_seconds(run_.now())));
    const std::uint64_t ordinal = starts_[p.service]++;
    auto draw = [&](std::string_view component, const Distribution& d) {
      Rng rng = make_stream({run_.seed, run_.replicate, component, svc.name, ordinal});
      return seconds(d.sample(rng) * run_.startup_latency_factor);
    };
    ready += svc.image_pull_s ? draw(stream::kImagePull, *svc.image_pull_s) + draw(stream::kModelLoad, *svc.model_load_s)
                              : draw(stream::kReplicaStartup, *svc.startup_s);
  }
  run_.engine.schedule_at(ready, [this, id, start] { pod_ready(id, start); }, kPriorityCluster);
}

void ReplicaController::pod_ready(std::size_t id, std::uint64_t start) {
  Pod& p = state_.pods()[id];
  if (p.start != start || p.node < 0) return;
  const Node& n = state_.nodes()[static_cast<std::size_t>(p.node)];
  p.ready = true;
  ++ready_[p.service];
  if (p.down_since >= 0) {
    minutes_lost_[p.service] += to_minutes(run_.now() - p.down_since);
    p.down_since = -1;
  }
  services_[p.service]->replica_ready(run_.now(), id, *n.type);
  // A Ready pod raises its budget's disruptionsAllowed: a drain or a consolidation it held back
  // may go on (Karpenter and the Cluster Autoscaler read the budget's status as it changes).
  if (budgets_.of_service[p.service] != kNoBudget) state_.changed();
}

std::vector<int> ReplicaController::placed() const {
  std::vector<int> out(specs_.size(), 0);
  for (const Pod& p : state_.pods())
    if (p.node >= 0 && !p.removed) ++out[p.service];
  return out;
}

std::vector<double> ReplicaController::replica_minutes_lost() const {
  // Replicas still down when the window closes count until its end.
  std::vector<double> out = minutes_lost_;
  for (const Pod& p : state_.pods())
    if (p.down_since >= 0) out[p.service] += to_minutes(run_.now() - p.down_since);
  return out;
}

}  // namespace capsim
