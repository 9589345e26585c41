#pragma once
// A namespace's ResourceQuota as the scenario gives it.
#include <cstdint>
#include <optional>

namespace capsim {

/// A namespace's ResourceQuota (spec.hard): pods that would exceed it are not created.
struct ResourceQuotaSpec {
  std::optional<std::int64_t> cpu_millicores;  // requests.cpu
  std::optional<std::int64_t> memory_mib;      // requests.memory
  std::optional<int> gpus;                     // requests.nvidia.com/gpu
  std::optional<int> pods;                     // pods
};

}  // namespace capsim
