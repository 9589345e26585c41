#include "capsim/workload/objective.hpp"

#include <fmt/format.h>

namespace capsim {

std::optional<ObjectiveOutcome> judge_objectives(const ServiceSpec& spec, const SlaSummary& sla, const std::optional<SloSummary>& slo) {
  const bool has_slo = spec.slo.has_value() && slo.has_value();
  if (!spec.sla.target_served_share && !has_slo) return std::nullopt;
  ObjectiveOutcome out;
  if (spec.sla.target_served_share && sla.requests > 0) {
    const double served = 1.0 - sla.missed_share;
    if (served < *spec.sla.target_served_share) {
      out.breached = true;
      out.reason = fmt::format("served {:.4f}% of requests within {:g} s, under the {:g}% target", 100 * served, spec.sla.max_wait_s,
                               100 * *spec.sla.target_served_share);
      return out;
    }
  }
  if (has_slo) {
    // An objective over the window is kept while its error budget lasts: the share of requests
    // slower than the target may reach 1 − percentile, the share failed 1 − availability.
    if (slo->latency_budget_burn > 1) {
      out.breached = true;
      out.reason = fmt::format("{:.3f}% of requests slower than {:g} s, over the {:g}% a p{:g} target allows (budget burn {:.2f})",
                               100 * slo->requests_over_target_share, spec.slo->latency_target_s, 100 - spec.slo->percentile,
                               spec.slo->percentile, slo->latency_budget_burn);
    } else if (slo->availability_budget_burn > 1) {
      out.breached = true;
      out.reason = fmt::format("availability {:.4f}%, under the {:g}% target (budget burn {:.2f})", 100 * slo->availability,
                               100 * spec.slo->availability, slo->availability_budget_burn);
    }
  }
  return out;
}

}  // namespace capsim
