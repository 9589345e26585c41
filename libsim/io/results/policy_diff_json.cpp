// diff.json of `capsim diff`.
#include "capsim/io/results/policy_diff_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace capsim::io {

namespace {
using ojson = nlohmann::ordered_json;
ojson number(double v) { return std::isfinite(v) ? ojson(v) : ojson(nullptr); }
}  // namespace

std::string policy_diff_to_json(const PolicyDiff& d) {
  ojson j;
  j["format"] = "capsim-diff";
  j["format_version"] = 1;
  j["before"] = d.before;
  j["after"] = d.after;
  j["replicates"] = d.replicates;
  j["monthly_cost_usd"] = {{"before", number(d.cost_before_usd)},
                           {"after", number(d.cost_after_usd)},
                           {"change", number(d.cost_change_usd)},
                           {"change_ci_low", number(d.cost_change_ci_low_usd)},
                           {"change_ci_high", number(d.cost_change_ci_high_usd)},
                           {"change_pct", number(d.cost_change_pct)},
                           {"change_pct_ci_low", number(d.cost_change_pct_ci_low)},
                           {"change_pct_ci_high", number(d.cost_change_pct_ci_high)}};
  j["p_breach"] = {{"before", number(d.p_breach_before)}, {"after", number(d.p_breach_after)}, {"change", number(d.p_breach_change)}};
  j["services"] = ojson::array();
  for (const auto& s : d.services)
    j["services"].push_back({{"name", s.name},
                             {"missed_share_before", number(s.missed_share_before)},
                             {"missed_share_after", number(s.missed_share_after)},
                             {"minutes_under_provisioned_before", number(s.minutes_under_provisioned_before)},
                             {"minutes_under_provisioned_after", number(s.minutes_under_provisioned_after)}});
  j["newly_unschedulable"] = ojson::array();
  for (const auto& u : d.newly_unschedulable)
    j["newly_unschedulable"].push_back({{"service", u.service}, {"reason", u.reason}, {"replicates", u.replicates}});
  j["node_pools_now_limited"] = d.node_pools_now_limited;
  j["instance_types_appeared"] = d.instance_types_appeared;
  j["instance_types_disappeared"] = d.instance_types_disappeared;
  j["manifest_changes"] = ojson::array();
  for (const auto& c : d.manifest_changes) j["manifest_changes"].push_back({{"object", c.object}, {"change", c.change}, {"fields", c.fields}});
  return j.dump(2) + "\n";
}

}  // namespace capsim::io
