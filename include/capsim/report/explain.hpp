#pragma once
// The provisioners' decisions in words, in the order they were taken (`capsim run --explain`).
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/report/decisions.hpp"

namespace capsim {

/// One line per decision (a launch's rejected types follow on indented lines), times in UTC.
std::vector<std::string> explain(const Decisions& decisions, UtcTime start);

}  // namespace capsim
