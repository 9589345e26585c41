#include "report/html_charts.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "report/html_figure.hpp"
#include "report/svg.hpp"

namespace capsim::html {

namespace {

using svg::esc;
using svg::Ticks;

// A line has at most this many points: a 30-day run of 1-minute periods (43,200) is drawn from
// buckets of 44 periods, which keeps the page small and loses nothing a 960-pixel chart can show.
constexpr std::size_t kMaxPoints = 1000;
constexpr const char* kControlPlane = "EKS control plane";

}  // namespace

std::string demand_capacity(const Page& pg) {
  std::vector<std::string> names;
  for (const auto& p : pg.run.policies)
    if (const auto* r = first_replicate(p))
      for (const auto& s : r->service_series)
        if (std::find(names.begin(), names.end(), s.name) == names.end()) names.push_back(s.name);
  std::size_t bucket = 1;
  std::string body;
  std::vector<svg::Key> keys;
  auto key = [&](svg::Key k) {
    if (std::none_of(keys.begin(), keys.end(), [&](const svg::Key& x) { return x.label == k.label; })) keys.push_back(std::move(k));
  };
  double y = 10;
  for (const auto& name : names) {
    struct Line { std::string policy; std::vector<double> x, demand, capacity; };
    std::vector<Line> lines;
    double top = 0;
    for (const auto& p : pg.run.policies) {
      const auto* r = first_replicate(p);
      const auto it = r ? std::find_if(r->service_series.begin(), r->service_series.end(), [&](const ServiceSeries& s) { return s.name == name; })
                        : std::vector<ServiceSeries>::const_iterator{};
      if (!r || it == r->service_series.end()) continue;
      // Per bucket of periods, the demand's mean and the capacity's minimum (a dip stays visible).
      const std::size_t n = std::min(it->arrivals.size(), it->capacity_requests.size());
      const std::size_t b = std::max<std::size_t>(1, (n + kMaxPoints - 1) / kMaxPoints);
      bucket = std::max(bucket, b);
      Line l{p.name, {}, {}, {}};
      for (std::size_t i = 0; i < n; i += b) {
        const std::size_t e = std::min(n, i + b);
        double sum = 0, low = std::numeric_limits<double>::infinity();
        for (std::size_t k = i; k < e; ++k) sum += it->arrivals[k], low = std::min(low, it->capacity_requests[k]);
        l.x.push_back(static_cast<double>(i + e) / 2 * pg.period_s / pg.unit_s);
        l.demand.push_back(sum / static_cast<double>(e - i) / pg.period_s);
        l.capacity.push_back(low / pg.period_s);
        for (double v : {l.demand.back(), l.capacity.back()})
          if (std::isfinite(v)) top = std::max(top, v);
      }
      lines.push_back(std::move(l));
    }
    const svg::Plot p(80, y + 24, kChartWidth - 110, 160, pg.time_ticks(), svg::nice(0, top));
    body += svg::text(p.x, y + 12, "Service " + name, "panel") + svg::y_axis(p, "requests/s") + svg::x_axis(p, pg.time_label());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto& l = lines[i];
      // Every policy usually sees the same demand (common random numbers): drawn once unless it differs.
      if (i == 0) {
        body += svg::path(p, l.x, l.demand, "#222222", "demand");
        key({"demand", "#222222", 'l'});
      } else if (l.demand != lines[0].demand) {
        body += svg::path(p, l.x, l.demand, pg.color(l.policy), "demand: " + l.policy, true);
        key({"demand: " + l.policy, pg.color(l.policy), 'k'});
      }
      body += svg::path(p, l.x, l.capacity, pg.color(l.policy), "capacity: " + l.policy);
      key({"ready capacity: " + l.policy, pg.color(l.policy), 'l'});
    }
    y += 236;
  }
  if (names.empty()) body += svg::text(20, (y += 20), "No series were kept for this run.", "note");
  body += svg::legend(80, y + 4, kChartWidth - 10, keys, &y);
  return figure("Demand against ready capacity", "demand-capacity", y + 12, body,
                fmt::format("Replicate 0 of each policy. Demand: arrivals per period / the period ({:g} s); ready capacity: the requests its "
                            "ready replicas could serve per period / the period. {}",
                            pg.period_s,
                            bucket > 1 ? fmt::format("Each point is a bucket of {} periods (at most {} points a line): demand its mean, "
                                                     "capacity its minimum, so a dip in capacity stays visible.", bucket, kMaxPoints)
                                       : std::string("One point per period.")));
}

std::string cumulative_cost(const Page& pg) {
  struct Line { std::string policy; std::vector<double> x, usd; };
  std::vector<Line> lines;
  double top = 0;
  for (const auto& p : pg.run.policies) {
    const auto* r = first_replicate(p);
    if (!r || r->cost_rate_usd_per_h.empty()) continue;
    // The rate counts running instances; the control plane bills a flat rate over the window.
    const double plane_usd_per_h = pg.window_s > 0 ? r->cost.eks_control_plane_usd / (pg.window_s / 3600) : 0;
    const std::size_t n = r->cost_rate_usd_per_h.size(), b = std::max<std::size_t>(1, (n + kMaxPoints - 1) / kMaxPoints);
    Line l{p.name, {0}, {0}};
    double acc = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (std::isfinite(r->cost_rate_usd_per_h[k])) acc += (r->cost_rate_usd_per_h[k] + plane_usd_per_h) * pg.period_s / 3600;
      if ((k + 1) % b == 0 || k + 1 == n) l.x.push_back(static_cast<double>(k + 1) * pg.period_s / pg.unit_s), l.usd.push_back(acc);
    }
    top = std::max(top, acc);
    lines.push_back(std::move(l));
  }
  const svg::Plot p(90, 14, kChartWidth - 120, 240, pg.time_ticks(), svg::nice(0, top));
  std::string body = svg::y_axis(p, "USD over the window") + svg::x_axis(p, pg.time_label());
  std::vector<svg::Key> keys;
  for (const auto& l : lines) {
    body += svg::path(p, l.x, l.usd, pg.color(l.policy), l.policy);
    keys.push_back({l.policy, pg.color(l.policy), 'l'});
  }
  if (lines.empty()) body += svg::text(p.x + 10, p.y + 20, "No cost series were kept for this run.", "note");
  double y = 0;
  body += svg::legend(p.x, p.y + p.h + 58, kChartWidth - 10, keys, &y);
  return figure("Cumulative cost", "cumulative-cost", y + 12, body,
                fmt::format("Replicate 0 of each policy: the running instances' USD/h at each period's end × the period, plus the EKS "
                            "control plane's flat rate. The last point approximates the window's bill (which bills per second, with a "
                            "60-second minimum, at prices that may move within a period); × {} gives a 30-day month.",
                            fixed1(pg.c.month_factor)));
}

std::string cost_breakdown(const Page& pg) {
  using Parts = std::map<std::string, double>;
  struct Group { std::string title; std::vector<Parts> parts; };
  const std::size_t n = pg.run.policies.size();
  std::vector<Group> groups{{"by instance type", std::vector<Parts>(n)}, {"by capacity type", std::vector<Parts>(n)}};
  std::map<std::string, std::vector<Parts>> tags;
  const double mf = pg.c.month_factor;
  double top = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto* r = first_replicate(pg.run.policies[i]);
    if (!r) continue;
    for (const auto& l : r->cost_lines) {
      groups[0].parts[i][l.instance_type.empty() ? kControlPlane : l.instance_type] += l.cost_usd * mf;
      groups[1].parts[i][l.capacity_type.empty() ? kControlPlane : l.capacity_type] += l.cost_usd * mf;
    }
    for (const auto& [tag, usd] : r->cost.by_tag_usd) {
      const auto eq = tag.find('=');
      auto& t = tags.try_emplace(tag.substr(0, eq), n).first->second;
      t[i][eq == std::string::npos ? "" : tag.substr(eq + 1)] += usd * mf;
    }
  }
  for (auto& [k, parts] : tags) groups.push_back({"by tag " + k, std::move(parts)});
  for (const auto& g : groups)
    for (const auto& parts : g.parts) {
      double sum = 0;
      for (const auto& [_, usd] : parts) sum += usd;
      top = std::max(top, sum);
    }
  const Ticks tx = svg::nice(0, top);
  std::string body;
  double y = 4;
  for (const auto& g : groups) {
    std::vector<std::string> names;  // the parts, the control plane last
    for (const auto& parts : g.parts)
      for (const auto& [k, _] : parts)
        if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return std::make_pair(a == kControlPlane, a) < std::make_pair(b == kControlPlane, b);
    });
    body += svg::text(10, y += 18, "Cost " + g.title, "panel");
    if (names.empty()) {
      body += svg::text(140, y += 20, "No line of the bill was kept for this run.", "note");
      y += 12;
      continue;
    }
    const svg::Plot p(140, y + 6, kChartWidth - 240, 22.0 * static_cast<double>(n), tx, Ticks{});
    for (std::size_t i = 0; i < n; ++i) {
      const double row = p.y + 22.0 * static_cast<double>(i);
      body += svg::text(p.x - 8, row + 15, pg.run.policies[i].name, "", "end");
      double at = 0;
      for (std::size_t k = 0; k < names.size(); ++k) {
        const auto it = g.parts[i].find(names[k]);
        if (it == g.parts[i].end() || !std::isfinite(it->second)) continue;
        body += svg::rect(p.sx(at), row + 4, p.sx(at + it->second) - p.sx(at), 14, svg::color(k),
                          fmt::format(" data-policy=\"{}\" data-part=\"{}\"", esc(pg.run.policies[i].name), esc(names[k])));
        at += it->second;
      }
      body += svg::text(p.sx(at) + 6, row + 15, g.parts[i].empty() ? std::string("no line of its bill has this") : money(at), "tick");
    }
    body += svg::x_axis(p, "USD per 30-day month (replicate 0)");
    std::vector<svg::Key> keys;
    for (std::size_t k = 0; k < names.size(); ++k) keys.push_back({names[k].empty() ? "(empty)" : names[k], svg::color(k), 's'});
    body += svg::legend(p.x, p.y + p.h + 60, kChartWidth - 10, keys, &y);
    y += 10;
  }
  return figure("Where the money goes", "cost-breakdown", y + 8, body,
                "Replicate 0's bill of each policy, projected to a 30-day month: by instance type and by how it was bought (the EKS "
                "control plane as its own part), and by each tag key (a line without the key counts as (untagged)).");
}

std::string ladder(const Page& pg) {
  struct Bar { std::string policy, parent; double from, to; std::string note, risk; };
  std::vector<Bar> bars;
  auto risk_of = [&](const std::string& name) {
    for (const auto& p : pg.c.policies)
      if (p.name == name) return p.risk.replicates_judged == 0 ? std::string("no objective") : "P(breach) " + share(p.risk.p_breach);
    return std::string();
  };
  for (const auto& s : pg.c.ladder) {
    const double from = pg.mean_of(s.parent), to = from - s.saving.usd;
    if (!std::isfinite(from) || !std::isfinite(to)) continue;
    // The chain's root (the policy that extends none) opens it, as a whole bar from zero.
    std::string root = s.parent;
    for (std::size_t hops = 0; hops <= pg.c.policies.size(); ++hops) {
      const auto it = std::find_if(pg.c.policies.begin(), pg.c.policies.end(), [&](const auto& p) { return p.name == root; });
      if (it == pg.c.policies.end() || it->extends.empty()) break;
      root = it->extends;
    }
    if (std::none_of(bars.begin(), bars.end(), [&](const Bar& b) { return b.policy == root && b.parent.empty(); }) && std::isfinite(pg.mean_of(root)))
      bars.push_back({root, "", 0, pg.mean_of(root), money(pg.mean_of(root)) + " USD", risk_of(root)});
    bars.push_back({s.policy, s.parent, from, to,
                    !std::isfinite(s.saving.pct) ? fmt::format("{} USD", money(-s.saving.usd))
                    : s.saving.pct >= 0          ? fmt::format("saves {:.1f}%", s.saving.pct)
                                                 : fmt::format("costs {:.1f}% more", -s.saving.pct),
                    std::isfinite(s.p_breach_change) ? fmt::format("P(breach) {:+.1f} pts", 100 * s.p_breach_change) : risk_of(s.policy)});
  }
  double top = 0;
  for (const auto& b : bars) top = std::max({top, b.from, b.to});
  const svg::Plot p(100, 44, kChartWidth - 130, 260, Ticks{}, svg::nice(0, top));
  std::string body = svg::y_axis(p, "USD per 30-day month (mean)") + svg::line(p.x, p.y + p.h, p.x + p.w, p.y + p.h, "axis");
  const double slot = bars.empty() ? p.w : p.w / static_cast<double>(bars.size()), bw = std::min(90.0, 0.6 * slot);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double x = p.x + slot * (static_cast<double>(i) + 0.5) - bw / 2, hi = p.sy(std::max(b.from, b.to));
    const char* fill = b.parent.empty() ? "#666666" : b.to <= b.from ? "#009e73" : "#d55e00";
    body += svg::rect(x, hi, bw, std::fabs(p.sy(b.from) - p.sy(b.to)), fill, fmt::format(" class=\"bar\" data-policy=\"{}\"", esc(b.policy)));
    body += svg::text(x + bw / 2, hi - 20, b.note, "note", "middle") + svg::text(x + bw / 2, hi - 6, b.risk, "tick", "middle");
    body += svg::text(x + bw / 2, p.y + p.h + 16, b.policy, "", "middle");
    if (b.parent.empty()) continue;
    body += svg::text(x + bw / 2, p.y + p.h + 30, "vs " + b.parent, "tick", "middle");
    for (std::size_t j = i; j-- > 0;)  // from the parent's bar, at the parent's level
      if (bars[j].policy == b.parent) {
        body += svg::line(p.x + slot * (static_cast<double>(j) + 0.5) + bw / 2, p.sy(b.from), x, p.sy(b.from), "connector");
        break;
      }
  }
  if (bars.empty()) body += svg::text(p.x + 10, p.y + 20, "No policy extends another: there is no lever ladder.", "note");
  return figure("Savings per lever", "ladder", p.y + p.h + 44, body,
                "Each policy that extends another, against it: the bar runs from the parent's mean monthly cost to the policy's (green "
                "saves, red costs more), with the saving paired by replicate and the change in P(SLO breach) in percentage points. The "
                "grey bar is the chain's root.");
}

std::string cost_distribution(const Page& pg) {
  std::vector<std::vector<double>> values;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& pc : pg.c.policies) {
    values.emplace_back();
    for (const auto& p : pg.run.policies)
      if (p.name == pc.name)
        for (const auto& r : p.replicates)
          if (const double usd = r.cost.total_usd * pg.c.month_factor; std::isfinite(usd)) values.back().push_back(usd);
    for (double v : values.back()) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  const double rows = static_cast<double>(std::max<std::size_t>(1, values.size()));
  const svg::Plot p(130, 10, kChartWidth - 170, 36 * rows, lo <= hi ? svg::nice(lo, hi) : svg::nice(0, 1), Ticks{});
  std::string body = svg::x_axis(p, "USD per 30-day month");
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& v = values[i];
    const auto& pc = pg.c.policies[i];
    const double y = p.y + 36 * static_cast<double>(i) + 18;
    const char* color = pg.color(pc.name);
    body += svg::text(p.x - 10, y + 4, pc.name, "", "end");
    if (v.empty()) continue;
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const auto& m = pc.monthly_cost;
    body += svg::line(p.sx(*mn), y, p.sx(*mx), y, "whisker");
    if (std::isfinite(m.p5_usd) && std::isfinite(m.p95_usd))
      body += svg::rect(p.sx(m.p5_usd), y - 8, std::max(1.0, p.sx(m.p95_usd) - p.sx(m.p5_usd)), 16, color, " class=\"box\"");
    if (std::isfinite(m.p50_usd)) body += svg::line(p.sx(m.p50_usd), y - 10, p.sx(m.p50_usd), y + 10, "median");
    for (std::size_t k = 0; k < v.size(); ++k)  // a fixed spread, not a random jitter: the same page every time
      body += svg::mark('c', p.sx(v[k]), y + (static_cast<double>(k % 5) - 2) * 3, color, 2.5);
  }
  return figure("Monthly cost across replicates", "cost-distribution", p.y + p.h + 48, body,
                "One row per policy: the box spans P5 to P95, the dark line is the median, the thin line runs from the cheapest replicate "
                "to the costliest, and each dot is one replicate's cost projected to a 30-day month.");
}

std::string cost_risk(const Page& pg) {
  std::vector<const PolicyComparison*> judged;
  for (const auto& pc : pg.c.policies)
    if (pc.risk.replicates_judged > 0 && std::isfinite(pc.risk.p_breach) && std::isfinite(pc.monthly_cost.mean_usd)) judged.push_back(&pc);
  const double tol = 100 * pg.c.risk_tolerance;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, top = std::isfinite(tol) ? tol : 0;
  for (const auto* pc : judged) {
    lo = std::min(lo, pc->monthly_cost.mean_usd), hi = std::max(hi, pc->monthly_cost.mean_usd);
    for (double v : {pc->risk.p_breach, pc->risk.p_breach_ci_high})
      if (std::isfinite(v)) top = std::max(top, 100 * v);
  }
  const double pad = judged.empty() ? 0 : std::max(0.05 * (hi - lo), 0.02 * std::fabs(hi));
  const svg::Plot p(90, 24, kChartWidth - 240, judged.empty() ? 80 : 270, judged.empty() ? svg::nice(0, 1) : svg::nice(lo - pad, hi + pad),
                    svg::nice(0, top));
  std::string body;
  if (judged.empty()) {
    body = svg::rect(p.x, p.y, p.w, p.h, "none", " class=\"frame\"") +
           svg::text(p.x + p.w / 2, p.y + p.h / 2, "No service declares an objective: P(SLO breach) cannot be judged.", "note", "middle");
    return figure("Cost against risk", "cost-risk", p.y + p.h + 20, body, "Give a service an objective (sla.target_served_share or an slo) to weigh cost against risk.");
  }
  body = svg::y_axis(p, "P(SLO breach)", "%") + svg::x_axis(p, "mean monthly cost (USD per 30-day month)");
  if (std::isfinite(tol)) {
    body += svg::line(p.x, p.sy(tol), p.x + p.w, p.sy(tol), "tolerance");
    body += svg::text(p.x + p.w + 6, p.sy(tol) + 4, fmt::format("risk tolerance {:g}%{}", tol, pg.c.risk_tolerance_given ? "" : " (default)"), "tick");
  }
  std::vector<double> fx, fy;  // the Pareto front, cheapest first
  std::vector<const PolicyComparison*> front;
  for (const auto* pc : judged)
    if (pc->pareto) front.push_back(pc);
  std::sort(front.begin(), front.end(), [](const auto* a, const auto* b) { return a->monthly_cost.mean_usd < b->monthly_cost.mean_usd; });
  for (const auto* pc : front) fx.push_back(pc->monthly_cost.mean_usd), fy.push_back(100 * pc->risk.p_breach);
  body += svg::path(p, fx, fy, "#444444", "Pareto front", true);
  std::vector<svg::Key> keys;
  for (const auto* pc : judged) {
    const double x = p.sx(pc->monthly_cost.mean_usd);
    const char* color = pg.color(pc->name);
    if (std::isfinite(pc->risk.p_breach_ci_low) && std::isfinite(pc->risk.p_breach_ci_high))
      body += svg::line(x, p.sy(100 * pc->risk.p_breach_ci_low), x, p.sy(100 * pc->risk.p_breach_ci_high), "ci", color);
    body += svg::mark('c', x, p.sy(100 * pc->risk.p_breach), color, 5) + svg::text(x + 8, p.sy(100 * pc->risk.p_breach) - 8, pc->name);
    keys.push_back({pc->name, color, 'c'});
  }
  keys.push_back({"Pareto front", "#444444", 'k'});
  keys.push_back({"risk tolerance", "#d55e00", 'k'});
  double y = 0;
  body += svg::legend(p.x, p.y + p.h + 58, kChartWidth - 10, keys, &y);
  return figure("Cost against risk", "cost-risk", y + 12, body,
                "Each policy's mean monthly cost against the share of replicates in which a service broke its objective, with its Wilson "
                "95% interval as a vertical line; the dashed line joins the Pareto front (no policy both cheaper and safer).");
}

std::string timeline(const Page& pg) {
  struct Reason { const char* key; const char* label; char kind; const char* color; };
  static constexpr Reason kReasons[] = {{"spot-interruption", "spot interruptions", 'c', "#d55e00"},
                                        {"consolidation", "consolidations", 'd', "#0072b2"},
                                        {"expiration", "expirations", 't', "#009e73"},
                                        {"scale-down", "scale-downs", 's', "#cc79a7"}};
  const double rows = static_cast<double>(std::max<std::size_t>(1, pg.run.policies.size()));
  const svg::Plot p(130, 10, kChartWidth - 170, 40 * rows, pg.time_ticks(), Ticks{});
  std::string body = svg::x_axis(p, pg.time_label());
  for (std::size_t i = 0; i < pg.run.policies.size(); ++i) {
    const auto& pr = pg.run.policies[i];
    const double y = p.y + 40 * static_cast<double>(i) + 24;
    body += svg::text(p.x - 10, y + 4, pr.name, "", "end") + svg::line(p.x, y, p.x + p.w, y, "row");
    int marks[std::size(kReasons)] = {};
    if (const auto* r = first_replicate(pr))
      for (const auto& n : r->nodes)
        for (std::size_t k = 0; k < std::size(kReasons); ++k)
          if (n.end_reason == kReasons[k].key && n.terminated_s >= 0 && std::isfinite(n.terminated_s)) {
            body += svg::mark(kReasons[k].kind, p.sx(n.terminated_s / pg.unit_s), y + (static_cast<double>(k) - 1.5) * 4, kReasons[k].color, 3.5);
            ++marks[k];
          }
    std::string counts;
    for (std::size_t k = 0; k < std::size(kReasons); ++k)
      if (marks[k] > 0) counts += fmt::format("{}{}: {}", counts.empty() ? "" : ", ", kReasons[k].label, marks[k]);
    body += svg::text(p.x + 4, y - 12, !first_replicate(pr) ? "no node log kept" : counts.empty() ? "none in replicate 0" : counts, "tick");
  }
  std::vector<svg::Key> keys;
  for (const auto& r : kReasons) keys.push_back({r.key, r.color, r.kind});
  double y = 0;
  body += svg::legend(p.x, p.y + p.h + 58, kChartWidth - 10, keys, &y);
  return figure("Interruptions and consolidations", "timeline", y + 12, body,
                "Replicate 0 of each policy: each mark is a node ended by a spot interruption, Karpenter's consolidation, its NodePool's "
                "expiry or a Cluster Autoscaler scale-down, at the time it terminated.");
}

}  // namespace capsim::html
