#pragma once
// What `capsim diff` concludes from a comparison of two policies, "before" and "after" (the same
// scenario with two sets of Kubernetes manifests, run on common random numbers): the change in
// monthly cost with its interval, in each service's SLA and in P(SLO breach), the pods that become
// unschedulable, the NodePools whose limits start to bind, the instance types that appear or
// disappear, and which manifest objects changed. Plain structs; words only in format_policy_diff.
#include <string>
#include <vector>

#include "capsim/report/comparison.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

/// One object of the manifests that was added, removed or changed, with the changed field paths.
struct ManifestChange {
  std::string object;  // "NodePool gpu", "Deployment inference/chat"
  std::string change;  // "added", "removed", "changed"
  std::vector<std::string> fields;  // "spec.template.spec.requirements[1].values[1]" (changed objects)

  friend bool operator==(const ManifestChange&, const ManifestChange&) = default;
};

/// A service's SLA before and after (means over replicates).
struct ServiceSlaChange {
  std::string name;
  double missed_share_before = 0, missed_share_after = 0;
  double minutes_under_provisioned_before = 0, minutes_under_provisioned_after = 0;

  friend bool operator==(const ServiceSlaChange&, const ServiceSlaChange&) = default;
};

/// A service's pods that no NodePool or node group could run after the change, and not before.
struct UnschedulablePods {
  std::string service;
  std::string reason;  // the provisioner's, for the first such pod
  int replicates = 0;  // replicates in which it happened

  friend bool operator==(const UnschedulablePods&, const UnschedulablePods&) = default;
};

struct PolicyDiff {
  std::string before, after;  // the two policies' names
  int replicates = 0;
  double cost_before_usd = 0, cost_after_usd = 0;  // mean monthly cost (30-day month)
  double cost_change_usd = 0;                       // after − before, paired by replicate
  double cost_change_ci_low_usd = 0, cost_change_ci_high_usd = 0;  // 95% (NaN with one replicate)
  double cost_change_pct = 0, cost_change_pct_ci_low = 0, cost_change_pct_ci_high = 0;
  double p_breach_before = 0, p_breach_after = 0;  // NaN when no objective is judged
  double p_breach_change = 0;                      // after − before (NaN when not judged)
  std::vector<ServiceSlaChange> services;
  std::vector<UnschedulablePods> newly_unschedulable;
  std::vector<std::string> node_pools_now_limited;  // NodePools whose limits refused a launch after, not before
  std::vector<std::string> instance_types_appeared, instance_types_disappeared;
  std::vector<ManifestChange> manifest_changes;

  friend bool operator==(const PolicyDiff&, const PolicyDiff&) = default;
};

/// The diff of `after` against `before` in a run of both (decisions and node logs kept for every
/// replicate) and its comparison; `changes` is the structural diff of their manifests.
PolicyDiff diff_policies(const RunResult& run, const Comparison& comparison, const std::string& before, const std::string& after,
                         std::vector<ManifestChange> changes);

/// The diff in words, as `capsim diff` prints it.
std::string format_policy_diff(const PolicyDiff& diff);

/// The diff as an HTML section (<section>...</section>), for the top of the comparison's report.
std::string render_policy_diff_html(const PolicyDiff& diff);

/// The gates of a CI pipeline: the cost rose by more than `max_cost_rise_pct` percent, or P(SLO
/// breach) by more than `max_risk_rise_pct` percentage points. A gate given as NaN is not checked.
/// Returns the reasons the change fails, empty when it passes.
std::vector<std::string> failed_gates(const PolicyDiff& diff, double max_cost_rise_pct, double max_risk_rise_pct);

}  // namespace capsim
