// cluster.karpenter.changes (part of the scenario loader): NodePools changed at a time of the run,
// as a platform engineer's `kubectl apply` of an edited NodePool would. Each change names the
// NodePools it touches; each is merged (JSON Merge Patch, RFC 7396: objects merge, arrays such as
// requirements are replaced whole) into that NodePool as the earlier changes left it.
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
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

void Loader::parse_node_pool_changes(const json& changes, const json& node_pools, const std::string& p, KarpenterSpec& out) {
  if (!changes.is_array()) {
    ck_.fail(p, "an array of NodePool changes {\"at\": time, \"node_pools\": [NodePool, ...]} or {\"at\": time, \"manifests\": \"after/\"}",
             describe(changes));
    return;
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
    if (!ck_.object(changes[c], cp, {"at", "node_pools", "manifests"}, {"at"})) continue;
    // An entry that still has its manifests was not turned into node_pools (apply_change_manifests
    // reported why).
    if (changes[c].contains("manifests")) continue;
    if (!changes[c].contains("node_pools")) {
      ck_.fail(cp, "a change with node_pools (JSON Merge Patches of NodePools) or manifests (NodePools that replace them)", "neither");
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
    const json& pools = changes[c]["node_pools"];
    const std::string pp = cp + "/node_pools";
    if (!pools.is_array() || pools.empty()) {
      ck_.fail(pp, "a non-empty array of NodePools, each with metadata.name and the fields it changes", describe(pools));
      continue;
    }
    std::vector<json> next = current;
    std::set<std::size_t> touched;
    for (std::size_t i = 0; i < pools.size(); ++i) {
      const std::string ep = ptr_join(pp, i);
      const json& e = pools[i];
      const json* name = e.is_object() && e.contains("metadata") && e["metadata"].is_object() && e["metadata"].contains("name")
                             ? &e["metadata"]["name"] : nullptr;
      if (!name || !name->is_string()) {
        ck_.fail(ep + "/metadata/name", "the name of the NodePool the change is to", e.is_object() ? "none" : describe(e));
        continue;
      }
      auto at = std::find(names.begin(), names.end(), name->get<std::string>());
      if (at == names.end()) {
        const std::string hint = did_you_mean(name->get<std::string>(), names);
        ck_.fail(ep + "/metadata/name", fmt::format("a NodePool of cluster.node_pools ({}){}", fmt::join(names, ", "), hint.empty() ? "" : "; " + hint),
                 "\"" + name->get<std::string>() + "\"");
        continue;
      }
      const std::size_t k = static_cast<std::size_t>(at - names.begin());
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
                                                       return e["metadata"]["name"] == names[k];
                                                     }) - pools.begin());
      const std::string ep = ptr_join(pp, i);
      std::optional<KarpenterNodePool> pool = k8s::node_pool(ck_, next[k], ep);
      if (!pool) continue;
      // A static NodePool's size is not its template, and capsim does not roll its nodes.
      if (pool->replicas || (*previous)[k].replicas)
        ck_.fail(ep, "a change to a dynamic NodePool (changes to a static NodePool, with spec.replicas, are not simulated)",
                 fmt::format("a change to static NodePool \"{}\"", names[k]));
      change.node_pools.push_back(std::move(*pool));
    }
    if (ck_.errors() != before) continue;
    last = change.at;
    current = std::move(next);
    out.changes.push_back(std::move(change));
    previous = &out.changes.back().node_pools;
  }
}

}  // namespace capsim::io::detail
