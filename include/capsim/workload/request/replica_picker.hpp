#pragma once
// The router's decision: which ready replica gets the next request, from each replica's load
// (requests in flight or queued there). A pure choice over values, so each rule is tested alone.
#include <cstddef>
#include <span>

#include "capsim/core/rng.hpp"
#include "capsim/workload/request/request_spec.hpp"

namespace capsim {

class ReplicaPicker {
 public:
  /// `rng` serves the random rules (power of two choices).
  ReplicaPicker(RouterKind kind, Rng rng) : kind_(kind), rng_(rng) {}

  /// The index into `loads` (not empty) of the replica that takes the next request. Ties go to the
  /// first replica at or after a cursor that moves on every pick, so equal replicas share the work.
  std::size_t pick(std::span<const int> loads);

 private:
  RouterKind kind_;
  Rng rng_;
  std::size_t cursor_ = 0;
};

}  // namespace capsim
