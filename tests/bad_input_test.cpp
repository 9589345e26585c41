// Every file under tests/data/bad/ is rejected with a message naming the file, the position (JSON
// pointer, or line:column for malformed JSON, or the trace file's line) and what was expected.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "capsim/cluster/capacity_block.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "bad_input_check.hpp"
#include "test_paths.hpp"

using namespace capsim;

namespace {
using test::check_message;
}  // namespace

TEST_CASE("malformed JSON is reported by line and column") {
  // The comma after "replicas": 2 is missing; the parser notices at the next key, line 27.
  check_message("malformed.json", {"malformed.json:27:", "expected valid JSON"});
  check_message("nan_number.json", {"nan_number.json:7:", "expected valid JSON"});
}

TEST_CASE("wrong types, unknown keys, negative numbers") {
  check_message("wrong_type.json", {"/services/0/replicas", "expected an integer from 0 to 1000000", "got the string \"ten\""});
  check_message("unknown_key.json", {"/simulaton", "unknown key 'simulaton'", "did you mean 'simulation'?",
                                     "/cluster/node_groups/0/instance_typ", "did you mean 'instance_type'",
                                     "the required key 'simulation'"});
  check_message("negative_count.json", {"/cluster/node_groups/0/count", "expected an integer from 0 to 100000", "got the number -3"});
  check_message("negative_wait.json", {"/services/0/sla/max_wait_s", "expected a number >= 0", "got the number -5"});
  check_message("duplicate_key.json", {"/services/0/replicas", "expected each key once per object", "'replicas' again"});
  check_message("bad_distribution.json", {"/services/0/replica/startup_s/median", "expected a number > 0"});
  check_message("reserved_without_zone.json", {"/cluster/node_groups/0", "exactly one zone in 'zones' for a capacity reservation",
                                               "got 0 zones"});
}

TEST_CASE("unknown instance types come with close matches") {
  check_message("unknown_instance_type.json", {"/cluster/node_groups/0/instance_type", "expected an instance type of the catalog",
                                               "got 'g5.xlarg'", "did you mean 'g5.xlarge'"});
  check_message("too_few_gpus.json", {"/services/0/throughput_rps/g5.xlarge", "at least 4 GPU(s)", "g5.xlarge with 1 GPU(s)"});
  check_message("unknown_trace_name.json", {"/services/0/demand/trace", "the name of a trace under /traces", "did you mean 't'?"});
}

TEST_CASE("trace files: missing, empty, unsorted, duplicate, negative, gaps, no zone, bad rows") {
  check_message("trace_missing.json", {"/traces/t/file", "traces/nope.csv: no such file"});
  check_message("trace_empty.json", {"/traces/t/file", "empty.csv:1:", "expected data rows after the header"});
  check_message("trace_unsorted.json", {"unsorted.csv:5:", "timestamps must increase: 2024-05-10T00:01:00Z comes after 2024-05-10T00:02:00Z"});
  check_message("trace_duplicate.json", {"duplicate.csv:4:", "duplicate timestamp 2024-05-10T00:01:00Z"});
  check_message("trace_negative.json", {"negative.csv:3:", "expected a value >= 0 (a trace of requests), got -4"});
  check_message("trace_gap.json", {"gap.csv:4:", "expected a point every 60 s, got a gap of 2 missing points", "set \"gaps\""});
  check_message("trace_no_zone.json", {"no_zone.csv:2:", "expected an ISO 8601 timestamp with a zone"});
  check_message("trace_bad_row.json", {"bad_row.csv:3:", "expected a finite number in column 'value', got 'ten'"});
}

TEST_CASE("policies: patching the world, extends cycles, unknown parents and baselines") {
  check_message("patch_world.json", {"/policies/1/patch/simulation", "expected a patch of the choices only",
                                     "the world section 'simulation'"});
  check_message("extends_cycle.json", {"/policies/0/extends", "a cycle: a -> b -> a"});
  check_message("unknown_extends.json", {"/policies/1/extends", "expected the name of another policy", "did you mean 'a'"});
  check_message("unknown_baseline.json", {"/baseline", "expected the name of a policy in this file", "did you mean 'baseline'?"});
  // An error inside a patch is reported where it is written: in the patch, not the merged document.
  check_message("policy_patch_error.json", {"/policies/1/patch/cluster/node_groups/0/count", "got the number -1"});
  check_message("bad_source_pointer.json", {"/sources/~1services~10~1througput_rps", "which points nowhere"});
}

TEST_CASE("every problem in a file is reported at once") {
  const std::string msg = test::bad_input_error("unknown_key.json");
  // Unknown top-level key, unknown node-group key, and the missing required keys they hide.
  CHECK(std::count(msg.begin(), msg.end(), '\n') >= 3);
}

TEST_CASE("a missing scenario file names the file") {
  CHECK_THROWS_WITH_AS(io::load_scenario(test::data_dir() / "bad" / "no_such_file.json"),
                       doctest::Contains("no_such_file.json: no such file (the scenario file)"), ScenarioError);
}

TEST_CASE("every bad scenario file is rejected by the loader, and every shipped scenario loads") {
  // Catches a bad file added without a test above, and a shipped scenario that stopped loading.
  std::size_t bad = 0, shipped = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::data_dir() / "bad")) {
    if (e.path().extension() != ".json" || e.path().filename() == "loader_only.json") continue;
    ++bad;
    INFO(e.path().string());
    CHECK_THROWS_AS(io::load_scenario(e.path()), ScenarioError);
  }
  for (const auto& e : std::filesystem::directory_iterator(test::source_dir() / "scenarios")) {
    if (e.path().extension() != ".json") continue;
    ++shipped;
    INFO(e.path().string());
    CHECK_NOTHROW(io::load_scenario(e.path()));
  }
  CHECK(bad >= 20);
  CHECK(shipped >= 1);
}

TEST_CASE("batch jobs: a cycle, a GPU kind nowhere, a deadline below the critical path, checkpoints, a policy changing the jobs") {
  check_message("batch_cycle.json", {"batch_cycle.json: /batch/jobs/0/tasks: expected tasks whose 'after' lists form no cycle, got a cycle: "
                                     "a → b → a"});
  check_message("batch_gpu_kind_nowhere.json",
                {"batch_gpu_kind_nowhere.json: /batch/jobs/0/tasks/0: expected an instance type in the catalog with a speed here that "
                 "satisfies the requirements: karpenter.k8s.aws/instance-gpu-name In [h100] (the speed lists g5.xlarge, g6.xlarge)",
                 "g5.xlarge: karpenter.k8s.aws/instance-gpu-name In [h100] but it is a10g",
                 "the catalog's types the requirements allow: p5.4xlarge, p5.48xlarge"});
  // prepare 1 GPU-h at 1 = 1 h; embed 32 GPU-h / 4 pods = 8 GPU-h at 1.25 on g5.12xlarge = 6.4 h of compute, with a
  // checkpoint of 60 s after each of the first 12 of its 12.8 half-hours: 6.6 h; index 2 GPU-h at 1 on g5.xlarge = 2 h.
  check_message("batch_deadline_below_critical_path.json",
                {"batch_deadline_below_critical_path.json: /batch/jobs/0/deadline_s: expected a deadline at least the critical path "
                 "prepare → embed → index: 9.6 h with each task on its fastest type (prepare on g5.xlarge, embed on g5.12xlarge, "
                 "index on g5.xlarge), got 6 h"});
  check_message("batch_checkpoint_interval_zero.json",
                {"batch_checkpoint_interval_zero.json: /batch/jobs/0/tasks/0/checkpoint_interval_s: expected > 0 s of compute between "
                 "checkpoints; leave it out for none, got the number 0"});
  check_message("batch_policy_changes_world.json",
                {"batch_policy_changes_world.json: /policies/1/patch/batch/jobs/0/deadline_s: expected the deadline_s of job "
                 "'nightly-embeddings' as the scenario gives it (21600)",
                 "got 7200 (policy 'spot-tight'): a change to the world: every policy must run the same jobs"});
}

TEST_CASE("an availability trace shorter than the window must say it repeats") {
  check_message("availability_trace_short_no_tile.json",
                {"availability_trace_short_no_tile.json: /market/availability/0/file: expected an availability trace at least as long as "
                 "the simulation window, 1 h (3600 s), or \"tile\": true to repeat it, got ",
                 "availability_counts.json: 4 values every 600 s, 40 min (2400 s)"});
}

TEST_CASE("request-level and generated traces: bad input") {
  check_message("trace_azure_no_zone.json", {"/traces/t", "the key 'time_zone'", "carry no zone"});
  check_message("trace_azure_bad_tokens.json", {"/traces/t/file", "azure_bad_tokens.csv:3:",
                                                "expected a whole number of tokens >= 0 in column 'ContextTokens', got 'ten'"});
  check_message("generator_peak_below_base.json", {"/traces/t/generator", "peak_rps: expected a rate >= base_rps (10), got 5"});
  check_message("trace_statistic_mismatch.json", {"/traces/t/statistic", "expected Sum or SampleCount for a trace of requests",
                                                  "got \"Average\""});
}

TEST_CASE("market and catalog: buckets, prices, price history, availability traces, spot latencies") {
  check_message("market_bucket_out_of_range.json", {"/market/interruption_buckets/g5.xlarge", "expected an integer from 0 to 4",
                                                    "got the number 5"});
  check_message("price_override_zero.json", {"/catalog/price_overrides/g5.xlarge/ondemand_usd_per_h", "expected a number > 0"});
  check_message("market_availability_no_meaning.json", {"/market/availability/0", "the required key 'values'"});
  check_message("market_history_unknown_type.json", {"/market/spot_price_history/files", "spot_unknown_type.json",
                                                     "/SpotPriceHistory/", "g5.xlargee", "did you mean 'g5.xlarge'"});
  check_message("market_history_unknown_zone_id.json", {"/market/spot_price_history/files", "spot_unknown_zone_id.json",
                                                        "expected a zone ID listed in zone_ids", "use1-az9"});
  check_message("market_availability_zero_gap.json", {"/market/availability/0/file", "availability_zero_gap.json",
                                                      "/metadata/gap_seconds"});
  check_message("spot_without_latency.json", {"/cluster: expected the key 'node_ready_s'", "is spot (replacements launch cold)"});
}

TEST_CASE("a user catalog with a bad row names the file, the pointer and what was expected") {
  check_message("catalog_negative_price.json", {"/catalog/files/0", "negative_price.json: /0:",
                                                "expected a number >= 0 in column 'ondemand_usd_per_hour', got '-1.0'"});
}

TEST_CASE("autoscalers: HPA bounds and metrics, cron schedules, unknown services") {
  check_message("hpa_min_above_max.json", {"/cluster/hpa/api/maxReplicas", "expected maxReplicas >= minReplicas (5)", "got the number 2"});
  // A replica's use by load (for Resource metrics): busy at least idle, and within the limit.
  check_message("usage_by_load_busy_below_idle.json", {"/services/0/replica/usage_by_load/busy/cpu", "expected at least the idle use (2500m)",
                                                       "got 1000m"});
  check_message("usage_by_load_above_limit.json", {"/services/0/replica/usage_by_load/busy/cpu", "expected at most the cpu limit (3000m)",
                                                   "got 4000m"});
  // Kubernetes: "must specify at least one Object or External metric to support scaling to zero replicas".
  check_message("hpa_zero_without_external.json", {"/cluster/hpa/api/minReplicas", "an External metric to scale to zero replicas on",
                                                   "got 0 with only Pods metrics"});
  check_message("hpa_unknown_metric.json", {"/cluster/hpa/api/metrics/0/pods/metric/name",
                                            "expected one of \"requests_per_second\", \"gpu_utilization\"", "got the string \"cpu\""});
  check_message("schedule_bad_cron.json", {"/cluster/schedules/0/schedule", "cron '0 9 * * MON-FRY'", "day-of-week"});
  check_message("hpa_unknown_service.json", {"/cluster/hpa/apx", "expected the name of a service", "did you mean 'api'?"});
}

TEST_CASE("a pod that fits no type names the pod, the closest type and the resource") {
  // 64 CPUs against g5.xlarge (3,920m allocatable) and g5.2xlarge (7,910m): the closest is g5.2xlarge.
  check_message("pod_fits_no_type.json", {"/services/0/replica", "a pod of service 'api' that fits none",
                                          "closest: g5.2xlarge (cpu 64000m > 7910m allocatable)"});
}

TEST_CASE("Karpenter NodePools: disruption budgets, expireAfter, taints; tolerations") {
  check_message("budget_bad_percent.json", {"/cluster/node_pools/0/spec/disruption/budgets/0",
                                            "nodes: expected a percentage from 0% to 100%", "got \"150%\""});
  check_message("budget_bad_cron.json", {"/cluster/node_pools/0/spec/disruption/budgets/1", "schedule: cron '0 25 * * 1-5'",
                                         "hour: expected 0-23, got 25"});
  check_message("budget_duration_without_schedule.json", {"/cluster/node_pools/0/spec/disruption/budgets/0",
                                                          "duration \"8h\" needs a schedule",
                                                          "schedule and duration are set together"});
  check_message("budget_unknown_reason.json", {"/cluster/node_pools/0/spec/disruption/budgets/0",
                                               "reasons: expected Underutilized, Empty or Drifted", "got \"Expired\""});
  check_message("balanced_threshold_without_balanced.json",
                {"/cluster/node_pools/0/spec/disruption/consolidationThreshold", "expected consolidationThreshold only with consolidationPolicy Balanced",
                 "consolidationThreshold 4 with consolidationPolicy WhenEmptyOrUnderutilized"});
  check_message("balanced_threshold_zero.json", {"/cluster/node_pools/0/spec/disruption/consolidationThreshold", "expected a number > 0"});
  check_message("static_node_pool_with_weight.json",
                {"/cluster/node_pools/0/spec/weight", "'weight' is not supported on static NodePools", "weight 10 with replicas"});
  check_message("static_node_pool_with_gpu_limit.json",
                {"/cluster/node_pools/0/spec/limits", "only 'limits.nodes' is supported on static NodePools",
                 "limits {\"nvidia.com/gpu\":8} with replicas"});
  check_message("min_values_above_listed_values.json", {"/cluster/node_pools/0/spec/template/spec/requirements/1/minValues",
                                                       "expected at most as many as the values listed with In (2)", "got minValues 3"});
  check_message("expire_after_soon.json", {"/cluster/node_pools/0/spec/template/spec/expireAfter",
                                           "expected a duration such as \"720h\", or \"Never\"", "got the string \"soon\""});
  check_message("taint_unknown_effect.json", {"/cluster/node_pools/0/spec/template/spec/taints/0/effect",
                                              "expected one of \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                                              "got the string \"NoScheduling\"", "did you mean 'NoSchedule'?"});
  check_message("node_group_taint_no_effect.json", {"/cluster/node_groups/0/taints/0", "the required key 'effect'"});
  check_message("toleration_exists_with_value.json", {"/services/0/replica/tolerations/0",
                                                      "expected an empty value with operator Exists", "got value \"true\""});
  check_message("toleration_seconds_without_noexecute.json", {"/services/0/replica/tolerations/0/tolerationSeconds",
                                                              "expected tolerationSeconds only with effect NoExecute"});
  check_message("limit_below_request.json", {"/services/0/replica/limits/cpu", "expected a limit at least the cpu request (4000m)",
                                             "got 2000m"});
  check_message("nodepool_unknown_requirement_key.json",
                {"/cluster/node_pools/0/spec/template/spec/requirements/1/key", "expected a well-known label key",
                 "got 'karpenter.k8s.aws/instance-famly'", "did you mean 'karpenter.k8s.aws/instance-family'"});
  check_message("nodepool_impossible_requirements.json", {"/cluster/node_pools/0/spec/template/spec/requirements",
                                                          "expected requirements some node can satisfy",
                                                          "'karpenter.sh/capacity-type' constrained to no possible value"});
}

TEST_CASE("Auto Scaling target tracking and Cluster Autoscaler provisioning: bad input") {
  check_message("asg_cpu_metric.json", {"/cluster/node_groups/0/target_tracking/PredefinedMetricSpecification/PredefinedMetricType",
                                        "expected one of \"ALBRequestCountPerTarget\"", "got the string \"ASGAverageCPUUtilization\"",
                                        "capsim simulates requests and GPUs, not CPU or network"});
  check_message("asg_with_replicas.json", {"/services/0/replicas",
                                           "expected 0: the replicas of a service on a target-tracked group follow its instances",
                                           "got 2"});
  check_message("asg_under_karpenter.json", {"/cluster/node_groups/0/target_tracking",
                                             "expected target tracking only on plain Auto Scaling groups (provisioner \"static\")",
                                             "got provisioner karpenter"});
  check_message("ca_bad_provision_time.json", {"/cluster/cluster_autoscaler/max_node_provision_time", "expected a duration > 0",
                                               "got the string \"soon\""});
}

TEST_CASE("pod templates: extended resources, node affinity terms, one way to give the pod") {
  check_message("pod_template_gpu_request_only.json",
                {"/services/0/replica/pod_template/spec/containers/0/resources/limits/nvidia.com~1gpu",
                 "expected a limit for nvidia.com/gpu (an extended resource is given as a limit)", "got a request only"});
  check_message("pod_template_gpu_request_not_limit.json",
                {"/services/0/replica/pod_template/spec/containers/0/resources/requests/nvidia.com~1gpu", "expected a request equal to its limit (1)",
                 "got 2"});
  check_message("pod_template_two_terms.json",
                {"/services/0/replica/pod_template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms",
                 "expected exactly one nodeSelectorTerm (capsim cannot express ORed terms)"});
  check_message("pod_template_with_gpus.json", {"/services/0/replica/gpus", "the pod's resources, affinity, tolerations and topology spread in 'pod_template' only"});
  check_message("pod_template_no_accelerator.json", {"/services/0/replica/pod_template/spec/containers",
                                                     "expected an accelerator request in one kind: nvidia.com/gpu or aws.amazon.com/neuron",
                                                     "got neither"});
}

TEST_CASE("a service no instance type of the policy can run is refused at load time") {
  // Its NodePool allows only g6 types (8 in the catalog, sorted: the first six are shown); its
  // service has a throughput on g5 types only.
  check_message("no_type_with_throughput.json",
                {"/services/0/throughput_rps", "expected a throughput for an instance type policy 'default' can launch (g6.12xlarge, g6.16xlarge, "
                                               "g6.24xlarge, g6.2xlarge, g6.48xlarge, g6.4xlarge, ... 8 in all)",
                 "got none for service 'api'"});
}

TEST_CASE("demand is the world: a policy may not change a service's trace, scale or arrivals") {
  // The base scales the trace by 2; the policy replaces the service whole ("$patch": "replace")
  // without the scale, so it would see half the traffic.
  check_message("policy_changes_demand.json",
                {"/policies/1/patch/services/0/demand",
                 "expected the demand of service 'api' as the scenario gives it (trace 't', scale 2, expected arrivals): demand is the world "
                 "every policy is compared in, which policy 'one-replica' may not change",
                 "got trace 't', scale 1, expected arrivals"});
}

TEST_CASE("a trace's declared period must be its points' spacing") {
  // five_minute_points.csv has a point every 300 s; period_s 60 would put each 5-minute total into
  // one minute.
  check_message("trace_period_mismatch.json", {"/traces/t/file", "five_minute_points.csv",
                                                "expected points 60 s apart (the trace's period_s), got points 300 s apart: state "
                                                "\"period_s\": 300"});
}

TEST_CASE("a trace of requests with a hole longer than max_gap (an hour by default) is refused") {
  // hole.csv has no point from 01:00 to 03:00: 120 missing minutes (7,200 s) after 00:59.
  check_message("trace_long_hole.json", {"/traces/t/file", "hole.csv", "expected no gap longer than 3600 s (max_gap), got 120 missing points from "
                                         "2024-05-10T01:00:00Z to 2024-05-10T03:00:00Z (7200 s)"});
}

// Inputs that crashed, aborted, hung or ran out of memory when a fuzzer fed them to capsim. Each
// now gets a message naming where and what.
TEST_CASE("robustness: a required key that is missing is reported and never read") {
  // The NodePool's spec is empty: the loader used to read spec.template regardless.
  check_message("nodepool_empty_spec.json", {"/cluster/node_pools/0/spec", "expected the required key 'template'"});
}

TEST_CASE("robustness: values of the wrong type in the figures the loader scans are errors, not aborts") {
  check_message("capacity_type_null.json", {"/cluster/node_groups/0/capacity_type", "got null"});
  // Found by the CLI mutation run: Karpenter launched a node cold with no latency to draw (an empty
  // optional read), and the assumptions scan read a world section with an error in it.
  check_message("karpenter_without_node_latency.json", {"/cluster", "expected the key 'node_ready_s' (launch → Ready latency), since "
                                                        "provisioner karpenter launches every node cold"});
  check_message("trace_format_array.json", {"/traces/t/format", "expected one of \"csv\"", "got an array"});
  // A source pointer whose array index has more digits than any array could reach.
  check_message("source_pointer_out_of_range.json",
                {"/sources/~1services~199999999999999999999999~1replicas", "which points nowhere"});
}

TEST_CASE("robustness: only regular files are read") {
  check_message("trace_is_folder.json", {"/traces/t/file", "a folder, not a file"});
  check_message("trace_is_device.json", {"/traces/t/file", "/dev/zero: not a regular file (a device, a named pipe or a socket)"});
}

TEST_CASE("robustness: nesting deeper than 64 is refused before the document is walked") {
  check_message("deep_nesting.json", {"/description/0/0/0", "expected objects and arrays nested at most 64 deep", "got deeper nesting"});
}

TEST_CASE("robustness: times and durations outside their documented range") {
  // 1e-9 s rounds to 0 µs (it divided by zero); periods are at least a second.
  check_message("period_rounds_to_zero.json", {"/simulation/period_s", "expected a number of seconds from 1 to 3.15576e+09 (100 years)",
                                               "got the number 1e-09"});
  check_message("simulation_period_microsecond.json", {"/simulation/period_s", "expected a number of seconds from 1 to"});
  check_message("request_bins_microsecond.json", {"/traces/t/period_s", "expected a number of seconds from 1 to"});
  // A shift of ten billion days overflowed the time type (a message dated year -28109).
  check_message("shift_out_of_range.json", {"/traces/t/shift", "expected a duration > 0 up to 100 years"});
  check_message("trace_year_out_of_range.json",
                {"year_1900.csv:2:", "expected an ISO 8601 timestamp with a zone from 1970 to 2199 (2024-05-10T00:00:00Z), got "
                                     "'1900-01-01T00:00:00Z'"});
}

TEST_CASE("robustness: sizes beyond the stated limits are refused before memory is allocated") {
  // Two points 219 years apart on a 60 s grid: 115 million points.
  // 54 leap days: the 55 years divisible by 4 from 1972 to 2188, less 2100.
  const auto points = (std::int64_t{219} * 365 + 54) * 1440 + 1;
  check_message("trace_too_many_points.json",
                {"span_1971_2190.csv", "expected at most 10000000 points on the 60 s grid, got " + std::to_string(points) +
                                           " from 1971-01-01T00:00:00Z to 2190-01-01T00:00:00Z"});
  // Ten years at 1 s: 315,360,000 periods.
  check_message("too_many_periods.json", {"/simulation/duration", "expected at most 10000000 periods of 1 s", "got 315360000 periods"});
}

TEST_CASE("request-level model and SLO settings") {
  check_message("slo_percentile_100.json", {"/services/0/slo/percentile", "expected a percentile between 0 and 100, both excluded", "got 100"});
  check_message("slo_target_zero.json", {"/services/0/slo/target_s", "expected a latency target in seconds > 0", "got 0"});
  check_message("slo_with_fluid_model.json", {"/services/0/slo", "expected \"model\": \"request\" beside it", "got the fluid model"});
  check_message("request_concurrency_fraction.json",
                {"/services/0/replica/concurrency", "expected a whole number of requests from 1 to 65536", "got 2.5"});
  check_message("concurrency_zero.json", {"/services/0/replica/concurrency", "expected a number > 0", "got the number 0"});
  check_message("pdb_both_bounds.json", {"/services/0/disruption_budget", "expected exactly one of max_unavailable and min_available",
                                         "got both"});
  check_message("pdb_fractional_percent.json", {"/services/0/disruption_budget/max_unavailable",
                                                "expected a count of pods (an integer, 0 or more) or a whole percentage of them such as \"25%\"",
                                                "got the string \"12.5%\""});
  check_message("pdb_shared_and_own.json",
                {"/cluster/pod_disruption_budgets/0/services/0", "expected one PodDisruptionBudget over the pods of service 'api' (the "
                 "Eviction API refuses, with an error 500, to evict a pod two budgets select)", "got a service with its own disruption_budget too"});
  check_message("pdb_shared_unknown_service.json",
                {"/cluster/pod_disruption_budgets/0/services/1", "expected the name of a service", "got \"emebd\"", "embed"});
  check_message("request_unknown_router.json",
                {"/services/0/request/router", "\"least-outstanding\"", "\"shared-queue\"", "got the string \"least-connections\""});
  check_message("service_time_empirical_bad_line.json",
                {"/services/0/request/service_time/file", "one number > 0 per line", "bad_line.csv line 4", "got 'fast'"});
  check_message("service_time_sigma_without_lognormal.json",
                {"/services/0/request/service_time/sigma", "'sigma' with the lognormal shape only", "got sigma with shape 'exponential'"});
}

TEST_CASE("LLM services: variants that do not fit or need FP8, missing tokens and prefill figures") {
  check_message("llm_variant_too_large.json",
                {"/services/0/request/llm/variant", "'fp16' needs 15.0 GiB of weights plus KV cache",
                 "at most 11.2 GiB usable (22.4 GiB on g5.xlarge, the largest allowed)",
                 "/services/0/throughput_rps/g5.xlarge", "got g5.xlarge with 22.4 GiB (1 GPU of a10g)"});
  check_message("llm_fp8_on_a10g.json", {"/services/0/request/llm/variant", "'fp8' needs native FP8 (compute capability 8.9 or more",
                                         "got 'fp8' on g5.xlarge (a10g, without native FP8)"});
  check_message("llm_tokens_missing.json", {"/services/0/request/llm/tokens", "a demand trace with token counts",
                                            "got trace 'code', which has no token counts"});
  check_message("llm_unknown_variant.json", {"/services/0/request/llm/variant", "(awq-int4, fp16, fp8, int8-w8a8)", "got \"fp4\"",
                                             "did you mean 'fp8'"});
  check_message("llm_prefill_missing_type.json",
                {"/services/0/request/llm/prefill_tokens_per_s/g6e.xlarge", "the prompt tokens/s one replica prefills on g6e.xlarge"});
}

TEST_CASE("KEDA ScaledObjects: unknown metrics, queue triggers on the fluid model, an HPA beside one") {
  check_message("keda_unknown_metric.json", {"/cluster/keda/api/triggers/0/metadata/metricName",
                                             "a metric of the service's queue: waiting_requests or requests_in_system", "got \"queue_length\""});
  check_message("keda_queue_on_fluid.json", {"/cluster/keda/api/triggers/0", "\"model\": \"request\" on service 'api'", "got the fluid model"});
  check_message("keda_and_hpa.json", {"/cluster/keda/api", "a ScaledObject for a service without an HPA under /cluster/hpa", "got both"});
}

TEST_CASE("replaying a trace that is not a request log") {
  check_message("arrivals_log_not_a_log.json",
                {"/services/0/demand/arrivals", "\"log\" only for a request log", "got trace 't', which counts requests per period"});
}

TEST_CASE("an HPA on the KV cache of a service that is not an LLM") {
  check_message("hpa_kv_cache_not_llm.json", {"/cluster/hpa/api/metrics/0", "request.llm on service 'api' for kv_cache_usage", "got a service without it"});
}

TEST_CASE("a KEDA-scaled service without a replica start-up latency") {
  check_message("keda_without_startup.json", {"/services/0/replica", "the key 'startup_s', since KEDA starts new replicas"});
}

TEST_CASE("objectives and the risk tolerance: shares, and the world's") {
  check_message("sla_target_percent.json", {"/services/0/sla/target_served_share", "expected a share of requests below 1, such as 0.999",
                                            "got 99.9: a percentage? write 0.999 for 99.9%"});
  check_message("risk_tolerance_percent.json",
                {"/compare/risk_tolerance", "expected a share of replicates below 1, such as 0.05 (5%)", "got 5: a percentage?"});
  // A policy that lowered its own bar would look safer for changing the ruler, not the fleet.
  check_message("policy_relaxes_objective.json",
                {"/policies/1/patch/services/0/sla",
                 "expected the sla of service 'api' as the scenario gives it ({\"max_wait_s\":10,\"target_served_share\":0.999}): the "
                 "objective every policy is held to, which policy 'relaxed' may not change",
                 "got {\"max_wait_s\":10,\"target_served_share\":0.9}"});
}

TEST_CASE("an uncertain factor that can draw zero") {
  check_message("uncertainty_zero_factor.json", {"/uncertainty/demand_scale", "expected a factor above 0 (1 leaves the figure as it is)",
                                                 "got {\"dist\":\"uniform\",\"max\":1.5,\"min\":0}, which can draw 0"});
}

TEST_CASE("two policies with one name") {
  check_message("duplicate_policy_names.json", {"/policies/1/name", "expected a policy name used once", "got \"base\" again"});
}

TEST_CASE("commitments: a plan with no rates, an unknown family, a reservation above on-demand, a Compute plan with a family") {
  check_message("commitments_plan_without_rates.json",
                {"commitments_plan_without_rates.json: /commitments/savings_plans/0: expected Savings Plan rates for the catalog's types in "
                 "catalog.savings_plan_rates (a CSV file: capsim bundles none"});
  check_message("commitments_unknown_family.json", {"commitments_unknown_family.json: /commitments/savings_plans/0/family: expected an "
                                                    "instance family of the catalog, got \"g55\" (did you mean 'g5'"});
  check_message("commitments_reservation_above_on_demand.json",
                {"commitments_reservation_above_on_demand.json: /commitments/reserved_instances/0/usd_per_h: expected an effective hourly "
                 "rate at most g5.xlarge's on-demand price, 1.006 USD/h, got 2"});
  check_message("commitments_compute_with_family.json", {"commitments_compute_with_family.json: /commitments/savings_plans/0/family: "
                                                         "expected no family: a Compute Savings Plan applies to every family"});
}

TEST_CASE("cost budgets: no amount or a negative one, a threshold above 1000%, an unknown alert type, a history that does not meet the window, a policy changing them") {
  check_message("cost_budget_negative_amount.json", {"cost_budget_negative_amount.json: /budgets/0/amount_usd: expected a number > 0, got the number -100"});
  check_message("cost_budget_no_amount.json", {"cost_budget_no_amount.json: /budgets/0: expected the required key 'amount_usd'"});
  check_message("cost_budget_threshold_too_high.json",
                {"cost_budget_threshold_too_high.json: /budgets/0/alerts/0/threshold: expected a percentage of the budget up to 1000 (AWS "
                 "Budgets' limit), got 1500 (for an amount in USD, set \"threshold_type\": \"absolute\")"});
  check_message("cost_budget_unknown_alert_type.json", {"cost_budget_unknown_alert_type.json: /budgets/0/alerts/0/type: expected one of "
                                                        "\"actual\", \"forecasted\", got the string \"forecast\" (did you mean 'forecasted'?)"});
  // billing.json's window starts 2024-05-31T22:30Z: the history must end on May 30.
  check_message("cost_budget_history_misaligned.json",
                {"cost_budget_history_misaligned.json: /budgets/0/history: expected daily spend ending 2024-05-30 (the day before the "
                 "window's first day), got ", "budgets/history_ends_early.csv ending 2024-05-29"});
  check_message("cost_budget_history_gap.json", {"/budgets/0/history: ", "budgets/history_gap.csv:4: expected the day after 2024-05-28 "
                                                 "(one row per day, oldest first, none missing), got 2024-05-30"});
  check_message("cost_budget_in_policy.json", {"cost_budget_in_policy.json: /policies/1/patch/budgets: expected a patch of the choices only "
                                               "(services, cluster, batch, commitments), got a change to the world section 'budgets'"});
}

TEST_CASE("spend reports: a forecast longer than its history, anomaly detection over an unknown dimension") {
  check_message("forecast_horizon_too_long.json",
                {"forecast_horizon_too_long.json: /forecast/days: expected a horizon of at most the days of spend it is fitted on (28: 0 of "
                 "history and the window's 28 whole days), and at least 7 of them, got 29 days"});
  check_message("anomaly_unknown_dimension.json", {"anomaly_unknown_dimension.json: /anomaly_detection/dimensions/0: expected one of node_pool, "
                                                   "capacity_type, instance_type, zone, aws_service, tag:<key>, got the string \"nodepool\" "
                                                   "(did you mean 'node_pool'?)"});
}

TEST_CASE("capacity blocks: a duration AWS does not sell, a start not at 11:30 UTC, more than 64 instances") {
  check_message("capacity_block_15_days.json", {"capacity_block_15_days.json: /cluster/node_groups/1/capacity_block/duration_days: expected a "
                                                "duration AWS sells: 1 to 14 days, then 21, 28, ... up to 182 days (7-day steps), got 15 days"});
  check_message("capacity_block_start_noon.json",
                {"capacity_block_start_noon.json: /cluster/node_groups/1/capacity_block/start: expected a start at 11:30 UTC (a Capacity "
                 "Block ends at 11:30 UTC and lasts whole days), got \"2024-05-10T12:00:00Z\""});
  check_message("capacity_block_65_instances.json", {"capacity_block_65_instances.json: /cluster/node_groups/1/reservation_count: expected at "
                                                     "most 64 instances in a Capacity Block, got 65"});
  // AWS's durations, worked from its rule: 1-14 days, then whole weeks to 26 weeks.
  CHECK(capacity_block_duration_allowed(1));
  CHECK(capacity_block_duration_allowed(14));
  CHECK_FALSE(capacity_block_duration_allowed(15));
  CHECK(capacity_block_duration_allowed(21));
  CHECK_FALSE(capacity_block_duration_allowed(22));
  CHECK(capacity_block_duration_allowed(182));
  CHECK_FALSE(capacity_block_duration_allowed(189));
  CHECK_FALSE(capacity_block_duration_allowed(0));
}

TEST_CASE("capacity reservations: an unknown field, a reservation type no reservation has, an ODCR with a block's length") {
  check_message("reservation_unknown_field.json",
                {"/market/capacity_reservations/0/count: expected one of the keys id, type, instance_type, zone, instance_count",
                 "got unknown key 'count'",
                 "/market/capacity_reservations/0: expected the required key 'instance_count'"});
  check_message("reservation_type_mismatch.json",
                {"reservation_type_mismatch.json: /cluster/node_pools/0/spec/template/spec/requirements: expected a "
                 "karpenter.k8s.aws/capacity-reservation-type requirement that allows \"default\" or \"capacity-block\", got In [capacityblock]"});
  check_message("odcr_with_duration.json",
                {"odcr_with_duration.json: /market/capacity_reservations/0/duration_days: expected no 'duration_days' on an On-Demand "
                 "Capacity Reservation (type \"default\"): only a Capacity Block has one"});
}

TEST_CASE("NodePool changes (drift): a time outside the window or out of order, an unknown or static NodePool, a bad merged field") {
  check_message("drift_change_outside_window.json",
                {"/cluster/karpenter/changes/0/at", "expected a time inside the simulation window (after 2024-05-10T00:00:00Z, before 2024-05-10T00:05:00Z)",
                 "got 2024-05-10T00:10:00Z"});
  check_message("drift_change_out_of_order.json", {"/cluster/karpenter/changes/1/at", "expected a time after the previous change's (2024-05-10T00:03:00Z)",
                                                   "got 2024-05-10T00:02:00Z"});
  check_message("drift_change_unknown_node_pool.json", {"/cluster/karpenter/changes/0/node_pools/0/metadata/name",
                                                        "expected a NodePool of cluster.node_pools (gpu)", "did you mean 'gpu'?", "got \"gpus\""});
  check_message("change_node_class_unknown.json", {"/cluster/karpenter/changes/0/node_classes/0/metadata/name",
                                                    "expected an EC2NodeClass of cluster.node_classes (gpu); did you mean 'gpu'?", "got \"gpus\""});
  check_message("drift_change_static_node_pool.json", {"/cluster/karpenter/changes/0/node_pools/0", "expected a change to a dynamic NodePool",
                                                       "a change to static NodePool \"gpu\""});
  // The merged NodePool is read like any: its error sits at the change's place.
  check_message("drift_change_bad_field.json", {"/cluster/karpenter/changes/0/node_pools/0/spec/weight", "expected an integer from 0 to 100",
                                                "got the number 200"});
}

TEST_CASE("Karpenter's min_values_policy is Strict or BestEffort") {
  check_message("min_values_policy_unknown.json",
                {"/cluster/karpenter/min_values_policy", "expected one of \"Strict\", \"BestEffort\"", "got the string \"Relaxed\""});
}
