#include "capsim/report/explain.hpp"

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
  for (const RejectedType& r : d.cheaper_rejected) text += fmt::format("\n    {} ({:.4f} USD/h): {}", r.instance_type, r.price_usd_per_h, r.reason);
  return text;
}

std::string consolidation_text(const ConsolidationDecision& d, UtcTime start) {
  std::string nodes;
  for (std::size_t i = 0; i < d.nodes.size(); ++i)
    nodes += fmt::format("{}{} ({}, {} pod(s))", i ? ", " : "", d.nodes[i].instance_type, d.nodes[i].capacity_type, d.nodes[i].pods);
  std::string text = fmt::format("{} consolidation ({}): {} {} node(s) [{}] costing {:.4f} USD/h", when(start, d.at_s), d.method,
                                 d.replaced ? "replace" : "delete", d.nodes.size(), nodes, d.nodes_price_usd_per_h);
  if (d.replaced)
    text += fmt::format(" by {} ({}, {:.4f} USD/h; {} cheaper type(s) in the launch request)", d.replacement_type,
                        d.replacement_capacity_type, d.replacement_price_usd_per_h, d.replacement_types_in_request);
  return text;
}

}  // namespace

std::vector<std::string> explain(const Decisions& decisions, UtcTime start) {
  std::map<std::uint64_t, std::string> ordered;
  for (const auto& d : decisions.launches) ordered.emplace(d.sequence, launch_text(d, start));
  for (const auto& d : decisions.consolidations) ordered.emplace(d.sequence, consolidation_text(d, start));
  for (const auto& d : decisions.unschedulable)
    ordered.emplace(d.sequence, fmt::format("{} pod {} could not be scheduled: {}", when(start, d.at_s), d.pod, d.reason));
  std::vector<std::string> out;
  out.reserve(ordered.size());
  for (auto& [_, text] : ordered) out.push_back(std::move(text));
  return out;
}

}  // namespace capsim
