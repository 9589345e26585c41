#pragma once
// The expander strategies (one .cpp each), for expanders.cpp to list.
#include <algorithm>

#include "capsim/provisioning/cluster_autoscaler/expander/expander.hpp"

namespace capsim {

#define CAPSIM_EXPANDER(Name)                                                                                                      \
  class Name final : public ExpanderStrategy {                                                                                     \
   public:                                                                                                                         \
    const ExpansionOption& best_option(const std::vector<ExpansionOption>& options, const ExpansionContext& context) const override; \
  };
CAPSIM_EXPANDER(LeastWaste)
CAPSIM_EXPANDER(MostPods)
CAPSIM_EXPANDER(LeastNodes)
CAPSIM_EXPANDER(Price)
CAPSIM_EXPANDER(Priority)
CAPSIM_EXPANDER(Random)
#undef CAPSIM_EXPANDER

}  // namespace capsim
