// Topology spread constraints in both forms: capsim's short form of a service's replica
// (`topology_spread`) and a pod template's topologySpreadConstraints, checked as the API server
// checks them and mapped onto the same TopologySpreadConstraint.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

namespace {

const std::vector<std::string>& simulated_keys() {
  static const std::vector<std::string> keys = {std::string(label::kZone), std::string(label::kHostname)};
  return keys;
}

// The rules both forms share: minDomains only with DoNotSchedule, and one constraint per
// (topologyKey, whenUnsatisfiable), as the API server validates a pod spec.
void check_spread(Checker& ck, const std::vector<TopologySpreadConstraint>& before, const TopologySpreadConstraint& c,
                  const std::string& p, const char* min_domains_key, const char* key_key) {
  if (c.min_domains && c.schedule_anyway)
    ck.fail(ptr_join(p, min_domains_key), "no minDomains with whenUnsatisfiable ScheduleAnyway (the API server allows it only with DoNotSchedule)",
            fmt::format("{}", *c.min_domains));
  if (std::any_of(before.begin(), before.end(), [&](const TopologySpreadConstraint& b) { return b.key == c.key && b.schedule_anyway == c.schedule_anyway; }))
    ck.fail(ptr_join(p, key_key), "one constraint per topology key and whenUnsatisfiable (the API server refuses a duplicate)",
            fmt::format("a second {} {}", c.key, c.schedule_anyway ? "ScheduleAnyway" : "DoNotSchedule"));
}

}  // namespace

std::vector<TopologySpreadConstraint> topology_spread_short(Checker& ck, const json& j, const std::string& p) {
  std::vector<TopologySpreadConstraint> out;
  if (!j.is_array()) {
    ck.fail(p, "an array of {key, max_skew, when_unsatisfiable, min_domains}", describe(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string cp = ptr_join(p, i);
    if (!ck.object(j[i], cp, {"key", "max_skew", "when_unsatisfiable", "min_domains"}, {"key", "max_skew", "when_unsatisfiable"})) continue;
    TopologySpreadConstraint c;
    const auto key = ck.one_of(j[i], cp, "key", simulated_keys());
    const auto skew = ck.integer(j[i], cp, "max_skew", 1, 1'000'000);
    const auto when = ck.one_of(j[i], cp, "when_unsatisfiable", {"DoNotSchedule", "ScheduleAnyway"});
    if (j[i].contains("min_domains")) {
      if (auto m = ck.integer(j[i], cp, "min_domains", 1, 1'000'000)) c.min_domains = static_cast<int>(*m);
    }
    if (!key || !skew || !when) continue;
    c.key = *key;
    c.max_skew = static_cast<int>(*skew);
    c.schedule_anyway = *when == "ScheduleAnyway";
    check_spread(ck, out, c, cp, "min_domains", "key");
    out.push_back(std::move(c));
  }
  return out;
}

void topology_spread_constraints(Checker& ck, const json& j, const std::string& p, const std::map<std::string, std::string>& pod_labels,
                                 std::vector<TopologySpreadConstraint>& out, std::vector<std::string>& notes) {
  if (!j.is_array()) {
    ck.fail(p, "an array of {maxSkew, topologyKey, whenUnsatisfiable, labelSelector}", describe(j));
    return;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string cp = ptr_join(p, i);
    const json& t = j[i];
    if (!ck.object(t, cp,
                   {"maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", "minDomains", "matchLabelKeys", "nodeAffinityPolicy",
                    "nodeTaintsPolicy"},
                   {"maxSkew", "topologyKey", "whenUnsatisfiable"}))
      continue;
    TopologySpreadConstraint c;
    const auto skew = ck.integer(t, cp, "maxSkew", 1, 1'000'000);
    const auto when = ck.one_of(t, cp, "whenUnsatisfiable", {"DoNotSchedule", "ScheduleAnyway"});
    const auto key = ck.string(t, cp, "topologyKey");
    if (t.contains("minDomains")) {
      if (auto m = ck.integer(t, cp, "minDomains", 1, 1'000'000)) c.min_domains = static_cast<int>(*m);
    }
    const auto affinity_policy = t.contains("nodeAffinityPolicy") ? ck.one_of(t, cp, "nodeAffinityPolicy", {"Honor", "Ignore"}) : std::nullopt;
    const auto taints_policy = t.contains("nodeTaintsPolicy") ? ck.one_of(t, cp, "nodeTaintsPolicy", {"Honor", "Ignore"}) : std::nullopt;
    if (!skew || !when || !key) continue;
    c.key = *key;
    c.max_skew = static_cast<int>(*skew);
    c.schedule_anyway = *when == "ScheduleAnyway";
    check_spread(ck, out, c, cp, "minDomains", "topologyKey");
    if (std::find(simulated_keys().begin(), simulated_keys().end(), c.key) == simulated_keys().end()) {
      notes.push_back(fmt::format("{}: topologyKey {} is not simulated (capsim's nodes carry {} and {}); its pods are placed without this constraint",
                                  cp, c.key, label::kZone, label::kHostname));
      continue;
    }
    if (affinity_policy == "Ignore")
      notes.push_back(fmt::format("{}/nodeAffinityPolicy: Ignore is not simulated; capsim counts the domains of the nodes the pod's node "
                                  "affinity admits (Honor, the default)", cp));
    if (taints_policy == "Honor")
      notes.push_back(fmt::format("{}/nodeTaintsPolicy: Honor is not simulated; capsim counts the domains of tainted nodes too (Ignore, the "
                                  "default)", cp));
    // capsim counts the workload's own pods; a selector that does not select them is said to differ.
    if (auto sel = t.find("labelSelector"); sel != t.end()) {
      bool own = sel->is_object() && !sel->contains("matchExpressions");
      if (own)
        if (auto ml = sel->find("matchLabels"); ml != sel->end() && ml->is_object())
          for (const auto& [k, v] : ml->items()) {
            auto it = pod_labels.find(k);
            own = own && v.is_string() && it != pod_labels.end() && it->second == v.get<std::string>();
          }
      if (!own)
        notes.push_back(fmt::format("{}/labelSelector: read as the workload's own pods (capsim counts them; a selector of other pods, or "
                                    "matchExpressions, is not simulated)", cp));
    }
    out.push_back(std::move(c));
  }
}

}  // namespace capsim::io::k8s
