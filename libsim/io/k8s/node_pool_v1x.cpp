// A Karpenter NodePool (a manifest's, or the scenario's cluster.node_pools): the v1.x additions
// capsim simulates are read here and taken out of the document the v1 decoder (node_pool.cpp) sees:
// spec.disruption.consolidationPolicy with Balanced, consolidationThreshold; spec.replicas of a
// static NodePool and spec.limits.nodes; minValues on its requirements.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

namespace {
// A bound on replicas and limits.nodes that only catches typing mistakes.
constexpr std::int64_t kMaxStaticReplicas = 100'000;
// Karpenter's CRD bounds a requirement's minValues to 1..50.
constexpr std::int64_t kMaxMinValues = 50;

// The NodePool's hash as Karpenter's static drift compares it (kubernetes-sigs/karpenter: the
// karpenter.sh/nodepool-hash of spec.template with hashstructure, lists as sets, zero values left
// out): the template's labels and annotations, taints, nodeClassRef and expireAfter. Requirements
// are left out (they drift dynamically: a node drifts when its labels no longer meet them), and so
// is everything outside the template (weight, limits, disruption: behavioural fields, never drift).
// expireAfter enters as read, so a left-out "720h" and a written one are the same.
std::string template_hash(const json& j, const KarpenterNodePool& pool) {
  json h = json::object();
  const json* tmpl = nullptr;
  if (j.contains("spec") && j["spec"].is_object() && j["spec"].contains("template")) tmpl = &j["spec"]["template"];
  if (tmpl && tmpl->contains("metadata"))
    for (const char* key : {"labels", "annotations"})
      if ((*tmpl)["metadata"].contains(key) && !(*tmpl)["metadata"][key].empty()) h[key] = (*tmpl)["metadata"][key];
  if (tmpl && tmpl->contains("spec")) {
    const json& ts = (*tmpl)["spec"];
    if (ts.contains("taints") && ts["taints"].is_array() && !ts["taints"].empty()) {
      std::vector<std::string> taints;
      for (const auto& t : ts["taints"]) taints.push_back(t.dump());
      std::sort(taints.begin(), taints.end());
      h["taints"] = taints;
    }
    if (ts.contains("nodeClassRef")) h["nodeClassRef"] = ts["nodeClassRef"];
  }
  h["expireAfter"] = pool.expire_after ? json(*pool.expire_after) : json("Never");
  return h.dump();  // objects dump with their keys sorted
}

}  // namespace

std::optional<KarpenterNodePool> node_pool(Checker& ck, const json& j, const std::string& p) {
  json rest = j;
  std::optional<ConsolidationPolicy> policy;
  std::optional<double> threshold;
  const std::string dp = p + "/spec/disruption";
  bool ok = true;
  if (rest.is_object() && rest.contains("spec") && rest["spec"].is_object() && rest["spec"].contains("disruption") &&
      rest["spec"]["disruption"].is_object()) {
    json& d = rest["spec"]["disruption"];
    if (d.contains("consolidationPolicy")) {
      if (auto cp = ck.one_of(d, dp, "consolidationPolicy", {"WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"}))
        policy = *cp == "WhenEmpty" ? ConsolidationPolicy::WhenEmpty
                 : *cp == "Balanced" ? ConsolidationPolicy::Balanced
                                     : ConsolidationPolicy::WhenEmptyOrUnderutilized;
      else
        ok = false;
      d.erase("consolidationPolicy");
    }
    if (d.contains("consolidationThreshold")) {
      threshold = ck.number(d, dp, "consolidationThreshold", Bound::Positive);
      ok = ok && threshold.has_value();
      // Karpenter's validation: the threshold means something only to Balanced.
      if (threshold && policy != ConsolidationPolicy::Balanced) {
        ck.fail(dp + "/consolidationThreshold", "consolidationThreshold only with consolidationPolicy Balanced",
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
      replicas = ck.integer(spec, sp, "replicas", 0, kMaxStaticReplicas);
      ok = ok && replicas.has_value();
      spec.erase("replicas");
    }
    if (spec.contains("limits") && spec["limits"].is_object() && spec["limits"].contains("nodes")) {
      limit_nodes = ck.integer(spec["limits"], sp + "/limits", "nodes", 0, kMaxStaticReplicas);
      ok = ok && limit_nodes.has_value();
      spec["limits"].erase("nodes");
    }
    // Karpenter's validation of a static NodePool (its CRD's rules, their messages).
    if (is_static) {
      if (spec.contains("weight")) {
        ck.fail(sp + "/weight", "no weight on a static NodePool ('weight' is not supported on static NodePools)",
                 fmt::format("weight {} with replicas", spec["weight"].dump()));
        ok = false;
      }
      if (spec.contains("limits") && spec["limits"].is_object() && !spec["limits"].empty()) {
        ck.fail(sp + "/limits", "only limits.nodes on a static NodePool (only 'limits.nodes' is supported on static NodePools)",
                 fmt::format("limits {} with replicas", spec["limits"].dump()));
        ok = false;
      }
    }
  }
  // minValues on the template's requirements (Karpenter's CRD: 1 to 50; with In, at least that many
  // values listed).
  std::vector<MinValues> min_values;
  if (rest.is_object() && rest.contains("spec") && rest["spec"].is_object() && rest["spec"].contains("template") &&
      rest["spec"]["template"].is_object() && rest["spec"]["template"].contains("spec") && rest["spec"]["template"]["spec"].is_object() &&
      rest["spec"]["template"]["spec"].contains("requirements") && rest["spec"]["template"]["spec"]["requirements"].is_array()) {
    json& reqs = rest["spec"]["template"]["spec"]["requirements"];
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      if (!reqs[i].is_object() || !reqs[i].contains("minValues")) continue;
      const std::string rp = ptr_join(p + "/spec/template/spec/requirements", i);
      const std::optional<std::int64_t> mv = ck.integer(reqs[i], rp, "minValues", 1, kMaxMinValues);
      const std::string key = reqs[i].contains("key") && reqs[i]["key"].is_string() ? reqs[i]["key"].get<std::string>() : "";
      if (mv && reqs[i].value("operator", "") == "In" && reqs[i].contains("values") && reqs[i]["values"].is_array() &&
          reqs[i]["values"].size() < static_cast<std::size_t>(*mv)) {
        ck.fail(rp + "/minValues", fmt::format("at most as many as the values listed with In ({})", reqs[i]["values"].size()),
                 fmt::format("minValues {}", *mv));
        ok = false;
      } else if (mv && !key.empty()) {
        auto same = std::find_if(min_values.begin(), min_values.end(), [&](const MinValues& m) { return m.key == key; });
        if (same == min_values.end()) min_values.push_back(MinValues{key, static_cast<int>(*mv)});
        else same->min = std::max(same->min, static_cast<int>(*mv));  // the largest on a key applies
      }
      ok = ok && mv.has_value();
      reqs[i].erase("minValues");
    }
  }
  std::optional<KarpenterNodePool> pool = node_pool_v1(ck, rest, p);
  if (!pool || !ok) return std::nullopt;
  if (policy) pool->consolidation_policy = *policy;
  if (threshold) pool->consolidation_threshold = *threshold;
  if (replicas) pool->replicas = static_cast<int>(*replicas);
  if (limit_nodes) pool->scheduling.limits.nodes = static_cast<int>(*limit_nodes);
  pool->scheduling.min_values = std::move(min_values);
  pool->template_hash = template_hash(j, *pool);
  return pool;
}

}  // namespace capsim::io::k8s
