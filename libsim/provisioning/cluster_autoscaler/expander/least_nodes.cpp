// least-nodes: the fewest new nodes; ties to the option that takes more pods.
#include "expanders.hpp"

namespace capsim {

const ExpansionOption& LeastNodes::best_option(const std::vector<ExpansionOption>& options, const ExpansionContext&) const {
  const ExpansionOption* best = &options.front();
  for (const auto& o : options)
    if (o.nodes < best->nodes || (o.nodes == best->nodes && o.pods > best->pods)) best = &o;
  return *best;
}

}  // namespace capsim
