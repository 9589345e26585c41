#pragma once
// Whether a pod can run on a new, empty node of a given shape: the scheduler's predicates on the
// template node the Cluster Autoscaler builds for a node group (resources against allocatable, the
// device kind, taints against tolerations, required node affinity against the node's labels).
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/cluster/pod_spec.hpp"
#include "capsim/catalog/taints.hpp"

namespace capsim {

/// Why `pod` cannot run on an empty node of `type` with `labels` and `taints` ("fit: cpu 4000m >
/// 3920m", "taint: nvidia.com/gpu=true:NoSchedule not tolerated", "requirements: ..."), or nullopt
/// when it can.
std::optional<std::string> why_pod_cannot_run(const PodSpec& pod, const InstanceType& type, const Labels& labels,
                                              const std::vector<Taint>& taints);
/// Whether `pod` can run there: why_pod_cannot_run gives nullopt, without building the reason.
bool pod_can_run(const PodSpec& pod, const InstanceType& type, const Labels& labels, const std::vector<Taint>& taints);

}  // namespace capsim
