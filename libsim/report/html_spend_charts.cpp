#include "report/html_spend_charts.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <date/date.h>
#include <fmt/format.h>

#include "capsim/cost/billing_hours.hpp"
#include "capsim/report/billing_rollup.hpp"
#include "report/html_figure.hpp"
#include "report/svg.hpp"

namespace capsim::html {

namespace {

using svg::esc;

constexpr const char* kLimit = "#444444";
constexpr const char* kThreshold = "#d55e00";


const BudgetOutcome* period_of(const ReplicateResult& r, const BudgetOutcome& like) {
  for (const auto& o : r.budgets)
    if (o.budget == like.budget && o.period_start_utc == like.period_start_utc) return &o;
  return nullptr;
}

const BudgetSpend* spend_of(const ReplicateResult& r, const std::string& budget) {
  for (const auto& s : r.budget_spend)
    if (s.budget == budget) return &s;
  return nullptr;
}

}  // namespace

std::string budget_alerts(const Page& pg) {
  const ReplicateResult* ref = nullptr;
  for (const auto& p : pg.run.policies)
    if (const auto* r = first_replicate(p); r && !r->budget_spend.empty()) {
      ref = r;
      break;
    }
  if (!ref) return {};
  const double into_s = to_seconds(offset_in_hour(pg.run.start));
  std::string body;
  std::vector<svg::Key> keys;
  double y = 10;
  for (const BudgetOutcome& period : ref->budgets) {
    struct Line {
      std::string policy;
      std::vector<double> x, usd;
      std::vector<std::pair<double, double>> fired;  // (time, threshold) of each alert that fired
    };
    std::vector<Line> lines;
    double top = period.amount_usd;
    const BudgetSpend* ref_spend = spend_of(*ref, period.budget);
    if (!ref_spend) continue;
    for (const auto& p : pg.run.policies) {
      const auto* r = first_replicate(p);
      const BudgetOutcome* o = r ? period_of(*r, period) : nullptr;
      const BudgetSpend* s = r ? spend_of(*r, period.budget) : nullptr;
      if (!o || !s) continue;
      // The period's hours inside the window; what the period spent before them came from the history.
      std::vector<std::size_t> hours;
      double in_window = 0;
      for (std::size_t h = 0; h < s->hourly_usd.size(); ++h) {
        const std::string at = format_utc(billing_hour_start(pg.run.start, static_cast<int>(h)));
        if (at >= o->period_start_utc && at < o->period_end_utc) hours.push_back(h), in_window += s->hourly_usd[h];
      }
      if (hours.empty()) continue;
      Line l{p.name, {}, {}, {}};
      double cum = o->actual_usd - in_window;
      const double first_s = std::max(0.0, static_cast<double>(hours.front()) * 3600 - into_s);
      l.x.push_back(first_s / pg.unit_s), l.usd.push_back(cum);
      for (const std::size_t h : hours) {
        cum += s->hourly_usd[h];
        l.x.push_back(std::min(pg.window_s, static_cast<double>(h + 1) * 3600 - into_s) / pg.unit_s), l.usd.push_back(cum);
      }
      top = std::max(top, cum);
      for (std::size_t a = 0; a < o->alerts.size() && a < s->thresholds_usd.size(); ++a)
        if (o->alerts[a].fired) l.fired.emplace_back(o->alerts[a].fired_at_s / pg.unit_s, s->thresholds_usd[a]);
      lines.push_back(std::move(l));
    }
    for (double t : ref_spend->thresholds_usd) top = std::max(top, t);
    const svg::Plot p(90, y + 24, kChartWidth - 230, 200, pg.time_ticks(), svg::nice(0, top));
    body += svg::text(p.x, y + 12,
                      fmt::format("Budget {}: {} to {}, {} USD", period.budget, period.period_start_utc.substr(0, 10),
                                  period.period_end_utc.substr(0, 10), money(period.amount_usd)),
                      "panel");
    body += svg::y_axis(p, "spend in the period (USD)") + svg::x_axis(p, pg.time_label());
    body += svg::line(p.x, p.sy(period.amount_usd), p.x + p.w, p.sy(period.amount_usd), "key", kLimit);
    // The lines' labels at the right, moved apart where lines are closer than a line of text, each
    // tied to its line's end by a leader when moved.
    struct Label {
      double line_y, y;
      std::string words;
    };
    std::vector<Label> labels{{p.sy(period.amount_usd), p.sy(period.amount_usd), "budget " + money(period.amount_usd)}};
    for (std::size_t a = 0; a < ref_spend->thresholds_usd.size() && a < period.alerts.size(); ++a) {
      const double t = ref_spend->thresholds_usd[a];
      body += svg::line(p.x, p.sy(t), p.x + p.w, p.sy(t), "key dashed", kThreshold);
      labels.push_back({p.sy(t), p.sy(t), period.alerts[a].alert});
    }
    std::stable_sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) { return a.line_y < b.line_y; });
    for (std::size_t i = 1; i < labels.size(); ++i) labels[i].y = std::max(labels[i].line_y, labels[i - 1].y + 13);
    for (const Label& l : labels) {
      if (l.y - l.line_y > 0.5) body += svg::line(p.x + p.w, l.line_y, p.x + p.w + 8, l.y, "connector");
      body += svg::text(p.x + p.w + 10, l.y + 4, l.words, "tick");
    }
    for (const auto& l : lines) {
      body += svg::path(p, l.x, l.usd, pg.color(l.policy), l.policy);
      for (const auto& [x, t] : l.fired) body += svg::mark('d', p.sx(x), p.sy(t), pg.color(l.policy));
    }
    if (lines.empty()) body += svg::text(p.x + 10, p.y + 20, "No policy's bill falls in this period's hours.", "note");
    y += 280;
  }
  if (body.empty()) return {};
  for (const auto& pol : pg.run.policies) keys.push_back({pol.name, pg.color(pol.name), 'l'});
  keys.push_back({"budget amount", kLimit, 'l'});
  keys.push_back({"alert threshold", kThreshold, 'k'});
  keys.push_back({"alert fired (at its threshold, in the policy's colour)", kLimit, 'd'});
  body += svg::legend(90, y + 4, kChartWidth - 10, keys, &y);
  return figure("Budget alerts over the window", "budget-alerts", y + 12, body,
                "Replicate 0 of each policy: the budget's scoped spend in the period to date (history before the window, then the "
                "simulated hours, at on-demand prices) against the budget and each alert's threshold; a diamond marks when an alert "
                "fired (an ACTUAL alert within the hour its threshold was crossed, a FORECASTED one at the midnight its forecast "
                "passed the threshold). The table above gives the share of replicates in which each fired.");
}

std::string spend_forecast(const Page& pg) {
  struct Series {
    std::string policy;
    std::vector<double> past_x, past_usd, x, mean, low, high;
  };
  std::vector<Series> all;
  double lo_x = 0, hi_x = 1, top = 0;
  const double into_s = to_seconds(offset_in_hour(pg.run.start));
  const double start_in_day_s = to_seconds(std::chrono::duration_cast<std::chrono::microseconds>(pg.run.start - date::floor<date::days>(pg.run.start)).count());
  for (const auto& p : pg.run.policies) {
    const auto* r = first_replicate(p);
    if (!r || !r->forecast || r->forecast->daily_mean_usd.empty()) continue;
    const SpendForecastOutcome& f = *r->forecast;
    Series s{p.name, {}, {}, {}, {}, {}, {}};
    // The window's whole UTC days (day 0 holds the window's start), from the bill; the forecast
    // starts the day after the last of them.
    std::vector<double> days;
    for (const BillingHour& h : r->billing_hours) {
      const double since_midnight = static_cast<double>(h.hour) * 3600 - into_s + start_in_day_s;
      const auto d = static_cast<std::size_t>(std::floor(since_midnight / 86400));
      if (days.size() <= d) days.resize(d + 1, 0.0);
      days[d] += h.cost_usd;
    }
    const long first_whole = start_in_day_s > 0 ? 1 : 0;
    const long last_whole = static_cast<long>(std::floor((start_in_day_s + pg.window_s) / 86400)) - 1;
    for (long d = first_whole; d <= last_whole && d < static_cast<long>(days.size()); ++d) {
      s.past_x.push_back(static_cast<double>(d - last_whole - 1));
      s.past_usd.push_back(days[static_cast<std::size_t>(d)]);
      top = std::max(top, days[static_cast<std::size_t>(d)]);
    }
    if (!s.past_x.empty()) lo_x = std::min(lo_x, s.past_x.front());
    for (std::size_t k = 0; k < f.daily_mean_usd.size(); ++k) {
      s.x.push_back(static_cast<double>(k));
      s.mean.push_back(f.daily_mean_usd[k]);
      s.low.push_back(k < f.daily_lower_usd.size() ? f.daily_lower_usd[k] : f.daily_mean_usd[k]);
      s.high.push_back(k < f.daily_upper_usd.size() ? f.daily_upper_usd[k] : f.daily_mean_usd[k]);
      top = std::max(top, s.high.back());
    }
    hi_x = std::max(hi_x, static_cast<double>(f.daily_mean_usd.size()));
    all.push_back(std::move(s));
  }
  if (all.empty()) return {};
  const SpendForecastOutcome* f = nullptr;
  for (const auto& p : pg.run.policies)
    if (const auto* r = first_replicate(p); r && r->forecast && !f) f = &*r->forecast;
  const svg::Plot p(90, 14, kChartWidth - 120, 240, svg::nice(lo_x, hi_x), svg::nice(0, top));
  std::string body = svg::y_axis(p, "USD per day") + svg::x_axis(p, "days from the first forecast day, " + f->first_day_utc.substr(0, 10));
  std::vector<svg::Key> keys;
  for (const auto& s : all) {
    // The band: along its upper edge, back along its lower one.
    std::string d;
    for (std::size_t k = 0; k < s.x.size(); ++k) d += fmt::format("{}{},{}", k ? "L" : "M", svg::px(p.sx(s.x[k])), svg::px(p.sy(s.high[k])));
    for (std::size_t k = s.x.size(); k-- > 0;) d += fmt::format("L{},{}", svg::px(p.sx(s.x[k])), svg::px(p.sy(s.low[k])));
    body += fmt::format("<path class=\"band\" data-series=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\" d=\"{}Z\"/>\n", esc("band: " + s.policy),
                        pg.color(s.policy), d);
    body += svg::path(p, s.past_x, s.past_usd, pg.color(s.policy), "spend: " + s.policy);
    body += svg::path(p, s.x, s.mean, pg.color(s.policy), "forecast: " + s.policy, true);
    keys.push_back({s.policy + ": daily spend", pg.color(s.policy), 'l'});
    keys.push_back({s.policy + ": forecast and its band", pg.color(s.policy), 'k'});
  }
  body += svg::line(p.sx(0), p.y, p.sx(0), p.y + p.h, "connector");
  double y = 0;
  body += svg::legend(p.x, p.y + p.h + 58, kChartWidth - 10, keys, &y);
  return figure("Spend forecast", "spend-forecast", y + 12, body,
                fmt::format("Replicate 0 of each policy: the window's whole UTC days of spend (at on-demand prices, as the forecast reads "
                            "them), then the forecast of the next {} days: its mean (dashed) and {:.0f}% prediction interval (shaded), fitted on "
                            "{} days of history (capsim's regression with trend and weekday effects).",
                            f->horizon_days, 100 * f->level, f->history_days));
}

std::string anomalies_table(const Page& pg) {
  std::string out;
  for (const auto& p : pg.run.policies) {
    const auto* r = first_replicate(p);
    if (!r) continue;
    for (const SpendAnomalyOutcome& a : r->anomalies) {
      if (out.empty())
        out = "<section><h2>Spend anomalies</h2><table class=\"anomalies\"><thead><tr><th>Policy</th><th>Day (UTC)</th><th>Direction</th>"
              "<th class=\"num\">Actual (USD)</th><th class=\"num\">Expected (USD)</th><th class=\"num\">Expected band (USD)</th>"
              "<th class=\"num\">Impact (USD)</th><th>Root cause</th><th class=\"num\">Its impact (USD)</th></tr></thead><tbody>\n";
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td>"
                         "<td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
                         esc(p.name), esc(a.day_utc.substr(0, 10)), esc(a.direction), money(a.actual_usd), money(a.expected_usd),
                         money(a.band_low_usd), money(a.band_high_usd), (a.impact_usd < 0 ? "" : "+") + money(a.impact_usd),
                         a.root_cause.empty() ? std::string("-") : esc(a.root_cause), a.root_cause.empty() ? std::string("-") : money(a.root_cause_impact_usd));
    }
  }
  if (out.empty()) return out;
  return out + "</tbody></table><p class=\"note\">Replicate 0 of each policy (the other replicates' counts are in the table above): "
               "days whose spend fell outside capsim's robust weekday band, with the dimension value that moved most.</p></section>\n";
}

}  // namespace capsim::html
