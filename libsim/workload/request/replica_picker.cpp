#include "capsim/workload/request/replica_picker.hpp"

#include <algorithm>

namespace capsim {

std::size_t ReplicaPicker::pick(std::span<const int> loads) {
  const std::size_t n = loads.size();
  if (n == 1) return 0;
  switch (kind_) {
    case RouterKind::RoundRobin:
    case RouterKind::SharedQueue:  // not routed; a fallback that still spreads work
      return cursor_++ % n;
    case RouterKind::LeastOutstanding: {
      // The least load first (a branch-free reduction), then the first replica at or after the
      // cursor that has it: this loop is the router's whole cost at tens of replicas.
      const std::size_t from = cursor_++ % n;
      int least = loads[0];
      for (std::size_t i = 1; i < n; ++i) least = std::min(least, loads[i]);
      for (std::size_t i = from; i < n; ++i)
        if (loads[i] == least) return i;
      for (std::size_t i = 0;; ++i)
        if (loads[i] == least) return i;
    }
    case RouterKind::PowerOfTwo: {
      // Two distinct replicas, uniformly: the second drawn among the other n - 1.
      const auto a = static_cast<std::size_t>(rng_.uniform01() * static_cast<double>(n));
      auto b = static_cast<std::size_t>(rng_.uniform01() * static_cast<double>(n - 1));
      if (b >= a) ++b;
      return loads[b] < loads[a] ? b : a;
    }
  }
  return 0;
}

}  // namespace capsim
