#pragma once
// The one cluster state every controller reads (Karpenter's state.Cluster is the model): nodes,
// pods, their bindings, a change revision and change notifications. It knows no controller:
// controllers change it through these methods and subscribe to what they must react to.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/cluster/pod_spec.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/cost/allocation.hpp"

namespace capsim {

/// No node group or NodePool (a node has exactly one of the two).
inline constexpr std::size_t kNoOwner = std::numeric_limits<std::size_t>::max();

struct Node {
  std::size_t group = kNoOwner;      // the node group that launched it...
  std::size_t node_pool = kNoOwner;  // ...or the Karpenter NodePool
  std::size_t pool = 0;              // its market pool (type × zone × capacity type)
  std::uint64_t pool_ordinal = 0;    // launch ordinal in that pool (keys its interruption)
  const InstanceType* type = nullptr;
  std::shared_ptr<const Labels> labels;      // of its type and offering
  const std::vector<Taint>* taints = nullptr;  // its owner's taints
  std::size_t ledger_line = 0;
  ResourceList free;  // allocatable its pods have not requested (`gpus`: devices of either kind)
  /// Devices it offers pods when a Karpenter NodeOverlay's capacity replaces its type's count (GPU
  /// time-slicing); 0: its type's GPUs or Neuron devices.
  int overlay_devices = 0;
  SimTime created_at = 0;
  SimTime ready_at = 0;
  SimTime cordoned_at = -1;
  SimTime terminated_at = -1;
  SimTime last_pod_change = 0;     // consolidateAfter counts from here
  SimTime unneeded_since = -1;     // Cluster Autoscaler: since when it has been a scale-down candidate
  std::uint64_t pods_version = 0;  // bumps when a pod is bound or leaves
  const char* end_reason = "";
  int binds = 0;
  bool ready = false;
  bool became_ready = false;
  bool cordoned = false;     // no new pods (a spot notice, or Karpenter's disrupted taint)
  bool disrupting = false;   // Karpenter: chosen for consolidation or expired (counts against budgets)
  bool interrupted = false;  // a spot notice came
  bool gone = false;
  std::vector<std::size_t> pods;  // bound to it
  std::vector<double> share_s;    // per service: seconds × the share of the node its pods requested
};

struct Pod {
  std::size_t service = 0;
  std::ptrdiff_t node = -1;  // -1: pending
  bool ready = false;
  bool removed = false;      // scaled away by the replica controller (its slot may be reused)
  bool unschedulable_counted = false;  // Cluster Autoscaler: this pending spell was counted
  std::string unschedulable{};  // why no provisioner could place it (its PodScheduled condition's message); cleared when bound
  SimTime down_since = -1;   // when it stopped because its node went away
  SimTime bound_since = -1;  // when it was bound to its node
  std::uint64_t start = 0;   // bumps at every (re)start, so a stale ready event is ignored
  std::uint64_t born = 0;    // creation order, for "newest first" when scaling down
  bool pending() const { return node < 0 && !removed; }
};

class ClusterState {
 public:
  /// `templates`: per service, the shape of its pods (their requests, affinity, tolerations), named
  /// after the service.
  explicit ClusterState(std::vector<PodSpec> templates);

  const std::vector<PodSpec>& templates() const { return templates_; }
  const PodSpec& template_of(const Pod& p) const { return templates_[p.service]; }
  std::size_t services() const { return templates_.size(); }

  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Pod>& pods() { return pods_; }
  const std::vector<Pod>& pods() const { return pods_; }
  /// Nodes not yet gone, by ascending id: loops visit these, so a long run does not rescan every
  /// node it ever launched.
  const std::vector<std::size_t>& live_node_ids() const { return live_; }
  /// The live nodes themselves, by ascending id (a view over live_node_ids()).
  class LiveNodes {
   public:
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = Node;
      using difference_type = std::ptrdiff_t;
      using pointer = const Node*;
      using reference = const Node&;
      iterator() = default;
      iterator(const std::vector<Node>* nodes, std::vector<std::size_t>::const_iterator at) : nodes_(nodes), at_(at) {}
      reference operator*() const { return (*nodes_)[*at_]; }
      pointer operator->() const { return &(*nodes_)[*at_]; }
      iterator& operator++() {
        ++at_;
        return *this;
      }
      iterator operator++(int) {
        iterator old = *this;
        ++at_;
        return old;
      }
      bool operator==(const iterator& o) const { return at_ == o.at_; }

     private:
      const std::vector<Node>* nodes_ = nullptr;
      std::vector<std::size_t>::const_iterator at_;
    };
    LiveNodes(const std::vector<Node>& nodes, const std::vector<std::size_t>& ids) : nodes_(&nodes), ids_(&ids) {}
    iterator begin() const { return {nodes_, ids_->begin()}; }
    iterator end() const { return {nodes_, ids_->end()}; }

   private:
    const std::vector<Node>* nodes_;
    const std::vector<std::size_t>* ids_;
  };
  LiveNodes live_nodes() const { return {nodes_, live_}; }
  std::size_t add_node(Node node);
  /// The node is gone (terminated): it leaves the live list.
  void mark_gone(std::size_t id);

  /// Binds pod `p` to node `n` at `now`: the node's free room shrinks by the pod's requests.
  void bind(std::size_t p, std::size_t n, SimTime now);
  /// Books the time pod `p` spent bound to its node (its cost share), before it leaves it.
  void account_unbind(std::size_t p, SimTime now);
  /// The pod leaves its node (booked, room given back); it stays in the node's list for the caller.
  void release(std::size_t p);
  /// The share of node `n` a pod of `service` requests (GPUs; else the larger of CPU and memory).
  double request_share(const Node& n, std::size_t service) const;
  /// Per service: replica-seconds bound to a node up to `now`.
  std::vector<double> bound_seconds(SimTime now) const;
  /// Per node, what its pods requested up to `now` (the basis of the cost allocation).
  std::vector<NodeAllocation> allocations(SimTime now) const;

  /// Something a consolidation could depend on changed: the revision bumps and subscribers hear.
  void changed();
  std::uint64_t revision() const { return revision_; }
  void on_change(std::function<void()> f) { on_change_.push_back(std::move(f)); }
  /// A pod came to or left node `n` at `now`; subscribers hear after the change is announced.
  void pods_changed(std::size_t n, SimTime now);
  void on_pods_changed(std::function<void(std::size_t)> f) { on_pods_changed_.push_back(std::move(f)); }
  /// Pod `p` was booked for `seconds` bound to node `n` (heard as it leaves the node, before its
  /// room is given back): a Job controller prices its pods' time this way.
  void on_unbound(std::function<void(std::size_t p, std::size_t n, double seconds)> f) { on_unbound_.push_back(std::move(f)); }

 private:
  std::vector<PodSpec> templates_;
  std::vector<Node> nodes_;
  std::vector<Pod> pods_;
  std::vector<std::size_t> live_;
  std::vector<double> bound_s_;  // per service, of unbound stays
  std::uint64_t revision_ = 1;
  std::vector<std::function<void()>> on_change_;
  std::vector<std::function<void(std::size_t)>> on_pods_changed_;
  std::vector<std::function<void(std::size_t, std::size_t, double)>> on_unbound_;
};

}  // namespace capsim
