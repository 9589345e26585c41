#pragma once
// The Provisioner interface: what brings nodes for pods no existing node can take. The
// implementations are chosen by the policy — none (static node groups), the Cluster Autoscaler,
// Karpenter — each in its own folder; provisioners.cpp lists them, one line each.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace capsim {

class ClusterState;
class NodeGroupController;
class NodeLifecycle;
class PodScheduler;
class ReplicaController;
struct RunContext;
struct KarpenterSpec;
struct ClusterAutoscalerSpec;
struct ServiceSpec;

enum class ProvisionerKind { Static, ClusterAutoscaler, Karpenter };

class Provisioner {
 public:
  virtual ~Provisioner() = default;
  /// The run starts (the node groups are launched and the first pods placed).
  virtual void start() {}
  /// The scheduler left pods pending: no node could take them.
  virtual void pods_pending() {}
};

/// The cluster a provisioner works on: its state and the controllers it drives.
struct ClusterControllers {
  RunContext& run;
  ClusterState& state;
  NodeLifecycle& nodes;
  NodeGroupController& groups;
  ReplicaController& replicas;
  PodScheduler& scheduler;
};

/// What the provisioners are configured with (each reads its own).
struct ProvisionerSpecs {
  const KarpenterSpec& karpenter;
  const ClusterAutoscalerSpec& cluster_autoscaler;
  const std::vector<ServiceSpec>& services;
  const std::map<std::string, std::string>& cluster_tags;
  /// Whether the market has spot prices for an instance type (Karpenter offers spot only then).
  std::function<bool(const std::string& instance_type)> has_spot_prices;
};

std::unique_ptr<Provisioner> make_provisioner(ProvisionerKind kind, const ClusterControllers& cluster, const ProvisionerSpecs& specs);

}  // namespace capsim
