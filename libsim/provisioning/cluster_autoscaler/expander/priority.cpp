// priority: the first group, in the scenario's order, that can help.
#include "expanders.hpp"

namespace capsim {

const ExpansionOption& Priority::best_option(const std::vector<ExpansionOption>& options, const ExpansionContext&) const {
  return options.front();
}

}  // namespace capsim
