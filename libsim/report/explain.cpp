#include "capsim/report/explain.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace capsim {

namespace {

std::string when(UtcTime start, double at_s) { return format_utc(to_utc(start, seconds(at_s))); }

std::string launch_text(const LaunchDecision& d, UtcTime start) {
  std::string pods;
  for (std::size_t i = 0; i < d.pods.size(); ++i) pods += (i ? ", " : "") + d.pods[i];
  std::string text = fmt::format("{} NodePool {}: node {} ({}, {}, {:.4f} USD/h) for {} pod(s) [{}]; {} type(s) considered, "
                                 "{} in the launch request",
                                 when(start, d.at_s), d.node_pool, d.instance_type, d.capacity_type, d.zone, d.price_usd_per_h,
                                 d.pods.size(), pods, d.types_considered, d.types_in_request);
  if (d.cheaper_rejected.empty()) text += "; no cheaper type was rejected";
  // Types rejected for the same reason go on one line ("42 cheaper types: requirements:
  // instance-family In [g5]: ..."; a requirement's reason without the type's own value); a reason
  // only one type has is listed with it.
  std::vector<std::string> keys;
  std::map<std::string, std::vector<const RejectedType*>> by_requirement;
  std::vector<const RejectedType*> others;
  for (const RejectedType& r : d.cheaper_rejected) {
    const auto but = r.reason.find(" but it is ");
    const std::string key = r.reason.rfind("requirements: ", 0) == 0 && but != std::string::npos ? r.reason.substr(0, but) : r.reason;
    if (!by_requirement.count(key)) keys.push_back(key);
    by_requirement[key].push_back(&r);
  }
  for (const auto& key : keys) {
    const auto& group = by_requirement[key];
    if (group.size() == 1) {
      others.push_back(group.front());
      continue;
    }
    std::string names;
    for (const RejectedType* r : group) names += (names.empty() ? "" : ", ") + r->instance_type;
    text += fmt::format("\n    {} cheaper types ({:.4f} to {:.4f} USD/h): {}: {}", group.size(), group.front()->price_usd_per_h,
                        group.back()->price_usd_per_h, key, names);
  }
  std::stable_sort(others.begin(), others.end(), [](const RejectedType* a, const RejectedType* b) { return a->price_usd_per_h < b->price_usd_per_h; });
  for (const RejectedType* r : others) text += fmt::format("\n    {} ({:.4f} USD/h): {}", r->instance_type, r->price_usd_per_h, r->reason);
  return text;
}

std::string consolidation_text(const ConsolidationDecision& d, UtcTime start) {
  std::string nodes;
  for (std::size_t i = 0; i < d.nodes.size(); ++i)
    nodes += fmt::format("{}{} ({}, {} pod(s))", i ? ", " : "", d.nodes[i].instance_type, d.nodes[i].capacity_type, d.nodes[i].pods);
  // Drift's replacement is what the changed NodePool asks for, cheaper or not.
  const bool drift = d.method == "drift";
  std::string text = fmt::format("{} {}: {} {} node(s) [{}] costing {:.4f} USD/h", when(start, d.at_s),
                                 drift ? "drift" : fmt::format("consolidation ({})", d.method), d.replaced ? "replace" : "delete",
                                 d.nodes.size(), nodes, d.nodes_price_usd_per_h);
  if (d.replaced)
    text += fmt::format(" by {} ({}, {:.4f} USD/h; {} {}type(s) in the launch request)", d.replacement_type, d.replacement_capacity_type,
                        d.replacement_price_usd_per_h, d.replacement_types_in_request, drift ? "" : "cheaper ");
  return text;
}

std::string score_text(const ConsolidationScoreDecision& d, UtcTime start) {
  std::string nodes;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) nodes += (i ? ", " : "") + d.nodes[i];
  return fmt::format("{} Balanced {} {} consolidation of [{}]: score {:.3f} {} threshold {:.3f} (saves {:.4f} USD/h, {:.1f}% of the "
                     "NodePool's cost; disruption cost {:g}, {:.1f}% of the NodePool's)",
                     when(start, d.at_s), d.approved ? "approved" : "refused", d.method, nodes, d.score, d.approved ? ">=" : "<", d.threshold,
                     d.savings_usd_per_h, 100 * d.savings_fraction, d.disruption_cost, 100 * d.disruption_fraction);
}

}  // namespace

std::vector<std::string> explain(const Decisions& decisions, UtcTime start) {
  std::map<std::uint64_t, std::string> ordered;
  for (const auto& d : decisions.launches) ordered.emplace(d.sequence, launch_text(d, start));
  for (const auto& d : decisions.consolidations) ordered.emplace(d.sequence, consolidation_text(d, start));
  for (const auto& d : decisions.consolidation_scores) ordered.emplace(d.sequence, score_text(d, start));
  for (const auto& d : decisions.unschedulable)
    ordered.emplace(d.sequence, fmt::format("{} pod {} could not be scheduled: {}", when(start, d.at_s), d.pod, d.reason));
  for (const auto& d : decisions.unremovable)
    ordered.emplace(d.sequence, fmt::format("{} Cluster Autoscaler: node {} ({}, {}) is under-utilized but not removable, {}: {}", when(start, d.at_s),
                                            d.node, d.instance_type, d.zone, d.reason, d.detail));
  std::vector<std::string> out;
  out.reserve(ordered.size());
  for (auto& [_, text] : ordered) out.push_back(std::move(text));
  return out;
}

}  // namespace capsim
