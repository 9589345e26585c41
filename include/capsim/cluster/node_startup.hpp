#pragma once
// How long a new instance takes to become a Ready node: one figure, or its parts.
#include <optional>

#include "capsim/core/distributions.hpp"

namespace capsim {

struct NodeStartup {
  std::optional<Distribution> ready_s;   // instance launch → node Ready, as one figure...
  std::optional<Distribution> launch_s;  // ...or as its parts: launch request → running,
  std::optional<Distribution> boot_s;    // and running → kubelet Ready
};

}  // namespace capsim
