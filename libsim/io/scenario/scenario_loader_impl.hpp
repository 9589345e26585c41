#pragma once
// Internal to io/: the scenario loader's state and the pieces its sections share. The loader is one
// class whose sections live in separate files: scenario_loader.cpp (the frame, policies, choices,
// assumptions), scenario_world.cpp (traces, catalog, market), scenario_cluster.cpp (node groups and
// autoscalers), scenario_batch.cpp (batch jobs), scenario_commitments.cpp (Savings Plans, Reserved
// Instances and their rates), scenario_spend_reports.cpp (budgets, forecast, anomaly detection).
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/traces/cloudwatch.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/trace/generators.hpp"
#include "io/json/json_checker.hpp"
#include "io/k8s/decoders.hpp"
#include "io/k8s/manifest_policy.hpp"

namespace capsim::io::k8s {
struct Ec2NodeClassSpec;
}  // namespace capsim::io::k8s

namespace capsim::io::detail {

using nlohmann::json;

/// The document of one policy (io::effective_document, on a parsed document).
json effective_document(const json& scenario, std::string_view policy, const std::string& display_file);

// Zone IDs name the same physical zone in every account; zone names are shuffled per account, so
// this mapping is a documented default (any account's own mapping belongs in catalog.zone_ids) and
// is reported as an assumption when spot data keyed by zone ID is read through it.
inline const std::map<std::string, std::string> kDefaultZoneIds = {
    {"use1-az1", "us-east-1a"}, {"use1-az2", "us-east-1b"}, {"use1-az4", "us-east-1c"},
    {"use1-az5", "us-east-1d"}, {"use1-az6", "us-east-1e"}};

// Sizes beyond any real fleet; larger values are typos (an extra zero), and are reported as such.
inline constexpr std::int64_t kMaxReplicates = 1'000'000;
using k8s::kMaxReplicas;
inline constexpr std::int64_t kMaxNodesPerGroup = 100'000;

// The longest hole a trace of requests may have before it is an error rather than a fill.
inline constexpr SimDuration kDefaultMaxGap = 3600 * kMicrosPerSecond;

// Sections a policy may not patch: the world every policy is compared in, and the frame itself.
inline const std::vector<std::string> kPatchable = {"services", "cluster", "batch", "commitments"};
inline const std::vector<std::string> kTopKeys = {"capsim", "name",     "description", "simulation", "traces",
                                                  "catalog", "market",  "services",    "cluster",    "batch",
                                                  "commitments", "budgets", "forecast", "anomaly_detection", "policies", "baseline",
                                                  "compare", "uncertainty", "sources"};

/// "/a/b~1c" → {"a", "b/c"} (RFC 6901).
std::vector<std::string> split_pointer(const std::string& ptr);
/// The value at `ptr`, or null when there is none (no exceptions: pointers come from users).
const json* find_pointer(const json& doc, const std::string& ptr);
/// Whether a source at `source_ptr` covers the figure at `ptr` (the same pointer or a parent).
bool covers(const std::string& source_ptr, const std::string& ptr);

struct PolicyEntry {
  std::string name;
  std::string description;
  std::optional<std::string> extends;
  json patch = json::object();
  std::map<std::string, std::string> sources;
  std::size_t index = 0;
  std::vector<InputFile> manifests;  // its `manifests`: files or folders, relative to the scenario
};

/// The batch section's typed-in figures (work, speeds, checkpoint and restart costs, start-up) into
/// `figures`, and the defaults in force for the figures left out (decision intervals, checkpoint
/// cost, restart overhead) into `out` (scenario_batch.cpp).
void batch_assumptions(const json& doc, std::vector<std::string>& figures, std::vector<Assumption>& out);

/// Duplicate keys and nesting deeper than capsim reads, in a JSON document (reported into `out`);
/// false when too deep to check further.
bool check_json_structure(const std::string& text, const std::string& file, std::vector<Diagnostic>& out);

/// What a capsim LLM model file says (scenarios/data/models/): the model's size, its decode step fit
/// per GPU at 16 bits (measured or derived, with how), its variants and the GPUs with native FP8.
struct LlmModelFile {
  struct Variant {
    double weight_bytes_per_parameter = 2;
    bool needs_native_fp8 = false;
  };
  std::string display, model, variant_speed;
  double params = 0, kv_bytes_per_token = 0;
  std::map<std::string, std::pair<double, double>> steps;  // gpu → (step base s, per sequence s)
  std::map<std::string, Assumption> derived;                // gpu → how its figures were derived
  std::map<std::string, Variant> variants;
  std::set<std::string> native_fp8;
};

class Loader {
 public:
  Loader(std::string file, std::filesystem::path base_dir, LoadOptions options)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), options_(std::move(options)), ck_(file_, diags_) {}

  Scenario load(std::string_view text);

 private:
  void parse_simulation(const json& root);
  void parse_compare(const json& root);
  void parse_uncertainty(const json& root);
  void parse_traces(const json& root);
  void parse_catalog(const json& root);
  std::optional<GeneratorSpec> parse_generator(const json& g, const std::string& p);
  void parse_market(const json& root);
  void parse_capacity_reservations(const json& list);  // market.capacity_reservations
  /// cluster.node_classes (EC2NodeClasses): each NodePool's nodeClassRef resolved, and the capacity
  /// reservations its class selects recorded on the NodePool.
  void parse_node_classes(const json& cluster, const json& list, const std::string& cluster_ptr, KarpenterSpec& karpenter);
  /// NodePool `pool` (its document at `pool_ptr`) bound to its EC2NodeClass `nc`: the reservations
  /// the class selects and what drift compares of the class, with parse_node_classes's checks.
  void bind_node_class(KarpenterNodePool& pool, const k8s::Ec2NodeClassSpec& nc, const std::string& pool_ptr);
  void parse_cluster_autoscaler(const json& j, const std::string& p, ClusterAutoscalerSpec& out);
  std::optional<ScheduleSpec> parse_schedule(const json& j, const std::string& p);
  std::optional<TargetTrackingPolicy> parse_target_tracking(const json& j, const std::string& p, const NodeGroupSpec& group);
  std::vector<PolicyEntry> parse_policies(const json& root);
  std::vector<const PolicyEntry*> chain_of(const std::vector<PolicyEntry>& all, const PolicyEntry& p, bool report);
  /// The manifests of a policy's chain (the latest policy that names some, else --manifests), read
  /// once each and written into `doc`; what they wrote is in the overlay (nullopt: no manifests).
  void apply_policy_manifests(const std::vector<const PolicyEntry*>& chain, json& doc, k8s::ManifestOverlay& overlay);
  /// The manifests of `inputs`, read once per set of files (their problems reported when first read).
  std::shared_ptr<const k8s::Manifests> read_manifests(const std::vector<InputFile>& inputs);
  /// cluster.karpenter.changes entries with `manifests` (scenario_node_pool_change_manifests.cpp):
  /// each becomes the `node_pools` entry that replaces the NodePools of the same name with those of
  /// the manifests, its objects added to `overlay` so the loader's problems are placed in them.
  void apply_change_manifests(json& doc, k8s::ManifestOverlay& overlay);
  /// The loader's problems from `first` on that sit in what manifests wrote, moved into them.
  void place_in_manifests(std::size_t first, const k8s::ManifestOverlay& overlay);
  PolicySpec parse_choices(const json& doc, const std::string& name, const std::string& description);
  ServiceSpec parse_service(const json& s, const std::string& ptr);
  /// A PodDisruptionBudget's bounds at `ptr`; `other_keys` are keys the object may also hold.
  std::optional<PodDisruptionBudget> parse_disruption_budget(const json& j, const std::string& ptr,
                                                             const std::vector<std::string>& other_keys = {});
  /// cluster.pod_disruption_budgets: budgets shared by several services, set on each of them.
  void parse_shared_disruption_budgets(const json& doc, PolicySpec& out);
  /// Its model (fluid or request level), the request model's settings and its SLO.
  void parse_service_model(const json& s, const std::string& ptr, ServiceSpec& svc);
  /// The demand's request log, shared, when it can be replayed as recorded ("arrivals": "log"):
  /// a request-level trace, not tiled, at scale 1, whose counts per period the trace kept.
  std::shared_ptr<const RequestLog> replayable_log(const DemandSpec& d, const std::string& ptr);
  /// A model file named `name` (as written, relative to the scenario) at `ptr`; one level of
  /// derived_from_model is followed.
  std::optional<LlmModelFile> read_llm_model(const std::string& name, const std::string& ptr, int depth);
  /// An LLM service's model, variant, rates per instance type and token source (request.llm).
  std::optional<LlmSpec> parse_llm(const json& j, const std::string& ptr, const std::string& service_ptr, const ServiceSpec& svc);
  /// The figures its model file derived rather than measured, and capsim's defaults in force, join
  /// the policy's assumptions.
  void add_derived_figures(PolicySpec& policy) const;
  /// Service times in seconds from a file, one per line (an empirical service-time shape).
  std::optional<std::vector<double>> service_time_samples(const std::string& name, const std::string& ptr);
  /// A policy's services keep the base's demand (trace, scale, arrivals).
  void check_demand_is_the_world(const json& base, const PolicySpec& policy);
  /// A policy's services keep the base's SLA and SLO (what they are held to).
  void check_objectives_are_the_world(const json& base, const json& doc, const std::string& policy);
  /// A warning when a policy changes a service's throughput and keeps its HPA's requests/s target.
  void warn_throughput_without_hpa(const json& base, const PolicySpec& policy);
  /// Each service fits some instance type the policy can launch (and has a throughput for it).
  void check_services_can_run(const PolicySpec& policy, const std::string& policy_name);
  // The effects of a policy's NodeOverlays a user should know of: conflicts, overlays that select
  // nothing, prices that decisions and the bill now see differently, shared devices.
  void warn_node_overlays(const PolicySpec& policy, const std::string& policy_name);
  ClusterSpec parse_cluster(const json& c, const std::string& ptr);
  /// cluster.karpenter.changes (scenario_node_pool_changes.cpp): NodePools changed at a time, each
  /// change merged into the NodePools (`node_pools`, the document's; `out.node_pools`, as read) as
  /// the earlier ones left them.
  /// A change may also patch the EC2NodeClasses of `cluster`'s node_classes (its `node_classes`); every
  /// NodePool is bound again to its class as the change leaves it.
  void parse_node_pool_changes(const json& changes, const json& cluster, const std::string& ptr, KarpenterSpec& out);
  /// A NodePool of cluster.node_pools (scenario_node_pool.cpp): the Karpenter v1 fields io/k8s
  /// decodes, and the v1.x additions read here (Balanced and its consolidationThreshold).
  /// The batch section of a policy's document (scenario_batch.cpp): its job templates, each checked
  /// for a DAG, somewhere to run every task and a deadline its critical path can meet.
  BatchSpec parse_batch(const json& doc);
  std::optional<JobTemplate> parse_job(const json& j, const std::string& ptr);
  std::optional<TaskSpec> parse_batch_task(const json& t, const std::string& ptr);
  std::optional<JobArrivals> parse_job_arrivals(const json& j, const std::string& ptr);
  std::optional<PurchasingSpec> parse_purchasing(const json& j, const std::string& ptr, const PurchasingSpec& defaults);
  /// A policy's batch jobs are the base's: the same jobs, arrivals, deadlines, DAGs and work.
  void check_batch_is_the_world(const json& base, const json& doc, const std::string& policy);
  /// catalog.savings_plan_rates, read against the catalog (scenario_commitments.cpp).
  void parse_savings_plan_rates(const json& root);
  /// The organisation's cost budgets and alerts, the world (scenario_spend_reports.cpp).
  void parse_budgets(const json& root);
  /// A CSV of real daily spend (date,usd) named at `ptr`, which must end the day before the window.
  std::optional<std::vector<double>> read_spend_history(const json& name, const std::string& ptr);
  /// The forecast of the days after the window and anomaly detection (scenario_spend_reports.cpp).
  void parse_spend_reports(const json& root);
  /// A reserved node group's Capacity Block for ML (scenario_commitments.cpp).
  void parse_capacity_block(const json& cb, const std::string& group_ptr, NodeGroupSpec& ng);
  /// A policy's commitments: Savings Plans and Reserved Instances (scenario_commitments.cpp).
  Commitments parse_commitments(const json& doc);
  std::vector<Assumption> assumptions(const json& base, const json& doc, const std::vector<const PolicyEntry*>& chain);
  /// The file `name` (as written at `ptr`) relative to the scenario's folder, with the name shown in
  /// messages; nullopt (and an error) when a data root is set and the file lies outside it.
  std::optional<InputFile> input_file(const std::string& name, const std::string& ptr);

  std::string file_;
  std::filesystem::path base_dir_;
  LoadOptions options_;
  std::vector<Diagnostic> diags_;
  Checker ck_;
  Scenario sc_;
  bool simulation_ok_ = false;
  std::set<std::string> declared_traces_;  // names under /traces, read or not
  std::map<std::string, SimDuration> trace_periods_;  // by trace, its file's own period (period_s)
  std::map<std::string, std::shared_ptr<const RequestLog>> replay_logs_;  // by trace, shared by every policy
  std::map<std::string, std::shared_ptr<const k8s::Manifests>> manifests_;  // by the files' names, read once
};

}  // namespace capsim::io::detail
