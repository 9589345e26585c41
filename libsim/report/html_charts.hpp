#pragma once
// Internal to report/: the seven charts of the `capsim compare` HTML page, apart from the page's
// text and tables. Each returns its whole <section>, so the page only decides their order.
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string>

#include <fmt/format.h>

#include "capsim/report/comparison.hpp"
#include "capsim/report/result.hpp"
#include "report/svg.hpp"
#include "report/text_table.hpp"

namespace capsim::html {

// Shared by the tables and the charts' labels, so a figure reads the same in both; a non-finite
// one (no replicate, no baseline) shows as "-", never as "nan".
inline std::string money(double usd) { return std::isfinite(usd) ? text::money(usd) : "-"; }
inline std::string percent(double pct) { return std::isfinite(pct) ? fmt::format("{:.1f}%", pct) : "-"; }
inline std::string share(double x) { return percent(100 * x); }
inline std::string fixed1(double v) { return std::isfinite(v) ? fmt::format("{:.1f}", v) : "-"; }

// What every chart needs: the inputs, the period and the unit of the time axes.
struct Page {
  const Comparison& c;
  const RunResult& run;
  double period_s = 60, window_s = 0, unit_s = 60;
  std::string unit = "minutes";
  std::map<std::string, std::size_t> index;  // policy name → colour

  Page(const Comparison& c_, const RunResult& run_) : c(c_), run(run_) {
    period_s = run.period > 0 ? to_seconds(run.period) : 60;
    window_s = to_seconds(run.duration);
    if (window_s > 3 * 86400) unit_s = 86400, unit = "days";
    else if (window_s > 2 * 3600) unit_s = 3600, unit = "hours";
    for (std::size_t i = 0; i < run.policies.size(); ++i) index.emplace(run.policies[i].name, i);
    for (const auto& p : c.policies) index.emplace(p.name, index.size());
  }
  const char* color(const std::string& policy) const { return svg::color(index.at(policy)); }
  svg::Ticks time_ticks() const { return svg::nice(0, window_s / unit_s); }
  std::string time_label() const { return "time since the start (" + unit + ")"; }
  double mean_of(const std::string& policy) const {
    for (const auto& p : c.policies)
      if (p.name == policy) return p.monthly_cost.mean_usd;
    return std::numeric_limits<double>::quiet_NaN();
  }
};

/// Each service's demand and each policy's ready capacity over time, from replicate 0's service series.
std::string demand_capacity(const Page& pg);
/// Each policy's running bill over the window, from replicate 0's cost rate and control-plane charge.
std::string cumulative_cost(const Page& pg);
/// Each policy's monthly bill stacked by instance type, capacity type and tag, from replicate 0's bill lines.
std::string cost_breakdown(const Page& pg);
/// The saving and risk change of each policy against the one it extends, from the comparison's ladder.
std::string ladder(const Page& pg);
/// The spread of each policy's monthly cost, from every replicate's bill and the comparison's percentiles.
std::string cost_distribution(const Page& pg);
/// Mean monthly cost against P(SLO breach) with the Pareto front, from the comparison's per-policy figures.
std::string cost_risk(const Page& pg);
/// When nodes ended by interruption, consolidation, expiry or scale-down, from replicate 0's node log.
std::string timeline(const Page& pg);

}  // namespace capsim::html
