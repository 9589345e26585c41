#pragma once
// A regular time series of demand: a start, a period and one value per period.
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

enum class TraceUnit { Requests };  // request counts per period

struct Trace {
  std::string name;
  UtcTime start{};        // timestamp of values[0] (the period's start)
  SimDuration period = 0;  // spacing of the values
  std::vector<double> values;
  TraceUnit unit = TraceUnit::Requests;
  std::string file;  // where it was read from, as written in the scenario (for messages)

  UtcTime end() const { return start + std::chrono::microseconds{period * static_cast<SimDuration>(values.size())}; }
};

}  // namespace capsim
