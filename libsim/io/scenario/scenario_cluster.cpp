// The cluster section of a scenario: node groups and autoscalers (part of the scenario loader).
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/cron.hpp"
#include "capsim/core/close_match.hpp"
#include "capsim/trace/known_metrics.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/json/json_checker.hpp"
#include "io/k8s/decoders.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

ClusterSpec Loader::parse_cluster(const json& c, const std::string& p) {
  ClusterSpec cl;
  if (!ck_.object(c, p,
                  {"provisioner", "cluster_autoscaler", "karpenter", "node_pools", "node_classes", "node_overlays", "hpa", "keda", "schedules", "resource_quotas", "eks_control_plane",
                   "eks_control_plane_usd_per_h", "node_ready_s", "node_groups", "tags", "pod_disruption_budgets"},
                  {"node_groups"}))
    return cl;
  if (auto pv = ck_.one_of(c, p, "provisioner", {"static", "cluster-autoscaler", "karpenter"}))
    cl.provisioner = *pv == "cluster-autoscaler" ? ProvisionerKind::ClusterAutoscaler
                     : *pv == "karpenter"       ? ProvisionerKind::Karpenter
                                                : ProvisionerKind::Static;
  bool node_overlay_gate = false;  // settings.featureGates.nodeOverlay: alpha, off by default
  if (auto k = c.find("karpenter"); k != c.end() &&
      ck_.object(*k, p + "/karpenter", {"batch_idle_duration", "batch_max_duration", "featureGates", "disruption_poll_s", "consolidation_validation_s", "changes", "min_values_policy"})) {
    const std::string kp = p + "/karpenter";
    if (auto d = ck_.duration(*k, kp, "batch_idle_duration")) cl.karpenter.batch_idle = *d;
    if (auto d = ck_.duration(*k, kp, "batch_max_duration")) cl.karpenter.batch_max = *d;
    if (auto d = ck_.duration(*k, kp, "disruption_poll_s")) cl.karpenter.disruption_poll = *d;
    if (auto d = ck_.duration(*k, kp, "consolidation_validation_s")) cl.karpenter.consolidation_validation = *d;
    if (auto fg = k->find("featureGates"); fg != k->end() && ck_.object(*fg, kp + "/featureGates", {"spotToSpotConsolidation", "nodeOverlay"})) {
      cl.karpenter.spot_to_spot_consolidation = ck_.boolean(*fg, kp + "/featureGates", "spotToSpotConsolidation").value_or(false);
      node_overlay_gate = ck_.boolean(*fg, kp + "/featureGates", "nodeOverlay").value_or(false);
    }
  }
  if (auto np = c.find("node_pools"); np != c.end()) {
    if (!np->is_array()) {
      ck_.fail(p + "/node_pools", "an array of Karpenter v1 NodePools", describe(*np));
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < np->size(); ++i)
        if (auto pool = k8s::node_pool(ck_, (*np)[i], ptr_join(p + "/node_pools", i))) {
          if (!names.insert(pool->scheduling.name).second)
            ck_.fail(ptr_join(p + "/node_pools", i) + "/metadata/name", "a NodePool name used once", "\"" + pool->scheduling.name + "\" again");
          cl.karpenter.node_pools.push_back(std::move(*pool));
        }
    }
  }
  if (auto nc = c.find("node_classes"); nc != c.end()) parse_node_classes(c, *nc, p, cl.karpenter);
  if (auto no = c.find("node_overlays"); no != c.end()) {
    const std::string op = p + "/node_overlays";
    if (!no->is_array()) {
      ck_.fail(op, "an array of Karpenter NodeOverlays (karpenter.sh/v1alpha1)", describe(*no));
    } else if (cl.provisioner != ProvisionerKind::Karpenter) {
      ck_.fail(op, "node_overlays only with provisioner \"karpenter\" (NodeOverlays change Karpenter's simulation only)", "another provisioner");
    } else if (!no->empty() && !node_overlay_gate) {
      // Karpenter runs no NodeOverlay controller without the gate: its overlays would change nothing.
      ck_.fail(op, "the NodeOverlay feature gate on (cluster.karpenter.featureGates.nodeOverlay: true, as the Helm value "
                   "settings.featureGates.nodeOverlay must be): NodeOverlays are alpha and Karpenter ignores them without it",
               fmt::format("{} NodeOverlay(s) with the gate off", no->size()));
    } else {
      std::set<std::string> names;
      // An overlay may select on the NodePools' template labels (Karpenter adds them to each
      // NodePool's instance types before matching).
      std::set<std::string> template_keys;
      for (const KarpenterNodePool& np : cl.karpenter.node_pools)
        for (const auto& [key, value] : np.labels) template_keys.insert(key);
      const std::vector<std::string> template_labels(template_keys.begin(), template_keys.end());
      for (std::size_t i = 0; i < no->size(); ++i)
        if (auto ov = k8s::node_overlay(ck_, (*no)[i], ptr_join(op, i), template_labels)) {
          if (!names.insert(ov->name).second)
            ck_.fail(ptr_join(op, i) + "/metadata/name", "a NodeOverlay name used once", "\"" + ov->name + "\" again");
          cl.karpenter.node_overlays.push_back(std::move(*ov));
        }
    }
  }
  if (auto k = c.find("karpenter"); k != c.end() && k->is_object() && k->contains("changes")) {
    if (c.contains("node_pools")) parse_node_pool_changes((*k)["changes"], c, p + "/karpenter/changes", cl.karpenter);
    else ck_.fail(p + "/karpenter/changes", "changes of the NodePools under 'node_pools'", "no node_pools");
  }
  // Karpenter's MIN_VALUES_POLICY is one setting; capsim's scheduling reads it on each NodePool.
  if (auto k = c.find("karpenter"); k != c.end() && k->is_object() && k->contains("min_values_policy"))
    if (auto mv = ck_.one_of(*k, p + "/karpenter", "min_values_policy", {"Strict", "BestEffort"}); mv && *mv == "BestEffort") {
      for (auto& np : cl.karpenter.node_pools) np.scheduling.min_values_policy = MinValuesPolicy::BestEffort;
      for (auto& change : cl.karpenter.changes)
        for (auto& np : change.node_pools) np.scheduling.min_values_policy = MinValuesPolicy::BestEffort;
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
        if (auto hc = k8s::horizontal_pod_autoscaler(ck_, spec, ptr_join(p + "/hpa", svc), declared_traces_)) {
          // Features behind gates a cluster may not have on: said once per scenario, not silently assumed.
          auto note = [&](const std::string& text) {
            if (std::find(sc_.warnings.begin(), sc_.warnings.end(), text) == sc_.warnings.end()) sc_.warnings.push_back(text);
          };
          if (hc->spec.min_replicas == 0)
            note(fmt::format("the HPA of service '{}' has minReplicas 0: Kubernetes allows it only with the HPAScaleToZero "
                             "feature gate (alpha, off by default)", svc));
          if (hc->spec.behavior && (hc->spec.behavior->scale_up.tolerance || hc->spec.behavior->scale_down.tolerance))
            note(fmt::format("the HPA of service '{}' sets behavior tolerances: Kubernetes reads them from 1.33 with the "
                             "HPAConfigurableTolerance feature gate (alpha in 1.33, on by default from 1.35)", svc));
          cl.hpa.emplace(svc, std::move(*hc));
        }
  }
  // KEDA ScaledObjects: each creates the HPA of its service, so a service has one or the other.
  if (auto k = c.find("keda"); k != c.end()) {
    if (!k->is_object()) ck_.fail(p + "/keda", "an object of service name → KEDA ScaledObject spec", describe(*k));
    else
      for (const auto& [svc, spec] : k->items()) {
        const std::string kp = ptr_join(p + "/keda", svc);
        if (cl.hpa.count(svc)) ck_.fail(kp, "a ScaledObject for a service without an HPA under /cluster/hpa (KEDA creates its HPA)", "both");
        if (auto so = k8s::scaled_object(ck_, spec, kp, declared_traces_)) cl.keda.emplace(svc, std::move(*so));
      }
  }
  if (auto rq = c.find("resource_quotas"); rq != c.end()) {
    if (!rq->is_object()) {
      ck_.fail(p + "/resource_quotas", "an object of namespace → {\"hard\": {...}}", describe(*rq));
    } else {
      for (const auto& [ns, q] : rq->items()) {
        if (auto spec = k8s::resource_quota(ck_, q, ptr_join(p + "/resource_quotas", ns))) cl.resource_quotas.emplace(ns, *spec);
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
                     "max_pools", "reservation_count", "min_size", "max_size", "initial_state", "tags", "taints", "target_tracking",
                     "capacity_block"},
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
    if (auto cb = n.find("capacity_block"); cb != n.end()) parse_capacity_block(*cb, np, ng);
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
    if (auto tt = n.find("taints"); tt != n.end()) ng.taints = k8s::taints(ck_, *tt, np + "/taints");
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
  if (auto c = ck_.seconds(j, p, "scale_in_cooldown_s", 0)) tt.spec.scale_in_cooldown = *c;
  if (auto r = ck_.number(j, p, "scale_in_threshold_ratio", Bound::Positive)) {
    if (*r > 1) ck_.fail(p + "/scale_in_threshold_ratio", "a ratio in (0, 1]", describe(j["scale_in_threshold_ratio"]));
    tt.spec.scale_in_threshold_ratio = *r;
  }
  if (auto lag = ck_.seconds(j, p, "collection_lag_s", 0)) tt.collection_lag = *lag;
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
                         "node_group_backoff_reset_timeout", "max_pod_eviction_time", "expander"}))
    return;
  if (auto d = ck_.duration(j, p, "max_node_provision_time")) out.max_node_provision_time = *d;
  if (auto d = ck_.duration(j, p, "max_pod_eviction_time")) out.max_pod_eviction_time = *d;
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
