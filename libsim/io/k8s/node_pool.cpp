// Karpenter v1 NodePool (karpenter.sh/v1): template (labels, requirements, taints, expireAfter),
// limits, weight and disruption (consolidationPolicy, consolidateAfter, budgets).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

std::optional<KarpenterNodePool> node_pool_v1(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  const std::size_t before = ck.errors();
  KarpenterNodePool pool;
  if (ck.object(j["metadata"], p + "/metadata", {"name", "labels", "annotations"}, {"name"}))
    pool.scheduling.name = ck.string(j["metadata"], p + "/metadata", "name").value_or("");
  const json& spec = j["spec"];
  const std::string sp = p + "/spec";
  if (!ck.object(spec, sp, {"template", "limits", "weight", "disruption"}, {"template"})) return std::nullopt;
  pool.scheduling.weight = static_cast<int>(ck.integer(spec, sp, "weight", 0, 100).value_or(0));
  const json& tmpl = spec["template"];
  if (auto md = tmpl.find("metadata"); md != tmpl.end() && ck.object(*md, sp + "/template/metadata", {"labels", "annotations"}))
    pool.labels = ck.string_map(*md, sp + "/template/metadata", "labels");
  if (ck.object(tmpl, sp + "/template", {"metadata", "spec"}, {"spec"}) &&
      ck.object(tmpl["spec"], sp + "/template/spec", {"requirements", "nodeClassRef", "taints", "expireAfter"}, {"requirements"})) {
    const json& ts = tmpl["spec"];
    const std::string tsp = sp + "/template/spec";
    pool.scheduling.requirements = Requirements(requirements(ck, ts["requirements"], tsp + "/requirements", {.karpenter = true}));
    if (auto tt = ts.find("taints"); tt != ts.end()) pool.scheduling.taints = taints(ck, *tt, tsp + "/taints");
    if (auto ea = ts.find("expireAfter"); ea != ts.end()) {
      if (ea->is_string() && ea->get<std::string>() == "Never") pool.expire_after = std::nullopt;
      else if (auto dur = ea->is_string() ? parse_duration(ea->get<std::string>()) : std::nullopt; dur && *dur > 0) pool.expire_after = *dur;
      else ck.fail(tsp + "/expireAfter", "a duration such as \"720h\", or \"Never\"", describe(*ea));
    }
  }
  if (auto l = spec.find("limits"); l != spec.end() && ck.object(*l, sp + "/limits", {"cpu", "memory", "nvidia.com/gpu"})) {
    if (auto v = cpu_quantity(ck, *l, sp + "/limits", "cpu")) pool.scheduling.limits.cpu_millicores = *v;
    if (auto v = memory_quantity(ck, *l, sp + "/limits", "memory")) pool.scheduling.limits.memory_mib = *v;
    if (auto v = ck.integer(*l, sp + "/limits", "nvidia.com/gpu", 0, 1'000'000)) pool.scheduling.limits.gpus = static_cast<int>(*v);
  }
  if (auto d = spec.find("disruption"); d != spec.end() && ck.object(*d, sp + "/disruption", {"consolidationPolicy", "consolidateAfter", "budgets"})) {
    if (auto b = d->find("budgets"); b != d->end()) pool.budgets = disruption_budgets(ck, *b, sp + "/disruption/budgets");
    if (auto cp = ck.one_of(*d, sp + "/disruption", "consolidationPolicy", {"WhenEmpty", "WhenEmptyOrUnderutilized"}))
      pool.consolidation_policy = *cp == "WhenEmpty" ? ConsolidationPolicy::WhenEmpty : ConsolidationPolicy::WhenEmptyOrUnderutilized;
    if (auto ca = d->find("consolidateAfter"); ca != d->end()) {
      if (ca->is_string() && ca->get<std::string>() == "Never") pool.consolidate_after = std::nullopt;
      else if (auto dur = ca->is_string() ? parse_duration(ca->get<std::string>()) : std::nullopt; dur || (ca->is_string() && ca->get<std::string>() == "0s"))
        pool.consolidate_after = dur.value_or(0);
      else ck.fail(sp + "/disruption/consolidateAfter", "a duration such as \"30s\", or \"Never\"", describe(*ca));
    }
  }
  if (ck.errors() != before) return std::nullopt;
  return pool;
}

std::vector<DisruptionBudget> disruption_budgets(Checker& ck, const json& j, const std::string& p) {
  std::vector<DisruptionBudget> out;
  if (!j.is_array()) {
    ck.fail(p, "an array of disruption budgets {nodes, schedule, duration, reasons}", describe(j));
    return default_budgets();
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string bp = ptr_join(p, i);
    if (!ck.object(j[i], bp, {"nodes", "schedule", "duration", "reasons"})) continue;
    // Karpenter defaults a budget's nodes to "10%".
    const std::string nodes = ck.string(j[i], bp, "nodes").value_or(std::string(kDefaultBudgetNodes));
    const std::optional<std::string> schedule = ck.string(j[i], bp, "schedule");
    const std::optional<std::string> duration = ck.string(j[i], bp, "duration");
    std::vector<std::string> reasons;
    if (auto r = j[i].find("reasons"); r != j[i].end()) {
      if (!r->is_array()) ck.fail(bp + "/reasons", "an array of Underutilized, Empty, Drifted", describe(*r));
      else
        for (std::size_t k = 0; k < r->size(); ++k) {
          if ((*r)[k].is_string()) reasons.push_back((*r)[k].get<std::string>());
          else ck.fail(ptr_join(bp + "/reasons", k), "one of Underutilized, Empty, Drifted", describe((*r)[k]));
        }
    }
    try {
      out.push_back(DisruptionBudget::parse(nodes, schedule ? std::optional<std::string_view>(*schedule) : std::nullopt,
                                            duration ? std::optional<std::string_view>(*duration) : std::nullopt, reasons));
    } catch (const Error& e) {
      ck.fail_message(bp, e.what());
    }
  }
  return out;
}

}  // namespace capsim::io::k8s
