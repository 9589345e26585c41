#pragma once
// What `capsim compare` prints: the policies with their descriptions, the side-by-side comparison
// (wrapped into blocks of policies below the terminal width), the lever ladder, the recommendation,
// the baseline's top cost drivers, the doubts, and the run's assumptions.
#include <cstddef>
#include <string>

#include "capsim/report/comparison.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

std::string format_compare(const Comparison& comparison, const RunResult& run, std::size_t width = 100);

}  // namespace capsim
