#pragma once
// The field tables of `capsim diff`'s structs (policy_diff.hpp): the declaration the Python binding
// walks.
#include "capsim/report/field.hpp"
#include "capsim/report/policy_diff.hpp"

namespace capsim {

constexpr auto fields_of(std::type_identity<ManifestChange>) {
  using T = ManifestChange;
  return std::tuple{
      field("object", &T::object, "the manifest object, as \"NodePool gpu\" or \"Deployment inference/chat\""),
      field("change", &T::change, "added, removed or changed"),
      field("fields", &T::fields, "the changed field paths (changed objects)"),
  };
}

constexpr auto fields_of(std::type_identity<ServiceSlaChange>) {
  using T = ServiceSlaChange;
  return std::tuple{
      field("name", &T::name, "service name"),
      field("missed_share_before", &T::missed_share_before, "missed requests' share before, mean over replicates"),
      field("missed_share_after", &T::missed_share_after, "...after"),
      field("minutes_under_provisioned_before", &T::minutes_under_provisioned_before, "minutes under-provisioned before, mean"),
      field("minutes_under_provisioned_after", &T::minutes_under_provisioned_after, "...after"),
  };
}

constexpr auto fields_of(std::type_identity<UnschedulablePods>) {
  using T = UnschedulablePods;
  return std::tuple{
      field("service", &T::service, "the service whose pods no NodePool or node group could run after the change"),
      field("reason", &T::reason, "the provisioner's reason, for the first such pod"),
      field("replicates", &T::replicates, "replicates in which it happened"),
  };
}

constexpr auto fields_of(std::type_identity<PolicyDiff>) {
  using T = PolicyDiff;
  return std::tuple{
      field("before", &T::before, "the policy before the change"),
      field("after", &T::after, "the policy after it"),
      field("replicates", &T::replicates, "replicates of each, on common random numbers"),
      field("cost_before_usd", &T::cost_before_usd, "mean monthly cost before (30-day month)"),
      field("cost_after_usd", &T::cost_after_usd, "mean monthly cost after"),
      field("cost_change_usd", &T::cost_change_usd, "after - before, paired by replicate"),
      field("cost_change_ci_low_usd", &T::cost_change_ci_low_usd, "95% interval of the change, low end (NaN with one replicate)"),
      field("cost_change_ci_high_usd", &T::cost_change_ci_high_usd, "...high end"),
      field("cost_change_pct", &T::cost_change_pct, "the change as a percentage of the cost before"),
      field("cost_change_pct_ci_low", &T::cost_change_pct_ci_low, "its interval, low end"),
      field("cost_change_pct_ci_high", &T::cost_change_pct_ci_high, "...high end"),
      field("p_breach_before", &T::p_breach_before, "P(SLO breach) before (NaN when no objective is judged)"),
      field("p_breach_after", &T::p_breach_after, "...after"),
      field("p_breach_change", &T::p_breach_change, "after - before (NaN when not judged)"),
      field("services", &T::services, "each service's SLA before and after"),
      field("newly_unschedulable", &T::newly_unschedulable, "services whose pods no NodePool or node group could run after the change, and could before it"),
      field("node_pools_now_limited", &T::node_pools_now_limited, "NodePools whose limits refused a launch after, not before"),
      field("instance_types_appeared", &T::instance_types_appeared, "instance types that ran after, not before"),
      field("instance_types_disappeared", &T::instance_types_disappeared, "instance types that ran before, not after"),
      field("manifest_changes", &T::manifest_changes, "the structural diff of the two sets of manifests"),
  };
}

}  // namespace capsim
