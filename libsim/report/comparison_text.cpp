#include "capsim/report/comparison_text.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "capsim/report/comparison_fields.hpp"
#include "capsim/report/summary.hpp"
#include "report/text_table.hpp"

namespace capsim {

namespace {

using text::money;
using text::show;
using text::Table;

std::string shown(Show how, double v) { return std::isnan(v) ? std::string("-") : show(how, v); }

std::string pct(double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.1f}%", v); }

std::string interval(double lo, double hi, const std::function<std::string(double)>& f) {
  return std::isnan(lo) ? std::string() : fmt::format(" [{}, {}]", f(lo), f(hi));
}

// Rows of a struct's shown fields, one cell per policy.
template <class T, class Get>
void rows_of(Table& t, const std::vector<const PolicyComparison*>& ps, Get get, const std::string& indent = "  ") {
  for_each_field<T>([&](const auto& f) {
    using M = std::decay_t<decltype(f.of(std::declval<const T&>()))>;
    if constexpr (std::is_arithmetic_v<M>) {
      if (f.how.show == Show::Hidden) return;
      std::vector<std::string> cells{indent + std::string(f.how.label)};
      for (const auto* p : ps) {
        const T* v = get(*p);
        cells.push_back(v ? shown(f.how.show, static_cast<double>(f.of(*v))) : std::string("-"));
      }
      // A measure no policy has (latencies under the fluid model) is left out.
      if (std::all_of(cells.begin() + 1, cells.end(), [](const std::string& x) { return x == "-"; })) return;
      t.add(std::move(cells));
    }
  });
}

Table block(const Comparison& c, const std::vector<const PolicyComparison*>& ps) {
  Table t;
  std::vector<std::string> header{""};
  for (const auto* p : ps) header.push_back(p->name);
  t.add(header);
  auto row = [&](const std::string& label, const std::function<std::string(const PolicyComparison&)>& cell) {
    std::vector<std::string> cells{label};
    for (const auto* p : ps) cells.push_back(cell(*p));
    t.add(std::move(cells));
  };
  t.add({"Monthly cost (USD per 30-day month, across replicates)"});
  rows_of<CostSpread>(t, ps, [](const PolicyComparison& p) { return &p.monthly_cost; });
  row("  saving vs " + c.baseline + " (USD)", [&](const PolicyComparison& p) {
    if (p.name == c.baseline) return std::string("-");
    const auto& s = p.vs_baseline;
    return money(s.usd) + interval(s.usd_ci_low, s.usd_ci_high, [](double x) { return money(x); });
  });
  row("  saving vs " + c.baseline, [&](const PolicyComparison& p) {
    if (p.name == c.baseline) return std::string("-");
    const auto& s = p.vs_baseline;
    return pct(s.pct) + interval(s.pct_ci_low, s.pct_ci_high, pct);
  });
  t.add({"Where the money goes (USD per month, means)"});
  rows_of<MonthlySplit>(t, ps, [](const PolicyComparison& p) { return &p.split; });
  t.add({"Risk (across replicates)"});
  row("  P(SLO breach) [95% CI]", [](const PolicyComparison& p) {
    if (p.risk.replicates_judged == 0) return std::string("no objective");
    auto f = [](double x) { return fmt::format("{:.1f}%", 100 * x); };
    return f(p.risk.p_breach) + interval(p.risk.p_breach_ci_low, p.risk.p_breach_ci_high, f);
  });
  std::vector<std::string> services;
  for (const auto* p : ps)
    for (const auto& s : p->services)
      if (std::find(services.begin(), services.end(), s.name) == services.end()) services.push_back(s.name);
  for (const auto& name : services) {
    t.add({"  Service " + name});
    rows_of<ServiceRisk>(t, ps, [&](const PolicyComparison& p) -> const ServiceRisk* {
      for (const auto& s : p.services)
        if (s.name == name) return &s;
      return nullptr;
    }, "    ");
  }
  std::vector<std::string> jobs;
  for (const auto* p : ps)
    for (const auto& b : p->batch)
      if (std::find(jobs.begin(), jobs.end(), b.job) == jobs.end()) jobs.push_back(b.job);
  for (const auto& name : jobs) {
    t.add({"  Batch job " + name});
    row("    purchasing", [&](const PolicyComparison& p) {
      for (const auto& b : p.batch)
        if (b.job == name) return b.purchasing;
      return std::string("-");
    });
    rows_of<DeadlineRisk>(t, ps, [&](const PolicyComparison& p) -> const DeadlineRisk* {
      for (const auto& b : p.batch)
        if (b.job == name) return &b;
      return nullptr;
    }, "    ");
  }
  std::vector<std::pair<std::string, std::string>> budgets;
  for (const auto* p : ps)
    for (const auto& a : p->budget_alerts)
      if (std::find(budgets.begin(), budgets.end(), std::make_pair(a.budget, a.period_start_utc)) == budgets.end())
        budgets.emplace_back(a.budget, a.period_start_utc);
  for (const auto& key : budgets) {
    t.add({fmt::format("  Budget {} from {}", key.first, key.second.substr(0, 10))});
    std::vector<std::string> alerts;
    for (const auto* p : ps)
      for (const auto& a : p->budget_alerts)
        if (a.budget == key.first && a.period_start_utc == key.second && std::find(alerts.begin(), alerts.end(), a.alert) == alerts.end())
          alerts.push_back(a.alert);
    for (const auto& alert : alerts)
      row("    " + alert, [&](const PolicyComparison& p) {
        for (const auto& a : p.budget_alerts)
          if (a.budget == key.first && a.period_start_utc == key.second && a.alert == alert) {
            if (!std::isfinite(a.fired_share)) return std::string("not evaluated");
            if (a.first_fired_utc.empty()) return std::string("never");
            return fmt::format("{:.0f}%, first {}", 100 * a.fired_share, a.first_fired_utc.substr(0, 16));
          }
        return std::string("-");
      });
  }
  row("  rank / on the Pareto front", [](const PolicyComparison& p) { return fmt::format("{} / {}", p.rank, p.pareto ? "yes" : "no"); });
  return t;
}

// Words wrapped to `width`, lines after the first indented by `indent`.
std::string wrap(const std::string& text, std::size_t first_column, std::size_t width, std::size_t indent) {
  std::string out;
  std::size_t col = first_column;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!out.empty()) {
      if (col + 1 + word.size() > width) {
        out += "\n" + std::string(indent, ' ');
        col = indent;
      } else {
        out += ' ';
        ++col;
      }
    }
    out += word;
    col += word.size();
  }
  return out;
}

std::size_t widest_line(const std::string& s) {
  std::size_t best = 0, cur = 0;
  for (char ch : s) {
    if (ch == '\n') {
      best = std::max(best, cur);
      cur = 0;
    } else if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) {
      ++cur;  // count characters, not UTF-8 continuation bytes
    }
  }
  return std::max(best, cur);
}

}  // namespace

std::string format_compare(const Comparison& c, const RunResult& run, std::size_t width) {
  const double hours = c.window_days * 24;
  const std::string span = hours >= 48 ? fmt::format("{:g} days", hours / 24) : hours >= 2 ? fmt::format("{:g} h", hours)
                                                                                       : fmt::format("{:g} min", hours * 60);
  std::string out = fmt::format(
      "Scenario {}: {} for {}, seed {}, {} replicate{} per policy; costs per 30-day month; baseline: {}; risk tolerance {:g}%{}\n",
      c.scenario, format_utc(run.start), span, c.seed, c.replicates, c.replicates == 1 ? "" : "s", c.baseline,
      100 * c.risk_tolerance, c.risk_tolerance_given ? "" : " (capsim's default)");
  out += "\nPolicies\n";
  std::size_t name_w = 0;
  for (const auto& p : c.policies) name_w = std::max(name_w, p.name.size());
  for (const auto& p : c.policies) {
    std::string d = p.description.empty() ? "(no description)" : p.description;
    if (!p.extends.empty()) d = "[extends " + p.extends + "] " + d;
    out += fmt::format("  {:<{}}  {}\n", p.name, name_w, wrap(d, name_w + 4, std::max<std::size_t>(width, name_w + 44), name_w + 4));
  }
  // Blocks of as many policies as fit the width (a one-policy block may still be wider).
  std::vector<const PolicyComparison*> all;
  for (const auto& p : c.policies) all.push_back(&p);
  std::size_t first = 0;
  while (first < all.size()) {
    std::size_t n = 1;
    std::string text = block(c, {all.begin() + static_cast<std::ptrdiff_t>(first), all.begin() + static_cast<std::ptrdiff_t>(first + 1)}).render();
    while (first + n < all.size()) {
      std::string wider = block(c, {all.begin() + static_cast<std::ptrdiff_t>(first), all.begin() + static_cast<std::ptrdiff_t>(first + n + 1)}).render();
      if (widest_line(wider) > width) break;
      text = std::move(wider);
      ++n;
    }
    out += "\n" + text;
    first += n;
  }

  if (!c.ladder.empty()) {
    out += "\nSavings per lever (each policy against the one it extends, paired by replicate; USD per month)\n";
    double most = 0;
    for (const auto& s : c.ladder) most = std::max(most, std::fabs(s.saving.usd));
    std::size_t w = 0;
    for (const auto& s : c.ladder) w = std::max(w, s.policy.size() + s.parent.size() + 4);
    for (const auto& s : c.ladder) {
      const auto bar = static_cast<std::size_t>(most > 0 ? std::round(24 * std::fabs(s.saving.usd) / most) : 0);
      std::string risk = std::isnan(s.p_breach) ? std::string("P(breach) -")
                                                : fmt::format("P(breach) {:.1f}% ({:+.1f} pts)", 100 * s.p_breach, 100 * s.p_breach_change);
      // Shown as the change in cost: negative saves.
      out += fmt::format("  {:<{}}  {:>12}  {:>7}{:<36}  {:<30}  {}\n", s.policy + " vs " + s.parent, w,
                         (s.saving.usd > 0 ? "-" : "+") + money(std::fabs(s.saving.usd)), fmt::format("{:+.1f}%", -s.saving.pct),
                         std::isnan(s.saving.pct_ci_low) ? std::string()
                                                         : fmt::format(" (95% CI {:+.1f}% to {:+.1f}%)", -s.saving.pct_ci_high, -s.saving.pct_ci_low),
                         risk, std::string(bar, s.saving.usd >= 0 ? '#' : '+'));
    }
    out += "  (change in monthly cost: - saves, + costs more; bars to scale: # a saving, + an increase)\n";
  }

  for (const auto& p : run.policies) {
    if (!p.savings_plan_advice) continue;
    const SavingsPlanAdvice& a = *p.savings_plan_advice;
    if (&p == &run.policies.front() || !run.policies.front().savings_plan_advice)
      out += fmt::format("\nSavings Plan advice ({}), on each policy's eligible on-demand usage over the window, on top of the commitments "
                         "it holds, {} replicates (USD):\n", a.plan, a.replicates);
    out += fmt::format("  {}: none: expected {}, P95 {}; {} USD/h minimises the expected cost: {} (P95 {}, coverage {}, "
                       "utilisation {}); {} USD/h minimises the P95: {} (expected {})\n",
                       p.name, money(a.none_expected_usd), money(a.none_p95_usd), fmt::format("{:.3f}", a.min_expected_usd_per_h),
                       money(a.min_expected_expected_usd), money(a.min_expected_p95_usd), pct(100 * a.min_expected_coverage),
                       pct(100 * a.min_expected_utilisation), fmt::format("{:.3f}", a.min_p95_usd_per_h), money(a.min_p95_p95_usd),
                       money(a.min_p95_expected_usd));
    if (!a.on_top_of.empty())
      out += fmt::format("    (on top of what {} holds: {}; advised on the usage they leave on demand, their {} USD of fees in every cost)\n",
                         p.name, a.on_top_of, money(a.held_fees_usd));
    if (a.usage_without_rate > 0)
      out += fmt::format("    ({} hourly usage entries have no rate in the rate file: left on demand)\n", a.usage_without_rate);
  }
  out += "\nRecommendation: " + (c.recommendation.policy.empty() ? std::string("none") : c.recommendation.policy) + "\n  " +
         c.recommendation.reason + "\n";
  out += fmt::format("\nThe baseline's ({}) monthly cost by what it buys:\n", c.baseline);
  for (std::size_t i = 0; i < c.baseline_drivers.size() && i < 3; ++i) {
    const auto& d = c.baseline_drivers[i];
    out += fmt::format("  {}: {} USD/month ({})\n", d.what, money(d.usd), pct(100 * d.share));
  }
  if (!c.warnings.empty()) {
    out += "\nDoubts about this comparison:\n";
    for (const auto& w : c.warnings) out += "  " + w + "\n";
  }
  out += format_run_notes(run);
  return out;
}

}  // namespace capsim
