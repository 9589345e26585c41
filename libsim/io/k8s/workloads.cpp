// Deployments and StatefulSets (apps/v1), LimitRanges (v1), PodDisruptionBudgets (policy/v1),
// label selectors and EC2NodeClasses (karpenter.k8s.aws/v1), with the API server's defaulting and
// validation rules where they decide what a pod requests or whether it exists at all.
#include "io/k8s/workloads.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/io/text_parse.hpp"

namespace capsim::io::k8s {

namespace {

// Object metadata capsim reads past: what `kubectl get -o yaml` adds is not in manifests as written.
const std::vector<std::string> kMetadataKeys = {"name", "namespace", "labels", "annotations"};

bool percent_or_count(Checker& ck, const json& obj, const std::string& p, const char* key, std::optional<std::string>& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    out = std::to_string(it->get<std::int64_t>());
    return true;
  }
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    const auto n = s.size() > 1 && s.back() == '%' ? parse_number(s.substr(0, s.size() - 1)) : std::nullopt;
    if (n && *n >= 0 && *n <= 100 && *n == static_cast<double>(static_cast<int>(*n))) {
      out = s;
      return true;
    }
  }
  ck.fail(ptr_join(p, key), "a count of pods (0 or more) or a percentage such as \"25%\"", describe(*it));
  return false;
}

}  // namespace

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& [k, v] : match_labels)
    if (auto it = labels.find(k); it == labels.end() || it->second != v) return false;
  for (const auto& e : match_expressions) {
    auto it = labels.find(e.key);
    const bool has = it != labels.end();
    const bool listed = has && std::find(e.values.begin(), e.values.end(), it->second) != e.values.end();
    if (e.op == "In" && !listed) return false;
    if (e.op == "NotIn" && listed) return false;
    if (e.op == "Exists" && !has) return false;
    if (e.op == "DoesNotExist" && has) return false;
  }
  return true;
}

std::optional<LabelSelector> label_selector(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"matchLabels", "matchExpressions"})) return std::nullopt;
  const std::size_t before = ck.errors();
  LabelSelector out;
  out.match_labels = ck.string_map(j, p, "matchLabels");
  if (auto me = j.find("matchExpressions"); me != j.end()) {
    if (!me->is_array()) ck.fail(p + "/matchExpressions", "an array of {key, operator, values}", describe(*me));
    else
      for (std::size_t i = 0; i < me->size(); ++i) {
        const std::string ep = ptr_join(p + "/matchExpressions", i);
        if (!ck.object((*me)[i], ep, {"key", "operator", "values"}, {"key", "operator"})) continue;
        LabelSelector::Expression e;
        e.key = ck.string((*me)[i], ep, "key").value_or("");
        e.op = ck.one_of((*me)[i], ep, "operator", {"In", "NotIn", "Exists", "DoesNotExist"}).value_or("");
        if (auto vs = (*me)[i].find("values"); vs != (*me)[i].end()) {
          if (!vs->is_array()) ck.fail(ep + "/values", "an array of strings", describe(*vs));
          else
            for (std::size_t k = 0; k < vs->size(); ++k) {
              if ((*vs)[k].is_string()) e.values.push_back((*vs)[k].get<std::string>());
              else ck.fail(ptr_join(ep + "/values", k), "a string", describe((*vs)[k]));
            }
        }
        // The API server's rule: In and NotIn need values, Exists and DoesNotExist none.
        const bool needs_values = e.op == "In" || e.op == "NotIn";
        if (!e.op.empty() && needs_values == e.values.empty())
          ck.fail(ep + "/values", needs_values ? "at least one value for " + e.op : "no values for " + e.op,
                  e.values.empty() ? "none" : fmt::format("{} values", e.values.size()));
        out.match_expressions.push_back(std::move(e));
      }
  }
  if (ck.errors() != before) return std::nullopt;
  return out;
}

std::optional<Workload> workload(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  const std::size_t before = ck.errors();
  Workload out;
  out.kind = j.contains("kind") && j["kind"].is_string() ? j["kind"].get<std::string>() : "Deployment";
  if (ck.object(j["metadata"], p + "/metadata", kMetadataKeys, {"name"})) {
    out.name = ck.string(j["metadata"], p + "/metadata", "name").value_or("");
    out.namespace_name = ck.string(j["metadata"], p + "/metadata", "namespace").value_or("default");
  }
  const json& spec = j["spec"];
  const std::string sp = p + "/spec";
  const std::vector<std::string> keys =
      out.kind == "StatefulSet"
          ? std::vector<std::string>{"replicas", "selector", "template", "serviceName", "podManagementPolicy", "updateStrategy",
                                     "volumeClaimTemplates", "persistentVolumeClaimRetentionPolicy", "minReadySeconds",
                                     "revisionHistoryLimit", "ordinals"}
          : std::vector<std::string>{"replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
                                     "progressDeadlineSeconds", "paused"};
  // apps/v1 requires a selector (it no longer defaults to the template's labels).
  if (!ck.object(spec, sp, keys, {"selector", "template"})) return std::nullopt;
  if (spec.contains("replicas")) {
    out.replicas_given = true;
    out.replicas = static_cast<int>(ck.integer(spec, sp, "replicas", 0, kMaxReplicas).value_or(1));
  }
  if (auto s = label_selector(ck, spec["selector"], sp + "/selector")) out.selector = std::move(*s);
  const json& tmpl = spec["template"];
  if (tmpl.is_object())
    if (auto md = tmpl.find("metadata"); md != tmpl.end() && md->is_object()) out.pod_labels = ck.string_map(*md, sp + "/template/metadata", "labels");
  if (ck.errors() != before) return std::nullopt;
  if (out.selector.match_labels.empty() && out.selector.match_expressions.empty()) {
    ck.fail(sp + "/selector", "a non-empty selector (the API server refuses an empty one for a " + out.kind + ")", "an empty selector");
  } else if (!out.selector.matches(out.pod_labels)) {
    std::string labels;
    for (const auto& [k, v] : out.pod_labels) labels += (labels.empty() ? "" : ", ") + k + "=" + v;
    ck.fail(sp + "/template/metadata/labels", "labels the selector selects (the API server refuses a template its selector does not match)",
            labels.empty() ? "no labels" : labels + ", which it does not select");
  }
  if (ck.errors() != before) return std::nullopt;
  return out;
}

std::optional<LimitRangeDefaults> limit_range(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  ck.object(j["metadata"], p + "/metadata", kMetadataKeys, {"name"});
  const std::string sp = p + "/spec";
  if (!ck.object(j["spec"], sp, {"limits"}, {"limits"})) return std::nullopt;
  const json& limits = j["spec"]["limits"];
  if (!limits.is_array()) {
    ck.fail(sp + "/limits", "an array of limit range items {type, default, defaultRequest, min, max}", describe(limits));
    return std::nullopt;
  }
  const std::size_t before = ck.errors();
  LimitRangeDefaults out;
  bool container_item = false;
  for (std::size_t i = 0; i < limits.size(); ++i) {
    const std::string ip = ptr_join(sp + "/limits", i);
    const json& item = limits[i];
    if (!ck.object(item, ip, {"type", "default", "defaultRequest", "min", "max", "maxLimitRequestRatio"}, {"type"})) continue;
    auto type = ck.one_of(item, ip, "type", {"Container", "Pod", "PersistentVolumeClaim"});
    // Only a Container item defaults what a pod requests; Pod and PVC items bound other things.
    if (!type || *type != "Container") continue;
    if (container_item) {
      ck.fail(ip + "/type", "one item of type Container (which default would apply is not defined)", "a second one");
      continue;
    }
    container_item = true;
    for (const char* section : {"default", "defaultRequest", "min", "max"}) {
      auto s = item.find(section);
      if (s == item.end()) continue;
      const std::string secp = ip + "/" + section;
      if (!ck.object(*s, secp, {"cpu", "memory", "ephemeral-storage"})) continue;
      const auto cpu = cpu_quantity(ck, *s, secp, "cpu");
      const auto memory = memory_quantity(ck, *s, secp, "memory");
      const std::string name(section);
      if (name == "min" || name == "max") {
        auto& bound = name == "min" ? out.min : out.max;
        if (cpu) bound["cpu"] = *cpu;
        if (memory) bound["memory"] = *memory;
      } else {
        json& target = name == "default" ? out.default_limits : out.default_requests;
        for (const char* r : {"cpu", "memory"})
          if (s->contains(r)) target[r] = (*s)[r];
      }
    }
  }
  if (ck.errors() != before) return std::nullopt;
  // The API server's defaulting of a Container item: default ← max, defaultRequest ← default, then ← min.
  for (const char* r : {"cpu", "memory"}) {
    if (!out.default_limits.contains(r) && out.max.count(r))
      out.default_limits[r] = std::string(r) == "cpu" ? json(fmt::format("{}m", out.max.at(r))) : json(fmt::format("{}Mi", out.max.at(r)));
    if (!out.default_requests.contains(r) && out.default_limits.contains(r)) out.default_requests[r] = out.default_limits[r];
    if (!out.default_requests.contains(r) && out.min.count(r))
      out.default_requests[r] = std::string(r) == "cpu" ? json(fmt::format("{}m", out.min.at(r))) : json(fmt::format("{}Mi", out.min.at(r)));
  }
  return out;
}

void apply_limit_range(Checker& ck, const LimitRangeDefaults& limits, json& pod_template, const std::string& p) {
  if (!pod_template.is_object() || !pod_template.contains("spec") || !pod_template["spec"].is_object()) return;
  json& spec = pod_template["spec"];
  for (const char* list : {"initContainers", "containers"}) {
    auto cs = spec.find(list);
    if (cs == spec.end() || !cs->is_array()) continue;
    for (std::size_t i = 0; i < cs->size(); ++i) {
      json& c = (*cs)[i];
      if (!c.is_object()) continue;
      const std::string rp = ptr_join(p + "/spec/" + list, i) + "/resources";
      json& res = c["resources"];
      if (res.is_null()) res = json::object();
      // Sections of another type are reported by the pod template's decoder.
      if (!res.is_object() || (res.contains("requests") && !res["requests"].is_object()) || (res.contains("limits") && !res["limits"].is_object()))
        continue;
      for (const char* r : {"cpu", "memory"}) {
        const bool has_limit = res.contains("limits") && res["limits"].is_object() && res["limits"].contains(r);
        const bool has_request = res.contains("requests") && res["requests"].is_object() && res["requests"].contains(r);
        // The pod's own defaulting runs first: a request left out is its limit.
        if (!has_request && !has_limit && limits.default_requests.contains(r)) res["requests"][r] = limits.default_requests[r];
        if (!has_limit && limits.default_limits.contains(r)) res["limits"][r] = limits.default_limits[r];
        const bool cpu = std::string(r) == "cpu";
        for (const char* section : {"requests", "limits"}) {
          if (!res.contains(section) || !res[section].is_object() || !res[section].contains(r)) continue;
          const json& v = res[section][r];
          // A quantity that does not parse is reported by the pod template's decoder.
          const std::optional<std::int64_t> q = cpu ? (v.is_number() ? parse_cpu_millicores(v.dump())
                                                                      : v.is_string() ? parse_cpu_millicores(v.get<std::string>()) : std::nullopt)
                                                    : (v.is_string() ? parse_memory_mib(v.get<std::string>()) : std::nullopt);
          if (!q) continue;
          const char* unit = cpu ? "m" : "Mi";
          const std::string at = rp + "/" + section + "/" + r;
          if (auto m = limits.min.find(r); m != limits.min.end() && *q < m->second)
            ck.fail(at, fmt::format("at least the namespace's LimitRange min ({}{}); the API server refuses the pod", m->second, unit),
                    fmt::format("{}{}", *q, unit));
          if (auto m = limits.max.find(r); m != limits.max.end() && *q > m->second)
            ck.fail(at, fmt::format("at most the namespace's LimitRange max ({}{}); the API server refuses the pod", m->second, unit),
                    fmt::format("{}{}", *q, unit));
        }
      }
      if (res.empty()) c.erase("resources");
    }
  }
}

std::optional<PodDisruptionBudgetSpec> pod_disruption_budget(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  const std::size_t before = ck.errors();
  PodDisruptionBudgetSpec out;
  if (ck.object(j["metadata"], p + "/metadata", kMetadataKeys, {"name"})) {
    out.name = ck.string(j["metadata"], p + "/metadata", "name").value_or("");
    out.namespace_name = ck.string(j["metadata"], p + "/metadata", "namespace").value_or("default");
  }
  const std::string sp = p + "/spec";
  const json& spec = j["spec"];
  if (!ck.object(spec, sp, {"minAvailable", "maxUnavailable", "selector", "unhealthyPodEvictionPolicy"})) return std::nullopt;
  percent_or_count(ck, spec, sp, "minAvailable", out.min_available);
  percent_or_count(ck, spec, sp, "maxUnavailable", out.max_unavailable);
  // The API server refuses both; with neither, how many pods a drain may take is not said.
  if (spec.contains("minAvailable") == spec.contains("maxUnavailable"))
    ck.fail(sp, "exactly one of minAvailable and maxUnavailable", spec.contains("minAvailable") ? "both" : "neither");
  out.unhealthy_pod_eviction_policy = ck.one_of(spec, sp, "unhealthyPodEvictionPolicy", {"IfHealthyBudget", "AlwaysAllow"});
  if (auto s = spec.find("selector"); s != spec.end()) {
    if (auto sel = label_selector(ck, *s, sp + "/selector")) out.selector = std::move(*sel);
  } else {
    ck.fail(sp, "a selector of the pods the budget protects", "no selector");
  }
  if (ck.errors() != before) return std::nullopt;
  return out;
}

namespace {

// A value as Karpenter's hash sees it (hashstructure with IgnoreZeroValue, ZeroNil, SlicesAsSets):
// null and zero values (false, 0, "", empty lists and objects) left out, list items in one order.
json canonical(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [key, value] : v.items()) {
      json c = canonical(value);
      if (!c.is_null()) out[key] = std::move(c);
    }
    return out.empty() ? json() : out;
  }
  if (v.is_array()) {
    std::vector<std::string> items;
    for (const json& e : v) {
      const json c = canonical(e);
      if (!c.is_null()) items.push_back(c.dump());
    }
    if (items.empty()) return json();
    std::sort(items.begin(), items.end());
    json out = json::array();
    for (const std::string& text : items) out.push_back(json::parse(text));
    return out;
  }
  if ((v.is_boolean() && !v.get<bool>()) || (v.is_number() && v.get<double>() == 0) || (v.is_string() && v.get<std::string>().empty()))
    return json();
  return v;
}

// The AMI family of a class (EC2NodeClass.AMIFamily()): spec.amiFamily, else the family of its alias
// term ("al2023@v20240625" → AL2023), else Custom.
std::string ami_family(const json& spec) {
  if (auto f = spec.find("amiFamily"); f != spec.end() && f->is_string()) return f->get<std::string>();
  static const std::map<std::string, std::string> kFamilies = {{"al2", "AL2"}, {"al2023", "AL2023"}, {"bottlerocket", "Bottlerocket"},
                                                               {"windows2019", "Windows2019"}, {"windows2022", "Windows2022"}};
  if (auto terms = spec.find("amiSelectorTerms"); terms != spec.end() && terms->is_array())
    for (const json& t : *terms)
      if (t.is_object() && t.contains("alias") && t["alias"].is_string()) {
        const std::string alias = t["alias"].get<std::string>();
        auto f = kFamilies.find(alias.substr(0, alias.find('@')));
        if (f != kFamilies.end()) return f->second;
      }
  return "Custom";
}

}  // namespace

std::optional<Ec2NodeClassSpec> ec2_node_class(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  const std::size_t before = ck.errors();
  Ec2NodeClassSpec out;
  if (ck.object(j["metadata"], p + "/metadata", {"name", "labels", "annotations"}, {"name"}))
    out.name = ck.string(j["metadata"], p + "/metadata", "name").value_or("");
  const std::string sp = p + "/spec";
  const json& spec = j["spec"];
  // karpenter.k8s.aws/v1 EC2NodeClassSpec's fields: the two capsim reads, and the ones it reads past.
  static const std::vector<std::string> kIgnored = {
      "amiFamily", "amiSelectorTerms", "associatePublicIPAddress", "blockDeviceMappings", "context", "detailedMonitoring",
      "instanceProfile", "ipPrefixCount", "kubelet", "metadataOptions", "role", "securityGroupSelectorTerms", "subnetSelectorTerms",
      "tags", "userData"};
  std::vector<std::string> allowed = kIgnored;
  allowed.insert(allowed.end(), {"instanceStorePolicy", "capacityReservationSelectorTerms"});
  if (!ck.object(spec, sp, allowed)) return std::nullopt;
  out.instance_store_policy = ck.one_of(spec, sp, "instanceStorePolicy", {"RAID0"});
  if (auto cr = spec.find("capacityReservationSelectorTerms"); cr != spec.end()) {
    if (!cr->is_array()) {
      ck.fail(sp + "/capacityReservationSelectorTerms", "an array of terms {id} or {tags, ownerID}", describe(*cr));
    } else {
      for (std::size_t i = 0; i < cr->size(); ++i) {
        const std::string tp = ptr_join(sp + "/capacityReservationSelectorTerms", i);
        if (!ck.object((*cr)[i], tp, {"id", "tags", "ownerID"})) continue;
        // Karpenter's validation: a term names an id, or tags; an id stands alone.
        const bool id = (*cr)[i].contains("id"), tags = (*cr)[i].contains("tags");
        if (id == tags) ck.fail(tp, "either 'id' or 'tags' (with an optional ownerID)", id ? "both" : "neither");
        CapacityReservationTerm term;
        if (id) term.id = ck.string((*cr)[i], tp, "id");
        if (tags) term.tags = ck.string_map((*cr)[i], tp, "tags");
        if ((*cr)[i].contains("ownerID")) term.owner_id = ck.string((*cr)[i], tp, "ownerID").value_or("");
        if (id && (*cr)[i].contains("ownerID")) ck.fail(tp + "/ownerID", "ownerID only with tags (an id stands alone)", "an ownerID with an id");
        out.capacity_reservation_terms.push_back(std::move(term));
      }
    }
  }
  for (const auto& [key, value] : spec.items())
    if (std::find(kIgnored.begin(), kIgnored.end(), key) != kIgnored.end()) out.ignored_fields.push_back(key);
  // karpenter-provider-aws marks these spec fields hash:"ignore": the selector terms drift
  // dynamically (what they resolve to), ipPrefixCount not at all; the AMI family is hashed as resolved.
  static const std::vector<std::string> kNotHashed = {"amiFamily", "amiSelectorTerms", "capacityReservationSelectorTerms", "ipPrefixCount",
                                                      "securityGroupSelectorTerms", "subnetSelectorTerms"};
  json hashed = json::object(), terms = json::object();
  for (const auto& [key, value] : spec.items()) {
    if (std::find(kNotHashed.begin(), kNotHashed.end(), key) == kNotHashed.end()) hashed[key] = value;
    if (key == "amiSelectorTerms" || key == "subnetSelectorTerms" || key == "securityGroupSelectorTerms") terms[key] = value;
  }
  hashed["amiFamily"] = ami_family(spec);
  out.static_hash = canonical(hashed).dump();
  const json resolved = canonical(terms);
  out.resolution_terms = resolved.is_null() ? "{}" : resolved.dump();
  if (ck.errors() != before) return std::nullopt;
  return out;
}

}  // namespace capsim::io::k8s
