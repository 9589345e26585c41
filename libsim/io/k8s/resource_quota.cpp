// v1 ResourceQuota spec.hard: requests.cpu, requests.memory, requests.nvidia.com/gpu, pods.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

std::optional<ResourceQuotaSpec> resource_quota(Checker& ck, const json& q, const std::string& qp) {
  if (!ck.object(q, qp, {"hard"}, {"hard"}) ||
      !ck.object(q["hard"], qp + "/hard", {"requests.cpu", "requests.memory", "requests.nvidia.com/gpu", "pods"}))
    return std::nullopt;
  ResourceQuotaSpec spec;
  spec.cpu_millicores = cpu_quantity(ck, q["hard"], qp + "/hard", "requests.cpu");
  spec.memory_mib = memory_quantity(ck, q["hard"], qp + "/hard", "requests.memory");
  if (auto v = ck.integer(q["hard"], qp + "/hard", "requests.nvidia.com/gpu", 0, 1'000'000)) spec.gpus = static_cast<int>(*v);
  if (auto v = ck.integer(q["hard"], qp + "/hard", "pods", 0, 1'000'000)) spec.pods = static_cast<int>(*v);
  return spec;
}

}  // namespace capsim::io::k8s
