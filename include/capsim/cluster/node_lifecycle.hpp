#pragma once
// A node's life: launched into a market pool (billed from then, Ready after its start-up latency),
// then removed — drained (its pods go pending; a voluntary drain evicts them one by one as their
// PodDisruptionBudgets allow, node_drain.cpp) and terminated. Spot interruption handling is part of
// that life (spot_interruptions.cpp): at the two-minute notice the node is cordoned and its owner
// told; at the reclaim, pods still on it stop abruptly. Pool bookkeeping (instances running, pools
// avoided after insufficient capacity) is shared by every owner that launches: node groups and
// Karpenter.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/eviction_retry.hpp"
#include "capsim/cluster/node_startup.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/core/tags.hpp"

namespace capsim {

/// Who launched a node, and how its cost line and start-up streams are keyed.
struct NodeOwner {
  std::size_t group = kNoOwner;      // a node group...
  std::size_t node_pool = kNoOwner;  // ...or a Karpenter NodePool
  std::string name;                  // its name: the cost line is "node/<name>/<ordinal>"
  int ordinal = 0;                   // launch ordinal within the owner (keys start-up latency)
  const std::vector<Taint>* taints = nullptr;
  /// The accelerator devices the node offers pods when not its type's own count (a Karpenter
  /// NodeOverlay's capacity, e.g. GPU time-slicing); nullopt: its GPUs or Neuron devices.
  std::optional<int> devices;
};

class NodeLifecycle {
 public:
  NodeLifecycle(RunContext& run, ClusterState& state, ReplicaController& replicas, NodeStartup startup);

  // What other controllers do when a node's life moves on (set once, by the assembly).
  std::function<void()> place_pending;                        // after a change that frees or adds room
  std::function<void(std::size_t group)> group_notice;        // a group's instance got its notice: launch a replacement
  void on_ready(std::function<void(std::size_t)> f) { on_ready_.push_back(std::move(f)); }      // before placement
  void on_removed(std::function<void(std::size_t)> f) { on_removed_.push_back(std::move(f)); }  // before placement

  // Pools (type × zone × capacity type of the market).
  void ensure_pool(std::size_t p);
  int running_in(std::size_t p) const { return running_[p]; }
  bool avoided(std::size_t p, SimTime now) const { return unavailable_until_[p] > now; }
  /// Until when pool `p` is avoided (a time already past when it is not).
  SimTime avoided_until(std::size_t p) const { return unavailable_until_[p]; }
  /// The pool failed a launch with insufficient capacity: avoided for the market's unavailable period.
  void avoid(std::size_t p);
  /// How many times a pool has been avoided: a controller that reads avoidance can tell that nothing
  /// but the clock changed it since it last looked.
  std::uint64_t avoidances() const { return avoidances_; }
  /// The labels of pool `p`'s nodes (its type's and offering's): made once per pool and shared by its
  /// nodes, and by a controller that asks what such a node would be.
  const std::shared_ptr<const Labels>& pool_labels(std::size_t p);

  /// Creates, bills and schedules one node of pool `p`. `warm`: ready at once (the fleet as it
  /// stands at the start). `before_announce` runs after its events are scheduled and before the
  /// change is announced (Karpenter schedules its expiry there).
  std::size_t create_node(std::size_t p, const NodeOwner& owner, bool warm, const Tags& tags,
                          const std::function<void(std::size_t)>& before_announce = {});
  /// Drains (its pods go pending) and terminates node `id`, its end recorded as `reason`.
  void remove_node(std::size_t id, const char* reason);
  /// A voluntary drain (node_drain.cpp): node `id` is cordoned and its pods evicted through the
  /// Eviction API, each as its PodDisruptionBudget allows, the refused ones retried as `retry`
  /// says; when the last is gone the node is terminated as `reason` (nullptr: it is left to whoever
  /// terminates it, as a spot reclaim does). A drain abandoned (retry.give_up_after) uncordons the
  /// node and calls `abandoned`. Without a budget over its pods this is remove_node.
  void drain_node(std::size_t id, const char* reason, const EvictionRetry& retry, std::function<void()> abandoned = {});
  bool draining(std::size_t id) const { return drains_.count(id) > 0; }
  int ready_nodes() const { return ready_nodes_; }

  // Spot interruptions (spot_interruptions.cpp).
  /// Recorded availability of `pools`: a drop below the instances running reclaims the excess.
  void watch_availability(const std::vector<std::size_t>& pools);
  void schedule_reclaim(std::size_t id, SimTime at);

 private:
  void node_ready(std::size_t id);
  void notice(std::size_t id);
  void reclaim(std::size_t id);
  struct Drain {
    const char* reason = nullptr;
    EvictionRetry retry;
    std::function<void()> abandoned;
  };
  void try_evict(std::size_t id, std::size_t pod, int refusals);
  void abandon_drain(std::size_t id);

  RunContext& run_;
  ClusterState& state_;
  ReplicaController& replicas_;
  NodeStartup startup_;
  std::vector<std::function<void(std::size_t)>> on_ready_, on_removed_;
  std::vector<int> running_;
  std::vector<std::uint64_t> launches_;  // launch ordinal per pool (keys interruptions)
  std::vector<SimTime> unavailable_until_;
  std::uint64_t avoidances_ = 0;
  std::vector<std::shared_ptr<const Labels>> pool_labels_;  // per pool, made when first asked for
  int ready_nodes_ = 0;
  std::map<std::size_t, Drain> drains_;  // nodes being drained through the Eviction API
};

}  // namespace capsim
