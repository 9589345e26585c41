#pragma once
// Fixed node groups during a run: launches through the market's allocation strategy, node and
// replica start-up latencies, spot interruptions (a replacement is launched at the two-minute notice,
// the node's replicas stop when it is reclaimed and restart where there is room), and failed
// launches retried after the pools' unavailable period. Replicas are placed first fit, services in
// order, on nodes whose type the service can run on.
#include <cstdint>
#include <map>
#include <optional>
#include <ranges>
#include <set>
#include <string>
#include <vector>

#include "capsim/cluster/karpenter_consolidation.hpp"
#include "capsim/cluster/karpenter_scheduler.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/workload/service_model.hpp"

namespace capsim {

struct FleetCounters {
  FleetSummary fleet;  // the counters (its billed hours are the ledger's, filled by the simulation)
  std::vector<double> replica_minutes_lost;  // per service: replicas down between a reclaim and their restart
  std::vector<int> replicas_placed;          // per service, at the end of the window
  std::vector<int> replicas_desired;         // per service, at the end (the HPA's last decision, or the spec)
  std::vector<int> quota_refused;            // per service: pod creations a ResourceQuota refused
};

/// A node's ledger line and, per service, the seconds × share of the node its pods requested.
struct NodeAllocation {
  std::size_t ledger_line = 0;
  std::vector<double> share_s;
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

  /// An Auto Scaling group's desired capacity: its instances neither terminated nor interrupted, plus
  /// launches waiting to be retried.
  int group_capacity(std::size_t group) const;
  /// Of those, the ones not yet in service or in service for less than `warmup`.
  int group_warming(std::size_t group, SimDuration warmup) const;
  /// Instances of the group that are ready (registered behind the load balancer).
  int group_ready(std::size_t group) const;
  /// Why a group's desired capacity changes (for the counters).
  enum class SizeCause { TargetTracking, ScheduledAction };
  /// Sets the group's desired capacity: launches, or terminates (not-yet-ready instances first, then
  /// the newest), and resizes its service when target tracking drives it.
  void set_group_capacity(std::size_t group, int desired, SizeCause cause = SizeCause::TargetTracking);
  /// A group's current MinSize and MaxSize (scheduled actions change them).
  std::pair<int, int> group_bounds(std::size_t group) const { return {group_min_[group], group_max_[group]}; }
  /// An EC2 Auto Scaling scheduled action: new MinSize / MaxSize / DesiredCapacity (each optional); the
  /// capacity is brought within the bounds as AWS does.
  void apply_scheduled_action(std::size_t group, std::optional<int> min_size, std::optional<int> max_size, std::optional<int> desired);
  FleetCounters counters() const;
  /// The node log: every node launched, with its lifecycle times.
  std::vector<NodeRecord> node_records() const;
  /// Per node, what its pods requested up to now (the basis of the cost allocation).
  std::vector<NodeAllocation> allocations() const;
  /// Per service: replica-seconds bound to a node, up to now.
  std::vector<double> bound_replica_seconds() const;

 private:
  static constexpr std::size_t kNoGroup = SIZE_MAX;
  struct Node {
    std::size_t group = 0;           // kNoGroup for a Karpenter node
    std::size_t node_pool = kNoGroup;  // the Karpenter NodePool that launched it
    std::int64_t cpu_free = 0;       // millicores of allocatable the replicas have not requested
    std::int64_t memory_free = 0;    // MiB
    int pods_free = 0;
    bool disrupting = false;   // Karpenter: chosen for consolidation or expired (counts against budgets)
    bool interrupted = false;  // a spot notice came
    SimTime created_at = 0;
    SimTime cordoned_at = -1;
    SimTime terminated_at = -1;
    const char* end_reason = "";
    int binds = 0;
    bool became_ready = false;
    SimTime last_pod_change = 0;    // consolidateAfter counts from here
    std::uint64_t pods_version = 0;  // bumps when a pod is bound or leaves
    std::size_t pool = 0;
    std::uint64_t pool_ordinal = 0;
    const InstanceType* type = nullptr;
    std::shared_ptr<const Labels> labels;  // of its type and offering (node affinity and scheduling read them often)
    int gpus_free = 0;
    SimTime ready_at = 0;
    bool ready = false;
    bool cordoned = false;  // no new replicas (a spot notice, or Karpenter's disrupted taint)
    bool gone = false;
    SimTime unneeded_since = -1;  // Cluster Autoscaler: since when it has been a scale-down candidate
    std::size_t ledger_line = 0;
    std::vector<std::size_t> replicas;
    std::vector<double> share_s;  // per service: seconds × the share of the node its pods requested
  };
  struct Replica {
    std::size_t service = 0;
    std::ptrdiff_t node = -1;  // -1: pending
    bool ready = false;
    SimTime down_since = -1;   // when it stopped because its node was reclaimed
    std::uint64_t start = 0;   // bumps at every (re)start, so a stale ready event is ignored
    bool removed = false;      // scaled away by the replica controller
    std::uint64_t born = 0;    // creation order, for "newest first" when scaling down
    SimTime bound_since = -1;  // when it was bound to its node
    bool unschedulable_counted = false;  // Cluster Autoscaler: this pending spell was counted as unschedulable
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
  /// The share of `node` a pod of `service` requests (GPUs; else the larger of CPU and memory).
  double request_share(const Node& node, std::size_t service) const;
  /// Books the time replica `r` spent bound to its node, before it leaves it.
  void account_unbind(std::size_t r);
  // Karpenter (karpenter_provisioner.cpp): batches pending replicas, runs the scheduling
  // simulation, launches its node claims, and removes empty nodes after consolidateAfter.
  void karpenter_pending();
  void karpenter_batch_close(std::uint64_t stamp, bool at_max);
  void karpenter_provision();
  PodSpec karpenter_pod(std::size_t replica) const;
  std::vector<ExistingNode> karpenter_existing_nodes() const;
  const SchedulingSnapshot& karpenter_snapshot();
  std::optional<std::size_t> karpenter_launch(const PlannedNodeClaim& claim);
  std::size_t node_pool_index(const std::string& name) const;
  std::string node_pool_name(const Node& n) const;
  const std::vector<Taint>& node_taints(const Node& n) const;
  // Karpenter's disruption controller (karpenter_disruption.cpp): polls while the cluster changes,
  // then empty-node, multi-node and single-node consolidation under the NodePools' budgets, each
  // decision re-validated after consolidation_validation before it is carried out; expireAfter.
  void cluster_changed();
  void request_disruption_poll();
  void pods_changed(std::size_t node);
  void karpenter_disruption_poll();
  bool karpenter_disrupt(bool& constrained);
  std::map<std::string, int> karpenter_budgets(DisruptionReason reason) const;
  std::vector<ConsolidationCandidate> consolidation_candidates(bool underutilized_only) const;
  /// A view of the cluster now; `pools` and `nodes` hold what it points to.
  ClusterView cluster_view(std::vector<NodePoolSpec>& pools, std::vector<ExistingNode>& nodes);
  void validate_and_execute(ConsolidationCommand command, std::vector<std::uint64_t> versions);
  void execute(const ConsolidationCommand& command);
  void replacement_ready(std::size_t node);
  void release_candidates(std::size_t replacement);
  void expire(std::size_t node);
  std::size_t karpenter_pool_of(const std::string& type, const std::string& zone, CapacityType capacity);
  void schedule_reclaim(std::size_t node, SimTime at);
  void watch_availability();
  void remove_node(std::size_t node, const char* reason);  // drain (replicas go pending) and terminate
  // The Cluster Autoscaler (cluster_autoscaler.cpp): scale up for pending replicas, scale down
  // nodes unneeded for long enough.
  void autoscaler_scan();
  void autoscaler_scale_up();
  void autoscaler_scale_down();
  void autoscaler_provision_timeout(std::size_t node);
  /// Plain ASGs under target tracking: the group's service runs one replica per replica-sized share
  /// of its instances' GPUs.
  void sync_group_replicas(std::size_t group);
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
  std::vector<std::size_t> live_nodes_;  // nodes not yet gone, ascending: loops visit these, so a long run
                                        // does not rescan every node it ever launched
  auto live_nodes() const {
    return live_nodes_ | std::views::transform([this](std::size_t id) -> const Node& { return nodes_[id]; });
  }
  std::vector<Replica> replicas_;
  std::vector<std::vector<std::size_t>> group_pools_;
  std::vector<int> group_launches_;          // launch ordinal per group (keys node start-up latency)
  std::vector<std::uint64_t> pool_launches_; // launch ordinal per pool (keys interruptions)
  std::vector<int> pool_running_;
  std::vector<SimTime> pool_unavailable_until_;
  std::uint64_t replicas_born_ = 0;
  std::vector<int> desired_;
  std::vector<double> bound_replica_s_;  // per service
  std::vector<std::uint64_t> service_starts_;  // replica start ordinal per service (keys start-up latency)
  int ready_nodes_ = 0;
  SimTime last_scale_up_ = -1;
  bool explain_ = false;
  std::vector<std::string> explanations_;
  std::set<std::string> unschedulable_explained_;
  std::set<std::size_t> stuck_;  // replicas the last provisioning round could not place (limits, no type, no capacity)
  bool batch_open_ = false;
  std::uint64_t batch_stamp_ = 0;
  std::vector<int> node_pool_launches_;
  std::map<std::string, std::size_t> karpenter_pools_;  // "type/zone/capacity" -> market pool
  std::optional<SchedulingCatalog> scheduling_catalog_;  // Karpenter: the catalog prepared once
  std::vector<std::size_t> offering_pools_;              // Karpenter: the market pool of every offering it considers
  std::optional<SchedulingSnapshot> snapshot_;           // ...prepared at these prices and availability
  std::vector<std::pair<double, bool>> snapshot_state_;
  std::vector<PodSpec> pod_templates_;                   // per service: its pods' shape (the name is the replica)
  std::uint64_t autoscaler_scans_ = 0;
  std::vector<SimTime> group_backoff_until_;   // Cluster Autoscaler: no scale-up of the group before
  std::vector<SimDuration> group_backoff_;
  std::vector<SimTime> group_last_failure_;
  std::vector<int> group_retrying_;
  std::vector<int> group_min_, group_max_;     // MinSize / MaxSize now            // instances a group's launch will retry after insufficient capacity
  std::uint64_t cluster_state_ = 1;      // bumps on every change a consolidation could depend on
  std::uint64_t evaluated_state_ = 0;    // the state the last fruitless evaluation saw
  bool disruption_poll_pending_ = false;
  bool disruption_validating_ = false;   // a decision waits for its re-validation: no new ones
  std::map<std::size_t, std::vector<std::size_t>> replacements_;  // replacement node -> the nodes it replaces
  FleetCounters counters_;
};

}  // namespace capsim
