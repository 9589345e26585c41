#pragma once
// A pod's topologySpreadConstraints as kube-scheduler's PodTopologySpread plugin and Karpenter's
// topology handling read them, and the one test both apply: one more matching pod in a domain
// may leave its count at most maxSkew above the global minimum over the eligible domains.
//
// What Kubernetes documents: skew = (matching pods in the domain + 1 for the incoming pod) -
// (the least count over the eligible domains); a domain is eligible when some node of it passes
// the pod's nodeSelector / required node affinity (nodeAffinityPolicy Honor, the default; node
// taints are ignored, nodeTaintsPolicy Ignore). With minDomains set and fewer eligible domains than
// that, the global minimum is 0. DoNotSchedule filters nodes; ScheduleAnyway only scores them
// (kube-scheduler prefers the nodes whose domain holds fewer matching pods), and Karpenter first
// honours it as if required and drops it when the pod cannot be placed otherwise. capsim's
// labelSelector is the workload's own pods (every pod of the service counts for its own spread).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capsim {

namespace label {
/// The node's name: with it as topologyKey every node is a domain of its own.
inline constexpr std::string_view kHostname = "kubernetes.io/hostname";
}  // namespace label

struct TopologySpreadConstraint {
  std::string key;  // label::kZone or label::kHostname (the keys capsim's nodes carry)
  int max_skew = 1;
  bool schedule_anyway = false;     // whenUnsatisfiable: ScheduleAnyway (a preference), else DoNotSchedule
  std::optional<int> min_domains;   // DoNotSchedule only (the API server refuses it with ScheduleAnyway)
  friend bool operator==(const TopologySpreadConstraint&, const TopologySpreadConstraint&) = default;
};

/// Matching pods per eligible domain of one constraint (every eligible domain present, 0 when empty).
using DomainCounts = std::map<std::string, int, std::less<>>;

/// The global minimum a domain's count is compared with: the least count over `counts`, or 0 when
/// there are fewer domains than minDomains (or none).
int spread_global_min(const TopologySpreadConstraint& c, const DomainCounts& counts);

/// Why one more pod in `domain` breaks `c` given `counts` and the global minimum `min` ("topology
/// spread: topology.kubernetes.io/zone us-east-1a would hold 2 pods of the workload, 2 - 0 > maxSkew
/// 1 (us-east-1c holds 0)"), or "" when it does not.
std::string spread_violation(const TopologySpreadConstraint& c, const DomainCounts& counts, std::string_view domain, int min);

/// Whether one more pod in `domain` keeps `c` (spread_violation without the words).
inline bool spread_allows(const TopologySpreadConstraint& c, const DomainCounts& counts, std::string_view domain, int min) {
  auto it = counts.find(domain);
  return (it == counts.end() ? 0 : it->second) + 1 - min <= c.max_skew;
}

}  // namespace capsim
