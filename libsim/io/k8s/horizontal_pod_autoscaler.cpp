// autoscaling/v2 HorizontalPodAutoscaler spec: bounds, behavior, Pods and External metrics.
#include <algorithm>
#include <cmath>
#include <set>

#include "capsim/autoscale/hpa.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

namespace {

// A Kubernetes decimal quantity as a number: 1.5, "1.5", "500m".
std::optional<double> decimal_quantity(const json& v) {
  if (v.is_number()) return std::isfinite(v.get<double>()) ? std::optional<double>(v.get<double>()) : std::nullopt;
  if (!v.is_string()) return std::nullopt;
  std::string q = v.get<std::string>();
  double scale = 1;
  if (!q.empty() && q.back() == 'm') {
    scale = 1e-3;
    q.pop_back();
  }
  if (auto n = parse_number(q)) return *n * scale;
  return std::nullopt;
}

// A Resource metric ({name: cpu|memory, target: Utilization averageUtilization | AverageValue
// averageValue}); the replica's request and use are filled in by the scenario loader.
std::optional<HpaMetric> resource_metric(Checker& ck, const json& r, const std::string& rp) {
  if (!ck.object(r, rp, {"name", "target"}, {"name", "target"})) return std::nullopt;
  HpaMetric metric;
  metric.source = HpaMetric::Source::Resource;
  metric.name = ck.one_of(r, rp, "name", {"cpu", "memory"}, "capsim models the cpu and memory a replica uses").value_or("");
  const json& target = r["target"];
  const std::string tp = rp + "/target";
  if (!ck.object(target, tp, {"type", "averageUtilization", "averageValue"}, {"type"})) return std::nullopt;
  auto tt = ck.one_of(target, tp, "type", {"Utilization", "AverageValue"});
  if (!tt || metric.name.empty()) return std::nullopt;
  if (*tt == "Utilization") {
    metric.target_type = HpaMetric::Target::Utilization;
    if (!target.contains("averageUtilization")) ck.fail(tp, "the key 'averageUtilization' for type Utilization", "an object without it");
    metric.target = static_cast<double>(ck.integer(target, tp, "averageUtilization", 1, 100000).value_or(0));
  } else {
    metric.target_type = HpaMetric::Target::AverageValue;
    if (!target.contains("averageValue")) ck.fail(tp, "the key 'averageValue' for type AverageValue", "an object without it");
    const auto v = metric.name == "cpu" ? cpu_quantity(ck, target, tp, "averageValue") : memory_quantity(ck, target, tp, "averageValue");
    if (v && *v <= 0) ck.fail(tp + "/averageValue", "a quantity > 0", describe(target["averageValue"]));
    metric.target = static_cast<double>(v.value_or(0));
  }
  return metric;
}

std::optional<HpaScalingRules> scaling_rules(Checker& ck, const json& j, const std::string& p, const HpaScalingRules& defaults) {
  if (!ck.object(j, p, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"})) return std::nullopt;
  HpaScalingRules r = defaults;
  if (auto t = j.find("tolerance"); t != j.end()) {
    // Kubernetes 1.33+ (HPAConfigurableTolerance): a quantity >= 0 for this direction's ratios.
    auto v = decimal_quantity(*t);
    if (!v || *v < 0) ck.fail(p + "/tolerance", "a quantity >= 0 such as \"0.05\" or \"50m\"", describe(*t));
    else r.tolerance = *v;
  }
  if (auto w = ck.integer(j, p, "stabilizationWindowSeconds", 0, 3600)) r.stabilization_window = seconds(static_cast<double>(*w));
  if (auto sp = ck.one_of(j, p, "selectPolicy", {"Max", "Min", "Disabled"}))
    r.select_policy = *sp == "Max" ? SelectPolicy::Max : *sp == "Min" ? SelectPolicy::Min : SelectPolicy::Disabled;
  if (auto ps = j.find("policies"); ps != j.end()) {
    if (!ps->is_array()) {
      ck.fail(p + "/policies", "an array of {type, value, periodSeconds}", describe(*ps));
    } else {
      r.policies.clear();
      for (std::size_t i = 0; i < ps->size(); ++i) {
        const std::string pp = ptr_join(p + "/policies", i);
        const json& q = (*ps)[i];
        if (!ck.object(q, pp, {"type", "value", "periodSeconds"}, {"type", "value", "periodSeconds"})) continue;
        HpaScalingPolicy pol;
        pol.type = ck.one_of(q, pp, "type", {"Pods", "Percent"}).value_or("Pods") == "Percent" ? ScalingPolicyType::Percent : ScalingPolicyType::Pods;
        pol.value = static_cast<int>(ck.integer(q, pp, "value", 1, 1'000'000).value_or(1));
        pol.period = seconds(static_cast<double>(ck.integer(q, pp, "periodSeconds", 1, 1800).value_or(15)));
        r.policies.push_back(pol);
      }
    }
  }
  return r;
}

}  // namespace

std::optional<HpaBehavior> hpa_behavior(Checker& ck, const json& b, const std::string& p) {
  if (!ck.object(b, p, {"scaleUp", "scaleDown"})) return std::nullopt;
  HpaBehavior out = default_behavior();
  if (auto u = b.find("scaleUp"); u != b.end())
    if (auto r = scaling_rules(ck, *u, p + "/scaleUp", out.scale_up)) out.scale_up = *r;
  if (auto dn = b.find("scaleDown"); dn != b.end())
    if (auto r = scaling_rules(ck, *dn, p + "/scaleDown", out.scale_down)) out.scale_down = *r;
  return out;
}

std::optional<HpaConfig> horizontal_pod_autoscaler(Checker& ck, const json& j, const std::string& p, const std::set<std::string>& external_metrics) {
  if (!ck.object(j, p, {"minReplicas", "maxReplicas", "metrics", "behavior", "collection_lag_s"}, {"maxReplicas", "metrics"}))
    return std::nullopt;
  const std::size_t before = ck.errors();
  HpaConfig h;
  h.spec.min_replicas = static_cast<int>(ck.integer(j, p, "minReplicas", 0, kMaxReplicas).value_or(1));
  h.spec.max_replicas = static_cast<int>(ck.integer(j, p, "maxReplicas", 1, kMaxReplicas).value_or(1));
  if (h.spec.min_replicas > h.spec.max_replicas)
    ck.fail(p + "/maxReplicas", fmt::format("maxReplicas >= minReplicas ({})", h.spec.min_replicas), describe(j["maxReplicas"]));
  if (auto lag = ck.seconds(j, p, "collection_lag_s", 0)) h.collection_lag = *lag;
  // Without `behavior` the controller takes its older path; with it, fields left out are defaulted
  // as the API server does.
  if (auto b = j.find("behavior"); b != j.end()) h.spec.behavior = hpa_behavior(ck, *b, p + "/behavior");
  auto ms = j.find("metrics");
  if (ms != j.end() && (!ms->is_array() || ms->empty())) ck.fail(p + "/metrics", "a non-empty array of metrics", describe(*ms));
  else if (ms != j.end())
    for (std::size_t i = 0; i < ms->size(); ++i) {
      const std::string mp = ptr_join(p + "/metrics", i);
      const json& m = (*ms)[i];
      // autoscaling/v2 MetricSpec: Pods and Resource metrics capsim computes, or External metrics from traces.
      if (!ck.object(m, mp, {"type", "pods", "resource", "external"}, {"type"})) continue;
      auto type = ck.one_of(m, mp, "type", {"Pods", "Resource", "External"},
                             "capsim computes Pods metrics (requests_per_second, gpu_utilization) and Resource ones (cpu, memory), "
                             "and reads External ones from traces");
      if (!type) continue;
      if (*type == "Resource") {
        if (!m.contains("resource")) ck.fail(mp, "the key 'resource' for type Resource", "an object without it");
        else if (auto rm = resource_metric(ck, m["resource"], mp + "/resource")) h.metrics.push_back(*rm);
        continue;
      }
      HpaMetric metric;
      metric.source = *type == "External" ? HpaMetric::Source::External : HpaMetric::Source::Pods;
      const char* section = *type == "External" ? "external" : "pods";
      if (!m.contains(section)) {
        ck.fail(mp, std::string("the key '") + section + "' for type " + *type, "an object without it");
        continue;
      }
      const json& pods = m[section];
      const std::string pp = mp + "/" + section;
      if (!ck.object(pods, pp, {"metric", "target"}, {"metric", "target"})) continue;
      if (ck.object(pods["metric"], pp + "/metric", {"name"}, {"name"})) {
        if (metric.source == HpaMetric::Source::Pods) {
          metric.name = ck.one_of(pods["metric"], pp + "/metric", "name",
                                  {"requests_per_second", "gpu_utilization", "requests_in_service", "waiting_requests", "kv_cache_usage"})
                            .value_or("");
          metric.service_queue = metric.name == "requests_in_service" || metric.name == "waiting_requests" || metric.name == "kv_cache_usage";
        } else {
          metric.name = ck.string(pods["metric"], pp + "/metric", "name").value_or("");
          // A trace of that name, else the service's own queue (its total waiting or in the system).
          if (!metric.name.empty() && !external_metrics.count(metric.name)) {
            if (is_service_queue_metric(metric.name)) {
              metric.service_queue = true;
            } else {
              std::vector<std::string> names(external_metrics.begin(), external_metrics.end());
              names.insert(names.end(), {"waiting_requests", "requests_in_system"});
              ck.fail(pp + "/metric/name", "the name of a trace under /traces, or the service's queue: waiting_requests or requests_in_system",
                      "\"" + metric.name + "\"", did_you_mean(metric.name, names));
            }
          }
        }
      }
      const json& target = pods["target"];
      const bool external = metric.source == HpaMetric::Source::External;
      const char* value_key = external && target.is_object() && target.contains("value") ? "value" : "averageValue";
      if (ck.object(target, pp + "/target", {"type", "averageValue", "value"}, {"type", value_key})) {
        auto tt = ck.one_of(target, pp + "/target", "type", external ? std::vector<std::string>{"AverageValue", "Value"}
                                                                      : std::vector<std::string>{"AverageValue"});
        if (tt && *tt == "Value") metric.target_type = HpaMetric::Target::Value;
        if (tt && (*tt == "Value") != (std::string(value_key) == "value"))
          ck.fail(pp + "/target", *tt == "Value" ? "the key 'value' for type Value" : "the key 'averageValue' for type AverageValue",
                   "the other one");
        const json& av = target[value_key];
        const std::optional<double> v = decimal_quantity(av);
        if (!v || !(*v > 0)) ck.fail(pp + "/target/averageValue", "a quantity > 0 such as \"1.5\" or \"500m\"", describe(av));
        else metric.target = *v;
      }
      h.metrics.push_back(metric);
    }
  // Scale to zero: the API server allows minReplicas 0 only with an Object or External metric
  // (capsim has no Object metrics); it also needs the HPAScaleToZero feature gate, which the loader
  // reports.
  if (h.spec.min_replicas == 0 && std::none_of(h.metrics.begin(), h.metrics.end(), [](const HpaMetric& m) {
        return m.source == HpaMetric::Source::External;
      }))
    ck.fail(p + "/minReplicas", "minReplicas >= 1, or an External metric to scale to zero replicas on (Kubernetes refuses "
            "minReplicas 0 without an Object or External metric)", "0 with only Pods metrics");
  if (ck.errors() != before) return std::nullopt;
  try {
    HpaController check(h.spec);
  } catch (const Error& e) {
    ck.fail_message(p, e.what());
    return std::nullopt;
  }
  return h;
}

}  // namespace capsim::io::k8s

namespace capsim::io::k8s {

std::optional<ScaledObjectSpec> scaled_object(Checker& ck, const json& j, const std::string& p, const std::set<std::string>& traces) {
  if (!ck.object(j, p, {"minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod", "triggers", "advanced"}, {"triggers"}))
    return std::nullopt;
  const std::size_t before = ck.errors();
  ScaledObjectSpec so;
  so.min_replica_count = static_cast<int>(ck.integer(j, p, "minReplicaCount", 0, kMaxReplicas).value_or(0));
  so.max_replica_count = static_cast<int>(ck.integer(j, p, "maxReplicaCount", 1, kMaxReplicas).value_or(kKedaDefaultMaxReplicaCount));
  if (so.max_replica_count < so.min_replica_count)
    ck.fail(p + "/maxReplicaCount", fmt::format("maxReplicaCount >= minReplicaCount ({})", so.min_replica_count), describe(j["maxReplicaCount"]));
  if (auto v = ck.integer(j, p, "pollingInterval", 1, 86400)) so.polling_interval = seconds(static_cast<double>(*v));
  if (auto v = ck.integer(j, p, "cooldownPeriod", 0, 86400 * 7)) so.cooldown_period = seconds(static_cast<double>(*v));
  if (auto a = j.find("advanced"); a != j.end() && ck.object(*a, p + "/advanced", {"horizontalPodAutoscalerConfig"})) {
    const std::string hp = p + "/advanced/horizontalPodAutoscalerConfig";
    if (auto h = a->find("horizontalPodAutoscalerConfig"); h != a->end() && ck.object(*h, hp, {"behavior"}))
      if (auto b = h->find("behavior"); b != h->end()) so.behavior = hpa_behavior(ck, *b, hp + "/behavior");
  }
  const json& ts = j["triggers"];
  if (!ts.is_array() || ts.empty()) {
    ck.fail(p + "/triggers", "a non-empty array of triggers", describe(ts));
    return std::nullopt;
  }
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const std::string tp = ptr_join(p + "/triggers", i);
    if (!ck.object(ts[i], tp, {"type", "metadata"}, {"type", "metadata"})) continue;
    const auto type = ck.one_of(ts[i], tp, "type", {"queue", "trace"},
                                "capsim's triggers read the service's simulated queue (\"queue\") or a trace under /traces (\"trace\")");
    const json& md = ts[i]["metadata"];
    const std::string mp = tp + "/metadata";
    if (!type || !ck.object(md, mp, {"metricName", "threshold", "activationThreshold"}, {"metricName", "threshold"})) continue;
    KedaTrigger t;
    t.metric.source = HpaMetric::Source::External;
    t.metric.target_type = HpaMetric::Target::AverageValue;
    t.metric.name = ck.string(md, mp, "metricName").value_or("");
    if (*type == "queue") {
      t.metric.service_queue = true;
      if (!is_service_queue_metric(t.metric.name))
        ck.fail(mp + "/metricName", "a metric of the service's queue: waiting_requests or requests_in_system", "\"" + t.metric.name + "\"",
                did_you_mean(t.metric.name, {"waiting_requests", "requests_in_system"}));
    } else if (!traces.count(t.metric.name)) {
      ck.fail(mp + "/metricName", "the name of a trace under /traces", "\"" + t.metric.name + "\"",
              did_you_mean(t.metric.name, std::vector<std::string>(traces.begin(), traces.end())));
    }
    // KEDA's metadata values are strings ("5"); numbers are taken too.
    auto number = [&](const char* key, double fallback) -> double {
      auto it = md.find(key);
      if (it == md.end()) return fallback;
      const std::optional<double> v = it->is_number() ? std::optional<double>(it->get<double>()) : decimal_quantity(*it);
      if (!v || *v < 0) {
        ck.fail(ptr_join(mp, key), "a number >= 0 such as \"5\"", describe(*it));
        return fallback;
      }
      return *v;
    };
    t.metric.target = number("threshold", 1);
    if (!(t.metric.target > 0)) ck.fail(mp + "/threshold", "a threshold > 0 (the HPA's AverageValue target)", describe(md["threshold"]));
    t.activation_threshold = number("activationThreshold", 0);
    so.triggers.push_back(t);
  }
  if (ck.errors() != before) return std::nullopt;
  return so;
}

}  // namespace capsim::io::k8s
