// most-pods: the option that schedules the most pending pods.
#include "expanders.hpp"

namespace capsim {

const ExpansionOption& MostPods::best_option(const std::vector<ExpansionOption>& options, const ExpansionContext&) const {
  const ExpansionOption* best = &options.front();
  for (const auto& o : options)
    if (o.pods > best->pods) best = &o;
  return *best;
}

}  // namespace capsim
