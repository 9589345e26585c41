#pragma once
// The field tables of the result structs (result.hpp): the one place a result field is declared
// for result.json, the CSV files, the summary and the Python binding. Table order is the order of
// result.json's keys and of the summary's rows. Adding a counter: the struct member, its line here.
#include "capsim/report/batch_fields.hpp"
#include "capsim/report/cost_fields.hpp"
#include "capsim/report/field.hpp"
#include "capsim/report/result.hpp"
#include "capsim/report/service_fields.hpp"

namespace capsim {

constexpr auto fields_of(std::type_identity<CostBreakdown>) {
  using T = CostBreakdown;
  return std::tuple{
      field("gpu_instances_usd", &T::gpu_instances_usd, "instances with GPUs or accelerators",
            {.json = "gpu_instances", .label = "GPU instances", .show = Show::Money}),
      field("other_instances_usd", &T::other_instances_usd, "every other instance",
            {.json = "other_instances", .label = "other instances", .show = Show::Money}),
      field("eks_control_plane_usd", &T::eks_control_plane_usd, "EKS control plane fee",
            {.json = "eks_control_plane", .label = "EKS control plane", .show = Show::Money}),
      field("total_usd", &T::total_usd, "the sum", {.json = "total", .label = "total", .show = Show::Money}),
      field("allocated_usd", &T::allocated_usd, "instance cost the pods' requests take up",
            {.json = "allocated_to_pods", .label = "allocated to pods' requests", .show = Show::Money}),
      field("unallocated_usd", &T::unallocated_usd, "instance cost no pod requested: idle nodes, unused capacity and reservations",
            {.json = "unallocated", .label = "requested by no pod (idle capacity)", .show = Show::Money}),
      field("on_demand_usd", &T::on_demand_usd, "instances bought on demand", {.json = "on_demand", .label = "bought on demand", .show = Show::Money}),
      field("spot_usd", &T::spot_usd, "instances bought on spot", {.json = "spot", .label = "bought on spot", .show = Show::Money}),
      field("reserved_usd", &T::reserved_usd, "capacity reservations, paid whole whether used or not",
            {.json = "reserved", .label = "capacity reservations", .show = Show::Money}),
      field("commitment_savings_usd", &T::commitment_savings_usd, "what Savings Plans and Reserved Instances saved (total is after it)",
            {.json = "commitment_savings", .label = "saved by Savings Plans and Reserved Instances", .show = Show::Hidden}),
      field("by_tag_usd", &T::by_tag_usd, "'key=value' tag -> USD ('key=(untagged)' for lines without it)",
            {.json = "cost_by_tag_usd", .label = "Cost by tag (USD)", .show = Show::Money}),
      field("allocated_by_label_usd", &T::allocated_by_label_usd, "allocated cost by the services' pod labels",
            {.json = "allocated_cost_by_pod_label_usd", .label = "Cost allocated by pod label (USD)", .show = Show::Money}),
  };
}

constexpr auto fields_of(std::type_identity<FleetSummary>) {
  using T = FleetSummary;
  return std::tuple{
      field("nodes_at_end", &T::nodes_at_end, "instances running when the window closed (ready or still starting)",
            {.label = "nodes / GPUs at the end", .show = Show::Count}),
      field("gpus_at_end", &T::gpus_at_end, "their GPUs", {.show = Show::Count, .joins_above = true}),
      field("peak_nodes", &T::peak_nodes, "most instances running at once", {.label = "nodes / GPUs at peak", .show = Show::Count}),
      field("peak_gpus", &T::peak_gpus, "most GPUs running at once (not necessarily when the nodes peaked)",
            {.show = Show::Count, .joins_above = true}),
      field("max_ready_nodes", &T::max_ready_nodes, "most nodes ready at once"),
      field("launches", &T::launches, "instances launched over the window, replacements included",
            {.label = "nodes / GPUs launched", .show = Show::Count}),
      field("gpus_launched", &T::gpus_launched, "their GPUs", {.show = Show::Count, .joins_above = true}),
      field("interruptions", &T::interruptions, "spot instances reclaimed", {.label = "spot interruptions", .show = Show::Count}),
      field("insufficient_capacity", &T::insufficient_capacity, "launch attempts a pool failed with insufficient capacity",
            {.label = "insufficient capacity", .show = Show::Count}),
      field("rebalance_recommendations", &T::rebalance_recommendations, "spot rebalance recommendations (events only)"),
      field("consolidations", &T::consolidations, "nodes Karpenter's consolidation removed (empty or underutilized)",
            {.label = "Karpenter consolidations / replacements", .show = Show::Count}),
      field("consolidation_replacements", &T::consolidation_replacements, "cheaper nodes Karpenter launched to replace consolidated ones",
            {.show = Show::Count, .joins_above = true}),
      field("expirations", &T::expirations, "nodes removed at their NodePool's expireAfter", {.label = "Karpenter expirations", .show = Show::Count}),
      field("pods_disrupted", &T::pods_disrupted, "pods evicted by consolidation, expiration, spot interruption or scale-down",
            {.label = "pods disrupted", .show = Show::Count}),
      field("unschedulable", &T::unschedulable,
            "pod placements no Karpenter NodePool (each retry) or Cluster Autoscaler node group (once per pending spell) could make",
            {.label = "pods no provisioner could place", .show = Show::Count}),
      field("scale_ups", &T::scale_ups, "nodes the Cluster Autoscaler added", {.label = "autoscaler nodes added / removed", .show = Show::Count}),
      field("scale_downs", &T::scale_downs, "nodes the Cluster Autoscaler removed", {.show = Show::Count, .joins_above = true}),
      field("provision_timeouts", &T::provision_timeouts, "nodes the Cluster Autoscaler deleted for not being ready within max_node_provision_time",
            {.label = "autoscaler provision timeouts", .show = Show::Count}),
      field("target_tracking_scale_outs", &T::target_tracking_scale_outs, "instances EC2 Auto Scaling target tracking added",
            {.label = "target tracking instances added / removed", .show = Show::Count}),
      field("target_tracking_scale_ins", &T::target_tracking_scale_ins, "instances target tracking removed",
            {.show = Show::Count, .joins_above = true}),
      field("scheduled_actions", &T::scheduled_actions, "EC2 Auto Scaling scheduled actions applied to node groups",
            {.label = "node group scheduled actions", .show = Show::Count}),
      field("disruption_evaluations", &T::disruption_evaluations, "Karpenter disruption polls that evaluated (only after a change)"),
      field("instance_hours", &T::instance_hours, "billed instance-hours", {.label = "instance-hours", .show = Show::Fixed1}),
      field("gpu_hours", &T::gpu_hours, "billed instance-hours x GPUs", {.label = "GPU-hours", .show = Show::Fixed1}),
  };
}

constexpr auto fields_of(std::type_identity<NodeRecord>) {
  using T = NodeRecord;
  return std::tuple{
      field("name", &T::name, "its cost line", {.json = "node"}),
      field("owner", &T::owner, "node group or NodePool"),
      field("instance_type", &T::instance_type, "instance type"),
      field("zone", &T::zone, "availability zone"),
      field("capacity_type", &T::capacity_type, "on-demand or spot"),
      field("price_usd_per_h", &T::price_usd_per_h, "price at launch"),
      field("launched_s", &T::launched_s, "launched"),
      field("ready_s", &T::ready_s, "Ready"),
      field("cordoned_s", &T::cordoned_s, "cordoned"),
      field("terminated_s", &T::terminated_s, "terminated (-1: running at the end)"),
      field("end_reason", &T::end_reason, "why it ended"),
      field("pods_bound", &T::pods_bound, "pods bound over its life"),
  };
}

constexpr auto fields_of(std::type_identity<CostLine>) {
  using T = CostLine;
  return std::tuple{
      field("resource", &T::resource, "the billed resource: a node, a reservation or the EKS control plane"),
      field("category", &T::category, "gpu_instances, other_instances or eks_control_plane"),
      field("instance_type", &T::instance_type, "its instance type (empty for the control plane)"),
      field("capacity_type", &T::capacity_type, "on-demand, spot or reserved (empty for the control plane)"),
      field("owner", &T::owner, "the node group or NodePool that launched it (empty for the control plane)"),
      field("zone", &T::zone, "its availability zone (empty for the control plane)"),
      field("price_usd_per_h", &T::price_usd_per_h, "its price at the start"),
      field("start_s", &T::start_s, "billing started (seconds from the window's start)"),
      field("end_s", &T::end_s, "billing stopped (the window's end if still running)"),
      field("running_at_end", &T::running_at_end, "still running when the window closed"),
      field("billed_s", &T::billed_s, "seconds billed (per second, 60 s at least)"),
      field("cost_usd", &T::cost_usd, "what it cost over the window"),
      field("tags", &T::tags, "its cost-allocation tags", {.json = "tag:"}),
  };
}

constexpr auto fields_of(std::type_identity<Assumption>) {
  using T = Assumption;
  return std::tuple{
      field("pointer", &T::pointer, "JSON pointer into the policy's document"),
      field("value", &T::value, "the figure as written (JSON)"),
  };
}

constexpr auto fields_of(std::type_identity<WorldDraw>) {
  using T = WorldDraw;
  return std::tuple{
      field("demand_scale", &T::demand_scale, "multiplied every service's demand (uncertainty.demand_scale)"),
      field("demand_monthly_factor", &T::demand_monthly_factor, "demand grew by this factor a month (uncertainty.demand_monthly_factor)"),
      field("daily_peak_shift_s", &T::daily_peak_shift_s, "the demand curve moved this much later, s (uncertainty.daily_peak_shift_s)"),
      field("node_latency_factor", &T::node_latency_factor, "multiplied every node's launch-to-ready time"),
      field("startup_latency_factor", &T::startup_latency_factor, "multiplied every replica's start-up time"),
  };
}

constexpr auto fields_of(std::type_identity<ReplicateResult>) {
  using T = ReplicateResult;
  return std::tuple{
      field("replicate", &T::replicate, "replicate number"),
      field("world", &T::world, "the world this replicate drew (the same for every policy)"),
      field("cost", &T::cost, "cost split"),
      field("fleet", &T::fleet, "fleet summary"),
      field("services", &T::services, "per-service outcome"),
      field("batch", &T::batch, "per batch job template: deadlines, cost, restarts (empty without batch work)"),
      field("jobs", &T::jobs, "every batch job's outcome"),
      field("commitments", &T::commitments, "what the policy's Savings Plans and Reserved Instances did (when it holds any)"),
      field("budgets", &T::budgets, "each budget period the window touches: spend, status, when each alert fired (with budgets)"),
      field("forecast", &T::forecast, "the forecast of the days after the window, with its prediction interval (when asked for)"),
      field("anomalies", &T::anomalies, "days of unexpected spend, with their root cause (with anomaly detection)"),
      field("service_series", &T::service_series, "per-period series (when asked for)"),
      field("ready_nodes", &T::ready_nodes, "ready nodes at each period end (when asked for)"),
      field("nodes", &T::nodes, "the node log (kept with the series)"),
      field("cost_lines", &T::cost_lines, "every line of the bill (kept with the series)"),
      field("billing_hours", &T::billing_hours, "the bill hour by hour: each cost line's usage and cost per UTC clock hour (kept with the series)"),
      field("commitment_charges", &T::commitment_charges,
            "the commitments hour by hour: the usage each covered and each one's fee and unused part (kept with the series, when held)"),
      field("budget_spend", &T::budget_spend, "each budget's scoped spend hour by hour, with its alerts' thresholds (kept with the series)"),
      field("decisions", &T::decisions, "the provisioners' decisions: launches, consolidations, unschedulable pods, unremovable nodes (when asked for)"),
      field("explanations", &T::explanations, "the decisions in words, in the order they were taken (when asked for)"),
      field("cost_rate_usd_per_h", &T::cost_rate_usd_per_h, "USD/h of running instances at each period end"),
  };
}

constexpr auto fields_of(std::type_identity<RejectedType>) {
  using T = RejectedType;
  return std::tuple{
      field("instance_type", &T::instance_type, "the cheaper type"),
      field("price_usd_per_h", &T::price_usd_per_h, "its cheapest compatible offering's price"),
      field("reason", &T::reason, "why it was rejected: requirements, fit, offering, limits or exotic"),
  };
}

constexpr auto fields_of(std::type_identity<LaunchDecision>) {
  using T = LaunchDecision;
  return std::tuple{
      field("sequence", &T::sequence, "its place among the run's decisions"),
      field("at_s", &T::at_s, "seconds from the window's start"),
      field("node_pool", &T::node_pool, "the NodePool"),
      field("instance_type", &T::instance_type, "the type launched"),
      field("capacity_type", &T::capacity_type, "on-demand or spot"),
      field("zone", &T::zone, "availability zone"),
      field("price_usd_per_h", &T::price_usd_per_h, "its price at launch"),
      field("pods", &T::pods, "the pods it was launched for ('service#pod')"),
      field("types_considered", &T::types_considered, "instance types the claim started with"),
      field("types_in_request", &T::types_in_request, "instance types in the launch request"),
      field("cheaper_rejected", &T::cheaper_rejected, "every cheaper type rejected, and why"),
  };
}

constexpr auto fields_of(std::type_identity<ConsolidatedNode>) {
  using T = ConsolidatedNode;
  return std::tuple{
      field("instance_type", &T::instance_type, "its type"),
      field("capacity_type", &T::capacity_type, "on-demand or spot"),
      field("pods", &T::pods, "pods it ran"),
  };
}

constexpr auto fields_of(std::type_identity<ConsolidationDecision>) {
  using T = ConsolidationDecision;
  return std::tuple{
      field("sequence", &T::sequence, "its place among the run's decisions"),
      field("at_s", &T::at_s, "seconds from the window's start"),
      field("method", &T::method, "empty, multi-node or single-node"),
      field("nodes", &T::nodes, "the nodes removed"),
      field("nodes_price_usd_per_h", &T::nodes_price_usd_per_h, "what they cost together"),
      field("replaced", &T::replaced, "replaced by one cheaper node (else deleted)"),
      field("replacement_type", &T::replacement_type, "the replacement's type"),
      field("replacement_capacity_type", &T::replacement_capacity_type, "on-demand or spot"),
      field("replacement_price_usd_per_h", &T::replacement_price_usd_per_h, "the replacement's price"),
      field("replacement_types_in_request", &T::replacement_types_in_request, "cheaper types in its launch request"),
  };
}

constexpr auto fields_of(std::type_identity<ConsolidationScoreDecision>) {
  using T = ConsolidationScoreDecision;
  return std::tuple{
      field("sequence", &T::sequence, "its place among the run's decisions"),
      field("at_s", &T::at_s, "seconds from the window's start"),
      field("method", &T::method, "multi-node or single-node"),
      field("nodes", &T::nodes, "the candidates' instance types"),
      field("savings_usd_per_h", &T::savings_usd_per_h, "their price less the replacement's (cheapest option)"),
      field("savings_fraction", &T::savings_fraction, "savings / the NodePool's cost"),
      field("disruption_cost", &T::disruption_cost, "per candidate 1 + its pods"),
      field("disruption_fraction", &T::disruption_fraction, "disruption cost / the NodePool's"),
      field("score", &T::score, "savings fraction / disruption fraction"),
      field("threshold", &T::threshold, "1/k (consolidationThreshold k)"),
      field("approved", &T::approved, "score >= threshold"),
  };
}

constexpr auto fields_of(std::type_identity<UnschedulableDecision>) {
  using T = UnschedulableDecision;
  return std::tuple{
      field("sequence", &T::sequence, "its place among the run's decisions"),
      field("at_s", &T::at_s, "seconds from the window's start"),
      field("pod", &T::pod, "'service#pod'"),
      field("reason", &T::reason, "why no NodePool or node group could run it"),
  };
}

constexpr auto fields_of(std::type_identity<UnremovableNodeDecision>) {
  using T = UnremovableNodeDecision;
  return std::tuple{
      field("sequence", &T::sequence, "its place among the run's decisions"),
      field("at_s", &T::at_s, "seconds from the window's start"),
      field("node", &T::node, "the node's cost line, 'node/<group>/<ordinal>'"),
      field("instance_type", &T::instance_type, "the node's instance type"),
      field("zone", &T::zone, "the node's availability zone"),
      field("reason", &T::reason, "the Cluster Autoscaler's unremovable reason (NoPlaceToMovePods)"),
      field("detail", &T::detail, "which pod found no other node, and why"),
  };
}

constexpr auto fields_of(std::type_identity<Decisions>) {
  using T = Decisions;
  return std::tuple{
      field("launches", &T::launches, "nodes Karpenter launched"),
      field("consolidations", &T::consolidations, "Karpenter's consolidations"),
      field("consolidation_scores", &T::consolidation_scores, "moves Balanced NodePools scored, taken or refused"),
      field("unschedulable", &T::unschedulable, "pods no provisioner could place (each service and reason once)"),
      field("unremovable", &T::unremovable, "under-utilized nodes the Cluster Autoscaler could not remove (each node and reason once)"),
      field("next_sequence", &T::next_sequence, "the number of decisions recorded"),
  };
}

constexpr auto fields_of(std::type_identity<PolicyResult>) {
  using T = PolicyResult;
  return std::tuple{
      field("name", &T::name, "policy name"),
      field("description", &T::description, "policy description"),
      field("extends", &T::extends, "the policy it builds on (a lever ladder's step); empty: the base"),
      field("replicates", &T::replicates, "one result per replicate"),
      field("assumptions", &T::assumptions, "unsourced figures this policy uses"),
      field("savings_plan_advice", &T::savings_plan_advice, "how much of a Savings Plan to buy (when asked for)"),
  };
}

}  // namespace capsim
