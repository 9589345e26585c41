// `capsim diff`: the change from one policy to another, from their comparison and their runs.
#include "capsim/report/policy_diff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {

constexpr double kNoFigure = std::numeric_limits<double>::quiet_NaN();  // shown as "-"

const PolicyComparison& comparison_of(const Comparison& c, const std::string& name) {
  auto it = std::find_if(c.policies.begin(), c.policies.end(), [&](const PolicyComparison& p) { return p.name == name; });
  if (it == c.policies.end()) throw Error("the comparison has no policy '" + name + "'");
  return *it;
}

const PolicyResult& result_of(const RunResult& r, const std::string& name) {
  auto it = std::find_if(r.policies.begin(), r.policies.end(), [&](const PolicyResult& p) { return p.name == name; });
  if (it == r.policies.end()) throw Error("the run has no policy '" + name + "'");
  return *it;
}

std::string service_of(const std::string& pod) { return pod.substr(0, pod.find('#')); }

// NodePools whose limits refused a type: a launch that had to skip a cheaper type for the pool's
// limits, or a pod no pool took, a pool saying "limits: ..." ("pool gpu: limits: ...; pool b: ...").
std::set<std::string> limited_pools(const PolicyResult& p) {
  std::set<std::string> out;
  for (const auto& rep : p.replicates) {
    for (const auto& l : rep.decisions.launches)
      for (const auto& r : l.cheaper_rejected)
        if (r.reason.rfind("limits:", 0) == 0) out.insert(l.node_pool);
    for (const auto& u : rep.decisions.unschedulable) {
      std::size_t at = 0;
      while ((at = u.reason.find("pool ", at)) != std::string::npos) {
        const std::size_t colon = u.reason.find(": ", at);
        if (colon == std::string::npos) break;
        if (u.reason.compare(colon + 2, 7, "limits:") == 0) out.insert(u.reason.substr(at + 5, colon - at - 5));
        at = colon;
      }
    }
  }
  return out;
}

std::set<std::string> instance_types(const PolicyResult& p) {
  std::set<std::string> out;
  for (const auto& rep : p.replicates)
    for (const auto& n : rep.nodes) out.insert(n.instance_type);
  return out;
}

std::vector<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::string usd(double v) { return std::isfinite(v) ? fmt::format("{:.2f} USD", v) : "-"; }
std::string signed_usd(double v) { return std::isfinite(v) ? fmt::format("{:+.2f} USD", v) : "-"; }
std::string signed_pct(double v) { return std::isfinite(v) ? fmt::format("{:+.1f}%", v) : "-"; }
std::string share(double v) { return std::isfinite(v) ? fmt::format("{:.1f}%", 100 * v) : "-"; }
std::string points(double v) { return std::isfinite(v) ? fmt::format("{:+.1f} points", 100 * v) : "-"; }

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace

PolicyDiff diff_policies(const RunResult& run, const Comparison& comparison, const std::string& before, const std::string& after,
                         std::vector<ManifestChange> changes) {
  const PolicyComparison& b = comparison_of(comparison, before);
  const PolicyComparison& a = comparison_of(comparison, after);
  PolicyDiff d;
  d.before = before;
  d.after = after;
  d.replicates = a.replicates;
  d.cost_before_usd = b.monthly_cost.mean_usd;
  d.cost_after_usd = a.monthly_cost.mean_usd;
  // The comparison's saving of `after` against the baseline `before` is before − after.
  if (a.vs_baseline.against != before) throw Error("the comparison's baseline is not '" + before + "'");
  d.cost_change_usd = -a.vs_baseline.usd;
  d.cost_change_ci_low_usd = -a.vs_baseline.usd_ci_high;
  d.cost_change_ci_high_usd = -a.vs_baseline.usd_ci_low;
  d.cost_change_pct = -a.vs_baseline.pct;
  d.cost_change_pct_ci_low = -a.vs_baseline.pct_ci_high;
  d.cost_change_pct_ci_high = -a.vs_baseline.pct_ci_low;
  const bool judged = b.risk.replicates_judged > 0 && a.risk.replicates_judged > 0;
  d.p_breach_before = b.risk.replicates_judged > 0 ? b.risk.p_breach : kNoFigure;
  d.p_breach_after = a.risk.replicates_judged > 0 ? a.risk.p_breach : kNoFigure;
  d.p_breach_change = judged ? a.risk.p_breach - b.risk.p_breach : kNoFigure;
  for (const auto& sa : a.services) {
    ServiceSlaChange s;
    s.name = sa.name;
    s.missed_share_after = sa.missed_share_mean;
    s.minutes_under_provisioned_after = sa.minutes_under_provisioned_mean;
    auto sb = std::find_if(b.services.begin(), b.services.end(), [&](const ServiceRisk& r) { return r.name == sa.name; });
    s.missed_share_before = sb != b.services.end() ? sb->missed_share_mean : kNoFigure;
    s.minutes_under_provisioned_before = sb != b.services.end() ? sb->minutes_under_provisioned_mean : kNoFigure;
    d.services.push_back(s);
  }
  const PolicyResult& rb = result_of(run, before);
  const PolicyResult& ra = result_of(run, after);
  std::set<std::string> unschedulable_before;
  for (const auto& rep : rb.replicates)
    for (const auto& u : rep.decisions.unschedulable) unschedulable_before.insert(service_of(u.pod));
  std::map<std::string, UnschedulablePods> after_only;  // by service
  for (const auto& rep : ra.replicates) {
    std::set<std::string> in_this;
    for (const auto& u : rep.decisions.unschedulable) {
      const std::string svc = service_of(u.pod);
      if (unschedulable_before.count(svc) || !in_this.insert(svc).second) continue;
      ++after_only.try_emplace(svc, UnschedulablePods{svc, u.reason, 0}).first->second.replicates;
    }
  }
  for (auto& [svc, u] : after_only) d.newly_unschedulable.push_back(std::move(u));
  d.node_pools_now_limited = minus(limited_pools(ra), limited_pools(rb));
  const auto types_before = instance_types(rb), types_after = instance_types(ra);
  d.instance_types_appeared = minus(types_after, types_before);
  d.instance_types_disappeared = minus(types_before, types_after);
  d.manifest_changes = std::move(changes);
  return d;
}

std::vector<std::string> failed_gates(const PolicyDiff& diff, double max_cost_rise_pct, double max_risk_rise_pct) {
  std::vector<std::string> out;
  if (std::isfinite(max_cost_rise_pct) && std::isfinite(diff.cost_change_pct) && diff.cost_change_pct > max_cost_rise_pct)
    out.push_back(fmt::format("the monthly cost rises by {:.1f}%, more than --fail-above {:g}%", diff.cost_change_pct, max_cost_rise_pct));
  if (std::isfinite(max_risk_rise_pct) && std::isfinite(diff.p_breach_change) && 100 * diff.p_breach_change > max_risk_rise_pct)
    out.push_back(fmt::format("P(SLO breach) rises by {:.1f} points, more than --fail-risk {:g}", 100 * diff.p_breach_change,
                              max_risk_rise_pct));
  return out;
}

std::string format_policy_diff(const PolicyDiff& d) {
  std::string out = fmt::format("Change from {} to {} ({} replicate{}, common random numbers)\n", d.before, d.after, d.replicates,
                                d.replicates == 1 ? "" : "s");
  out += fmt::format("  monthly cost          {} -> {}: {} ({}), 95% CI {} to {} ({} to {})\n", usd(d.cost_before_usd),
                     usd(d.cost_after_usd), signed_usd(d.cost_change_usd), signed_pct(d.cost_change_pct),
                     signed_usd(d.cost_change_ci_low_usd), signed_usd(d.cost_change_ci_high_usd), signed_pct(d.cost_change_pct_ci_low),
                     signed_pct(d.cost_change_pct_ci_high));
  out += fmt::format("  P(SLO breach)         {} -> {} ({})\n", share(d.p_breach_before), share(d.p_breach_after),
                     std::isfinite(d.p_breach_change) ? points(d.p_breach_change) : "no objective judged");
  for (const auto& s : d.services)
    out += fmt::format("  service {}: requests missed {} -> {}, minutes under-provisioned {:.1f} -> {:.1f}\n", s.name,
                       share(s.missed_share_before), share(s.missed_share_after), s.minutes_under_provisioned_before,
                       s.minutes_under_provisioned_after);
  out += d.newly_unschedulable.empty() ? "  pods newly unschedulable: none\n" : "  pods newly unschedulable:\n";
  for (const auto& u : d.newly_unschedulable)
    out += fmt::format("    {} (in {} of {} replicates): {}\n", u.service, u.replicates, d.replicates, u.reason);
  out += fmt::format("  NodePools whose limits now bind: {}\n",
                     d.node_pools_now_limited.empty() ? "none" : fmt::format("{}", fmt::join(d.node_pools_now_limited, ", ")));
  out += fmt::format("  instance types appearing: {}\n",
                     d.instance_types_appeared.empty() ? "none" : fmt::format("{}", fmt::join(d.instance_types_appeared, ", ")));
  out += fmt::format("  instance types disappearing: {}\n",
                     d.instance_types_disappeared.empty() ? "none" : fmt::format("{}", fmt::join(d.instance_types_disappeared, ", ")));
  out += d.manifest_changes.empty() ? "  manifests: no object changed\n" : "  manifests:\n";
  for (const auto& c : d.manifest_changes)
    out += fmt::format("    {} {}{}\n", c.change, c.object, c.fields.empty() ? "" : fmt::format(": {}", fmt::join(c.fields, ", ")));
  return out;
}

std::string render_policy_diff_html(const PolicyDiff& d) {
  std::string rows;
  auto row = [&rows](const std::string& what, const std::string& value) {
    rows += "<tr><th>" + html_escape(what) + "</th><td>" + html_escape(value) + "</td></tr>\n";
  };
  row("monthly cost", fmt::format("{} → {}: {} ({}), 95% CI {} to {}", usd(d.cost_before_usd), usd(d.cost_after_usd),
                                  signed_usd(d.cost_change_usd), signed_pct(d.cost_change_pct), signed_usd(d.cost_change_ci_low_usd),
                                  signed_usd(d.cost_change_ci_high_usd)));
  row("P(SLO breach)", fmt::format("{} → {} ({})", share(d.p_breach_before), share(d.p_breach_after),
                                   std::isfinite(d.p_breach_change) ? points(d.p_breach_change) : "no objective judged"));
  for (const auto& s : d.services)
    row("service " + s.name, fmt::format("requests missed {} → {}", share(s.missed_share_before), share(s.missed_share_after)));
  for (const auto& u : d.newly_unschedulable) row("newly unschedulable: " + u.service, u.reason);
  row("NodePools whose limits now bind", d.node_pools_now_limited.empty() ? "none" : fmt::format("{}", fmt::join(d.node_pools_now_limited, ", ")));
  row("instance types appearing", d.instance_types_appeared.empty() ? "none" : fmt::format("{}", fmt::join(d.instance_types_appeared, ", ")));
  row("instance types disappearing",
      d.instance_types_disappeared.empty() ? "none" : fmt::format("{}", fmt::join(d.instance_types_disappeared, ", ")));
  for (const auto& c : d.manifest_changes)
    row(c.change + " " + c.object, c.fields.empty() ? "" : fmt::format("{}", fmt::join(c.fields, ", ")));
  return fmt::format("<section id=\"diff\"><h2>Change from {} to {}</h2>\n<table>\n{}</table></section>\n", html_escape(d.before),
                     html_escape(d.after), rows);
}

}  // namespace capsim
