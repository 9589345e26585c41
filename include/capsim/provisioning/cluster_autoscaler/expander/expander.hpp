#pragma once
// The Cluster Autoscaler's expanders (kubernetes/autoscaler cluster-autoscaler/expander): given the
// node groups that could help the pending pods, each strategy picks one. One file per strategy;
// expanders.cpp lists them.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "capsim/provisioning/cluster_autoscaler/spec.hpp"

namespace capsim {

/// Growing one node group for the pending pods: how many nodes, how many pods they take, the GPUs
/// left idle on them and the price per pod.
struct ExpansionOption {
  std::size_t group = 0;
  int nodes = 0;
  int pods = 0;
  int waste_gpus = 0;
  double price = 0;
};

/// What a strategy may draw on: the random expander's stream key.
struct ExpansionContext {
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  std::uint64_t scan = 0;
};

class ExpanderStrategy {
 public:
  virtual ~ExpanderStrategy() = default;
  /// The chosen option (options is not empty; they come in the scenario's group order).
  virtual const ExpansionOption& best_option(const std::vector<ExpansionOption>& options, const ExpansionContext& context) const = 0;
};

std::unique_ptr<ExpanderStrategy> make_expander(Expander kind);

}  // namespace capsim
