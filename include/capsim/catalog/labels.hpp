#pragma once
// The well-known Kubernetes and Karpenter labels of instance types and offerings, so requirements
// written as in a NodePool or pod spec select types and offerings the way Karpenter does.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/offering.hpp"

namespace capsim {

using Labels = std::map<std::string, std::string, std::less<>>;

namespace label {
inline constexpr std::string_view kInstanceType = "node.kubernetes.io/instance-type";
inline constexpr std::string_view kArch = "kubernetes.io/arch";
inline constexpr std::string_view kOs = "kubernetes.io/os";
inline constexpr std::string_view kZone = "topology.kubernetes.io/zone";
inline constexpr std::string_view kCapacityType = "karpenter.sh/capacity-type";
inline constexpr std::string_view kFamily = "karpenter.k8s.aws/instance-family";
inline constexpr std::string_view kCategory = "karpenter.k8s.aws/instance-category";
inline constexpr std::string_view kGeneration = "karpenter.k8s.aws/instance-generation";
inline constexpr std::string_view kSize = "karpenter.k8s.aws/instance-size";
inline constexpr std::string_view kCpu = "karpenter.k8s.aws/instance-cpu";
inline constexpr std::string_view kMemory = "karpenter.k8s.aws/instance-memory";  // MiB
inline constexpr std::string_view kGpuName = "karpenter.k8s.aws/instance-gpu-name";
inline constexpr std::string_view kGpuManufacturer = "karpenter.k8s.aws/instance-gpu-manufacturer";
inline constexpr std::string_view kGpuCount = "karpenter.k8s.aws/instance-gpu-count";
inline constexpr std::string_view kGpuMemory = "karpenter.k8s.aws/instance-gpu-memory";  // MiB per GPU
inline constexpr std::string_view kAcceleratorName = "karpenter.k8s.aws/instance-accelerator-name";
inline constexpr std::string_view kAcceleratorCount = "karpenter.k8s.aws/instance-accelerator-count";
// On a reserved offering (and its nodes): the reservation's id and type ("default" | "capacity-block").
inline constexpr std::string_view kCapacityReservationId = "karpenter.k8s.aws/capacity-reservation-id";
inline constexpr std::string_view kCapacityReservationType = "karpenter.k8s.aws/capacity-reservation-type";
// On every node Karpenter launches: its NodePool's name. Not a label of a type or an offering, so not
// among well_known_label_keys(); a NodeOverlay may select on it (per NodePool).
inline constexpr std::string_view kNodePool = "karpenter.sh/nodepool";
}  // namespace label

/// Every well-known key capsim understands in requirements (others are rejected, with close matches).
const std::vector<std::string>& well_known_label_keys();

/// Whether `key` belongs to an offering (zone, capacity type, capacity reservation) rather than to an instance type: a
/// requirement on it says where and how a type is bought, which its type's labels cannot answer.
bool is_offering_label(std::string_view key);

/// The labels an instance type carries (family "g4dn" → category "g", generation "4").
Labels labels_of(const InstanceType& type);
/// The type's labels plus the offering's zone and capacity type.
Labels labels_of(const InstanceType& type, const Offering& offering);

}  // namespace capsim
