#pragma once
// The Cluster Autoscaler's loop over the node groups (kubernetes/autoscaler FAQ): every scan, node
// groups grow for pods that fit nowhere — a group counts only for the pods its template node can
// hold, and the expander picks among the groups that can help; nodes below the utilization
// threshold whose pods fit elsewhere are removed once they have been unneeded for
// scale_down_unneeded_time, not sooner than scale_down_delay_after_add after a scale-up. Node groups
// are of one instance type (a mixed group uses its first type, as the Cluster Autoscaler does);
// utilization is the share of a node's GPUs the pods request, and a scale-down candidate's pods must
// fit the other nodes' free GPUs on types their service runs on (CPU, memory and affinity are not
// simulated there) within their DoNotSchedule topology spread, counted as the autoscaler's removal
// simulation counts it: the candidate's pods taken off it, the candidate itself still a domain.
// A node whose pods find no place is unremovable (NoPlaceToMovePods). A node not ready within
// max_node_provision_time is deleted and its group backed off (initial 5 min, doubling up to 30 min,
// reset after 3 h without a failure), so the pending pods go to another group meanwhile.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capsim/provisioning/cluster_autoscaler/expander/expander.hpp"
#include "capsim/provisioning/cluster_autoscaler/spec.hpp"
#include "capsim/provisioning/provisioner.hpp"

namespace capsim {

class ClusterAutoscaler final : public Provisioner {
 public:
  ClusterAutoscaler(const ClusterControllers& cluster, const ClusterAutoscalerSpec& spec, const std::vector<ServiceSpec>& services);
  void start() override;

 private:
  void scan();
  void scale_up();
  void scale_down();
  /// Whether scale_down removes node `id` now (its unneeded time kept up to date on the way).
  bool to_remove(std::size_t id, SimTime now, bool& removed_busy);
  void remove(std::size_t id);
  void provision_timeout(std::size_t node);
  /// The pod stays pending for `reason`: said on the pod, counted once per pending spell, explained once per reason.
  void explain_unschedulable(std::size_t p, const std::string& reason);
  /// "" when node `id`'s pods all fit on the other live, uncordoned nodes (a scale-down candidate's
  /// test), else which pod found no place and why.
  std::string no_place_to_move(std::size_t id);
  /// Node `id` is under-utilized but cannot go: recorded once per node and reason (when explained).
  void explain_unremovable(std::size_t id, const std::string& detail);
  bool budgets_allow(std::size_t id) const;
  /// Whether `service` has a throughput for node `node`'s type.
  bool serves(std::size_t service, std::size_t node);

  ClusterControllers cluster_;
  const ClusterAutoscalerSpec& spec_;
  const std::vector<ServiceSpec>& services_;
  std::unique_ptr<ExpanderStrategy> expander_;
  std::uint64_t scans_ = 0;
  SimTime last_scale_up_ = -1;
  std::vector<SimTime> backoff_until_;  // no scale-up of the group before
  std::vector<SimDuration> backoff_;
  std::vector<SimTime> last_failure_;
  std::set<std::string> unschedulable_explained_;
  std::set<std::string> unremovable_explained_;
  // Kept between scans so a scan allocates nothing: the live nodes left to walk after a removal, the
  // other nodes' free GPUs (and ids) a candidate's pods are fitted on, and per service whether it
  // runs on a node's type.
  std::vector<std::size_t> live_;
  std::vector<std::pair<int, std::size_t>> others_;
  std::vector<std::vector<signed char>> serves_;
  // What the last scale-down check that removed nothing saw. A check reads the cluster (its
  // revision covers nodes, pods and bindings), two things that move unannounced (a spot notice
  // cordons a node, a scheduled action moves a group's minimum: both are counted as they happen)
  // and the clock only through the unneeded times. While none of them moved and no candidate's
  // unneeded time ran out, a check would find what the last one found and change nothing, so it
  // is skipped (a 10 s scan, a month long, checked every node every time).
  struct LastScaleDown {
    std::uint64_t revision = 0;  // 0: none to go by
    int notices = 0;
    int scheduled_actions = 0;
    SimTime due = 0;  // the earliest a candidate's unneeded time runs out
  };
  LastScaleDown last_scale_down_;
};

}  // namespace capsim
