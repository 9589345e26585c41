// price: the cheapest per pod at on-demand prices.
#include "expanders.hpp"

namespace capsim {

const ExpansionOption& Price::best_option(const std::vector<ExpansionOption>& options, const ExpansionContext&) const {
  const ExpansionOption* best = &options.front();
  for (const auto& o : options)
    if (o.price < best->price) best = &o;
  return *best;
}

}  // namespace capsim
