#pragma once
// The replica controller (a ReplicaSet per service): keeps each service's desired number of pods,
// creates them unless a ResourceQuota refuses, removes pending ones first, then not-yet-ready, then
// the newest; binds pods to nodes, starts them after their start-up latency and tells their service
// when one becomes ready or stops.
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/autoscale/scale_targets.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/resource_quota.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

class ReplicaController final : public ReplicaScaleTarget {
 public:
  ReplicaController(RunContext& run, ClusterState& state, const std::vector<ServiceSpec>& specs,
                    const std::map<std::string, ResourceQuotaSpec>& quotas, const std::vector<std::unique_ptr<Service>>& services);
  /// The pod placement to run after replicas change (the scheduler's).
  void set_placement(std::function<void()> place_pending) { place_pending_ = std::move(place_pending); }

  /// Creates every service's initial replicas (they go pending).
  void start();
  bool started() const { return !desired_.empty(); }

  int replicas(std::size_t service) const override;
  int ready_replicas(std::size_t service) const override;
  void set_replicas(std::size_t service, int desired) override;

  /// One more pod of `service`, made on its own (a Job controller's): it goes pending; nullopt when
  /// its namespace's ResourceQuota refuses it. The desired count follows.
  std::optional<std::size_t> add_pod(std::size_t service);
  /// Deletes pod `id`, bound or pending; its service hears if it was ready. The desired count follows.
  void delete_pod(std::size_t id);
  /// Runs the pod placement (after pods were added or room was freed).
  void place() { place_pending_(); }

  /// Pods waiting for a node (created or evicted, not yet bound), by index, kept as they change: the
  /// scheduler visits these only.
  const std::set<std::size_t>& pending() const { return pending_; }
  /// Binds pod `p` to node `n` and starts it (ready after its start-up latency).
  void bind(std::size_t p, std::size_t n);
  /// Every pod of node `n` is evicted: they go pending and their services lose them.
  void evict(std::size_t n);
  /// The ready pods of node `n` stop abruptly (its instance is reclaimed under them).
  void cut_off(std::size_t n);

  // The Eviction API (voluntary disruptions) over services' PodDisruptionBudgets. A budget may be
  // shared by several services (the same shared_name): it counts all their pods.
  static constexpr std::size_t kNoBudget = static_cast<std::size_t>(-1);
  /// The index of the budget over the service's pods, kNoBudget when none.
  std::size_t budget_of(std::size_t service) const { return budgets_.of_service[service]; }
  bool has_disruption_budget(std::size_t service) const { return budgets_.of_service[service] != kNoBudget; }
  /// The service's budget's disruptionsAllowed now (no budget: no limit).
  int disruptions_allowed(std::size_t service) const;
  /// Budget `budget`'s disruptionsAllowed now.
  int budget_disruptions_allowed(std::size_t budget) const;
  /// Whether the Eviction API would evict pod `p` now (its service's budget allows it, or it has none).
  bool eviction_allowed(std::size_t p) const;
  /// Whether pod `p`'s budget allows no disruption now, as Karpenter's candidate filter reads it
  /// (disruptionsAllowed 0; a pod not Ready under AlwaysAllow never blocks).
  bool disruption_blocked(std::size_t p) const;
  /// Evicts the one pod `p` from its node: it goes pending (its ReplicaSet's replacement) and its
  /// service loses it.
  void evict_pod(std::size_t p);

  // At the end of the window.
  std::vector<int> placed() const;
  const std::vector<int>& desired() const { return desired_; }
  std::vector<double> replica_minutes_lost() const;  // replicas down between a disruption and their restart
  const std::vector<int>& quota_refused() const { return quota_refused_; }

 private:
  bool quota_allows(std::size_t service) const;
  std::optional<std::size_t> create(std::size_t service);
  void remove(std::size_t id);
  void start_pod(std::size_t p, bool warm);
  void pod_ready(std::size_t p, std::uint64_t start);
  void unbind_evicted(std::size_t p, const Node& node);  // it leaves the node (kept in its list) and goes pending
  BudgetedPods budgeted(std::size_t budget) const;  // what budget `budget` sees of its services' pods now

  struct Budget {
    const PodDisruptionBudget* spec = nullptr;  // the first of its services' (they are equal)
    std::vector<std::size_t> services;
  };
  struct Budgets {
    std::vector<Budget> list;
    std::vector<std::size_t> of_service;  // per service, its index in `list` or kNoBudget
  };

  RunContext& run_;
  ClusterState& state_;
  const std::vector<ServiceSpec>& specs_;
  const std::map<std::string, ResourceQuotaSpec>& quotas_;
  const std::vector<std::unique_ptr<Service>>& services_;
  std::function<void()> place_pending_;
  std::vector<int> desired_;
  std::uint64_t born_ = 0;
  std::vector<std::uint64_t> starts_;  // start ordinal per service (keys start-up latency)
  std::vector<double> minutes_lost_;
  std::vector<int> quota_refused_;
  // Kept as pods come and go, so creating or removing one costs the same at a million replicas
  // as at ten: pods not removed per service, and the removed pods' slots, lowest first.
  std::vector<int> live_;
  std::vector<int> ready_;  // per service, pods ready now (kept as they change: autoscalers ask every sync)
  std::set<std::size_t> free_slots_;
  std::set<std::size_t> pending_;
  Budgets budgets_;
};

}  // namespace capsim
