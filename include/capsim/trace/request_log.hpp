#pragma once
// Request-level traces: one arrival per request with its size in tokens. The simulation's fluid
// model uses the count per period; the sizes are kept for request-level service models.
#include <string>
#include <vector>

#include "capsim/trace/trace.hpp"

namespace capsim {

struct RequestLog {
  std::string name;
  std::string file;
  std::vector<UtcTime> arrivals;  // in time order
  std::vector<double> input_tokens;
  std::vector<double> output_tokens;

  std::size_t size() const { return arrivals.size(); }
};

/// Requests per period (unit Requests), periods on the UTC grid of `period` (a 60 s period starts
/// on whole minutes), from the period holding the first arrival to the one holding the last.
Trace to_count_trace(const RequestLog& log, SimDuration period);

}  // namespace capsim
