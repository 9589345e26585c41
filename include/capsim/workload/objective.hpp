#pragma once
// A service's objectives judged over one replicate's window: what compare counts as an SLO breach.
#include <optional>

#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

/// Breached when the share of requests served within max_wait_s falls below the SLA's
/// target_served_share, or when the SLO's latency or availability error budget over the window is
/// overspent (burn above 1). None when the service declares neither.
std::optional<ObjectiveOutcome> judge_objectives(const ServiceSpec& spec, const SlaSummary& sla, const std::optional<SloSummary>& slo);

}  // namespace capsim
