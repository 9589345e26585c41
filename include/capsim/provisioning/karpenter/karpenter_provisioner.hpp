#pragma once
// Karpenter as a provisioner: pending pods are batched (a window opens at the first, each new one
// resets the idle timer, it closes at idle or at the maximum), the scheduling simulation
// (scheduler.hpp) places them on existing nodes or on new node claims, and each claim is launched
// through the market: spot by price-capacity-optimized, on-demand by lowest price, a pool that fails
// with insufficient capacity avoided for its unavailable period and the next one tried. A node
// expires at its NodePool's expireAfter. Disruption is its own controller (disruption_controller).
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"
#include "capsim/provisioning/provisioner.hpp"

namespace capsim {

class DisruptionController;

class KarpenterProvisioner final : public Provisioner {
 public:
  KarpenterProvisioner(const ClusterControllers& cluster, const ProvisionerSpecs& specs);
  ~KarpenterProvisioner() override;

  void pods_pending() override;

  /// The catalog's offerings in the scenario's zones, priced and available as the market says now
  /// (kept while prices and availability do not change).
  const SchedulingSnapshot& snapshot();
  /// The cluster's nodes as the scheduling simulation sees them (not gone, not cordoned).
  std::vector<ExistingNode> existing_nodes() const;
  /// Launches `claim` (its types in every zone its NodePool allows); the node, or nullopt when no
  /// pool had capacity.
  std::optional<std::size_t> launch(const PlannedNodeClaim& claim);
  /// Pods the last provisioning round could not place (limits, no type, no capacity).
  const std::set<std::size_t>& stuck() const { return stuck_; }
  /// A pod as the scheduling simulation sees it (named by its index).
  PodSpec pod(std::size_t p) const;
  const KarpenterSpec& spec() const { return spec_; }

 private:
  void batch_close(std::uint64_t stamp, bool at_max);
  void provision();
  std::size_t pool_of(const std::string& type, const std::string& zone, CapacityType capacity);
  std::size_t node_pool_index(const std::string& name) const;
  void expire(std::size_t node);

  ClusterControllers cluster_;
  const KarpenterSpec& spec_;
  const std::map<std::string, std::string>& cluster_tags_;
  std::function<bool(const std::string&)> has_spot_prices_;
  std::unique_ptr<DisruptionController> disruption_;
  bool batch_open_ = false;
  std::uint64_t batch_stamp_ = 0;
  std::vector<int> node_pool_launches_;
  std::map<std::string, std::size_t> pools_;              // "type/zone/capacity" -> market pool
  SchedulingCatalog scheduling_catalog_;                  // the catalog prepared once
  std::vector<std::size_t> offering_pools_;               // the market pool of every offering it considers
  std::optional<SchedulingSnapshot> snapshot_;            // ...prepared at these prices and availability
  std::vector<std::pair<double, bool>> snapshot_state_;
  std::set<std::size_t> stuck_;
  std::set<std::string> unschedulable_explained_;
};

}  // namespace capsim
