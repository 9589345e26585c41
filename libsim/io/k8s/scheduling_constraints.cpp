// Node affinity requirements (NodeSelectorRequirement), taints and tolerations, with the API
// server's validation rules.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

std::vector<Requirement> requirements(Checker& ck, const json& j, const std::string& p, const RequirementRules& rules) {
  std::vector<Requirement> out;
  if (!j.is_array()) {
    ck.fail(p, "an array of {key, operator, values}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string rp = ptr_join(p, i);
    const json& r = j[i];
    if (!ck.object(r, rp, {"key", "operator", "values", "minValues"}, {"key", "operator"})) continue;
    if (r.contains("minValues")) {
      ck.fail(rp + "/minValues", "no minValues (capsim does not simulate it yet)", describe(r["minValues"]));
      continue;
    }
    Requirement req;
    req.key = ck.string(r, rp, "key").value_or("");
    std::optional<std::string> op;
    if (rules.karpenter) {
      op = ck.one_of(r, rp, "operator", {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"});
    } else if (const json* o = r.contains("operator") ? &r["operator"] : nullptr; o && (*o == "Gte" || *o == "Lte")) {
      ck.fail(rp + "/operator", "one of In, NotIn, Exists, DoesNotExist, Gt, Lt (a Kubernetes node selector; Gte and Lte are "
                                "Karpenter's, for NodePools and NodeOverlays only)", describe(*o));
    } else {
      op = ck.one_of(r, rp, "operator", {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"});
    }
    if (!op) continue;
    req.op = *parse_operator(*op);
    if (auto vs = r.find("values"); vs != r.end()) {
      if (!vs->is_array()) {
        ck.fail(rp + "/values", "an array of strings", describe(*vs));
        continue;
      }
      for (const auto& v : *vs) req.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
    const bool extra = std::find(rules.extra_keys.begin(), rules.extra_keys.end(), req.key) != rules.extra_keys.end();
    if (auto bad = extra ? check_requirement_values(req) : check_requirement(req); !bad.empty()) {
      if (bad.rfind("a well-known label key", 0) == 0) {
        std::vector<std::string> known = well_known_label_keys();
        known.insert(known.end(), rules.extra_keys.begin(), rules.extra_keys.end());
        std::string expected = bad.substr(0, bad.find(", got "));
        if (!rules.extra_keys_note.empty()) expected += " or " + rules.extra_keys_note;
        ck.fail(rp + "/key", expected, "'" + req.key + "'", did_you_mean(req.key, known));
      } else {
        ck.fail(rp, bad, describe(r));
      }
      continue;
    }
    // Karpenter: "must have a single positive integer value" (0 allowed) for Gt, Lt, Gte and Lte.
    if (rules.karpenter && (req.op == Operator::Gt || req.op == Operator::Lt || req.op == Operator::Gte || req.op == Operator::Lte) &&
        req.values[0].front() == '-') {
      ck.fail(rp + "/values/0", fmt::format("a single non-negative integer for {} (Karpenter refuses a negative bound)", to_string(req.op)),
              "'" + req.values[0] + "'");
      continue;
    }
    out.push_back(std::move(req));
  }
  // Requirements on the same key combine (intersect); a key no value can satisfy makes the whole set
  // impossible, which would leave its pods pending forever.
  const Requirements combined(out);
  for (const auto& [key, k] : combined.keys())
    if (k.empty())
      ck.fail(p, "requirements some node can satisfy", "'" + key + "' constrained to no possible value (" + k.describe() + ")");
  return out;
}

std::vector<Taint> taints(Checker& ck, const json& j, const std::string& p) {
  std::vector<Taint> out;
  if (!j.is_array()) {
    ck.fail(p, "an array of taints {key, value, effect}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string tp = ptr_join(p, i);
    if (!ck.object(j[i], tp, {"key", "value", "effect"}, {"key", "effect"})) continue;
    Taint t;
    t.key = ck.string(j[i], tp, "key").value_or("");
    t.value = ck.string(j[i], tp, "value", false).value_or("");
    if (auto e = ck.one_of(j[i], tp, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) t.effect = *parse_taint_effect(*e);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Toleration> tolerations(Checker& ck, const json& j, const std::string& p) {
  std::vector<Toleration> out;
  if (!j.is_array()) {
    ck.fail(p, "an array of tolerations {key, operator, value, effect}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string tp = ptr_join(p, i);
    if (!ck.object(j[i], tp, {"key", "operator", "value", "effect", "tolerationSeconds"})) continue;
    Toleration t;
    t.key = ck.string(j[i], tp, "key", false).value_or("");
    // An empty operator means Equal, as the API server reads it.
    if (j[i].contains("operator") && j[i]["operator"] == "") t.op = Toleration::Op::Equal;
    else if (auto op = ck.one_of(j[i], tp, "operator", {"Equal", "Exists"})) t.op = *parse_toleration_op(*op);
    t.value = ck.string(j[i], tp, "value", false).value_or("");
    if (auto e = ck.one_of(j[i], tp, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) t.effect = parse_taint_effect(*e);
    if (j[i].contains("tolerationSeconds")) {
      ck.integer(j[i], tp, "tolerationSeconds", 0);
      // The API server's rule: only a NoExecute toleration can be time-limited.
      if (t.effect != TaintEffect::NoExecute)
        ck.fail(tp + "/tolerationSeconds", "tolerationSeconds only with effect NoExecute", "a toleration without it");
    }
    if (auto bad = check_toleration(t); !bad.empty()) {
      ck.fail_message(tp, "expected " + bad);
      continue;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace capsim::io::k8s
