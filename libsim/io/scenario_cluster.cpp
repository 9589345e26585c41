// The cluster section of a scenario: node groups and autoscalers (part of the scenario loader).
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/cron.hpp"
#include "capsim/core/close_match.hpp"
#include "capsim/trace/known_metrics.hpp"
#include "capsim/io/text_parse.hpp"
#include "json_checker.hpp"
#include "scenario_loader_impl.hpp"

namespace capsim::io::detail {

ClusterSpec Loader::parse_cluster(const json& c, const std::string& p) {
  ClusterSpec cl;
  if (!ck_.object(c, p,
                  {"provisioner", "cluster_autoscaler", "karpenter", "node_pools", "hpa", "schedules", "resource_quotas", "eks_control_plane",
                   "eks_control_plane_usd_per_h", "node_ready_s", "node_groups", "tags"},
                  {"node_groups"}))
    return cl;
  if (auto pv = ck_.one_of(c, p, "provisioner", {"static", "cluster-autoscaler", "karpenter"}))
    cl.provisioner = *pv == "cluster-autoscaler" ? ProvisionerKind::ClusterAutoscaler
                     : *pv == "karpenter"       ? ProvisionerKind::Karpenter
                                                : ProvisionerKind::Static;
  if (auto k = c.find("karpenter"); k != c.end() &&
      ck_.object(*k, p + "/karpenter", {"batch_idle_duration", "batch_max_duration", "featureGates", "disruption_poll_s", "consolidation_validation_s"})) {
    const std::string kp = p + "/karpenter";
    if (auto d = ck_.duration(*k, kp, "batch_idle_duration")) cl.karpenter.batch_idle = *d;
    if (auto d = ck_.duration(*k, kp, "batch_max_duration")) cl.karpenter.batch_max = *d;
    if (auto d = ck_.duration(*k, kp, "disruption_poll_s")) cl.karpenter.disruption_poll = *d;
    if (auto d = ck_.duration(*k, kp, "consolidation_validation_s")) cl.karpenter.consolidation_validation = *d;
    if (auto fg = k->find("featureGates"); fg != k->end() && ck_.object(*fg, kp + "/featureGates", {"spotToSpotConsolidation"}))
      cl.karpenter.spot_to_spot_consolidation = ck_.boolean(*fg, kp + "/featureGates", "spotToSpotConsolidation").value_or(false);
  }
  if (auto np = c.find("node_pools"); np != c.end()) {
    if (!np->is_array()) {
      ck_.fail(p + "/node_pools", "an array of Karpenter v1 NodePools", describe(*np));
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < np->size(); ++i)
        if (auto pool = parse_node_pool((*np)[i], ptr_join(p + "/node_pools", i))) {
          if (!names.insert(pool->scheduling.name).second)
            ck_.fail(ptr_join(p + "/node_pools", i) + "/metadata/name", "a NodePool name used once", "\"" + pool->scheduling.name + "\" again");
          cl.karpenter.node_pools.push_back(std::move(*pool));
        }
    }
  }
  if (cl.provisioner == ProvisionerKind::Karpenter && cl.karpenter.node_pools.empty() &&
      (!c.contains("node_pools") || (c["node_pools"].is_array() && c["node_pools"].empty())))
    ck_.fail(p, "at least one NodePool under 'node_pools' for provisioner karpenter", "none");
  if (cl.provisioner != ProvisionerKind::Karpenter && c.contains("node_pools"))
    ck_.fail(p + "/node_pools", "node_pools only with provisioner \"karpenter\"", "another provisioner");
  if (auto ca = c.find("cluster_autoscaler"); ca != c.end()) parse_cluster_autoscaler(*ca, p + "/cluster_autoscaler", cl.cluster_autoscaler);
  if (auto h = c.find("hpa"); h != c.end()) {
    if (!h->is_object()) ck_.fail(p + "/hpa", "an object of service name → HorizontalPodAutoscaler spec", describe(*h));
    else
      for (const auto& [svc, spec] : h->items())
        if (auto hc = parse_hpa(spec, ptr_join(p + "/hpa", svc))) cl.hpa.emplace(svc, std::move(*hc));
  }
  if (auto rq = c.find("resource_quotas"); rq != c.end()) {
    if (!rq->is_object()) {
      ck_.fail(p + "/resource_quotas", "an object of namespace → {\"hard\": {...}}", describe(*rq));
    } else {
      for (const auto& [ns, q] : rq->items()) {
        const std::string qp = ptr_join(p + "/resource_quotas", ns);
        if (!ck_.object(q, qp, {"hard"}, {"hard"}) ||
            !ck_.object(q["hard"], qp + "/hard", {"requests.cpu", "requests.memory", "requests.nvidia.com/gpu", "pods"}))
          continue;
        ResourceQuotaSpec spec;
        spec.cpu_millicores = cpu_quantity(q["hard"], qp + "/hard", "requests.cpu");
        spec.memory_mib = memory_quantity(q["hard"], qp + "/hard", "requests.memory");
        if (auto v = ck_.integer(q["hard"], qp + "/hard", "requests.nvidia.com/gpu", 0, 1'000'000)) spec.gpus = static_cast<int>(*v);
        if (auto v = ck_.integer(q["hard"], qp + "/hard", "pods", 0, 1'000'000)) spec.pods = static_cast<int>(*v);
        cl.resource_quotas.emplace(ns, spec);
      }
    }
  }
  if (auto sc = c.find("schedules"); sc != c.end()) {
    if (!sc->is_array()) ck_.fail(p + "/schedules", "an array of schedules", describe(*sc));
    else
      for (std::size_t i = 0; i < sc->size(); ++i)
        if (auto sp = parse_schedule((*sc)[i], ptr_join(p + "/schedules", i))) cl.schedules.push_back(std::move(*sp));
  }
  cl.eks_control_plane = ck_.boolean(c, p, "eks_control_plane").value_or(true);
  cl.eks_control_plane_usd_per_h = ck_.number(c, p, "eks_control_plane_usd_per_h", Bound::NonNegative).value_or(kEksControlPlaneUsdPerHour);
  if (auto nr = c.find("node_ready_s"); nr != c.end() && nr->is_object() && !nr->contains("dist")) {
    // The parts, each drawn from its own stream.
    if (ck_.object(*nr, p + "/node_ready_s", {"launch_s", "boot_s"}, {"launch_s", "boot_s"})) {
      cl.node_launch_s = ck_.distribution(*nr, p + "/node_ready_s", "launch_s");
      cl.node_boot_s = ck_.distribution(*nr, p + "/node_ready_s", "boot_s");
    }
  } else {
    cl.node_ready_s = ck_.distribution(c, p, "node_ready_s");
  }
  cl.tags = ck_.string_map(c, p, "tags");
  auto g = c.find("node_groups");
  if (g == c.end()) return cl;
  const std::string gp = p + "/node_groups";
  if (!g->is_array()) {
    ck_.fail(gp, "an array of node groups", describe(*g));
    return cl;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < g->size(); ++i) {
    const json& n = (*g)[i];
    const std::string np = ptr_join(gp, i);
    if (!ck_.object(n, np,
                    {"name", "instance_type", "instance_types", "zones", "count", "capacity_type", "allocation_strategy",
                     "max_pools", "reservation_count", "min_size", "max_size", "initial_state", "tags", "taints", "target_tracking"},
                    {"name", "count"}))
      continue;
    NodeGroupSpec ng;
    ng.name = ck_.string(n, np, "name").value_or("");
    if (!ng.name.empty() && !names.insert(ng.name).second) ck_.fail(np + "/name", "a node group name used once", "\"" + ng.name + "\" again");
    auto check_type = [&](const std::string& t, const std::string& tp) {
      if (!sc_.catalog.contains(t)) {
        ck_.fail(tp, "an instance type of the catalog", "'" + t + "'", did_you_mean(t, sc_.catalog.closest(t)));
        return false;
      }
      return true;
    };
    if (n.contains("instance_type") == n.contains("instance_types")) {
      ck_.fail(np, "exactly one of the keys 'instance_type' and 'instance_types'", n.contains("instance_type") ? "both" : "neither");
    } else if (auto t = ck_.string(n, np, "instance_type")) {
      if (check_type(*t, np + "/instance_type")) ng.instance_types.push_back(*t);
    } else if (auto ts = n.find("instance_types"); ts != n.end()) {
      if (!ts->is_array() || ts->empty()) {
        ck_.fail(np + "/instance_types", "a non-empty array of instance types", describe(*ts));
      } else {
        for (std::size_t i = 0; i < ts->size(); ++i) {
          const json& v = (*ts)[i];
          if (!v.is_string()) ck_.fail(ptr_join(np + "/instance_types", i), "an instance type", describe(v));
          else if (check_type(v.get<std::string>(), ptr_join(np + "/instance_types", i))) ng.instance_types.push_back(v.get<std::string>());
        }
      }
    }
    if (auto zs = n.find("zones"); zs != n.end()) {
      if (!zs->is_array() || zs->empty()) {
        ck_.fail(np + "/zones", "a non-empty array of zones from catalog.zones", describe(*zs));
      } else {
        for (std::size_t i = 0; i < zs->size(); ++i) {
          const json& v = (*zs)[i];
          if (!v.is_string() || std::find(sc_.zones.begin(), sc_.zones.end(), v.get<std::string>()) == sc_.zones.end())
            ck_.fail(ptr_join(np + "/zones", i), "a zone listed in catalog.zones", describe(v),
                     v.is_string() ? did_you_mean(v.get<std::string>(), sc_.zones) : "");
          else ng.zones.push_back(v.get<std::string>());
        }
      }
    }
    ng.count = static_cast<int>(ck_.integer(n, np, "count", 0, kMaxNodesPerGroup).value_or(0));
    ng.capacity_type = *parse_capacity_type(ck_.one_of(n, np, "capacity_type", {"on-demand", "spot", "reserved"}).value_or("on-demand"));
    if (ng.capacity_type == CapacityType::Reserved) {
      // An On-Demand Capacity Reservation is for one type in one zone.
      if (ng.instance_types.size() > 1)
        ck_.fail(np + "/instance_types", "one instance type for a capacity reservation", fmt::format("{} types", ng.instance_types.size()));
      if (ng.zones.size() != 1)
        ck_.fail(np, "exactly one zone in 'zones' for a capacity reservation", fmt::format("{} zones", ng.zones.size()));
    }
    ng.reservation_count = static_cast<int>(ck_.integer(n, np, "reservation_count", 0, kMaxNodesPerGroup).value_or(ng.count));
    if (n.contains("reservation_count") && ng.capacity_type != CapacityType::Reserved)
      ck_.fail(np + "/reservation_count", "'reservation_count' only with capacity_type \"reserved\"",
               std::string("capacity_type \"") + to_string(ng.capacity_type) + "\"");
    ng.allocation_strategy = ng.capacity_type == CapacityType::Spot ? AllocationStrategy::PriceCapacityOptimized : AllocationStrategy::LowestPrice;
    if (auto a = ck_.one_of(n, np, "allocation_strategy", {"lowest-price", "capacity-optimized", "price-capacity-optimized", "prioritized"}))
      ng.allocation_strategy = *parse_allocation_strategy(*a);
    ng.max_pools = static_cast<std::size_t>(ck_.integer(n, np, "max_pools", 1, 1000).value_or(1));
    if (ng.capacity_type == CapacityType::Spot)
      for (std::size_t i = 0; i < ng.instance_types.size(); ++i) {
        const std::string& t = ng.instance_types[i];
        bool history = std::any_of(sc_.market.spot_price_history.begin(), sc_.market.spot_price_history.end(),
                                   [&](const SpotPriceSeries& s) { return s.instance_type == t; });
        if (!sc_.spot_advisor.find(t) && !history)
          ck_.fail(n.contains("instance_types") ? ptr_join(np + "/instance_types", i) : np + "/instance_type",
                   "a type with Spot Instance Advisor data or spot price history for a spot group",
                   "'" + t + "', which has neither");
      }
    ng.min_size = static_cast<int>(ck_.integer(n, np, "min_size", 0, kMaxNodesPerGroup).value_or(ng.count));
    ng.max_size = static_cast<int>(ck_.integer(n, np, "max_size", 0, kMaxNodesPerGroup).value_or(ng.count));
    if (ng.min_size > ng.count || ng.count > ng.max_size)
      ck_.fail(np, fmt::format("min_size <= count <= max_size"), fmt::format("min_size {}, count {}, max_size {}", ng.min_size, ng.count, ng.max_size));
    auto st = ck_.one_of(n, np, "initial_state", {"ready", "launching"}).value_or("ready");
    ng.initial_state = st == "launching" ? InitialState::Launching : InitialState::Ready;
    ng.tags = ck_.string_map(n, np, "tags");
    if (auto tt = n.find("taints"); tt != n.end()) ng.taints = parse_taints(*tt, np + "/taints");
    if (auto tt = n.find("target_tracking"); tt != n.end()) {
      ng.target_tracking = parse_target_tracking(*tt, np + "/target_tracking", ng);
      if (cl.provisioner != ProvisionerKind::Static)
        ck_.fail(np + "/target_tracking", "target tracking only on plain Auto Scaling groups (provisioner \"static\")",
                 "provisioner " + std::string(cl.provisioner == ProvisionerKind::Karpenter ? "karpenter" : "cluster-autoscaler"));
    }
    cl.node_groups.push_back(std::move(ng));
  }
  return cl;
}

std::optional<TargetTrackingPolicy> Loader::parse_target_tracking(const json& j, const std::string& p, const NodeGroupSpec& group) {
  if (!ck_.object(j, p,
                  {"service", "TargetValue", "PredefinedMetricSpecification", "CustomizedMetricSpecification", "DisableScaleIn",
                   "EstimatedInstanceWarmup", "scale_in_cooldown_s", "scale_in_threshold_ratio", "collection_lag_s"},
                  {"service", "TargetValue"}))
    return std::nullopt;
  const std::size_t before = ck_.errors();
  TargetTrackingPolicy tt;
  tt.service = ck_.string(j, p, "service").value_or("");
  tt.spec.target_value = ck_.number(j, p, "TargetValue", Bound::Positive).value_or(1);
  const bool predefined = j.contains("PredefinedMetricSpecification"), customized = j.contains("CustomizedMetricSpecification");
  if (predefined == customized) {
    ck_.fail(p, "exactly one of PredefinedMetricSpecification (ALBRequestCountPerTarget) or CustomizedMetricSpecification (a GPU "
                "utilization metric)",
             predefined ? "both" : "neither");
  } else if (predefined) {
    const json& m = j["PredefinedMetricSpecification"];
    const std::string mp = p + "/PredefinedMetricSpecification";
    if (ck_.object(m, mp, {"PredefinedMetricType", "ResourceLabel"}, {"PredefinedMetricType"})) {
      if (auto t = ck_.one_of(m, mp, "PredefinedMetricType", {"ALBRequestCountPerTarget"},
                              "capsim simulates requests and GPUs, not CPU or network: use ALBRequestCountPerTarget, or a GPU "
                              "utilization metric under CustomizedMetricSpecification")) {
        tt.metric = AsgMetric::AlbRequestCountPerTarget;
        tt.metric_name = *t;
      }
    }
  } else {
    const json& m = j["CustomizedMetricSpecification"];
    const std::string mp = p + "/CustomizedMetricSpecification";
    if (ck_.object(m, mp, {"MetricName", "Namespace", "Dimensions", "Statistic", "Unit"}, {"MetricName"})) {
      if (auto name = ck_.string(m, mp, "MetricName")) {
        // Only the compute-utilization metrics: capsim computes busy GPU time, not memory, copy
        // engines or reservations.
        static const std::set<std::string> kGpuUtilization = {"DCGM_FI_DEV_GPU_UTIL", "node_gpu_utilization", "pod_gpu_utilization",
                                                              "container_gpu_utilization"};
        if (!kGpuUtilization.count(*name))
          ck_.fail(mp + "/MetricName", "a GPU utilization metric capsim computes (DCGM_FI_DEV_GPU_UTIL, node_gpu_utilization, pod_gpu_utilization or container_gpu_utilization)",
                   "\"" + *name + "\"");
        tt.metric = AsgMetric::GpuUtilization;
        tt.metric_name = *name;
      }
    }
  }
  tt.spec.disable_scale_in = ck_.boolean(j, p, "DisableScaleIn").value_or(false);
  if (auto w = ck_.integer(j, p, "EstimatedInstanceWarmup", 0, 3600)) tt.spec.instance_warmup = seconds(static_cast<double>(*w));
  if (auto c = ck_.number(j, p, "scale_in_cooldown_s", Bound::NonNegative)) tt.spec.scale_in_cooldown = seconds(*c);
  if (auto r = ck_.number(j, p, "scale_in_threshold_ratio", Bound::Positive)) {
    if (*r > 1) ck_.fail(p + "/scale_in_threshold_ratio", "a ratio in (0, 1]", describe(j["scale_in_threshold_ratio"]));
    tt.spec.scale_in_threshold_ratio = *r;
  }
  if (auto lag = ck_.number(j, p, "collection_lag_s", Bound::NonNegative)) tt.collection_lag = seconds(*lag);
  tt.spec.min_size = group.min_size;
  tt.spec.max_size = group.max_size;
  if (ck_.errors() != before) return std::nullopt;
  try {
    TargetTrackingController check(tt.spec);
  } catch (const Error& e) {
    ck_.fail_message(p, e.what());
    return std::nullopt;
  }
  return tt;
}

void Loader::parse_cluster_autoscaler(const json& j, const std::string& p, ClusterAutoscalerSpec& out) {
  if (!ck_.object(j, p, {"scan_interval", "scale_down_unneeded_time", "scale_down_utilization_threshold", "scale_down_delay_after_add",
                         "max_node_provision_time", "initial_node_group_backoff_duration", "max_node_group_backoff_duration",
                         "node_group_backoff_reset_timeout", "expander"}))
    return;
  if (auto d = ck_.duration(j, p, "max_node_provision_time")) out.max_node_provision_time = *d;
  if (auto d = ck_.duration(j, p, "initial_node_group_backoff_duration")) out.initial_node_group_backoff = *d;
  if (auto d = ck_.duration(j, p, "max_node_group_backoff_duration")) out.max_node_group_backoff = *d;
  if (auto d = ck_.duration(j, p, "node_group_backoff_reset_timeout")) out.node_group_backoff_reset_timeout = *d;
  if (auto d = ck_.duration(j, p, "scan_interval")) out.scan_interval = *d;
  if (auto d = ck_.duration(j, p, "scale_down_unneeded_time")) out.scale_down_unneeded_time = *d;
  if (auto d = ck_.duration(j, p, "scale_down_delay_after_add")) out.scale_down_delay_after_add = *d;
  if (auto v = ck_.number(j, p, "scale_down_utilization_threshold", Bound::NonNegative)) {
    if (*v > 1) ck_.fail(p + "/scale_down_utilization_threshold", "a share in [0, 1]", describe(j["scale_down_utilization_threshold"]));
    out.scale_down_utilization_threshold = *v;
  }
  if (auto e = ck_.one_of(j, p, "expander", {"random", "most-pods", "least-waste", "least-nodes", "price", "priority"})) {
    static const std::map<std::string, Expander> kExpanders = {{"random", Expander::Random},         {"most-pods", Expander::MostPods},
                                                               {"least-waste", Expander::LeastWaste}, {"least-nodes", Expander::LeastNodes},
                                                               {"price", Expander::Price},             {"priority", Expander::Priority}};
    out.expander = kExpanders.at(*e);
  }
}

std::optional<HpaScalingRules> Loader::parse_scaling_rules(const json& j, const std::string& p, const HpaScalingRules& defaults) {
  if (!ck_.object(j, p, {"stabilizationWindowSeconds", "selectPolicy", "policies"})) return std::nullopt;
  HpaScalingRules r = defaults;
  if (auto w = ck_.integer(j, p, "stabilizationWindowSeconds", 0, 3600)) r.stabilization_window = seconds(static_cast<double>(*w));
  if (auto sp = ck_.one_of(j, p, "selectPolicy", {"Max", "Min", "Disabled"}))
    r.select_policy = *sp == "Max" ? SelectPolicy::Max : *sp == "Min" ? SelectPolicy::Min : SelectPolicy::Disabled;
  if (auto ps = j.find("policies"); ps != j.end()) {
    if (!ps->is_array()) {
      ck_.fail(p + "/policies", "an array of {type, value, periodSeconds}", describe(*ps));
    } else {
      r.policies.clear();
      for (std::size_t i = 0; i < ps->size(); ++i) {
        const std::string pp = ptr_join(p + "/policies", i);
        const json& q = (*ps)[i];
        if (!ck_.object(q, pp, {"type", "value", "periodSeconds"}, {"type", "value", "periodSeconds"})) continue;
        HpaScalingPolicy pol;
        pol.type = ck_.one_of(q, pp, "type", {"Pods", "Percent"}).value_or("Pods") == "Percent" ? ScalingPolicyType::Percent : ScalingPolicyType::Pods;
        pol.value = static_cast<int>(ck_.integer(q, pp, "value", 1, 1'000'000).value_or(1));
        pol.period = seconds(static_cast<double>(ck_.integer(q, pp, "periodSeconds", 1, 1800).value_or(15)));
        r.policies.push_back(pol);
      }
    }
  }
  return r;
}

std::optional<HpaConfig> Loader::parse_hpa(const json& j, const std::string& p) {
  if (!ck_.object(j, p, {"minReplicas", "maxReplicas", "metrics", "behavior", "collection_lag_s"}, {"maxReplicas", "metrics"}))
    return std::nullopt;
  const std::size_t before = ck_.errors();
  HpaConfig h;
  h.spec.min_replicas = static_cast<int>(ck_.integer(j, p, "minReplicas", 1, kMaxReplicas).value_or(1));
  h.spec.max_replicas = static_cast<int>(ck_.integer(j, p, "maxReplicas", 1, kMaxReplicas).value_or(1));
  if (h.spec.min_replicas > h.spec.max_replicas)
    ck_.fail(p + "/maxReplicas", fmt::format("maxReplicas >= minReplicas ({})", h.spec.min_replicas), describe(j["maxReplicas"]));
  if (auto lag = ck_.number(j, p, "collection_lag_s", Bound::NonNegative)) h.collection_lag = seconds(*lag);
  if (auto b = j.find("behavior"); b != j.end() && ck_.object(*b, p + "/behavior", {"scaleUp", "scaleDown"})) {
    const HpaBehavior d = default_behavior();
    if (auto u = b->find("scaleUp"); u != b->end())
      if (auto r = parse_scaling_rules(*u, p + "/behavior/scaleUp", d.scale_up)) h.spec.behavior.scale_up = *r;
    if (auto dn = b->find("scaleDown"); dn != b->end())
      if (auto r = parse_scaling_rules(*dn, p + "/behavior/scaleDown", d.scale_down)) h.spec.behavior.scale_down = *r;
  }
  auto ms = j.find("metrics");
  if (ms != j.end() && (!ms->is_array() || ms->empty())) ck_.fail(p + "/metrics", "a non-empty array of metrics", describe(*ms));
  else if (ms != j.end())
    for (std::size_t i = 0; i < ms->size(); ++i) {
      const std::string mp = ptr_join(p + "/metrics", i);
      const json& m = (*ms)[i];
      // autoscaling/v2 MetricSpec: Pods metrics capsim computes, or External metrics from traces.
      if (!ck_.object(m, mp, {"type", "pods", "external"}, {"type"})) continue;
      auto type = ck_.one_of(m, mp, "type", {"Pods", "External"},
                             "capsim computes Pods metrics (requests_per_second, gpu_utilization) and reads External ones from traces");
      if (!type) continue;
      HpaMetric metric;
      metric.source = *type == "External" ? HpaMetric::Source::External : HpaMetric::Source::Pods;
      const char* section = *type == "External" ? "external" : "pods";
      if (!m.contains(section)) {
        ck_.fail(mp, std::string("the key '") + section + "' for type " + *type, "an object without it");
        continue;
      }
      const json& pods = m[section];
      const std::string pp = mp + "/" + section;
      if (!ck_.object(pods, pp, {"metric", "target"}, {"metric", "target"})) continue;
      if (ck_.object(pods["metric"], pp + "/metric", {"name"}, {"name"})) {
        if (metric.source == HpaMetric::Source::Pods) {
          metric.name = ck_.one_of(pods["metric"], pp + "/metric", "name", {"requests_per_second", "gpu_utilization"}).value_or("");
        } else {
          metric.name = ck_.string(pods["metric"], pp + "/metric", "name").value_or("");
          if (!metric.name.empty() && !declared_traces_.count(metric.name)) {
            std::vector<std::string> names(declared_traces_.begin(), declared_traces_.end());
            ck_.fail(pp + "/metric/name", "the name of a trace under /traces", "\"" + metric.name + "\"", did_you_mean(metric.name, names));
          }
        }
      }
      const json& target = pods["target"];
      const bool external = metric.source == HpaMetric::Source::External;
      const char* value_key = external && target.is_object() && target.contains("value") ? "value" : "averageValue";
      if (ck_.object(target, pp + "/target", {"type", "averageValue", "value"}, {"type", value_key})) {
        auto tt = ck_.one_of(target, pp + "/target", "type", external ? std::vector<std::string>{"AverageValue", "Value"}
                                                                      : std::vector<std::string>{"AverageValue"});
        if (tt && *tt == "Value") metric.target_type = HpaMetric::Target::Value;
        if (tt && (*tt == "Value") != (std::string(value_key) == "value"))
          ck_.fail(pp + "/target", *tt == "Value" ? "the key 'value' for type Value" : "the key 'averageValue' for type AverageValue",
                   "the other one");
        const json& av = target[value_key];
        std::optional<double> v;
        if (av.is_number()) v = av.get<double>();
        else if (av.is_string()) {
          // A Kubernetes quantity: "1.5", "500m".
          std::string q = av.get<std::string>();
          double scale = 1;
          if (!q.empty() && q.back() == 'm') {
            scale = 1e-3;
            q.pop_back();
          }
          if (auto n = parse_number(q)) v = *n * scale;
        }
        if (!v || !(*v > 0)) ck_.fail(pp + "/target/averageValue", "a quantity > 0 such as \"1.5\" or \"500m\"", describe(av));
        else metric.target = *v;
      }
      h.metrics.push_back(metric);
    }
  if (ck_.errors() != before) return std::nullopt;
  try {
    HpaController check(h.spec);
  } catch (const Error& e) {
    ck_.fail_message(p, e.what());
    return std::nullopt;
  }
  return h;
}

std::optional<std::int64_t> Loader::cpu_quantity(const json& obj, const std::string& p, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::optional<std::int64_t> v;
  if (it->is_number()) v = parse_cpu_millicores(it->dump());
  else if (it->is_string()) v = parse_cpu_millicores(it->get<std::string>());
  if (!v) ck_.fail(ptr_join(p, key), "a CPU quantity such as 4, \"0.5\" or \"500m\"", describe(*it));
  return v;
}

std::optional<std::int64_t> Loader::memory_quantity(const json& obj, const std::string& p, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::optional<std::int64_t> v;
  if (it->is_string()) v = parse_memory_mib(it->get<std::string>());
  if (!v) ck_.fail(ptr_join(p, key), "a memory quantity such as \"16Gi\" or \"512Mi\"", describe(*it));
  return v;
}

std::vector<Requirement> Loader::parse_requirements(const json& j, const std::string& p) {
  std::vector<Requirement> out;
  if (!j.is_array()) {
    ck_.fail(p, "an array of {key, operator, values}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string rp = ptr_join(p, i);
    const json& r = j[i];
    if (!ck_.object(r, rp, {"key", "operator", "values", "minValues"}, {"key", "operator"})) continue;
    if (r.contains("minValues")) {
      ck_.fail(rp + "/minValues", "no minValues (capsim does not simulate it yet)", describe(r["minValues"]));
      continue;
    }
    Requirement req;
    req.key = ck_.string(r, rp, "key").value_or("");
    auto op = ck_.one_of(r, rp, "operator", {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"});
    if (!op) continue;
    req.op = *parse_operator(*op);
    if (auto vs = r.find("values"); vs != r.end()) {
      if (!vs->is_array()) {
        ck_.fail(rp + "/values", "an array of strings", describe(*vs));
        continue;
      }
      for (const auto& v : *vs) req.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
    if (auto bad = check_requirement(req); !bad.empty()) {
      if (bad.rfind("a well-known label key", 0) == 0) ck_.fail(rp + "/key", bad.substr(0, bad.find(", got ")), "'" + req.key + "'",
                                                                did_you_mean(req.key, well_known_label_keys()));
      else ck_.fail(rp, bad, describe(r));
      continue;
    }
    out.push_back(std::move(req));
  }
  // Requirements on the same key combine (intersect); a key no value can satisfy makes the whole set
  // impossible, which would leave its pods pending forever.
  const Requirements combined(out);
  for (const auto& [key, k] : combined.keys())
    if (k.empty())
      ck_.fail(p, "requirements some node can satisfy", "'" + key + "' constrained to no possible value (" + k.describe() + ")");
  return out;
}

std::optional<KarpenterNodePool> Loader::parse_node_pool(const json& j, const std::string& p) {
  if (!ck_.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  const std::size_t before = ck_.errors();
  KarpenterNodePool pool;
  if (ck_.object(j["metadata"], p + "/metadata", {"name", "labels", "annotations"}, {"name"}))
    pool.scheduling.name = ck_.string(j["metadata"], p + "/metadata", "name").value_or("");
  const json& spec = j["spec"];
  const std::string sp = p + "/spec";
  if (!ck_.object(spec, sp, {"template", "limits", "weight", "disruption"}, {"template"})) return std::nullopt;
  pool.scheduling.weight = static_cast<int>(ck_.integer(spec, sp, "weight", 0, 100).value_or(0));
  const json& tmpl = spec["template"];
  if (auto md = tmpl.find("metadata"); md != tmpl.end() && ck_.object(*md, sp + "/template/metadata", {"labels", "annotations"}))
    pool.labels = ck_.string_map(*md, sp + "/template/metadata", "labels");
  if (ck_.object(tmpl, sp + "/template", {"metadata", "spec"}, {"spec"}) &&
      ck_.object(tmpl["spec"], sp + "/template/spec", {"requirements", "nodeClassRef", "taints", "expireAfter"}, {"requirements"})) {
    const json& ts = tmpl["spec"];
    const std::string tsp = sp + "/template/spec";
    pool.scheduling.requirements = Requirements(parse_requirements(ts["requirements"], tsp + "/requirements"));
    if (auto tt = ts.find("taints"); tt != ts.end()) pool.scheduling.taints = parse_taints(*tt, tsp + "/taints");
    if (auto ea = ts.find("expireAfter"); ea != ts.end()) {
      if (ea->is_string() && ea->get<std::string>() == "Never") pool.expire_after = std::nullopt;
      else if (auto dur = ea->is_string() ? parse_duration(ea->get<std::string>()) : std::nullopt; dur && *dur > 0) pool.expire_after = *dur;
      else ck_.fail(tsp + "/expireAfter", "a duration such as \"720h\", or \"Never\"", describe(*ea));
    }
  }
  if (auto l = spec.find("limits"); l != spec.end() && ck_.object(*l, sp + "/limits", {"cpu", "memory", "nvidia.com/gpu"})) {
    if (auto v = cpu_quantity(*l, sp + "/limits", "cpu")) pool.scheduling.limits.cpu_millicores = *v;
    if (auto v = memory_quantity(*l, sp + "/limits", "memory")) pool.scheduling.limits.memory_mib = *v;
    if (auto v = ck_.integer(*l, sp + "/limits", "nvidia.com/gpu", 0, 1'000'000)) pool.scheduling.limits.gpus = static_cast<int>(*v);
  }
  if (auto d = spec.find("disruption"); d != spec.end() && ck_.object(*d, sp + "/disruption", {"consolidationPolicy", "consolidateAfter", "budgets"})) {
    if (auto b = d->find("budgets"); b != d->end()) pool.budgets = parse_budgets(*b, sp + "/disruption/budgets");
    if (auto cp = ck_.one_of(*d, sp + "/disruption", "consolidationPolicy", {"WhenEmpty", "WhenEmptyOrUnderutilized"}))
      pool.consolidation_policy = *cp == "WhenEmpty" ? ConsolidationPolicy::WhenEmpty : ConsolidationPolicy::WhenEmptyOrUnderutilized;
    if (auto ca = d->find("consolidateAfter"); ca != d->end()) {
      if (ca->is_string() && ca->get<std::string>() == "Never") pool.consolidate_after = std::nullopt;
      else if (auto dur = ca->is_string() ? parse_duration(ca->get<std::string>()) : std::nullopt; dur || (ca->is_string() && ca->get<std::string>() == "0s"))
        pool.consolidate_after = dur.value_or(0);
      else ck_.fail(sp + "/disruption/consolidateAfter", "a duration such as \"30s\", or \"Never\"", describe(*ca));
    }
  }
  if (ck_.errors() != before) return std::nullopt;
  return pool;
}

std::vector<Taint> Loader::parse_taints(const json& j, const std::string& p) {
  std::vector<Taint> out;
  if (!j.is_array()) {
    ck_.fail(p, "an array of taints {key, value, effect}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string tp = ptr_join(p, i);
    if (!ck_.object(j[i], tp, {"key", "value", "effect"}, {"key", "effect"})) continue;
    Taint t;
    t.key = ck_.string(j[i], tp, "key").value_or("");
    t.value = ck_.string(j[i], tp, "value", false).value_or("");
    if (auto e = ck_.one_of(j[i], tp, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) t.effect = *parse_taint_effect(*e);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Toleration> Loader::parse_tolerations(const json& j, const std::string& p) {
  std::vector<Toleration> out;
  if (!j.is_array()) {
    ck_.fail(p, "an array of tolerations {key, operator, value, effect}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string tp = ptr_join(p, i);
    if (!ck_.object(j[i], tp, {"key", "operator", "value", "effect", "tolerationSeconds"})) continue;
    Toleration t;
    t.key = ck_.string(j[i], tp, "key", false).value_or("");
    // An empty operator means Equal, as the API server reads it.
    if (j[i].contains("operator") && j[i]["operator"] == "") t.op = Toleration::Op::Equal;
    else if (auto op = ck_.one_of(j[i], tp, "operator", {"Equal", "Exists"})) t.op = *parse_toleration_op(*op);
    t.value = ck_.string(j[i], tp, "value", false).value_or("");
    if (auto e = ck_.one_of(j[i], tp, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) t.effect = parse_taint_effect(*e);
    if (j[i].contains("tolerationSeconds")) {
      ck_.integer(j[i], tp, "tolerationSeconds", 0);
      // The API server's rule: only a NoExecute toleration can be time-limited.
      if (t.effect != TaintEffect::NoExecute)
        ck_.fail(tp + "/tolerationSeconds", "tolerationSeconds only with effect NoExecute", "a toleration without it");
    }
    if (auto bad = check_toleration(t); !bad.empty()) {
      ck_.fail_message(tp, "expected " + bad);
      continue;
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<DisruptionBudget> Loader::parse_budgets(const json& j, const std::string& p) {
  std::vector<DisruptionBudget> out;
  if (!j.is_array()) {
    ck_.fail(p, "an array of disruption budgets {nodes, schedule, duration, reasons}", describe(j));
    return default_budgets();
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string bp = ptr_join(p, i);
    if (!ck_.object(j[i], bp, {"nodes", "schedule", "duration", "reasons"})) continue;
    // Karpenter defaults a budget's nodes to "10%".
    const std::string nodes = ck_.string(j[i], bp, "nodes").value_or(std::string(kDefaultBudgetNodes));
    const std::optional<std::string> schedule = ck_.string(j[i], bp, "schedule");
    const std::optional<std::string> duration = ck_.string(j[i], bp, "duration");
    std::vector<std::string> reasons;
    if (auto r = j[i].find("reasons"); r != j[i].end()) {
      if (!r->is_array()) ck_.fail(bp + "/reasons", "an array of Underutilized, Empty, Drifted", describe(*r));
      else
        for (std::size_t k = 0; k < r->size(); ++k) {
          if ((*r)[k].is_string()) reasons.push_back((*r)[k].get<std::string>());
          else ck_.fail(ptr_join(bp + "/reasons", k), "one of Underutilized, Empty, Drifted", describe((*r)[k]));
        }
    }
    try {
      out.push_back(DisruptionBudget::parse(nodes, schedule ? std::optional<std::string_view>(*schedule) : std::nullopt,
                                            duration ? std::optional<std::string_view>(*duration) : std::nullopt, reasons));
    } catch (const Error& e) {
      ck_.fail_message(bp, e.what());
    }
  }
  return out;
}

std::optional<ScheduleSpec> Loader::parse_schedule(const json& j, const std::string& p) {
  if (!ck_.object(j, p, {"schedule", "time_zone", "hpa", "minReplicas", "maxReplicas", "node_group", "MinSize", "MaxSize", "DesiredCapacity"},
                  {"schedule"}))
    return std::nullopt;
  ScheduleSpec s;
  s.schedule = ck_.string(j, p, "schedule").value_or("");
  s.time_zone = ck_.string(j, p, "time_zone").value_or("UTC");
  const bool hpa = j.contains("hpa"), group = j.contains("node_group");
  if (hpa == group) {
    ck_.fail(p, "exactly one target: 'hpa' (a service's HPA) or 'node_group' (an Auto Scaling group)", hpa ? "both" : "neither");
    return std::nullopt;
  }
  if (hpa) {
    s.hpa = ck_.string(j, p, "hpa").value_or("");
    if (auto v = ck_.integer(j, p, "minReplicas", 1, kMaxReplicas)) s.min_replicas = static_cast<int>(*v);
    if (auto v = ck_.integer(j, p, "maxReplicas", 1, kMaxReplicas)) s.max_replicas = static_cast<int>(*v);
    if (!s.min_replicas && !s.max_replicas) ck_.fail(p, "minReplicas or maxReplicas to set", "neither");
    for (const char* k : {"MinSize", "MaxSize", "DesiredCapacity"})
      if (j.contains(k)) ck_.fail(ptr_join(p, k), "MinSize, MaxSize and DesiredCapacity only with 'node_group'", "an HPA schedule");
  } else {
    s.node_group = ck_.string(j, p, "node_group").value_or("");
    if (auto v = ck_.integer(j, p, "MinSize", 0, kMaxNodesPerGroup)) s.min_size = static_cast<int>(*v);
    if (auto v = ck_.integer(j, p, "MaxSize", 0, kMaxNodesPerGroup)) s.max_size = static_cast<int>(*v);
    if (auto v = ck_.integer(j, p, "DesiredCapacity", 0, kMaxNodesPerGroup)) s.desired_capacity = static_cast<int>(*v);
    if (!s.min_size && !s.max_size && !s.desired_capacity) ck_.fail(p, "MinSize, MaxSize or DesiredCapacity to set", "none");
    if (s.min_size && s.max_size && *s.min_size > *s.max_size)
      ck_.fail(p + "/MinSize", fmt::format("at most MaxSize ({})", *s.max_size), std::to_string(*s.min_size));
    for (const char* k : {"minReplicas", "maxReplicas"})
      if (j.contains(k)) ck_.fail(ptr_join(p, k), "minReplicas and maxReplicas only with 'hpa'", "a node group schedule");
  }
  try {
    CronSchedule::parse(s.schedule, s.time_zone);
  } catch (const Error& e) {
    ck_.fail_message(p + "/schedule", e.what());
    return std::nullopt;
  }
  return s;
}

}  // namespace capsim::io::detail
