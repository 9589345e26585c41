// cluster.karpenter.changes entries with `manifests` (part of the scenario loader): at the change's
// time the NodePools of those manifests replace the NodePools of the same name, as `kubectl apply -f
// after/` of the edited files would (apply removes the fields the new manifest no longer has). A
// NodePool the manifests leave out stays as it was. Each entry becomes the `node_pools` entry that
// parse_node_pool_changes reads: a JSON Merge Patch (RFC 7396) from the NodePool as the earlier
// changes left it to the manifest's, with null for every key the manifest drops, so merging it
// yields the manifest's NodePool exactly; a NodePool of a new name is written whole (it is created). EC2NodeClasses of the manifests become its `node_classes`
// entry the same way.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "io/json/json_checker.hpp"
#include "io/k8s/manifest_reader.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

namespace {

// The merge patch that turns `from` into `to`: keys `to` lacks become null (removed), objects on
// both sides are patched key by key, anything else is written whole (arrays are replaced whole).
json replacement_patch(const json& from, const json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  json patch = json::object();
  for (const auto& [key, value] : from.items())
    if (!to.contains(key)) patch[key] = nullptr;
  for (const auto& [key, value] : to.items()) {
    auto was = from.find(key);
    if (was != from.end() && *was == value) continue;
    patch[key] = was != from.end() && was->is_object() && value.is_object() ? replacement_patch(*was, value) : value;
  }
  return patch;
}

const json* name_of(const json& pool) {
  if (!pool.is_object() || !pool.contains("metadata") || !pool["metadata"].is_object()) return nullptr;
  const json& m = pool["metadata"];
  return m.contains("name") && m["name"].is_string() ? &m["name"] : nullptr;
}

}  // namespace

void Loader::apply_change_manifests(json& doc, k8s::ManifestOverlay& overlay) {
  json* changes = doc.is_object() && doc.contains("cluster") && doc["cluster"].is_object() && doc["cluster"].contains("karpenter") &&
                          doc["cluster"]["karpenter"].is_object() && doc["cluster"]["karpenter"].contains("changes")
                      ? &doc["cluster"]["karpenter"]["changes"]
                      : nullptr;
  if (!changes || !changes->is_array()) return;  // parse_node_pool_changes reports a wrong type
  // The objects of cluster[key] by name (and their names in order).
  const auto by_name = [&](const char* key, std::map<std::string, json>& objects, std::vector<std::string>& order) {
    if (!doc["cluster"].contains(key) || !doc["cluster"][key].is_array()) return;
    for (const json& o : doc["cluster"][key])
      if (const json* n = name_of(o)) {
        objects.emplace(n->get<std::string>(), o);
        order.push_back(n->get<std::string>());
      }
  };
  // Each NodePool and each EC2NodeClass of the policy as the changes so far leave it, by name.
  std::map<std::string, json> current, current_classes;
  std::vector<std::string> names, class_names;
  by_name("node_pools", current, names);
  by_name("node_classes", current_classes, class_names);
  for (std::size_t c = 0; c < changes->size(); ++c) {
    json& entry = (*changes)[c];
    if (!entry.is_object()) continue;
    const std::string cp = ptr_join("/cluster/karpenter/changes", c);
    if (!entry.contains("manifests")) {
      if (entry.contains("node_pools") && entry["node_pools"].is_array())
        for (const json& e : entry["node_pools"]) {
          if (const json* n = name_of(e); n && current.count(n->get<std::string>())) {
            current[n->get<std::string>()].merge_patch(e);
          } else if (n) {
            current.emplace(n->get<std::string>(), e);  // a NodePool the change creates
          }
        }
      if (entry.contains("node_classes") && entry["node_classes"].is_array())
        for (const json& e : entry["node_classes"]) {
          if (const json* n = name_of(e); n && current_classes.count(n->get<std::string>())) current_classes[n->get<std::string>()].merge_patch(e);
        }
      continue;
    }
    // From here on the entry keeps its `manifests` key unless it is converted: parse_node_pool_changes
    // skips such an entry, whose problems are reported here.
    if (entry.contains("node_pools") || entry.contains("node_classes")) {
      ck_.fail(cp, "either node_pools (JSON Merge Patches) or manifests (NodePools that replace), not both",
               entry.contains("node_pools") ? "both" : "both (node_classes and manifests)");
      continue;
    }
    const json& m = entry["manifests"];
    const json list = m.is_string() ? json::array({m}) : m;
    std::vector<InputFile> inputs;
    if (!list.is_array() || list.empty()) {
      ck_.fail(cp + "/manifests", "a folder or file of Kubernetes manifests, or a non-empty list of them", describe(m));
      continue;
    }
    bool paths_ok = true;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string mp = m.is_string() ? cp + "/manifests" : ptr_join(cp + "/manifests", k);
      if (!list[k].is_string() || list[k].get<std::string>().empty()) {
        ck_.fail(mp, "the path of a folder or file of manifests", describe(list[k]));
        paths_ok = false;
      } else if (auto in = input_file(list[k].get<std::string>(), mp)) {
        inputs.push_back(std::move(*in));
      } else {
        paths_ok = false;
      }
    }
    if (!paths_ok) continue;
    const std::shared_ptr<const k8s::Manifests> manifests = read_manifests(inputs);
    json patches = json::array(), class_patches = json::array();
    bool ok = true;
    std::size_t others = 0;
    std::map<std::string, json> next = current;
    std::map<std::string, json> next_classes = current_classes;
    for (std::size_t i = 0; i < manifests->objects.size(); ++i) {
      const k8s::ManifestObject& o = manifests->objects[i];
      // An object the policy already has, replaced: the change's entry under `key` is a merge patch
      // from what the object is now (removed fields null), placed in the manifest for messages.
      const auto replace = [&](const char* key, json& entries, json& now) {
        json patch = replacement_patch(now, o.object);
        patch["metadata"]["name"] = o.name;
        overlay.regions.push_back({ptr_join(cp + "/" + key, entries.size()), i, o.pointer, manifests});
        entries.push_back(std::move(patch));
        now = o.object;
      };
      if (o.kind == k8s::ManifestKind::EC2NodeClass) {
        auto at = next_classes.find(o.name);
        if (at == next_classes.end()) {
          // A NodePool that could name a new class would be a new NodePool too; capsim adds neither.
          Diagnostic d;
          d.pointer = o.pointer + "/metadata/name";
          d.expected = fmt::format("the name of an EC2NodeClass of the policy ({}): a change replaces EC2NodeClasses, capsim cannot add one mid-run",
                                   class_names.empty() ? "it has none" : fmt::format("{}", fmt::join(class_names, ", ")));
          d.got = "\"" + o.name + "\"";
          d.hint = did_you_mean(o.name, class_names);
          diags_.push_back(k8s::in_manifest(o, d));
          ok = false;
          continue;
        }
        replace("node_classes", class_patches, at->second);
        continue;
      }
      if (o.kind != k8s::ManifestKind::NodePool) {
        ++others;
        continue;
      }
      auto at = next.find(o.name);
      if (at == next.end()) {
        // A NodePool of a new name: kubectl apply creates it. Its entry is the whole object (with its
        // apiVersion and kind), which parse_node_pool_changes creates.
        overlay.regions.push_back({ptr_join(cp + "/node_pools", patches.size()), i, o.pointer, manifests});
        patches.push_back(o.object);
        next.emplace(o.name, o.object);
        continue;
      }
      replace("node_pools", patches, at->second);
    }
    if (!ok) continue;
    if (patches.empty() && class_patches.empty()) {
      ck_.fail(cp + "/manifests", "manifests holding at least one NodePool or EC2NodeClass (the objects the change replaces)",
               fmt::format("{} object(s), no NodePool or EC2NodeClass", manifests->objects.size()));
      continue;
    }
    if (others > 0) {
      const std::string note =
          fmt::format("cluster.karpenter.changes[{}]: only the NodePools and EC2NodeClasses of a change's manifests are read; {} object(s) "
                      "of other kinds in them are not applied at the change's time",
                      c, others);
      if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
    }
    for (const auto& [name, pool] : next)
      if (!current.count(name)) names.push_back(name);
    current = std::move(next);
    current_classes = std::move(next_classes);
    entry.erase("manifests");
    if (!patches.empty()) entry["node_pools"] = std::move(patches);
    if (!class_patches.empty()) entry["node_classes"] = std::move(class_patches);
  }
}

}  // namespace capsim::io::detail
