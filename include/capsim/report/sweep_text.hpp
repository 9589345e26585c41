#pragma once
// The text summary of a sweep: for each point, its values and its policies' monthly cost, saving
// against the baseline, risk and rank, and the recommendation; or why the point failed.
#include <optional>
#include <string>
#include <vector>

#include "capsim/report/comparison.hpp"

namespace capsim {

struct SweepPointSummary {
  int point = 0;
  std::string values;                    // "/services/0/replicas=2 /simulation/seed=7"
  std::optional<Comparison> comparison;  // none when the point failed
  std::string error;                     // why it failed
};

std::string format_sweep(const std::string& scenario, const std::vector<SweepPointSummary>& points);

}  // namespace capsim
