#include "capsim/report/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/report/statistics.hpp"

namespace capsim {

namespace {

const double kNaN = std::nan("");

double nan_if_empty_mean(const std::vector<double>& x) { return x.empty() ? kNaN : mean_of(x); }
double nan_if_empty_quantile(const std::vector<double>& x, double q) { return x.empty() ? kNaN : quantile_of(x, q); }

std::vector<double> monthly_totals(const PolicyResult& p, double f) {
  std::vector<double> out;
  for (const auto& r : p.replicates) out.push_back(r.cost.total_usd * f);
  return out;
}

// Theirs − ours, replicate by replicate: both sides must hold the same replicates.
PairedSaving paired_saving(const PolicyResult& ours, const PolicyResult& theirs, double f) {
  if (ours.replicates.size() != theirs.replicates.size())
    throw Error(fmt::format("policies '{}' and '{}' have {} and {} replicates; a paired comparison needs the same ones", ours.name,
                            theirs.name, ours.replicates.size(), theirs.replicates.size()));
  std::vector<double> d;
  for (std::size_t i = 0; i < ours.replicates.size(); ++i) {
    if (ours.replicates[i].replicate != theirs.replicates[i].replicate)
      throw Error(fmt::format("policies '{}' and '{}' hold different replicates ({} and {}); a paired comparison needs the same ones",
                              ours.name, theirs.name, ours.replicates[i].replicate, theirs.replicates[i].replicate));
    d.push_back((theirs.replicates[i].cost.total_usd - ours.replicates[i].cost.total_usd) * f);
  }
  PairedSaving s;
  s.against = theirs.name;
  s.usd = mean_of(d);
  const auto ci = mean_interval(d);
  s.usd_ci_low = ci ? ci->low : kNaN;
  s.usd_ci_high = ci ? ci->high : kNaN;
  const double base = mean_of(monthly_totals(theirs, f));
  const double pct = base > 0 ? 100.0 / base : kNaN;
  s.pct = s.usd * pct;
  s.pct_ci_low = s.usd_ci_low * pct;
  s.pct_ci_high = s.usd_ci_high * pct;
  return s;
}

CostSpread spread(const std::vector<double>& x) {
  return {mean_of(x), sd_of(x), quantile_of(x, 0.05), quantile_of(x, 0.50), quantile_of(x, 0.95), cvar_upper(x, 0.95)};
}

MonthlySplit split_of(const PolicyResult& p, double f) {
  MonthlySplit m;
  const double n = static_cast<double>(p.replicates.size());
  double served_h = 0, total = 0;
  for (const auto& r : p.replicates) {
    m.gpu_instances_usd += r.cost.gpu_instances_usd;
    m.other_instances_usd += r.cost.other_instances_usd;
    m.eks_control_plane_usd += r.cost.eks_control_plane_usd;
    m.on_demand_usd += r.cost.on_demand_usd;
    m.spot_usd += r.cost.spot_usd;
    m.reserved_usd += r.cost.reserved_usd;
    m.unallocated_usd += r.cost.unallocated_usd;
    total += r.cost.total_usd;
    for (const auto& s : r.services) {
      m.requested_not_serving_usd += s.usage.idle_requested_usd;
      served_h += s.usage.gpu_hours_busy;
    }
  }
  for (double* x : {&m.gpu_instances_usd, &m.other_instances_usd, &m.eks_control_plane_usd, &m.on_demand_usd, &m.spot_usd,
                    &m.reserved_usd, &m.unallocated_usd, &m.requested_not_serving_usd})
    *x = *x * f / n;
  m.gpu_hours_served = served_h * f / n;
  m.usd_per_gpu_hour_served = served_h > 0 ? total / served_h : kNaN;
  return m;
}

BreachRisk breach_risk(const PolicyResult& p) {
  BreachRisk b;
  for (const auto& r : p.replicates) {
    bool judged = false, breached = false;
    for (const auto& s : r.services) {
      if (!s.objective) continue;
      judged = true;
      if (s.objective->breached && !breached) {
        breached = true;
        if (b.example.empty()) b.example = fmt::format("{} (replicate {}): {}", s.name, r.replicate, s.objective->reason);
      }
    }
    for (const auto& job : r.batch) {
      judged = true;
      if (job.objective.breached && !breached) {
        breached = true;
        if (b.example.empty()) b.example = fmt::format("batch job {} (replicate {}): {}", job.job, r.replicate, job.objective.reason);
      }
    }
    b.replicates_judged += judged;
    b.breaches += breached;
  }
  b.p_breach = b.replicates_judged > 0 ? static_cast<double>(b.breaches) / b.replicates_judged : kNaN;
  const auto ci = wilson_interval(static_cast<std::size_t>(b.breaches), static_cast<std::size_t>(b.replicates_judged));
  b.p_breach_ci_low = ci ? ci->low : kNaN;
  b.p_breach_ci_high = ci ? ci->high : kNaN;
  return b;
}

std::vector<ServiceRisk> service_risks(const PolicyResult& p) {
  std::vector<ServiceRisk> out;
  if (p.replicates.empty()) return out;
  for (std::size_t k = 0; k < p.replicates.front().services.size(); ++k) {
    ServiceRisk s;
    s.name = p.replicates.front().services[k].name;
    std::vector<double> missed, under, lat, ttft;
    int judged = 0, breached = 0;
    for (const auto& r : p.replicates) {
      if (k >= r.services.size() || r.services[k].name != s.name)
        throw Error(fmt::format("policy '{}': replicate {} does not hold service '{}' in the same place", p.name, r.replicate, s.name));
      const ServiceResult& sr = r.services[k];
      missed.push_back(sr.sla.missed_share);
      under.push_back(sr.sla.minutes_under_provisioned);
      if (sr.latency) lat.push_back(sr.latency->e2e_p95_s);
      if (sr.llm) ttft.push_back(sr.llm->ttft_p95_s);
      if (sr.objective) {
        ++judged;
        breached += sr.objective->breached;
      }
    }
    s.missed_share_mean = mean_of(missed);
    s.missed_share_p95 = quantile_of(missed, 0.95);
    s.minutes_under_provisioned_mean = mean_of(under);
    s.minutes_under_provisioned_p95 = quantile_of(under, 0.95);
    s.latency_p95_s_mean = nan_if_empty_mean(lat);
    s.latency_p95_s_p95 = nan_if_empty_quantile(lat, 0.95);
    s.ttft_p95_s_mean = nan_if_empty_mean(ttft);
    s.ttft_p95_s_p95 = nan_if_empty_quantile(ttft, 0.95);
    s.breach_share = judged > 0 ? static_cast<double>(breached) / judged : kNaN;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<BudgetAlertRisk> budget_alert_risks(const PolicyResult& p) {
  std::vector<BudgetAlertRisk> out;
  if (p.replicates.empty()) return out;
  for (const BudgetOutcome& first : p.replicates.front().budgets)
    for (const BudgetAlertOutcome& alert : first.alerts) {
      BudgetAlertRisk a;
      a.budget = first.budget;
      a.period_start_utc = first.period_start_utc;
      a.alert = alert.alert;
      std::vector<double> at;
      bool evaluated = false;
      for (const auto& r : p.replicates)
        for (const BudgetOutcome& b : r.budgets) {
          if (b.budget != a.budget || b.period_start_utc != a.period_start_utc) continue;
          for (const BudgetAlertOutcome& x : b.alerts) {
            if (x.alert != a.alert) continue;
            ++a.replicates;
            evaluated = evaluated || x.evaluated;
            if (!x.fired) continue;
            at.push_back(x.fired_at_s);
            if (a.first_fired_utc.empty() || x.fired_at_utc < a.first_fired_utc) a.first_fired_utc = x.fired_at_utc;
          }
        }
      a.fired_share = !evaluated ? kNaN : a.replicates > 0 ? static_cast<double>(at.size()) / a.replicates : 0.0;
      a.median_fired_at_s = at.empty() ? -1.0 : quantile_of(at, 0.5);
      out.push_back(std::move(a));
    }
  return out;
}

std::vector<DeadlineRisk> deadline_risks(const PolicyResult& p) {
  std::vector<DeadlineRisk> out;
  if (p.replicates.empty()) return out;
  for (const BatchResult& first : p.replicates.front().batch) {
    DeadlineRisk d;
    d.job = first.job;
    d.purchasing = first.purchasing;
    std::vector<double> miss, cost, lateness;
    double spot = 0, all = 0, restarts = 0, lost = 0;
    int jobs = 0, breached = 0;
    for (const auto& r : p.replicates) {
      for (const BatchResult& b : r.batch)
        if (b.job == d.job) {
          miss.push_back(b.miss_share);
          cost.push_back(b.cost_per_job_usd);
          breached += b.objective.breached;
        }
      for (const JobResult& j : r.jobs) {
        if (j.job != d.job) continue;
        ++jobs;
        spot += j.spot_gpu_hours;
        all += j.spot_gpu_hours + j.on_demand_gpu_hours;
        restarts += j.restarts;
        lost += j.work_lost_gpu_hours;
        if (!j.open) lateness.push_back(j.lateness_s);
      }
    }
    d.miss_share_mean = mean_of(miss);
    d.cost_per_job_usd_mean = mean_of(cost);
    d.lateness_p95_s = nan_if_empty_quantile(lateness, 0.95);
    d.spot_gpu_hour_share = all > 0 ? spot / all : kNaN;
    d.restarts_per_job = jobs > 0 ? restarts / jobs : 0;
    d.work_lost_gpu_hours_per_job = jobs > 0 ? lost / jobs : 0;
    d.breach_share = static_cast<double>(breached) / static_cast<double>(p.replicates.size());
    out.push_back(std::move(d));
  }
  return out;
}

std::string pct_interval(const PairedSaving& s) {
  if (std::isnan(s.pct_ci_low)) return fmt::format("{:.1f}%", s.pct);
  return fmt::format("{:.1f}% (95% CI {:.1f}% to {:.1f}%)", s.pct, s.pct_ci_low, s.pct_ci_high);
}

Recommendation recommend(const Comparison& c) {
  const auto& ps = c.policies;
  const bool judged = std::any_of(ps.begin(), ps.end(), [](const PolicyComparison& p) { return p.risk.replicates_judged > 0; });
  auto cheapest = [&](auto keep) {
    const PolicyComparison* best = nullptr;
    for (const auto& p : ps)
      if (keep(p) && (!best || p.monthly_cost.mean_usd < best->monthly_cost.mean_usd)) best = &p;
    return best;
  };
  const std::string tolerance = fmt::format("{:g}%{}", 100 * c.risk_tolerance,
                                            c.risk_tolerance_given ? "" : " (capsim's default; set compare.risk_tolerance)");
  if (!judged) {
    const auto* p = cheapest([](const PolicyComparison&) { return true; });
    return {"", fmt::format("no service declares an objective (sla.target_served_share, or an slo with the request-level model), so "
                            "P(SLO breach) is unknown and no policy is recommended; the cheapest is '{}' at {:.2f} USD/month",
                            p ? p->name : "", p ? p->monthly_cost.mean_usd : 0.0)};
  }
  const auto* best = cheapest([](const PolicyComparison& p) { return p.within_tolerance; });
  if (!best) {
    const PolicyComparison* safest = nullptr;
    for (const auto& p : ps)
      if (p.risk.replicates_judged > 0 && (!safest || p.risk.p_breach < safest->risk.p_breach)) safest = &p;
    return {"", fmt::format("no policy keeps P(SLO breach) within the {} tolerance; the least risky is '{}' with P(breach) {:.1f}%",
                            tolerance, safest->name, 100 * safest->risk.p_breach)};
  }
  std::size_t within = 0;
  std::string riskier;
  for (const auto& p : ps) {
    within += p.within_tolerance;
    if (!p.within_tolerance && p.monthly_cost.mean_usd < best->monthly_cost.mean_usd)
      riskier += fmt::format("{}'{}' ({:.2f} USD/month, P(breach) {:.1f}%)", riskier.empty() ? "" : ", ", p.name, p.monthly_cost.mean_usd,
                             100 * p.risk.p_breach);
  }
  std::string reason = fmt::format("the cheapest of the {} polic{} whose P(SLO breach) is within the {} tolerance: {:.2f} USD/month, "
                                   "P(breach) {:.1f}%",
                                   within, within == 1 ? "y" : "ies", tolerance, best->monthly_cost.mean_usd, 100 * best->risk.p_breach);
  if (best->name != c.baseline) reason += fmt::format(", saving {} against '{}'", pct_interval(best->vs_baseline), c.baseline);
  if (!riskier.empty()) reason += "; cheaper but over the tolerance: " + riskier;
  return {best->name, reason};
}

}  // namespace

Comparison compare_policies(const RunResult& run) {
  Comparison c;
  c.scenario = run.scenario;
  c.seed = run.seed;
  c.window_days = to_seconds(run.duration) / 86400.0;
  c.month_factor = c.window_days > 0 ? kMonthDays / c.window_days : 1.0;
  c.baseline = run.baseline;
  c.risk_tolerance = run.risk_tolerance;
  c.risk_tolerance_given = run.risk_tolerance_given;
  if (run.policies.empty()) throw Error("nothing to compare: the run holds no policy");
  c.replicates = static_cast<int>(run.policies.front().replicates.size());
  const auto base = std::find_if(run.policies.begin(), run.policies.end(), [&](const PolicyResult& p) { return p.name == run.baseline; });
  if (base == run.policies.end()) throw Error(fmt::format("the baseline policy '{}' is not among the policies compared", run.baseline));
  const double f = c.month_factor;
  for (const auto& p : run.policies) {
    if (p.replicates.empty()) throw Error(fmt::format("policy '{}' has no replicate to compare", p.name));
    PolicyComparison pc;
    pc.name = p.name;
    pc.description = p.description;
    pc.extends = p.extends;
    pc.replicates = static_cast<int>(p.replicates.size());
    pc.monthly_cost = spread(monthly_totals(p, f));
    pc.vs_baseline = paired_saving(p, *base, f);
    pc.split = split_of(p, f);
    pc.risk = breach_risk(p);
    pc.services = service_risks(p);
    pc.batch = deadline_risks(p);
    pc.budget_alerts = budget_alert_risks(p);
    pc.within_tolerance = pc.risk.replicates_judged > 0 && pc.risk.p_breach <= run.risk_tolerance;
    c.policies.push_back(std::move(pc));
  }
  // Ranking: within tolerance first, then by mean monthly cost, then by name (ties break the same way).
  std::vector<std::size_t> order(c.policies.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto &x = c.policies[a], &y = c.policies[b];
    if (x.within_tolerance != y.within_tolerance) return x.within_tolerance;
    if (x.monthly_cost.mean_usd != y.monthly_cost.mean_usd) return x.monthly_cost.mean_usd < y.monthly_cost.mean_usd;
    return x.name < y.name;
  });
  for (std::size_t i = 0; i < order.size(); ++i) c.policies[order[i]].rank = static_cast<int>(i) + 1;
  // Pareto front of cost against risk; without objectives risk counts as equal for all.
  std::vector<double> cost, risk;
  for (const auto& p : c.policies) {
    cost.push_back(p.monthly_cost.mean_usd);
    risk.push_back(std::isnan(p.risk.p_breach) ? 0.0 : p.risk.p_breach);
  }
  const std::vector<bool> front = pareto_front(cost, risk);
  for (std::size_t i = 0; i < front.size(); ++i) c.policies[i].pareto = front[i];
  // The ladder: each policy against the one it extends.
  for (std::size_t i = 0; i < run.policies.size(); ++i) {
    const auto& p = run.policies[i];
    if (p.extends.empty()) continue;
    const auto parent = std::find_if(run.policies.begin(), run.policies.end(), [&](const PolicyResult& q) { return q.name == p.extends; });
    if (parent == run.policies.end()) {
      c.warnings.push_back(fmt::format("the ladder leaves out '{}': the policy it extends, '{}', was not compared", p.name, p.extends));
      continue;
    }
    LadderStep step;
    step.policy = p.name;
    step.parent = p.extends;
    step.saving = paired_saving(p, *parent, f);
    step.p_breach = c.policies[i].risk.p_breach;
    step.p_breach_change = c.policies[i].risk.p_breach - c.policies[static_cast<std::size_t>(parent - run.policies.begin())].risk.p_breach;
    c.ladder.push_back(std::move(step));
  }
  // The baseline's money by what it buys.
  const PolicyComparison& b = c.policies[static_cast<std::size_t>(base - run.policies.begin())];
  double allocated = 0;
  for (const auto& r : base->replicates) allocated += r.cost.allocated_usd;
  allocated = allocated * f / static_cast<double>(base->replicates.size());
  double batch = 0;  // batch jobs' pods, priced as their share of their nodes
  for (const auto& r : base->replicates)
    for (const auto& job : r.batch) batch += job.cost_usd;
  batch = batch * f / static_cast<double>(base->replicates.size());
  const double total = b.monthly_cost.mean_usd;
  c.baseline_drivers = {
      {"GPUs pods requested that served no request", b.split.requested_not_serving_usd, 0},
      {"instance capacity no pod requested (idle nodes and reservations)", b.split.unallocated_usd, 0},
      {"pods' requests while serving", std::max(0.0, allocated - b.split.requested_not_serving_usd - batch), 0},
      {"EKS control plane", b.split.eks_control_plane_usd, 0},
  };
  if (batch > 0) c.baseline_drivers.push_back({"batch jobs' pods", batch, 0});
  for (auto& d : c.baseline_drivers) d.share = total > 0 ? d.usd / total : kNaN;
  std::stable_sort(c.baseline_drivers.begin(), c.baseline_drivers.end(), [](const CostDriver& x, const CostDriver& y) { return x.usd > y.usd; });

  if (c.replicates < 2)
    c.warnings.push_back("one replicate: no spread, no confidence interval, and P(SLO breach) is 0 or 1; compare with --replicates 20 or more");
  const bool judged = std::any_of(c.policies.begin(), c.policies.end(), [](const PolicyComparison& p) { return p.risk.replicates_judged > 0; });
  if (judged && c.replicates >= 2) {
    const auto none_seen = wilson_interval(0, static_cast<std::size_t>(c.replicates));
    if (none_seen && none_seen->high > c.risk_tolerance)
      c.warnings.push_back(fmt::format("with {} replicates, a policy with no breach seen may still breach in up to {:.1f}% of months (Wilson "
                                       "95% bound), above the {:g}% tolerance: more replicates narrow it",
                                       c.replicates, 100 * none_seen->high, 100 * c.risk_tolerance));
  }
  if (c.replicates >= 2 && run.uncertain.empty())
    c.warnings.push_back("the scenario has no uncertainty section: replicates differ only in arrivals, interruptions and start-up "
                         "latencies, never in demand level, growth, spot prices or interruption rates, so the spread and P95 "
                         "understate the risk");
  if (c.window_days < 7)
    c.warnings.push_back(fmt::format("the window is {:.3g} days: the monthly projection repeats it {:.1f} times and misses any weekly pattern",
                                     c.window_days, f));
  c.recommendation = recommend(c);
  return c;
}

}  // namespace capsim
