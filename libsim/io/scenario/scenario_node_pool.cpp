// A NodePool of the scenario's cluster.node_pools: io/k8s decodes the Karpenter v1 fields it
// shares with manifests; the v1.x additions capsim simulates are read here and taken out of the
// document io/k8s sees (spec.disruption.consolidationPolicy with Balanced, consolidationThreshold;
// spec.replicas of a static NodePool and spec.limits.nodes).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/json/json_checker.hpp"
#include "io/k8s/decoders.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

namespace {
// A bound on replicas and limits.nodes that only catches typing mistakes.
constexpr std::int64_t kMaxStaticReplicas = 100'000;
}  // namespace

std::optional<KarpenterNodePool> Loader::parse_node_pool(const json& j, const std::string& p) {
  json rest = j;
  std::optional<ConsolidationPolicy> policy;
  std::optional<double> threshold;
  const std::string dp = p + "/spec/disruption";
  bool ok = true;
  if (rest.is_object() && rest.contains("spec") && rest["spec"].is_object() && rest["spec"].contains("disruption") &&
      rest["spec"]["disruption"].is_object()) {
    json& d = rest["spec"]["disruption"];
    if (d.contains("consolidationPolicy")) {
      if (auto cp = ck_.one_of(d, dp, "consolidationPolicy", {"WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"}))
        policy = *cp == "WhenEmpty" ? ConsolidationPolicy::WhenEmpty
                 : *cp == "Balanced" ? ConsolidationPolicy::Balanced
                                     : ConsolidationPolicy::WhenEmptyOrUnderutilized;
      else
        ok = false;
      d.erase("consolidationPolicy");
    }
    if (d.contains("consolidationThreshold")) {
      threshold = ck_.number(d, dp, "consolidationThreshold", Bound::Positive);
      ok = ok && threshold.has_value();
      // Karpenter's validation: the threshold means something only to Balanced.
      if (threshold && policy != ConsolidationPolicy::Balanced) {
        ck_.fail(dp + "/consolidationThreshold", "consolidationThreshold only with consolidationPolicy Balanced",
                 fmt::format("consolidationThreshold {} with consolidationPolicy {}", *threshold,
                             policy == ConsolidationPolicy::WhenEmpty ? "WhenEmpty" : "WhenEmptyOrUnderutilized"));
        ok = false;
      }
      d.erase("consolidationThreshold");
    }
  }
  std::optional<std::int64_t> replicas, limit_nodes;
  if (rest.is_object() && rest.contains("spec") && rest["spec"].is_object()) {
    json& spec = rest["spec"];
    const std::string sp = p + "/spec";
    const bool is_static = spec.contains("replicas");
    if (is_static) {
      replicas = ck_.integer(spec, sp, "replicas", 0, kMaxStaticReplicas);
      ok = ok && replicas.has_value();
      spec.erase("replicas");
    }
    if (spec.contains("limits") && spec["limits"].is_object() && spec["limits"].contains("nodes")) {
      limit_nodes = ck_.integer(spec["limits"], sp + "/limits", "nodes", 0, kMaxStaticReplicas);
      ok = ok && limit_nodes.has_value();
      spec["limits"].erase("nodes");
    }
    // Karpenter's validation of a static NodePool (its CRD's rules, their messages).
    if (is_static) {
      if (spec.contains("weight")) {
        ck_.fail(sp + "/weight", "no weight on a static NodePool ('weight' is not supported on static NodePools)",
                 fmt::format("weight {} with replicas", spec["weight"].dump()));
        ok = false;
      }
      if (spec.contains("limits") && spec["limits"].is_object() && !spec["limits"].empty()) {
        ck_.fail(sp + "/limits", "only limits.nodes on a static NodePool (only 'limits.nodes' is supported on static NodePools)",
                 fmt::format("limits {} with replicas", spec["limits"].dump()));
        ok = false;
      }
    }
  }
  std::optional<KarpenterNodePool> pool = k8s::node_pool(ck_, rest, p);
  if (!pool || !ok) return std::nullopt;
  if (policy) pool->consolidation_policy = *policy;
  if (threshold) pool->consolidation_threshold = *threshold;
  if (replicas) pool->replicas = static_cast<int>(*replicas);
  if (limit_nodes) pool->scheduling.limits.nodes = static_cast<int>(*limit_nodes);
  return pool;
}

}  // namespace capsim::io::detail
