// cluster.karpenter.changes (part of the scenario loader): NodePools changed at a time of the run,
// as a platform engineer's `kubectl apply` of an edited NodePool would. Each change names the
// NodePools it touches; each is merged (JSON Merge Patch, RFC 7396: objects merge, arrays such as
// requirements are replaced whole) into that NodePool as the earlier changes left it. A change may
// patch EC2NodeClasses the same way (`node_classes`); every NodePool is then bound again to its class.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/json/json_checker.hpp"
#include "io/k8s/decoders.hpp"
#include "io/k8s/workloads.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

namespace {

const json* metadata_name(const json& e) {
  return e.is_object() && e.contains("metadata") && e["metadata"].is_object() && e["metadata"].contains("name") ? &e["metadata"]["name"] : nullptr;
}

const json* node_class_ref(const json& pool) {
  const json* ref = &pool;
  for (const char* k : {"spec", "template", "spec", "nodeClassRef", "name"}) ref = ref && ref->is_object() && ref->contains(k) ? &(*ref)[k] : nullptr;
  return ref && ref->is_string() ? ref : nullptr;
}

}  // namespace

void Loader::parse_node_pool_changes(const json& changes, const json& cluster, const std::string& p, KarpenterSpec& out) {
  if (!changes.is_array()) {
    ck_.fail(p, "an array of NodePool changes {\"at\": time, \"node_pools\": [NodePool, ...]} or {\"at\": time, \"manifests\": \"after/\"}",
             describe(changes));
    return;
  }
  const json& node_pools = cluster["node_pools"];
  const std::string cluster_ptr = p.substr(0, p.rfind("/karpenter/changes"));
  // The EC2NodeClasses as each change leaves them (documents and decoded), by name. Their problems
  // as first written are parse_node_classes's to report.
  std::map<std::string, json> class_docs;
  std::map<std::string, k8s::Ec2NodeClassSpec> classes;
  std::vector<std::string> class_names;
  const bool has_classes = cluster.contains("node_classes") && cluster["node_classes"].is_array();
  if (has_classes) {
    std::vector<Diagnostic> reported;
    Checker quiet(ck_.file(), reported);
    for (std::size_t i = 0; i < cluster["node_classes"].size(); ++i) {
      const json& nc = cluster["node_classes"][i];
      if (auto decoded = k8s::ec2_node_class(quiet, nc, ptr_join(cluster_ptr + "/node_classes", i)); decoded && !classes.count(decoded->name)) {
        class_docs.emplace(decoded->name, nc);
        class_names.push_back(decoded->name);
        classes.emplace(decoded->name, std::move(*decoded));
      }
    }
  }
  // The NodePools as each change leaves them (the documents), by their place in node_pools.
  std::vector<json> current;
  std::vector<std::string> names;
  for (const KarpenterNodePool& np : out.node_pools) names.push_back(np.scheduling.name);
  if (!node_pools.is_array() || node_pools.size() != names.size()) return;  // node_pools had errors of its own
  for (const json& np : node_pools) current.push_back(np);
  const std::vector<KarpenterNodePool>* previous = &out.node_pools;
  const UtcTime start = sc_.simulation.start;
  const UtcTime end = start + std::chrono::microseconds{sc_.simulation.duration};
  std::optional<UtcTime> last;
  for (std::size_t c = 0; c < changes.size(); ++c) {
    const std::string cp = ptr_join(p, c);
    const std::size_t before = ck_.errors();
    if (!ck_.object(changes[c], cp, {"at", "node_pools", "node_classes", "manifests"}, {"at"})) continue;
    // An entry that still has its manifests was not turned into node_pools (apply_change_manifests
    // reported why).
    if (changes[c].contains("manifests")) continue;
    if (!changes[c].contains("node_pools") && !changes[c].contains("node_classes")) {
      ck_.fail(cp, "a change with node_pools (JSON Merge Patches of NodePools) or manifests (NodePools that replace them), or node_classes "
                   "(JSON Merge Patches of EC2NodeClasses)",
               "neither");
      continue;
    }
    NodePoolChange change;
    if (auto at = ck_.string(changes[c], cp, "at")) {
      if (auto t = parse_iso8601(*at)) change.at = *t;
      else ck_.fail(cp + "/at", "an ISO 8601 time with a zone, such as \"2024-05-10T12:00:00Z\"", describe(changes[c]["at"]));
    }
    if (ck_.errors() == before && simulation_ok_ && (change.at <= start || change.at >= end))
      ck_.fail(cp + "/at", fmt::format("a time inside the simulation window (after {}, before {})", format_utc(start), format_utc(end)),
               format_utc(change.at));
    else if (ck_.errors() == before && last && change.at <= *last)
      ck_.fail(cp + "/at", fmt::format("a time after the previous change's ({}): changes in time order", format_utc(*last)),
               format_utc(change.at));
    const json pools = changes[c].contains("node_pools") ? changes[c]["node_pools"] : json::array();
    const std::string pp = cp + "/node_pools";
    if (changes[c].contains("node_pools") && (!pools.is_array() || pools.empty())) {
      ck_.fail(pp, "a non-empty array of NodePools, each with metadata.name and the fields it changes", describe(pools));
      continue;
    }
    // The EC2NodeClasses the change patches (kubectl apply of an edited EC2NodeClass).
    std::map<std::string, json> next_class_docs = class_docs;
    std::map<std::string, k8s::Ec2NodeClassSpec> next_classes = classes;
    std::set<std::string> classes_touched;
    if (changes[c].contains("node_classes")) {
      const json& patches = changes[c]["node_classes"];
      const std::string np = cp + "/node_classes";
      if (!patches.is_array() || patches.empty()) {
        ck_.fail(np, "a non-empty array of EC2NodeClasses, each with metadata.name and the fields it changes", describe(patches));
        continue;
      }
      if (!has_classes) {
        ck_.fail(np, "changes of the EC2NodeClasses under cluster.node_classes", "no node_classes");
        continue;
      }
      for (std::size_t i = 0; i < patches.size(); ++i) {
        const std::string ep = ptr_join(np, i);
        const json* name = metadata_name(patches[i]);
        if (!name || !name->is_string()) {
          ck_.fail(ep + "/metadata/name", "the name of the EC2NodeClass the change is to", patches[i].is_object() ? "none" : describe(patches[i]));
          continue;
        }
        const std::string n = name->get<std::string>();
        if (!next_class_docs.count(n)) {
          const std::string hint = did_you_mean(n, class_names);
          ck_.fail(ep + "/metadata/name", fmt::format("an EC2NodeClass of cluster.node_classes ({}){}", fmt::join(class_names, ", "), hint.empty() ? "" : "; " + hint),
                   "\"" + n + "\"");
          continue;
        }
        if (!classes_touched.insert(n).second) {
          ck_.fail(ep + "/metadata/name", "each EC2NodeClass once in a change", "\"" + n + "\" again");
          continue;
        }
        next_class_docs[n].merge_patch(patches[i]);
        if (auto decoded = k8s::ec2_node_class(ck_, next_class_docs[n], ep)) {
          if (decoded->resolution_terms != next_classes.at(n).resolution_terms) {
            // capsim resolves no AMIs, subnets or security groups: what the new terms select is assumed new.
            const std::string note = fmt::format(
                "cluster.karpenter.changes[{}]: EC2NodeClass '{}' changes its amiSelectorTerms, subnetSelectorTerms or securityGroupSelectorTerms; "
                "capsim resolves none of them and assumes the new terms select other AMIs, subnets or security groups, so every node of the "
                "class drifts (Karpenter drifts a node only when its AMI, subnet or security groups are not among those the terms now resolve to)",
                c, n);
            if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
          }
          next_classes[n] = std::move(*decoded);
        }
      }
    }
    if (ck_.errors() != before) continue;
    std::vector<json> next = current;
    std::vector<std::string> next_names = names;  // with the NodePools the change creates
    std::set<std::size_t> touched;
    for (std::size_t i = 0; i < pools.size(); ++i) {
      const std::string ep = ptr_join(pp, i);
      const json& e = pools[i];
      const json* name = metadata_name(e);
      if (!name || !name->is_string()) {
        ck_.fail(ep + "/metadata/name", "the name of the NodePool the change is to", e.is_object() ? "none" : describe(e));
        continue;
      }
      auto at = std::find(next_names.begin(), next_names.end(), name->get<std::string>());
      // A whole NodePool object (apiVersion karpenter.sh/v1, kind NodePool) of a new name is created,
      // as kubectl apply creates it; a patch, which has neither, must name a NodePool there is.
      const bool whole = e.is_object() && e.value("apiVersion", json()) == "karpenter.sh/v1" && e.value("kind", json()) == "NodePool";
      if (at == next_names.end() && !whole) {
        const std::string hint = did_you_mean(name->get<std::string>(), next_names);
        ck_.fail(ep + "/metadata/name",
                 fmt::format("a NodePool of cluster.node_pools ({}){}, or a new NodePool written whole (apiVersion karpenter.sh/v1, kind NodePool), "
                             "which the change creates",
                             fmt::join(next_names, ", "), hint.empty() ? "" : "; " + hint),
                 "\"" + name->get<std::string>() + "\"");
        continue;
      }
      if (at == next_names.end()) {
        next_names.push_back(name->get<std::string>());
        next.push_back(json::object());
        at = next_names.end() - 1;
        const std::string note = fmt::format("cluster.karpenter.changes[{}]: NodePool '{}' is new: it is created at {} (kubectl apply creates "
                                             "it), and from then on Karpenter may provision from it",
                                             c, *at, format_utc(change.at));
        if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
      }
      const std::size_t k = static_cast<std::size_t>(at - next_names.begin());
      if (!touched.insert(k).second) {
        ck_.fail(ep + "/metadata/name", "each NodePool once in a change", "\"" + *at + "\" again");
        continue;
      }
      next[k].merge_patch(e);
    }
    if (ck_.errors() != before) continue;
    for (std::size_t k = 0; k < next.size(); ++k) {
      if (!touched.count(k)) {
        change.node_pools.push_back((*previous)[k]);
        continue;
      }
      const std::size_t i = static_cast<std::size_t>(std::find_if(pools.begin(), pools.end(), [&](const json& e) {
                                                       return e["metadata"]["name"] == next_names[k];
                                                     }) - pools.begin());
      const std::string ep = ptr_join(pp, i);
      std::optional<KarpenterNodePool> pool = k8s::node_pool(ck_, next[k], ep);
      if (!pool) continue;
      // A static NodePool's size is not its template, and capsim does not roll its nodes.
      if (pool->replicas || (k < previous->size() && (*previous)[k].replicas))
        ck_.fail(ep, "a change to a dynamic NodePool (changes to a static NodePool, with spec.replicas, are not simulated)",
                 fmt::format("a change to static NodePool \"{}\"", next_names[k]));
      change.node_pools.push_back(std::move(*pool));
    }
    if (ck_.errors() != before) continue;
    // Every NodePool bound again to its class as the change leaves it (a NodePool the change decoded
    // anew has no binding yet; one it left may name a class the change edited).
    if (has_classes)
      for (std::size_t k = 0; k < next.size(); ++k) {
        const json* ref = node_class_ref(next[k]);
        if (!ref) continue;
        const std::string ep = touched.count(k) ? ptr_join(pp, static_cast<std::size_t>(std::find_if(pools.begin(), pools.end(), [&](const json& e) {
                                                                                      return e["metadata"]["name"] == next_names[k];
                                                                                    }) - pools.begin()))
                                                : ptr_join(cluster_ptr + "/node_pools", k);
        auto nc = next_classes.find(ref->get<std::string>());
        if (nc == next_classes.end()) {
          ck_.fail(ep + "/spec/template/spec/nodeClassRef/name", fmt::format("the name of an EC2NodeClass of cluster.node_classes ({})", fmt::join(class_names, ", ")),
                   describe(*ref), did_you_mean(ref->get<std::string>(), class_names));
          continue;
        }
        KarpenterNodePool& pool = change.node_pools[k];
        bind_node_class(pool, nc->second, ep);
        if (touched.count(k)) continue;
        const KarpenterNodePool& was = (*previous)[k];
        const bool class_changed = pool.node_class_hash != was.node_class_hash || pool.node_class_terms != was.node_class_terms ||
                                   pool.scheduling.capacity_reservations != was.scheduling.capacity_reservations;
        if (pool.replicas && class_changed)
          ck_.fail(cp + "/node_classes", "a change to the EC2NodeClasses of dynamic NodePools (changes to a static NodePool, with spec.replicas, are not simulated)",
                   fmt::format("a change to EC2NodeClass \"{}\" of static NodePool \"{}\"", nc->first, next_names[k]));
      }
    if (ck_.errors() != before) continue;
    names = std::move(next_names);
    class_docs = std::move(next_class_docs);
    classes = std::move(next_classes);
    last = change.at;
    current = std::move(next);
    out.changes.push_back(std::move(change));
    previous = &out.changes.back().node_pools;
  }
}

}  // namespace capsim::io::detail
