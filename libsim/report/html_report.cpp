#include "capsim/report/html_report.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "report/html_charts.hpp"
#include "report/html_spend_charts.hpp"
#include "report/svg.hpp"

// The page's own sections live in html, beside the charts, so they read the same helpers unqualified.
namespace capsim::html {

namespace {

using svg::esc;

std::string header(const Page& pg) {
  const Comparison& c = pg.c;
  const double hours = c.window_days * 24;
  const std::string span = !std::isfinite(hours) ? std::string("-")
                           : hours >= 48           ? fmt::format("{:g} days", hours / 24)
                           : hours >= 2            ? fmt::format("{:g} h", hours)
                                                   : fmt::format("{:g} min", hours * 60);
  std::string out = fmt::format("<header><h1>capsim compare: {}</h1>\n<dl class=\"facts\">", esc(c.scenario));
  auto fact = [&](std::string_view k, const std::string& v) { out += fmt::format("<dt>{}</dt><dd>{}</dd>", k, esc(v)); };
  fact("Window", fmt::format("{} for {} (a 30-day month is the window × {})", format_utc(pg.run.start), span, fixed1(c.month_factor)));
  fact("Seed", std::to_string(c.seed));
  fact("Replicates", fmt::format("{} per policy", c.replicates));
  fact("Baseline", c.baseline);
  fact("Risk tolerance", fmt::format("{}{}", std::isfinite(c.risk_tolerance) ? fmt::format("{:g}%", 100 * c.risk_tolerance) : "-",
                                     c.risk_tolerance_given ? "" : " (capsim's default, an assumption)"));
  out += "</dl></header>\n";
  out += fmt::format("<section class=\"recommendation\"><h2>Recommendation: {}</h2><p>{}</p></section>\n",
                     c.recommendation.policy.empty() ? std::string("none") : esc(c.recommendation.policy), esc(c.recommendation.reason));
  out += "<section class=\"doubts\"><h2>Doubts about this comparison</h2>";
  if (c.warnings.empty()) out += "<p>None.</p>";
  else {
    out += "<ul>";
    for (const auto& w : c.warnings) out += "<li>" + esc(w) + "</li>";
    out += "</ul>";
  }
  out += "</section>\n";
  if (!pg.run.warnings.empty()) {
    out += "<section class=\"doubts\"><h2>Warnings from reading the inputs</h2><ul>";
    for (const auto& w : pg.run.warnings) out += "<li>" + esc(w) + "</li>";
    out += "</ul></section>\n";
  }
  return out;
}

std::string policy_table(const Comparison& c) {
  std::string out = fmt::format(
      "<section><h2>Policies</h2><table class=\"policies\"><thead><tr><th>Policy</th><th>Description</th><th>Extends</th>"
      "<th class=\"num\">Mean</th><th class=\"num\">P5</th><th class=\"num\">P95</th><th class=\"num\">Saving vs {}</th>"
      "<th class=\"num\">Saving</th><th class=\"num\">P(SLO breach)</th><th class=\"num\">Rank</th><th>Pareto</th></tr></thead><tbody>\n",
      esc(c.baseline));
  // A figure and, below it, its 95% interval (none with one replicate).
  auto with_ci = [](const std::string& v, double lo, double hi, const std::function<std::string(double)>& f) {
    return std::isfinite(lo) && std::isfinite(hi) ? fmt::format("{}<br><small>95% CI {} to {}</small>", v, f(lo), f(hi)) : v;
  };
  for (const auto& p : c.policies) {
    const auto& s = p.vs_baseline;
    const bool base = p.name == c.baseline;
    const std::string usd = base ? "-" : with_ci(money(s.usd), s.usd_ci_low, s.usd_ci_high, money);
    const std::string pct = base ? "-" : with_ci(percent(s.pct), s.pct_ci_low, s.pct_ci_high, percent);
    const std::string risk = p.risk.replicates_judged == 0 ? "no objective"
                                                           : with_ci(share(p.risk.p_breach), p.risk.p_breach_ci_low, p.risk.p_breach_ci_high, share);
    out += fmt::format("<tr{}><td>{}</td><td class=\"desc\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td>{}</td></tr>\n",
                       p.name == c.recommendation.policy ? " class=\"recommended\"" : "", esc(p.name), esc(p.description), esc(p.extends),
                       money(p.monthly_cost.mean_usd), money(p.monthly_cost.p5_usd), money(p.monthly_cost.p95_usd), usd, pct, risk, p.rank,
                       p.pareto ? "yes" : "no");
  }
  return out + "</tbody></table><p class=\"note\">Costs in USD per 30-day month across replicates; savings paired by replicate "
               "(positive: cheaper than the baseline); P(SLO breach): the share of replicates in which a service broke its objective "
               "or a batch job missed its deadline, "
               "with its Wilson 95% interval.</p></section>\n";
}

// Budgets, when the scenario has them: how often and first when each alert fired under each policy.
std::string budget_table(const Comparison& c) {
  std::string out;
  for (const auto& p : c.policies)
    for (const auto& a : p.budget_alerts) {
      if (out.empty())
        out = "<section><h2>Budget alerts</h2><table class=\"budgets\"><thead><tr><th>Policy</th><th>Budget</th><th>Period from</th>"
              "<th>Alert</th><th class=\"num\">Fired in</th><th>First fired (UTC)</th></tr></thead><tbody>\n";
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n", esc(p.name),
                         esc(a.budget), esc(a.period_start_utc.substr(0, 10)), esc(a.alert),
                         std::isfinite(a.fired_share) ? share(a.fired_share) : std::string("not evaluated"),
                         a.first_fired_utc.empty() ? std::string("-") : esc(a.first_fired_utc));
    }
  if (out.empty()) return out;
  return out + "</tbody></table><p class=\"note\">As AWS Budgets would have judged each replicate's spend: an ACTUAL alert when the "
               "period's spend crosses its threshold, a FORECASTED alert when actual plus forecast does (only with five weeks of "
               "history). AWS refreshes budget data up to three times a day, so its notification may come hours later.</p></section>\n";
}

// Commitments, the forecast and anomalies, when the scenario has them: each policy's means over its
// replicates (the per-replicate figures are in result.json and replicates.csv).
std::string cost_management_table(const RunResult& run) {
  std::string out;
  for (const auto& p : run.policies) {
    int held = 0, forecast = 0, n = 0;
    double saved = 0, coverage = 0, utilisation = 0, billed = 0, effective = 0, f_mean = 0, f_low = 0, f_high = 0, anomalies = 0;
    int horizon = 0;
    for (const auto& r : p.replicates) {
      ++n;
      anomalies += static_cast<double>(r.anomalies.size());
      if (r.commitments)
        ++held, saved += r.commitments->savings_usd, coverage += r.commitments->coverage, utilisation += r.commitments->sp_utilisation,
            billed += r.commitments->run_billed_usd, effective += r.commitments->run_effective_usd;
      if (r.forecast) ++forecast, f_mean += r.forecast->total_mean_usd, f_low += r.forecast->total_lower_usd, f_high += r.forecast->total_upper_usd,
                      horizon = r.forecast->horizon_days;
    }
    const bool watched = std::any_of(run.policies.begin(), run.policies.end(), [](const PolicyResult& x) {
      return std::any_of(x.replicates.begin(), x.replicates.end(), [](const ReplicateResult& r) { return !r.anomalies.empty(); });
    });
    if (!held && !forecast && !watched) continue;
    if (out.empty())
      out = "<section><h2>Commitments, forecast and anomalies</h2><table class=\"costmgmt\"><thead><tr><th>Policy</th>"
            "<th class=\"num\">Billed (USD, window)</th><th class=\"num\">Effective (USD, window)</th>"
            "<th class=\"num\">Saved by commitments (USD, window)</th><th class=\"num\">Coverage</th><th class=\"num\">Plan utilisation</th>"
            "<th class=\"num\">Forecast (USD)</th><th class=\"num\">80% interval</th><th class=\"num\">Anomalous days</th></tr></thead><tbody>\n";
    const auto per = [](double x, int k) { return k > 0 ? x / k : 0.0; };
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}</td></tr>\n",
                       esc(p.name), held ? money(per(billed, held)) : "-", held ? money(per(effective, held)) : "-",
                       held ? money(per(saved, held)) : "-", held ? share(per(coverage, held)) : "-",
                       held ? share(per(utilisation, held)) : "-",
                       forecast ? money(per(f_mean, forecast)) + fmt::format(" ({} days)", horizon) : "-",
                       forecast ? money(per(f_low, forecast)) + " to " + money(per(f_high, forecast)) : "-", per(anomalies, n));
  }
  if (out.empty()) return out;
  return out + "</tbody></table><p class=\"note\">Means over replicates. Billed: what the window is invoiced; effective: the "
               "amortised cost, with upfront payments spread over the hours they pay for. Commitments apply to on-demand usage in AWS's order; the "
               "forecast covers the days after the window; anomalous days are those outside capsim's robust weekday band.</p></section>\n";
}

// Batch work, when the scenario has it: each job template's deadlines and cost under each policy.
std::string batch_table(const Comparison& c) {
  std::string out;
  for (const auto& p : c.policies)
    for (const auto& b : p.batch) {
      if (out.empty())
        out = "<section><h2>Batch jobs</h2><table class=\"batch\"><thead><tr><th>Policy</th><th>Job</th><th>Purchasing</th>"
              "<th class=\"num\">Deadline-miss share</th><th class=\"num\">Cost per job (USD)</th><th class=\"num\">Lateness P95 (s)</th>"
              "<th class=\"num\">GPU-hours on spot</th><th class=\"num\">Restarts per job</th><th class=\"num\">Work lost per job (GPU-h)</th>"
              "</tr></thead><tbody>\n";
      const auto num = [](double x, const char* f) { return std::isfinite(x) ? fmt::format(fmt::runtime(f), x) : std::string("-"); };
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                         "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                         esc(p.name), esc(b.job), esc(b.purchasing), share(b.miss_share_mean), money(b.cost_per_job_usd_mean),
                         num(b.lateness_p95_s, "{:.0f}"), std::isfinite(b.spot_gpu_hour_share) ? share(b.spot_gpu_hour_share) : "-",
                         num(b.restarts_per_job, "{:.2f}"), num(b.work_lost_gpu_hours_per_job, "{:.2f}"));
    }
  if (out.empty()) return out;
  return out + "</tbody></table><p class=\"note\">Means over replicates; lateness is finish minus deadline over every judged job "
               "(negative: early). A missed deadline counts in P(SLO breach).</p></section>\n";
}

std::string notes(const Comparison& c, const RunResult& run) {
  std::string out = fmt::format("<section><h2>The baseline's ({}) monthly cost by what it buys</h2><table><thead><tr><th>What</th>"
                                "<th class=\"num\">USD per month</th><th class=\"num\">Share</th></tr></thead><tbody>\n", esc(c.baseline));
  for (const auto& d : c.baseline_drivers)
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n", esc(d.what), money(d.usd), share(d.share));
  out += "</tbody></table></section>\n<section><h2>Assumptions</h2>";
  // Each unsourced figure once, with the policies that use it (as the text report lists them).
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> users;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& p : run.policies)
    for (const auto& a : p.assumptions) {
      const auto key = std::make_pair(a.pointer, a.value);
      if (!users.count(key)) order.push_back(key);
      users[key].push_back(p.name);
    }
  if (order.empty()) return out + "<p>None: every typed-in figure has a source.</p></section>\n";
  out += "<p>Figures typed into the scenario without a source.</p><table><thead><tr><th>Pointer</th><th>Value</th><th>Policies</th></tr></thead><tbody>\n";
  for (const auto& key : order) {
    std::string who;
    for (const auto& u : users[key]) who += (who.empty() ? "" : ", ") + u;
    if (users[key].size() == run.policies.size()) who = "all policies";
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n", esc(key.first), esc(key.second), esc(who));
  }
  return out + "</tbody></table></section>\n";
}

constexpr const char* kStyle = R"(body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dt{font-weight:600}dd{margin:0}
.recommendation{background:#eef6ee;border-left:4px solid #009e73;padding:4px 14px}.recommendation h2{margin-top:8px}
.doubts li{margin:2px 0}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th.num,td.num{text-align:right;white-space:nowrap}td.desc{min-width:18em}tr.recommended{background:#eef6ee}small{color:#555}p.note,figcaption{color:#555;font-size:12.5px}
figure{margin:0}svg.chart{display:block;width:100%;max-width:960px;height:auto}
svg.chart text{font-size:12px;fill:#222}svg.chart .tick{font-size:11px;fill:#555}svg.chart .panel{font-weight:600}svg.chart .note{fill:#444}
svg.chart .grid{stroke:#e8e8e8}svg.chart .axis{stroke:#444}svg.chart .row{stroke:#ccc}svg.chart .frame{stroke:#ccc}
svg.chart .line{fill:none;stroke-width:1.6}svg.chart .dashed{stroke-dasharray:5 4}svg.chart .key{stroke-width:2}
svg.chart .connector{stroke:#888;stroke-dasharray:3 3}svg.chart .tolerance{stroke:#d55e00;stroke-dasharray:6 4}
svg.chart .whisker{stroke:#444}svg.chart .median{stroke:#111;stroke-width:2}svg.chart .box{fill-opacity:.35}svg.chart .ci{stroke-width:2;stroke-opacity:.6}
)";

}  // namespace

}  // namespace capsim::html

namespace capsim {

std::string render_report_html(const Comparison& c, const RunResult& run) {
  const html::Page pg(c, run);
  std::string out = fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>capsim compare: {}</title>\n"
                                "<style>\n{}</style></head><body>\n", svg::esc(c.scenario), html::kStyle);
  out += html::header(pg) + html::policy_table(c) + html::batch_table(c) + html::budget_table(c) + html::cost_management_table(run) +
         html::anomalies_table(pg);
  out += html::demand_capacity(pg) + html::cumulative_cost(pg) + html::budget_alerts(pg) + html::spend_forecast(pg);
  out += html::cost_breakdown(pg) + html::ladder(pg);
  out += html::cost_distribution(pg) + html::cost_risk(pg) + html::timeline(pg);
  out += html::notes(c, run);
  return out + "<footer><p class=\"note\">Made by capsim compare. The page is self-contained: it loads nothing from elsewhere.</p></footer>\n</body></html>\n";
}

}  // namespace capsim
