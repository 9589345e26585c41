#pragma once
// What a run produces: plain structs of values and vectors (the Python bindings mirror them).
// Results hold no wall time, host, thread count or paths, so equal inputs give equal results.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/core/assumption.hpp"
#include "capsim/cost/budget_outcome.hpp"
#include "capsim/cost/commitment_charge.hpp"
#include "capsim/cost/spend_outcome.hpp"
#include "capsim/report/decisions.hpp"
#include "capsim/workload/batch/job_result.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

struct CostBreakdown {
  double gpu_instances_usd = 0;
  double other_instances_usd = 0;
  double eks_control_plane_usd = 0;
  double total_usd = 0;
  double on_demand_usd = 0;  // instances by how they were bought (the control plane is in none)
  double spot_usd = 0;
  double reserved_usd = 0;   // capacity reservations, paid whole whether used or not
  double commitment_savings_usd = 0;  // what Savings Plans and Reserved Instances saved (negative: cost more than they covered);
                                      // the categories above are at on-demand prices, total_usd after this
  std::map<std::string, double> by_tag_usd;  // "team=ml" → USD
  double allocated_usd = 0;    // instance cost the pods' requests take up (see ServiceUsage)
  double unallocated_usd = 0;  // instance cost no pod requested: idle nodes, unused capacity and reservations
  std::map<std::string, double> allocated_by_label_usd;  // the allocated cost by the services' pod labels ("team=ml" → USD)

  friend bool operator==(const CostBreakdown&, const CostBreakdown&) = default;
};

struct FleetSummary {
  int nodes_at_end = 0;        // instances running when the window closed (ready or still starting)
  int gpus_at_end = 0;         // their GPUs
  int peak_nodes = 0;          // most instances running at once
  int peak_gpus = 0;           // most GPUs running at once
  int max_ready_nodes = 0;
  int launches = 0;                // instances launched over the window (replacements included)
  int gpus_launched = 0;           // their GPUs
  int interruptions = 0;           // spot instances reclaimed
  int insufficient_capacity = 0;   // launch attempts a pool failed with insufficient capacity
  int rebalance_recommendations = 0;
  int consolidations = 0;  // nodes Karpenter's consolidation removed (empty or underutilized)
  int consolidation_replacements = 0;  // cheaper nodes Karpenter launched to replace consolidated ones
  int expirations = 0;     // nodes removed at their NodePool's expireAfter
  int pods_disrupted = 0;  // pods evicted by consolidation, expiration, spot interruption or scale-down
  int unschedulable = 0;   // pod placements no Karpenter NodePool (each retry) or Cluster Autoscaler node group (once per pending spell) could make
  int scale_ups = 0;     // nodes the Cluster Autoscaler added
  int scale_downs = 0;   // nodes it removed
  int provision_timeouts = 0;  // nodes it deleted for not being ready within max_node_provision_time
  int target_tracking_scale_outs = 0;  // instances EC2 Auto Scaling target tracking added
  int target_tracking_scale_ins = 0;   // ...and removed
  int scheduled_actions = 0;           // EC2 Auto Scaling scheduled actions applied to node groups
  int disruption_evaluations = 0;      // Karpenter disruption polls that evaluated (only after a change)
  double instance_hours = 0;   // billed
  double gpu_hours = 0;        // billed instance-hours × GPUs

  friend bool operator==(const FleetSummary&, const FleetSummary&) = default;
};

/// What a service's pods requested and used, and the node cost their requests take up. A pod is
/// charged its node's cost in proportion to the GPUs it requests (on nodes without GPUs, the larger
/// of its CPU and memory shares) for the time it is bound there: capsim's allocation rule.
struct ServiceUsage {
  double allocated_usd = 0;
  double gpu_hours_requested = 0;  // while bound to a node, starting up included
  double gpu_hours_busy = 0;       // serving requests (the fluid model's busy share of ready replicas)
  double idle_requested_usd = 0;   // allocated_usd × (1 − busy / requested): requested and paid for, not serving
  double cpu_hours_requested = 0;  // vCPU-hours
  double cpu_hours_used = 0;       // requested × the replica's cpu usage / request
  double memory_gib_hours_requested = 0;
  double memory_gib_hours_used = 0;

  friend bool operator==(const ServiceUsage&, const ServiceUsage&) = default;
};

struct ServiceResult {
  std::string name;
  SlaSummary sla;
  int replicas_requested = 0;  // desired at the end of the window (the HPA's last decision, or the spec)
  int replicas_placed = 0;  // at the end of the window; the rest stayed pending: no node had room
  int quota_refused = 0;            // pod creations its namespace's ResourceQuota refused
  int pending_at_end = 0;           // pods still pending when the window closed
  std::string pending_reason;       // why (the first pending pod's): a provisioner's reason, or the fleet's
  double replica_minutes_lost = 0;  // replicas down between a disruption (spot reclaim, scale-down) and their restart
  ServiceUsage usage;
  std::optional<LatencySummary> latency;  // with the request-level model
  std::optional<SloSummary> slo;          // when the service declares an SLO
  std::optional<LlmSummary> llm;          // LLM services (continuous batching)
  std::optional<ObjectiveOutcome> objective;  // when the service declares an objective (sla target, slo)

  friend bool operator==(const ServiceResult&, const ServiceResult&) = default;
};

/// Per-period series of one service (kept when asked for).
struct ServiceSeries {
  std::string name;
  std::vector<double> arrivals;
  std::vector<double> capacity_requests;
  std::vector<double> missed;
  std::vector<double> backlog_end;
  std::vector<int> ready_replicas;

  friend bool operator==(const ServiceSeries&, const ServiceSeries&) = default;
};

/// One node's life in a run (the recorder's node log): launch, ready, cordon and termination times
/// in seconds from the start (-1: did not happen in the window) and why it ended.
struct NodeRecord {
  std::string name;   // its cost line, "node/<group or NodePool>/<ordinal>"
  std::string owner;  // the node group or Karpenter NodePool
  std::string instance_type;
  std::string zone;
  std::string capacity_type;      // "on-demand", "spot"
  double price_usd_per_h = 0;     // at launch
  double launched_s = 0;
  double ready_s = -1;
  double cordoned_s = -1;
  double terminated_s = -1;       // -1: still running when the window closed
  std::string end_reason;         // "spot-interruption", "consolidation", "expiration", "scale-down",
                                  // "provision-timeout", "scale-in", "drifted" (Karpenter drift), or "" (running at the end)
  int pods_bound = 0;             // pods bound to it over its life

  friend bool operator==(const NodeRecord&, const NodeRecord&) = default;
};

/// One line of the bill: an instance, a capacity reservation or the EKS control plane, with what was
/// billed for it over the window (the input of cost management and FOCUS exports).
struct CostLine {
  std::string resource;       // "node/<group or NodePool>/<ordinal>", "reservation/<group>", "eks-control-plane"
  std::string category;       // "gpu_instances", "other_instances", "eks_control_plane"
  std::string instance_type;  // empty for the control plane
  std::string capacity_type;  // "on-demand", "spot", "reserved"; empty for the control plane
  std::string owner;          // the node group or NodePool that launched it; empty for the control plane
  std::string zone;           // its availability zone; empty for the control plane
  double price_usd_per_h = 0;  // at its start (a spot line's price moves with the market)
  double start_s = 0;          // seconds from the window's start
  double end_s = 0;            // when billing stopped (the window's end if still running)
  bool running_at_end = false;
  double billed_s = 0;         // per-second billing with the 60-second minimum
  double cost_usd = 0;
  std::map<std::string, std::string> tags;

  friend bool operator==(const CostLine&, const CostLine&) = default;
};

/// What a policy's Savings Plans and Reserved Instances did to its eligible usage (on-demand
/// instances) over the window, applied hour by hour in AWS's order (cost/commitment_billing).
struct CommitmentSummary {
  double on_demand_equivalent_usd = 0;  // eligible usage at on-demand prices
  double effective_usd = 0;             // with the commitments: their fees, used or not, and the on-demand rest
  double savings_usd = 0;               // on_demand_equivalent − effective
  double sp_committed_usd = 0;          // Savings Plan commitments over the window (a partial clock hour: its part)
  double sp_used_usd = 0;
  double sp_utilisation = 0;            // used / committed
  double coverage = 0;                  // eligible on-demand equivalent covered by any commitment
  double ri_fee_usd = 0;                // Reserved Instances' effective hourly fees, used or not
  double ri_utilisation = 0;            // normalized units used / reserved
  double upfront_usd = 0;               // the part of the fees paid before the window (upfront payment options)
  double billed_usd = 0;                // the window's invoice for eligible usage: effective − upfront
  int usage_without_rate = 0;           // hour × (type, zone) entries no rate covered: billed on demand
  // The whole run (eligible usage or not), side by side: what the window is invoiced, and its
  // amortised cost (cost.total_usd). They differ by the upfront payments' share of the window.
  double run_billed_usd = 0;
  double run_effective_usd = 0;

  friend bool operator==(const CommitmentSummary&, const CommitmentSummary&) = default;
};

/// One cost line in one UTC clock hour: the bill as AWS itemises it (CUR, FOCUS) and the unit
/// budgets, forecasts and Savings Plans work on. A line's hours sum to its cost.
struct BillingHour {
  int line = 0;      // its cost line (an index into the replicate's cost_lines)
  int hour = 0;      // UTC clock hours after the one that holds the window's start
  double usage_h = 0;  // instance-hours billed in the hour
  double cost_usd = 0;

  friend bool operator==(const BillingHour&, const BillingHour&) = default;
};

/// The world one replicate drew from the scenario's uncertainty section (1 and 0: nothing drawn).
/// Every policy of the replicate ran in the same one.
struct WorldDraw {
  double demand_scale = 1;
  double demand_monthly_factor = 1;
  double daily_peak_shift_s = 0;
  double node_latency_factor = 1;
  double startup_latency_factor = 1;

  friend bool operator==(const WorldDraw&, const WorldDraw&) = default;
};

struct ReplicateResult {
  int replicate = 0;
  WorldDraw world;
  CostBreakdown cost;
  FleetSummary fleet;
  std::vector<ServiceResult> services;
  std::vector<BatchResult> batch;  // per job template (empty without batch work)
  std::vector<JobResult> jobs;     // every batch job
  std::optional<CommitmentSummary> commitments;  // when the policy holds Savings Plans or Reserved Instances
  std::vector<BudgetOutcome> budgets;  // each budget period the window touches (empty without budgets)
  std::optional<SpendForecastOutcome> forecast;  // the days after the window (when asked for)
  std::vector<SpendAnomalyOutcome> anomalies;    // days of unexpected spend (with anomaly detection)
  // Recorder series, one value per period (empty unless series were asked for).
  std::vector<ServiceSeries> service_series;
  std::vector<int> ready_nodes;
  std::vector<NodeRecord> nodes;  // every node launched, in launch order (kept with the series)
  std::vector<CostLine> cost_lines;  // every line of the bill, in the order it opened (kept with the series)
  std::vector<BillingHour> billing_hours;  // the bill hour by hour, by line then hour (kept with the series)
  std::vector<CommitmentCharge> commitment_charges;  // the commitments hour by hour (kept with the series, when held)
  std::vector<BudgetSpend> budget_spend;  // each budget's scoped spend hour by hour (kept with the series, with budgets)
  // The provisioners' decisions (when asked for), and the report's words for them.
  Decisions decisions;
  std::vector<std::string> explanations;
  std::vector<double> cost_rate_usd_per_h;

  friend bool operator==(const ReplicateResult&, const ReplicateResult&) = default;
};

/// How much of a Savings Plan a policy should buy, from its hourly on-demand usage across every
/// replicate (cost/commitment_advice): the commitment that minimises the expected cost of the
/// window and the one that minimises its P95, beside buying none. Costs cover eligible usage only.
struct SavingsPlanAdvice {
  std::string plan;        // "compute 1y no-upfront", "ec2-instance g5 1y no-upfront"
  int replicates = 0;
  double none_expected_usd = 0;   // without a plan: mean over replicates of eligible usage's cost
  double none_p95_usd = 0;
  double min_expected_usd_per_h = 0;   // the commitment minimising the expected cost...
  double min_expected_expected_usd = 0;
  double min_expected_p95_usd = 0;
  double min_expected_coverage = 0;
  double min_expected_utilisation = 0;
  double min_p95_usd_per_h = 0;        // ...and the one minimising the P95 cost
  double min_p95_expected_usd = 0;
  double min_p95_p95_usd = 0;
  double min_p95_coverage = 0;
  double min_p95_utilisation = 0;
  int usage_without_rate = 0;  // usage entries the plan could cover but the rate file has no rate for
  // The commitments the policy already holds ("" : none). The plan is advised on top of them: on the
  // usage they leave on demand, and every cost above includes their fees (held_fees_usd).
  std::string on_top_of;
  double held_fees_usd = 0;

  friend bool operator==(const SavingsPlanAdvice&, const SavingsPlanAdvice&) = default;
};

struct PolicyResult {
  std::string name;
  std::string description;
  std::string extends;  // the policy it builds on (a lever ladder's step); empty: the base
  std::vector<ReplicateResult> replicates;
  std::vector<Assumption> assumptions;
  std::optional<SavingsPlanAdvice> savings_plan_advice;  // when asked for (compare --advise-savings-plan)

  friend bool operator==(const PolicyResult&, const PolicyResult&) = default;
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  int replicates = 1;
  UtcTime start{};
  SimDuration duration = 0;
  SimDuration period = 0;
  std::string baseline;
  double risk_tolerance = 0;          // the scenario's compare.risk_tolerance (or capsim's default)
  bool risk_tolerance_given = false;  // false: capsim's default, an assumption
  std::string catalog_source;
  std::map<std::string, std::string> sources;
  std::vector<std::string> warnings;  // from reading the inputs: points filled, merged, dropped, clipped
  std::vector<std::string> uncertain;  // what the world's uncertainty section varies per replicate ("" : nothing)
  std::vector<PolicyResult> policies;
};

}  // namespace capsim
