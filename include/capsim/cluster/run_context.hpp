#pragma once
// What every controller of one run shares: the engine, the market it launches through, the ledger
// it bills to, the catalog and zones, the run's random-stream key, the window, the fleet counters
// and, when asked for, the record of its decisions.
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/core/event_order.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/report/decisions.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

struct RunContext {
  Engine& engine;
  SpotMarket& market;
  Ledger& ledger;
  const InstanceCatalog& catalog;
  const std::vector<std::string>& zones;
  UtcTime start;
  SimTime window_end;
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  FleetSummary& counters;
  bool explain = false;
  Decisions& decisions;  // recorded only when `explain`
  // The replicate's uncertain world: factors on every node's and replica's start-up time.
  double node_latency_factor = 1;
  double startup_latency_factor = 1;

  SimTime now() const { return engine.now(); }
  UtcTime utc_now() const { return to_utc(start, engine.now()); }
  /// The next decision's place in the record.
  std::uint64_t next_decision() { return decisions.next_sequence++; }
};

}  // namespace capsim
