// least-waste: the fewest idle GPUs on the new nodes; ties to the option that takes more pods.
#include "expanders.hpp"

namespace capsim {

const ExpansionOption& LeastWaste::best_option(const std::vector<ExpansionOption>& options, const ExpansionContext&) const {
  const ExpansionOption* best = &options.front();
  for (const auto& o : options)
    if (o.waste_gpus < best->waste_gpus || (o.waste_gpus == best->waste_gpus && o.pods > best->pods)) best = &o;
  return *best;
}

}  // namespace capsim
