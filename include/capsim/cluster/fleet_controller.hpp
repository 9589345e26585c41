#pragma once
// Fixed node groups during a run: launches through the market's allocation strategy, node and
// replica start-up latencies, spot interruptions (a replacement is launched at the two-minute notice,
// the node's replicas stop when it is reclaimed and restart where there is room), and failed
// launches retried after the pools' unavailable period. Replicas are placed first fit, services in
// order, on nodes whose type the service can run on.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "capsim/core/engine.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/workload/service_model.hpp"

namespace capsim {

struct FleetCounters {
  int initial_nodes = 0;  // launched at the start (the fleet as configured)
  int initial_gpus = 0;
  int launches = 0;
  int interruptions = 0;                 // spot instances reclaimed (notices received)
  int insufficient_capacity = 0;         // launch attempts a pool failed with insufficient capacity
  int rebalance_recommendations = 0;     // spot rebalance recommendations received (an event only)
  int scale_ups = 0;                     // Cluster Autoscaler: nodes added
  int consolidations = 0;                // Karpenter: empty nodes removed
  int unschedulable = 0;                 // Karpenter: pod placements no NodePool could make
  int scale_downs = 0;                   // Cluster Autoscaler: nodes removed
  int max_ready_nodes = 0;
  std::vector<double> replica_minutes_lost;  // per service: replicas down between a reclaim and their restart
  std::vector<int> replicas_placed;          // per service, at the end of the window
  std::vector<int> replicas_desired;         // per service, at the end (the HPA's last decision, or the spec)
  std::vector<int> quota_refused;            // per service: pod creations a ResourceQuota refused
};

class FleetController {
 public:
  FleetController(Engine& engine, const Scenario& scenario, const PolicySpec& policy, SpotMarket& market, Ledger& ledger,
                  std::vector<ServiceModel>& services, std::uint64_t replicate);

  /// Launches every node group at time 0 and places the services' replicas; with the Cluster
  /// Autoscaler as provisioner, starts its scan loop.
  void start();
  int ready_nodes() const { return ready_nodes_; }
  /// Keep Karpenter's explanation of every node it launches (types considered, cheaper types rejected).
  void keep_explanations(bool on) { explain_ = on; }
  const std::vector<std::string>& explanations() const { return explanations_; }

  /// The replica controller: the service's desired replica count. New replicas go pending and are
  /// placed where there is room; removed ones are taken pending first, then not yet ready, then the
  /// most recently started (as a ReplicaSet scales down).
  void set_replicas(std::size_t service, int desired);
  int replicas(std::size_t service) const;
  int ready_replicas(std::size_t service) const;
  FleetCounters counters() const;

 private:
  static constexpr std::size_t kNoGroup = SIZE_MAX;
  struct Node {
    std::size_t group = 0;           // kNoGroup for a Karpenter node
    std::size_t node_pool = kNoGroup;  // the Karpenter NodePool that launched it
    std::int64_t cpu_free = 0;       // millicores of allocatable the replicas have not requested
    std::int64_t memory_free = 0;    // MiB
    int pods_free = 0;
    bool consolidation_pending = false;
    std::size_t pool = 0;
    std::uint64_t pool_ordinal = 0;
    const InstanceType* type = nullptr;
    int gpus_free = 0;
    SimTime ready_at = 0;
    bool ready = false;
    bool cordoned = false;  // a spot notice came: no new replicas
    bool gone = false;
    SimTime unneeded_since = -1;  // Cluster Autoscaler: since when it has been a scale-down candidate
    std::size_t ledger_line = 0;
    std::vector<std::size_t> replicas;
  };
  struct Replica {
    std::size_t service = 0;
    std::ptrdiff_t node = -1;  // -1: pending
    bool ready = false;
    SimTime down_since = -1;   // when it stopped because its node was reclaimed
    std::uint64_t start = 0;   // bumps at every (re)start, so a stale ready event is ignored
    bool removed = false;      // scaled away by the replica controller
    std::uint64_t born = 0;    // creation order, for "newest first" when scaling down
  };

  void ensure_pool(std::size_t pool);
  /// Whether the service's namespace quota leaves room for one more of its pods.
  bool quota_allows(std::size_t service) const;
  void create_replica(std::size_t service);
  void launch(std::size_t group, int count, bool warm);
  void start_node(std::size_t group, std::size_t pool, bool warm);
  /// Creates, bills and schedules one node of `pool`: for a node group (`group`) or a Karpenter
  /// NodePool (`node_pool`), with its launch ordinal keying the start-up latency stream.
  std::size_t create_node(std::size_t group, std::size_t node_pool, std::size_t pool, bool warm, const std::string& owner,
                          int ordinal, const Tags& tags);
  bool fits(const Node& n, const ServiceSpec& svc) const;
  void bind(std::size_t replica, std::size_t node);
  void evict_replicas(std::size_t node);
  // Karpenter (karpenter_provisioner.cpp): batches pending replicas, runs the scheduling
  // simulation, launches its node claims, and removes empty nodes after consolidateAfter.
  void karpenter_pending();
  void karpenter_batch_close(std::uint64_t stamp, bool at_max);
  void karpenter_provision();
  void karpenter_check_empty();
  std::size_t karpenter_pool_of(const std::string& type, const std::string& zone, CapacityType capacity);
  void schedule_reclaim(std::size_t node, SimTime at);
  void watch_availability();
  void remove_node(std::size_t node);  // drain (replicas go pending) and terminate
  // The Cluster Autoscaler (cluster_autoscaler.cpp): scale up for pending replicas, scale down
  // nodes unneeded for long enough.
  void autoscaler_scan();
  void autoscaler_scale_up();
  void autoscaler_scale_down();
  void node_ready(std::size_t node);
  void notice(std::size_t node);
  void reclaim(std::size_t node);
  void place_pending();
  void start_replica(std::size_t replica, bool warm);
  void replica_ready(std::size_t replica, std::uint64_t start);

  Engine& engine_;
  const Scenario& scenario_;
  const PolicySpec& policy_;
  SpotMarket& market_;
  Ledger& ledger_;
  std::vector<ServiceModel>& services_;
  std::uint64_t replicate_;

  std::vector<Node> nodes_;
  std::vector<Replica> replicas_;
  std::vector<std::vector<std::size_t>> group_pools_;
  std::vector<int> group_launches_;          // launch ordinal per group (keys node start-up latency)
  std::vector<std::uint64_t> pool_launches_; // launch ordinal per pool (keys interruptions)
  std::vector<int> pool_running_;
  std::vector<SimTime> pool_unavailable_until_;
  std::uint64_t replicas_born_ = 0;
  std::vector<int> desired_;
  std::vector<std::uint64_t> service_starts_;  // replica start ordinal per service (keys start-up latency)
  int ready_nodes_ = 0;
  SimTime last_scale_up_ = -1;
  bool explain_ = false;
  std::vector<std::string> explanations_;
  bool batch_open_ = false;
  std::uint64_t batch_stamp_ = 0;
  std::vector<int> node_pool_launches_;
  std::map<std::string, std::size_t> karpenter_pools_;  // "type/zone/capacity" -> market pool
  std::uint64_t autoscaler_scans_ = 0;
  FleetCounters counters_;
};

}  // namespace capsim
