// A policy's choices from Kubernetes manifests (see manifest_policy.hpp).
#include "io/k8s/manifest_policy.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "capsim/core/close_match.hpp"
#include "io/k8s/decoders.hpp"
#include "io/k8s/workloads.hpp"

namespace capsim::io::k8s {

namespace {

using WorkloadKey = std::tuple<std::string, std::string, std::string>;  // kind, namespace, name

// obj[key] when it is a string, else `fallback`: values a decoder checks, read before it reports them.
std::string text_of(const json& obj, const char* key, const std::string& fallback) {
  return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : fallback;
}

// The index of the service at "/services/N" (its JSON pointer in the scenario).
std::size_t service_index(const std::string& service_ptr) { return std::stoul(service_ptr.substr(service_ptr.rfind('/') + 1)); }

std::string key_name(const WorkloadKey& k) { return fmt::format("{} {}/{}", std::get<0>(k), std::get<1>(k), std::get<2>(k)); }

// Keys of a service's replica that describe the pod, which a bound workload gives instead.
const std::vector<std::string> kPodKeys = {"pod_template", "gpus", "aws.amazon.com/neuron", "cpu", "memory", "limits",
                                           "requirements", "tolerations", "termination_grace_period_s"};

struct BoundWorkload {
  Workload workload;
  std::size_t object = 0;
  json pod_template;             // with the namespace's LimitRange defaults
  std::string service;           // the service bound to it, "" when none
  bool ok = true;                // false: its problems are reported; what refers to it says nothing more
  std::string service_ptr;       // that service's JSON pointer in the scenario
  std::string budget;            // the PodDisruptionBudget over its pods, "" when none
};

class Builder {
 public:
  Builder(json& doc, std::shared_ptr<const Manifests> m, const std::set<std::string>& traces, detail::Checker& scenario,
          std::vector<Diagnostic>& problems)
      : doc_(doc), traces_(traces), scenario_(scenario), problems_(problems) {
    out_.manifests = std::move(m);
  }

  ManifestOverlay build() {
    const auto& objects = out_.manifests->objects;
    // Namespaces' LimitRanges first: they change the pods of the workloads decoded next.
    for (std::size_t i = 0; i < objects.size(); ++i)
      if (objects[i].kind == ManifestKind::LimitRange) limit_range_of(i);
    for (std::size_t i = 0; i < objects.size(); ++i)
      if (objects[i].kind == ManifestKind::ResourceQuota) quota_of(i);
    for (std::size_t i = 0; i < objects.size(); ++i)
      if (objects[i].kind == ManifestKind::Deployment || objects[i].kind == ManifestKind::StatefulSet) workload_of(i);
    bind_services();
    for (const auto& [key, w] : workloads_)
      if (w.ok && w.service.empty())
        out_.notes.push_back(fmt::format("{} is bound to no service (services[].workload): it is read, not simulated", key_name(key)));
    for (std::size_t i = 0; i < objects.size(); ++i) {
      switch (objects[i].kind) {
        case ManifestKind::HorizontalPodAutoscaler: autoscaler_of(i, false); break;
        case ManifestKind::ScaledObject: autoscaler_of(i, true); break;
        case ManifestKind::PodDisruptionBudget: disruption_budget_of(i); break;
        default: break;
      }
    }
    node_pools();
    node_overlays();
    if (std::string note = unmodelled_note(*out_.manifests); !note.empty()) out_.notes.push_back(note);
    return std::move(out_);
  }

 private:
  const ManifestObject& obj(std::size_t i) const { return out_.manifests->objects[i]; }
  // The document's cluster section, made when it has none; nullptr when it is not an object (the
  // loader reports that).
  json* cluster() {
    if (!doc_.is_object()) return nullptr;
    json& c = doc_["cluster"];
    if (c.is_null()) c = json::object();
    return c.is_object() ? &c : nullptr;
  }

  /// Runs `decode` with a checker of its own and places what it reports in object i's manifest.
  template <class F>
  auto decoded(std::size_t i, F&& decode) {
    std::vector<Diagnostic> found;
    detail::Checker ck("", found);
    auto result = decode(ck);
    for (const auto& d : found) problems_.push_back(in_manifest(obj(i), d));
    return result;
  }

  void problem(std::size_t i, const std::string& pointer, std::string expected, std::string got, std::string hint = {}) {
    Diagnostic d;
    d.pointer = pointer;
    d.expected = std::move(expected);
    d.got = std::move(got);
    d.hint = std::move(hint);
    problems_.push_back(in_manifest(obj(i), d));
  }

  void region(const std::string& doc_ptr, std::size_t i, const std::string& suffix) {
    out_.regions.push_back({doc_ptr, i, obj(i).pointer + suffix, nullptr});
  }

  void limit_range_of(std::size_t i) {
    auto lr = decoded(i, [&](detail::Checker& ck) { return limit_range(ck, obj(i).object, obj(i).pointer); });
    if (!lr) return;
    if (limit_ranges_.count(obj(i).namespace_name)) {
      problem(i, obj(i).pointer + "/metadata/name", "one LimitRange per namespace (with two, which default applies is not defined)",
              fmt::format("a second one in namespace '{}'", obj(i).namespace_name));
      return;
    }
    limit_ranges_.emplace(obj(i).namespace_name, std::move(*lr));
  }

  void quota_of(std::size_t i) {
    const ManifestObject& o = obj(i);
    auto q = decoded(i, [&](detail::Checker& ck) -> std::optional<ResourceQuotaSpec> {
      if (!ck.object(o.object, o.pointer, {"apiVersion", "kind", "metadata", "spec"}, {"spec"})) return std::nullopt;
      return resource_quota(ck, o.object["spec"], o.pointer + "/spec");
    });
    if (!q) return;
    if (quotas_.count(o.namespace_name)) {
      problem(i, o.pointer + "/metadata/name", "one ResourceQuota per namespace (capsim holds one quota per namespace)",
              fmt::format("a second one in namespace '{}'", o.namespace_name));
      return;
    }
    quotas_.emplace(o.namespace_name, *q);
    if (!cluster()) return;
    json& rq = doc_["cluster"]["resource_quotas"];
    if (!rq.is_object()) rq = json::object();
    rq[o.namespace_name] = o.object["spec"];
    region(detail::ptr_join("/cluster/resource_quotas", o.namespace_name), i, "/spec");
  }

  void workload_of(std::size_t i) {
    const ManifestObject& o = obj(i);
    auto w = decoded(i, [&](detail::Checker& ck) { return workload(ck, o.object, o.pointer); });
    const WorkloadKey key{text_of(o.object, "kind", ""), o.namespace_name, o.name};
    if (!w) {
      workloads_.emplace(key, BoundWorkload{Workload{}, i, json(), "", false, "", ""});
      return;
    }
    BoundWorkload b{std::move(*w), i, o.object["spec"]["template"], "", true, "", ""};
    const std::string tp = o.pointer + "/spec/template";
    const bool ok = decoded(i, [&](detail::Checker& ck) {
      const std::size_t before = ck.errors();
      if (auto lr = limit_ranges_.find(o.namespace_name); lr != limit_ranges_.end()) apply_limit_range(ck, lr->second, b.pod_template, tp);
      if (ck.errors() != before) return false;
      auto shape = pod_template(ck, b.pod_template, tp);
      if (!shape) return false;
      requests_for_quota(ck, b.pod_template, tp, o.namespace_name);
      return ck.errors() == before;
    });
    b.ok = ok;
    workloads_.emplace(key, std::move(b));
  }

  /// A namespace whose ResourceQuota counts requests.cpu or requests.memory refuses a pod with a
  /// container that requests none (its limit counts as its request), as the quota admission does.
  void requests_for_quota(detail::Checker& ck, const json& tmpl, const std::string& tp, const std::string& ns) {
    auto q = quotas_.find(ns);
    if (q == quotas_.end()) return;
    for (const char* list : {"initContainers", "containers"}) {
      const json& spec = tmpl["spec"];
      auto cs = spec.find(list);
      if (cs == spec.end() || !cs->is_array()) continue;
      for (std::size_t c = 0; c < cs->size(); ++c) {
        const json& res = (*cs)[c].contains("resources") ? (*cs)[c]["resources"] : json::object();
        auto has = [&](const char* r) {
          for (const char* section : {"requests", "limits"})
            if (res.contains(section) && res[section].is_object() && res[section].contains(r)) return true;
          return false;
        };
        const std::string cp = detail::ptr_join(tp + "/spec/" + list, c);
        for (const auto& [r, tracked] : {std::pair<const char*, bool>{"cpu", q->second.cpu_millicores.has_value()},
                                         std::pair<const char*, bool>{"memory", q->second.memory_mib.has_value()}})
          if (tracked && !has(r))
            ck.fail(cp + (res.empty() ? "" : "/resources"),
                    fmt::format("a {0} request (namespace '{1}' has a ResourceQuota on requests.{0}, so the API server refuses a pod "
                                "without one; a LimitRange default would give it one)",
                                r, ns),
                    fmt::format("container '{}' without one", text_of((*cs)[c], "name", std::to_string(c))));
      }
    }
  }

  void bind_services() {
    json* services = doc_.contains("services") && doc_["services"].is_array() ? &doc_["services"] : nullptr;
    if (!services) return;
    for (std::size_t s = 0; s < services->size(); ++s) {
      json& svc = (*services)[s];
      if (!svc.is_object() || !svc.contains("workload")) continue;
      const std::string sp = detail::ptr_join("/services", s);
      const std::string name = text_of(svc, "name", "");
      const json ref = svc["workload"];
      svc.erase("workload");
      const std::string text = ref.is_string() ? ref.get<std::string>() : "";
      const auto slash = text.find('/');
      const std::string kind = slash == std::string::npos ? "" : text.substr(0, slash);
      const std::string wname = slash == std::string::npos ? "" : text.substr(slash + 1);
      if ((kind != "Deployment" && kind != "StatefulSet") || wname.empty() || wname.find('/') != std::string::npos) {
        scenario_.fail(sp + "/workload", "\"Deployment/<name>\" or \"StatefulSet/<name>\"", detail::describe(ref));
        svc["workload"] = nullptr;
        continue;
      }
      const std::optional<std::string> ns = svc.contains("namespace") && svc["namespace"].is_string()
                                                 ? std::optional<std::string>(svc["namespace"].get<std::string>())
                                                 : std::nullopt;
      std::vector<BoundWorkload*> found;
      std::vector<std::string> names;
      for (auto& [key, w] : workloads_) {
        names.push_back(std::get<0>(key) + "/" + std::get<2>(key));
        if (std::get<0>(key) == kind && std::get<2>(key) == wname && (!ns || std::get<1>(key) == *ns)) found.push_back(&w);
      }
      if (found.empty()) {
        scenario_.fail(sp + "/workload",
                       fmt::format("a {} of the policy's manifests{}", kind, ns ? " in namespace '" + *ns + "'" : std::string()),
                       fmt::format("\"{}\", which none holds{}", text, workloads_.empty() ? " (they hold no Deployment or StatefulSet)" : ""),
                       did_you_mean(text, names));
        svc["workload"] = nullptr;
        continue;
      }
      if (found.size() > 1) {
        scenario_.fail(sp + "/workload", "a workload one namespace holds (give the service's 'namespace')",
                       fmt::format("\"{}\" in {} namespaces", text, found.size()));
        svc["workload"] = nullptr;
        continue;
      }
      BoundWorkload& w = *found.front();
      if (!w.ok) {
        svc["workload"] = nullptr;  // its manifest's problems are reported; the service is not read further
        continue;
      }
      if (!w.service.empty()) {
        scenario_.fail(sp + "/workload", "a workload bound to one service", fmt::format("\"{}\", bound to service '{}' too", text, w.service));
        svc["workload"] = nullptr;
        continue;
      }
      if (svc.contains("replica") && !svc["replica"].is_object()) {
        scenario_.fail(sp + "/replica", "an object of capsim's replica keys (startup_s, concurrency, usage, ...)", detail::describe(svc["replica"]));
        svc["workload"] = nullptr;
        continue;
      }
      bool clash = svc.contains("replicas");
      if (clash) scenario_.fail(sp + "/replicas", "the replicas in the workload's spec.replicas only", "both");
      if (auto r = svc.find("replica"); r != svc.end() && r->is_object())
        for (const auto& k : kPodKeys)
          if (r->contains(k)) {
            scenario_.fail(detail::ptr_join(sp + "/replica", k), "the pod's shape from the workload '" + text + "' only", "both");
            clash = true;
          }
      if (clash) {
        svc["workload"] = nullptr;
        continue;
      }
      w.service = name;
      w.service_ptr = sp;
      if (!svc.contains("replica")) svc["replica"] = json::object();
      svc["replica"]["pod_template"] = w.pod_template;
      svc["replicas"] = w.workload.replicas;
      svc["namespace"] = w.workload.namespace_name;
      region(sp + "/replica/pod_template", w.object, "/spec/template");
      region(sp + "/replicas", w.object, "/spec/replicas");
      // The manifests say how the service scales: what the scenario's JSON said is replaced.
      for (const char* section : {"hpa", "keda"})
        if (doc_.contains("cluster") && doc_["cluster"].is_object() && doc_["cluster"].contains(section) && doc_["cluster"][section].is_object())
          doc_["cluster"][section].erase(name);
    }
  }

  void autoscaler_of(std::size_t i, bool keda) {
    const ManifestObject& o = obj(i);
    const std::string sp = o.pointer + "/spec";
    const json& spec = o.object.contains("spec") ? o.object["spec"] : json();
    if (!spec.is_object() || !spec.contains("scaleTargetRef") || !spec["scaleTargetRef"].is_object()) {
      problem(i, spec.is_object() ? sp : o.pointer, "a spec with a scaleTargetRef {apiVersion, kind, name}",
              spec.is_object() ? "no scaleTargetRef" : "no spec");
      return;
    }
    const json& ref = spec["scaleTargetRef"];
    const std::string rp = sp + "/scaleTargetRef";
    const auto target = decoded(i, [&](detail::Checker& ck) -> std::optional<WorkloadKey> {
      if (!ck.object(ref, rp, keda ? std::vector<std::string>{"apiVersion", "kind", "name", "envSourceContainerName"}
                                   : std::vector<std::string>{"apiVersion", "kind", "name"},
                     keda ? std::vector<std::string>{"name"} : std::vector<std::string>{"kind", "name"}))
        return std::nullopt;
      // KEDA's scaleTargetRef.kind defaults to Deployment.
      const auto kind = keda && !ref.contains("kind") ? std::optional<std::string>("Deployment")
                                                      : ck.one_of(ref, rp, "kind", {"Deployment", "StatefulSet"});
      const auto name = ck.string(ref, rp, "name");
      if (!kind || !name) return std::nullopt;
      return WorkloadKey{*kind, o.namespace_name, *name};
    });
    if (!target) return;
    auto w = workloads_.find(*target);
    if (w == workloads_.end()) {
      std::vector<std::string> names;
      for (const auto& [key, bw] : workloads_)
        if (std::get<1>(key) == o.namespace_name) names.push_back(std::get<2>(key));
      problem(i, rp + "/name", fmt::format("a {} of the manifests in namespace '{}'", std::get<0>(*target), o.namespace_name),
              fmt::format("\"{}\", which they do not hold", std::get<2>(*target)), did_you_mean(std::get<2>(*target), names));
      return;
    }
    if (!w->second.ok) return;  // its problems are reported
    if (w->second.service.empty()) {
      out_.notes.push_back(fmt::format("{} '{}' scales {}, which no service binds: not simulated", text_of(o.object, "kind", ""),
                                       o.name, key_name(*target)));
      return;
    }
    const std::string& svc = w->second.service;
    if (!scaled_.emplace(svc, i).second) {
      problem(i, rp + "/name", fmt::format("one autoscaler for {} (an HPA or a ScaledObject)", key_name(*target)),
              fmt::format("a second one, after {} '{}'", text_of(obj(scaled_[svc]).object, "kind", ""), obj(scaled_[svc]).name));
      return;
    }
    json decoded_spec = spec;
    decoded_spec.erase("scaleTargetRef");
    const bool ok = decoded(i, [&](detail::Checker& ck) {
      return keda ? scaled_object(ck, decoded_spec, sp, traces_).has_value()
                  : horizontal_pod_autoscaler(ck, decoded_spec, sp, traces_).has_value();
    });
    if (!ok || !cluster()) return;
    doc_["cluster"][keda ? "keda" : "hpa"][svc] = decoded_spec;
    region(detail::ptr_join(keda ? "/cluster/keda" : "/cluster/hpa", svc), i, "/spec");
  }

  void disruption_budget_of(std::size_t i) {
    const ManifestObject& o = obj(i);
    auto pdb = decoded(i, [&](detail::Checker& ck) { return pod_disruption_budget(ck, o.object, o.pointer); });
    if (!pdb) return;
    std::vector<std::string> selected;
    std::vector<BoundWorkload*> workloads;
    for (auto& [key, w] : workloads_)
      if (std::get<1>(key) == pdb->namespace_name && pdb->selector.matches(w.workload.pod_labels)) {
        selected.push_back(key_name(key));
        workloads.push_back(&w);
      }
    const bool unknown_labels = std::any_of(workloads_.begin(), workloads_.end(), [&](const auto& entry) {
      return !entry.second.ok && std::get<1>(entry.first) == pdb->namespace_name;
    });
    if (selected.empty() && unknown_labels) return;  // a workload whose labels could not be read may be the one
    if (selected.empty()) {
      problem(i, o.pointer + "/spec/selector",
              fmt::format("a selector of the pods of a Deployment or StatefulSet of the manifests in namespace '{}'", pdb->namespace_name),
              "one that selects none of their pods");
      return;
    }
    // Kubernetes counts one budget over every pod its selector matches, whatever workload owns it.
    const std::string budget = pdb->namespace_name + "/" + pdb->name;
    for (std::size_t k = 0; k < workloads.size(); ++k)
      if (!workloads[k]->budget.empty()) {
        problem(i, o.pointer + "/spec/selector",
                fmt::format("one PodDisruptionBudget over the pods of {} (the Eviction API refuses to evict a pod two budgets select)",
                            selected[k]),
                fmt::format("a second one, after {}", workloads[k]->budget));
        return;
      }
    std::vector<BoundWorkload*> simulated;
    std::vector<std::string> unbound;
    for (std::size_t k = 0; k < workloads.size(); ++k) {
      workloads[k]->budget = budget;
      if (workloads[k]->service.empty()) unbound.push_back(selected[k]);
      else simulated.push_back(workloads[k]);
    }
    if (simulated.empty()) return;  // not simulated, which is noted
    if (!unbound.empty())
      out_.notes.push_back(fmt::format("PodDisruptionBudget {} also selects the pods of {}, which no service binds: the budget counts "
                                       "only the simulated services' pods, so it allows more than it would in the cluster",
                                       budget, fmt::join(unbound, ", ")));
    for (BoundWorkload* w : simulated)
      if (doc_.at(json::json_pointer(w->service_ptr)).contains("disruption_budget")) {
        scenario_.fail(w->service_ptr + "/disruption_budget", "the PodDisruptionBudget from the manifests only", "both");
        return;
      }
    // capsim's spelling of the budget: a count stays a number, a percentage a string.
    auto value = [](const std::string& text) { return text.back() == '%' ? json(text) : json(std::stoll(text)); };
    json out = json::object();
    if (pdb->max_unavailable) out["max_unavailable"] = value(*pdb->max_unavailable);
    else out["min_available"] = value(*pdb->min_available);
    if (pdb->unhealthy_pod_eviction_policy) out["unhealthy_pod_eviction_policy"] = *pdb->unhealthy_pod_eviction_policy;
    if (simulated.size() == 1) {
      // Over one service's pods: that service's own budget.
      doc_.at(json::json_pointer(simulated.front()->service_ptr))["disruption_budget"] = out;
      region(simulated.front()->service_ptr + "/disruption_budget", i, "/spec");
      return;
    }
    // Over several: one budget the services share (cluster.pod_disruption_budgets), in the order of
    // the services in the scenario.
    if (!cluster()) return;
    std::sort(simulated.begin(), simulated.end(), [](const BoundWorkload* a, const BoundWorkload* b) {
      return service_index(a->service_ptr) < service_index(b->service_ptr);
    });
    json shared = {{"name", pdb->name}, {"services", json::array()}};
    for (const BoundWorkload* w : simulated) shared["services"].push_back(w->service);
    shared.update(out);
    json& list = doc_["cluster"]["pod_disruption_budgets"];
    if (list.is_null()) list = json::array();
    if (!list.is_array()) return;  // the scenario's own value, wrong: the loader reports it
    region(detail::ptr_join("/cluster/pod_disruption_budgets", list.size()), i, "/spec");
    list.push_back(std::move(shared));
  }

  void node_pools() {
    std::map<std::string, Ec2NodeClassSpec> classes;
    json node_classes = json::array();
    for (std::size_t i = 0; i < out_.manifests->objects.size(); ++i) {
      if (obj(i).kind != ManifestKind::EC2NodeClass) continue;
      auto nc = decoded(i, [&](detail::Checker& ck) { return ec2_node_class(ck, obj(i).object, obj(i).pointer); });
      if (!nc) continue;
      if (!nc->ignored_fields.empty())
        out_.notes.push_back(fmt::format("EC2NodeClass '{}': {} read and ignored (they do not change what capsim simulates)", nc->name,
                                         fmt::join(nc->ignored_fields, ", ")));
      if (nc->instance_store_policy)
        out_.notes.push_back(fmt::format("EC2NodeClass '{}': instanceStorePolicy {} makes the instance store the nodes' ephemeral "
                                         "storage; capsim does not schedule ephemeral-storage, so it changes no placement or cost",
                                         nc->name, *nc->instance_store_policy));
      // The class goes into the policy as the scenario's JSON form has it (cluster.node_classes), where
      // the loader resolves its capacityReservationSelectorTerms against market.capacity_reservations.
      region(detail::ptr_join("/cluster/node_classes", node_classes.size()), i, "");
      node_classes.push_back(obj(i).object);
      classes.emplace(nc->name, std::move(*nc));
    }
    json pools = json::array();
    for (std::size_t i = 0; i < out_.manifests->objects.size(); ++i) {
      const ManifestObject& o = obj(i);
      if (o.kind != ManifestKind::NodePool) continue;
      const bool ok = decoded(i, [&](detail::Checker& ck) { return node_pool(ck, o.object, o.pointer).has_value(); });
      if (!ok) continue;
      const json* ref = &o.object;
      for (const char* k : {"spec", "template", "spec", "nodeClassRef", "name"})
        ref = ref && ref->is_object() && ref->contains(k) ? &(*ref)[k] : nullptr;
      if (ref && ref->is_string() && !classes.empty() && !classes.count(ref->get<std::string>())) {
        std::vector<std::string> names;
        for (const auto& [n, c] : classes) names.push_back(n);
        problem(i, o.pointer + "/spec/template/spec/nodeClassRef/name",
                fmt::format("the name of an EC2NodeClass of the manifests ({})", fmt::join(names, ", ")), detail::describe(*ref),
                did_you_mean(ref->get<std::string>(), names));
        continue;
      }
      region(detail::ptr_join("/cluster/node_pools", pools.size()), i, "");
      pools.push_back(o.object);
    }
    if (pools.empty() || !cluster()) return;
    doc_["cluster"]["node_pools"] = std::move(pools);
    if (!node_classes.empty()) doc_["cluster"]["node_classes"] = std::move(node_classes);
    doc_["cluster"]["provisioner"] = "karpenter";
  }

  // The template label keys of the policy's NodePools (the manifests' or the scenario's): a
  // NodeOverlay may select on them.
  std::vector<std::string> node_pool_template_labels() const {
    std::set<std::string> keys;
    const json* pools = doc_.is_object() && doc_.contains("cluster") && doc_["cluster"].is_object() && doc_["cluster"].contains("node_pools")
                            ? &doc_["cluster"]["node_pools"]
                            : nullptr;
    if (pools && pools->is_array())
      for (const json& np : *pools) {
        const json* l = &np;
        for (const char* k : {"spec", "template", "metadata", "labels"}) l = l && l->is_object() && l->contains(k) ? &(*l)[k] : nullptr;
        if (l && l->is_object())
          for (const auto& [key, value] : l->items()) keys.insert(key);
      }
    return {keys.begin(), keys.end()};
  }

  void node_overlays() {
    json overlays = json::array();
    const std::vector<std::string> template_labels = node_pool_template_labels();
    for (std::size_t i = 0; i < out_.manifests->objects.size(); ++i) {
      const ManifestObject& o = obj(i);
      if (o.kind != ManifestKind::NodeOverlay) continue;
      if (!decoded(i, [&](detail::Checker& ck) { return node_overlay(ck, o.object, o.pointer, template_labels).has_value(); })) continue;
      region(detail::ptr_join("/cluster/node_overlays", overlays.size()), i, "");
      overlays.push_back(o.object);
    }
    if (overlays.empty() || !cluster()) return;
    doc_["cluster"]["node_overlays"] = std::move(overlays);
  }

  json& doc_;
  const std::set<std::string>& traces_;
  detail::Checker& scenario_;
  std::vector<Diagnostic>& problems_;
  ManifestOverlay out_;
  std::map<std::string, LimitRangeDefaults> limit_ranges_;  // by namespace
  std::map<std::string, ResourceQuotaSpec> quotas_;         // by namespace
  std::map<WorkloadKey, BoundWorkload> workloads_;
  std::map<std::string, std::size_t> scaled_;  // service → its autoscaler's object
};

}  // namespace

std::optional<Diagnostic> ManifestOverlay::place(const Diagnostic& problem) const {
  if (problem.line > 0) return std::nullopt;
  const ManifestRegion* best = nullptr;
  for (const auto& r : regions) {
    const std::string& p = problem.pointer;
    const bool inside = p.compare(0, r.document_pointer.size(), r.document_pointer) == 0 &&
                        (p.size() == r.document_pointer.size() || p[r.document_pointer.size()] == '/');
    if (inside && (!best || r.document_pointer.size() > best->document_pointer.size())) best = &r;
  }
  const Manifests* from = best && best->source ? best->source.get() : manifests.get();
  if (!best || !from) return std::nullopt;
  Diagnostic d = problem;
  d.pointer = best->object_pointer + problem.pointer.substr(best->document_pointer.size());
  return in_manifest(from->objects[best->object], d);
}

ManifestOverlay apply_manifests(json& doc, std::shared_ptr<const Manifests> manifests, const std::set<std::string>& traces,
                                detail::Checker& scenario, std::vector<Diagnostic>& problems) {
  return Builder(doc, std::move(manifests), traces, scenario, problems).build();
}

}  // namespace capsim::io::k8s
