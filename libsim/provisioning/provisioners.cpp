// The provisioners capsim has: one line each.
#include "capsim/provisioning/cluster_autoscaler/cluster_autoscaler.hpp"
#include "capsim/provisioning/karpenter/karpenter_provisioner.hpp"
#include "capsim/provisioning/provisioner.hpp"

namespace capsim {

std::unique_ptr<Provisioner> make_provisioner(ProvisionerKind kind, const ClusterControllers& cluster, const ProvisionerSpecs& specs) {
  switch (kind) {
    case ProvisionerKind::Static: return std::make_unique<Provisioner>();  // the node groups as they are
    case ProvisionerKind::ClusterAutoscaler: return std::make_unique<ClusterAutoscaler>(cluster, specs.cluster_autoscaler, specs.services);
    case ProvisionerKind::Karpenter: return std::make_unique<KarpenterProvisioner>(cluster, specs);
  }
  return std::make_unique<Provisioner>();
}

}  // namespace capsim
