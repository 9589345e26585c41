#pragma once
// The world's uncertain figures (the scenario's "uncertainty" section): distributions drawn once per
// replicate, each from its own substream (component "uncertainty", entity: its JSON pointer), and
// shared by every policy of that replicate (common random numbers). The market's own uncertain
// figures (spot prices, interruption rates, shortages) are drawn per pool by the market
// (MarketSpec::uncertainty). A scenario without the section draws nothing and runs as before.
#include <optional>

#include "capsim/core/distributions.hpp"

namespace capsim {

struct UncertaintySpec {
  std::optional<Distribution> demand_scale;           // multiplies every service's demand
  std::optional<Distribution> demand_monthly_factor;  // demand × factor^(months since the start): growth
  std::optional<Distribution> daily_peak_shift_s;     // the demand curve moved later (negative: earlier), s
  std::optional<Distribution> node_latency_factor;    // multiplies every node's launch-to-ready time
  std::optional<Distribution> startup_latency_factor; // multiplies every replica's start-up (image pull, model load)

  bool any_demand() const { return demand_scale || demand_monthly_factor || daily_peak_shift_s; }
  bool any() const { return any_demand() || node_latency_factor || startup_latency_factor; }
};

}  // namespace capsim
