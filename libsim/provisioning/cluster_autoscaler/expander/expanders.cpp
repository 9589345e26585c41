// The expanders capsim has: one line each.
#include "expanders.hpp"

namespace capsim {

std::unique_ptr<ExpanderStrategy> make_expander(Expander kind) {
  switch (kind) {
    case Expander::LeastWaste: return std::make_unique<LeastWaste>();
    case Expander::MostPods: return std::make_unique<MostPods>();
    case Expander::LeastNodes: return std::make_unique<LeastNodes>();
    case Expander::Price: return std::make_unique<Price>();
    case Expander::Priority: return std::make_unique<Priority>();
    case Expander::Random: return std::make_unique<Random>();
  }
  return std::make_unique<LeastWaste>();
}

}  // namespace capsim
