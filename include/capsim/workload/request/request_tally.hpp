#pragma once
// What the request-level model counts as it plays: per period and over the window, the requests'
// outcomes, the time integrals behind Little's law and the replicas' busy time, and the latency
// sketches.
#include <cstdint>
#include <vector>

#include "capsim/core/quantile_sketch.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

struct RequestTally {
  std::vector<ServicePeriod> periods;
  double period_capacity = 0;  // ∫ capacity dt over the open period (requests)
  double period_missed = 0;
  double arrived = 0, served = 0, late = 0, timed_out = 0, retried = 0, lost = 0;
  double under_provisioned_s = 0, ready_replica_s = 0, busy_slot_s = 0;
  double area_us = 0;     // ∫ requests in the system dt (µs)
  double sojourn_us = 0;  // Σ each arrival's time in the system (µs)
  double backlog_max = 0;
  QuantileSketch e2e, wait;
  QuantileSketch ttft, tpot;            // LLM services
  double input_tokens = 0, output_tokens = 0, decode_s = 0;
  double busy_replica_s = 0;            // LLM replicas with at least one request (the GPU at work)
  SimTime clock = 0;           // the requests' integral runs up to here...
  SimTime capacity_clock = 0;  // ...and the capacity's
  bool closed = false;    // the window has closed
};

}  // namespace capsim
