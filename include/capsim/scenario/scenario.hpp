#pragma once
// A loaded, validated scenario: the world every policy shares and, per policy, the choices with the
// policy's merge patches already applied. Plain values; io::load_scenario builds it. The scenario
// only assembles: each spec type lives beside the module that acts on it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/autoscale/hpa_config.hpp"
#include "capsim/autoscale/keda.hpp"
#include "capsim/autoscale/schedule_spec.hpp"
#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/cluster/node_group_spec.hpp"
#include "capsim/cluster/resource_quota.hpp"
#include "capsim/core/assumption.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/core/tags.hpp"
#include "capsim/scenario/scenario_document.hpp"
#include "capsim/cost/budget_spec.hpp"
#include "capsim/cost/commitments.hpp"
#include "capsim/cost/spend_report_spec.hpp"
#include "capsim/market/market_spec.hpp"
#include "capsim/market/spot_advisor.hpp"
#include "capsim/provisioning/cluster_autoscaler/spec.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"
#include "capsim/provisioning/provisioner.hpp"
#include "capsim/scenario/scenario_document.hpp"
#include "capsim/scenario/uncertainty.hpp"
#include "capsim/trace/request_log.hpp"
#include "capsim/trace/trace.hpp"
#include "capsim/workload/batch/batch_spec.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

// The zones offerings exist in unless the scenario says otherwise; any three us-east-1 zones serve.
inline const std::vector<std::string> kDefaultZones = {"us-east-1a", "us-east-1b", "us-east-1c"};

// Default of a real system: EKS standard support is USD 0.10 per cluster-hour
// (aws.amazon.com/eks/pricing).
inline constexpr double kEksControlPlaneUsdPerHour = 0.10;

// The most periods one run may step through: a year at 5 seconds is 6.3 million; each period's
// series are held in memory, so a longer run is refused before it starts.
inline constexpr std::int64_t kMaxPeriodsPerRun = 10'000'000;

struct SimulationSpec {
  UtcTime start{};
  SimDuration duration = 0;
  SimDuration period = 60 * kMicrosPerSecond;
  std::uint64_t seed = 1;
  int replicates = 1;
  std::size_t periods() const { return static_cast<std::size_t>(duration / period); }
  /// The window's whole UTC days (a partial first or last day left out): what a forecast is fitted on.
  int whole_days() const {
    const UtcTime first = std::chrono::ceil<std::chrono::days>(start);
    const UtcTime end = start + std::chrono::microseconds{duration};
    return first >= end ? 0 : static_cast<int>(std::chrono::floor<std::chrono::days>(end - first).count());
  }
};

struct TraceInput {
  Trace trace;  // at the simulation's period
  bool tile = false;
  SimDuration tile_period = 0;  // 0: tile_span() of the trace
  std::optional<RequestLog> requests;  // request-level traces: every request with its tokens
};

struct ClusterSpec {
  std::map<std::string, ResourceQuotaSpec> resource_quotas;  // by namespace
  ProvisionerKind provisioner = ProvisionerKind::Static;
  ClusterAutoscalerSpec cluster_autoscaler;
  KarpenterSpec karpenter;
  std::map<std::string, HpaConfig> hpa;  // by service name
  std::map<std::string, ScaledObjectSpec> keda;  // KEDA ScaledObjects, by service name
  std::vector<ScheduleSpec> schedules;
  bool eks_control_plane = true;
  double eks_control_plane_usd_per_h = kEksControlPlaneUsdPerHour;
  std::optional<Distribution> node_ready_s;  // instance launch → node Ready, as one figure...
  std::optional<Distribution> node_launch_s;  // ...or as its parts: launch request → running,
  std::optional<Distribution> node_boot_s;    // and running → kubelet Ready
  bool has_node_latency() const { return node_ready_s || node_launch_s; }
  std::vector<NodeGroupSpec> node_groups;
  Tags tags;
};

struct PolicySpec {
  std::string name;
  std::string description;
  std::string extends;  // the policy whose patch it builds on (a step of a lever ladder); empty: the base
  std::vector<ServiceSpec> services;
  ClusterSpec cluster;
  BatchSpec batch;  // batch jobs (their arrivals and work are the world; how they run is the policy's)
  Commitments commitments;  // Savings Plans and Reserved Instances the policy holds
  std::vector<Assumption> assumptions;
};

// capsim's default risk tolerance when a scenario gives none (reported as an assumption): the
// share of replicates in which an objective may break for a policy still to be recommended.
inline constexpr double kDefaultRiskTolerance = 0.05;

/// How policies are judged against one another (world: the organisation's appetite for risk).
struct CompareSpec {
  double risk_tolerance = kDefaultRiskTolerance;
  bool risk_tolerance_given = false;
};

struct Scenario {
  std::string name;
  std::string description;
  SimulationSpec simulation;
  std::map<std::string, TraceInput> traces;
  InstanceCatalog catalog;
  std::vector<std::string> zones;                // availability zones offerings exist in
  std::map<std::string, std::string> zone_ids;   // zone ID ("use1-az4") → zone name, for spot data keyed by ID
  SpotAdvisor spot_advisor;
  SavingsPlanRates savings_plan_rates;  // catalog.savings_plan_rates (none bundled)
  MarketSpec market;
  UncertaintySpec uncertainty;       // world figures drawn per replicate (the market's are in `market`)
  std::vector<BudgetSpec> budgets;   // the organisation's cost budgets and alerts
  SpendForecastSpec forecast;        // a forecast of the days after the window (analysis settings)
  SpendAnomalySpec anomaly_detection;
  std::vector<PolicySpec> policies;  // in file order; at least one
  std::string baseline;              // name of one of `policies`
  CompareSpec compare;
  std::map<std::string, std::string> sources;  // JSON pointer → where the figure comes from
  std::vector<std::string> warnings;           // points filled, merged, dropped or clipped while reading
  ScenarioDocument document;                   // what it was loaded from (io::load_scenario_text keeps it)

  const PolicySpec& policy(std::string_view name) const;
};

}  // namespace capsim
