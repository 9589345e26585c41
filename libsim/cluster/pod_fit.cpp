#include "capsim/cluster/pod_fit.hpp"

#include <fmt/format.h>

namespace capsim {

std::optional<std::string> why_pod_cannot_run(const PodSpec& pod, const InstanceType& type, const Labels& labels,
                                              const std::vector<Taint>& taints) {
  const ResourceList& need = pod.requests;
  if (need.cpu_millicores > type.alloc_cpu_millicores)
    return fmt::format("fit: cpu {}m > {}m allocatable", need.cpu_millicores, type.alloc_cpu_millicores);
  if (need.memory_mib > type.alloc_memory_mib)
    return fmt::format("fit: memory {}Mi > {}Mi allocatable", need.memory_mib, type.alloc_memory_mib);
  if (need.gpus > 0 && need.gpus > device_count(type, need.device))
    return fmt::format("fit: {} {} > {}", to_string(need.device), need.gpus, device_count(type, need.device));
  if (need.pods > type.alloc_pods) return fmt::format("fit: pods {} > {}", need.pods, type.alloc_pods);
  if (const Taint* t = first_untolerated(taints, pod.tolerations)) return fmt::format("taint: {} not tolerated", to_string(*t));
  if (std::string why = pod.requirements.why_not(labels); !why.empty()) return "requirements: " + why;
  return std::nullopt;
}

bool pod_can_run(const PodSpec& pod, const InstanceType& type, const Labels& labels, const std::vector<Taint>& taints) {
  // The same tests in the same order as why_pod_cannot_run (matches is why_not without the words).
  const ResourceList& need = pod.requests;
  return need.cpu_millicores <= type.alloc_cpu_millicores && need.memory_mib <= type.alloc_memory_mib &&
         !(need.gpus > 0 && need.gpus > device_count(type, need.device)) && need.pods <= type.alloc_pods &&
         !first_untolerated(taints, pod.tolerations) && pod.requirements.matches(labels);
}

}  // namespace capsim
