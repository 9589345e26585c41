#include "capsim/report/sweep_text.hpp"

#include <cmath>

#include <fmt/format.h>

#include "text_table.hpp"

namespace capsim {

std::string format_sweep(const std::string& scenario, const std::vector<SweepPointSummary>& points) {
  std::size_t failed = 0;
  for (const auto& p : points) failed += p.comparison ? 0 : 1;
  std::string out = fmt::format("Sweep of '{}': {} point{}", scenario, points.size(), points.size() == 1 ? "" : "s");
  if (failed > 0) out += fmt::format(", {} failed", failed);
  out += ". Every point runs the same replicate numbers on the same seeds (common random numbers), so differences between "
         "points are the parameters' effects.\n";
  for (const auto& p : points) {
    out += fmt::format("\npoint {}: {}\n", p.point, p.values);
    if (!p.comparison) {
      out += fmt::format("  FAILED: {}\n", p.error);
      continue;
    }
    const Comparison& c = *p.comparison;
    text::Table t;
    t.add({"  policy", "mean $/month", "P95 $/month", "saving $/month", "P(breach)", "rank"});
    for (const auto& pc : c.policies) {
      const bool base = pc.name == c.baseline;
      t.add({"  " + pc.name, text::money(pc.monthly_cost.mean_usd), text::money(pc.monthly_cost.p95_usd),
             base ? "baseline" : text::money(pc.vs_baseline.usd),
             std::isnan(pc.risk.p_breach) || pc.risk.replicates_judged == 0 ? "-" : fmt::format("{:.1f}%", 100 * pc.risk.p_breach),
             std::to_string(pc.rank)});
    }
    out += t.render();
    out += c.recommendation.policy.empty() ? fmt::format("  no recommendation: {}\n", c.recommendation.reason)
                                           : fmt::format("  recommended: {} ({})\n", c.recommendation.policy, c.recommendation.reason);
  }
  return out;
}

}  // namespace capsim
