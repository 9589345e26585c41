#include "capsim/workload/request/replica_picker.hpp"

namespace capsim {

std::size_t ReplicaPicker::pick(std::span<const int> loads) {
  const std::size_t n = loads.size();
  if (n == 1) return 0;
  switch (kind_) {
    case RouterKind::RoundRobin:
    case RouterKind::SharedQueue:  // not routed; a fallback that still spreads work
      return cursor_++ % n;
    case RouterKind::LeastOutstanding: {
      const std::size_t from = cursor_++ % n;
      std::size_t best = from;
      for (std::size_t k = 1; k < n; ++k) {
        const std::size_t i = from + k < n ? from + k : from + k - n;
        if (loads[i] < loads[best]) best = i;
      }
      return best;
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
