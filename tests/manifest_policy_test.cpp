// A policy's choices from Kubernetes manifests (a policy's `manifests`, or --manifests): the chat
// cluster of tests/data/manifests/chat-cluster runs as its JSON twin (manifests_chat_json.json,
// written by hand from the manifests and Kubernetes' rules), and bad manifests are reported in
// their files with line, column, document and field path.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/k8s/manifest_diff.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_variants.hpp"
#include "capsim/report/policy_diff.hpp"
#include "capsim/sim/compare.hpp"
#include "capsim/sim/policy_diff_run.hpp"
#include "capsim/sim/simulation.hpp"
#include "bad_input_check.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {

using test::scenario_file;
std::string cluster_file(const std::string& name) {
  return (test::data_dir() / "scenarios" / ".." / "manifests" / "chat-cluster" / name).lexically_normal().string();
}

using test::load_error;
// A manifest's problem names the manifest, not the scenario file.
void check_manifest_message(const std::string& bad, const std::vector<std::string>& parts) { test::check_message(bad, parts, false); }

}  // namespace

TEST_CASE("the chat cluster's manifests make the policy its JSON twin writes by hand") {
  const Scenario sc = io::load_scenario(scenario_file("manifests_chat.json"));
  REQUIRE(sc.policies.size() == 1);
  const PolicySpec& p = sc.policies.front();
  REQUIRE(p.services.size() == 1);
  const ServiceSpec& chat = p.services.front();
  // The server asks 2 CPUs and 8Gi; the log shipper states nothing, so the namespace's LimitRange
  // gives it its defaultRequest (100m, 128Mi) and its default limits (500m, 256Mi).
  CHECK(chat.replica_cpu_millicores == 2000 + 100);
  CHECK(chat.replica_memory_mib == 8192 + 128);
  CHECK(chat.limit_cpu_millicores == 4000 + 500);
  CHECK(chat.limit_memory_mib == 8192 + 256);
  CHECK(chat.replica_gpus == 1);
  CHECK(chat.replicas == 2);
  CHECK(chat.namespace_name == "inference");
  // The PodDisruptionBudget inference/chat (maxUnavailable: 1) over the Deployment's pods.
  REQUIRE(chat.disruption_budget);
  CHECK(chat.disruption_budget->kind == PodDisruptionBudget::Kind::MaxUnavailable);
  CHECK(chat.disruption_budget->count == 1);
  CHECK_FALSE(chat.disruption_budget->percent);
  CHECK(p.cluster.provisioner == ProvisionerKind::Karpenter);
  REQUIRE(p.cluster.karpenter.node_pools.size() == 1);
  CHECK(p.cluster.karpenter.node_pools.front().scheduling.name == "gpu");
  REQUIRE(p.cluster.hpa.count("chat") == 1);
  CHECK(p.cluster.hpa.at("chat").spec.min_replicas == 2);
  CHECK(p.cluster.hpa.at("chat").spec.max_replicas == 6);
  REQUIRE(p.cluster.resource_quotas.count("inference") == 1);
  CHECK(p.cluster.resource_quotas.at("inference").gpus == 8);
  CHECK(p.cluster.resource_quotas.at("inference").cpu_millicores == 32000);

  // What capsim read past or does not simulate, each said once; the kinds it does not model are
  // listed where each first appears (the Service opens chat.yaml's fourth document, on line 79; the
  // Namespace is the first item of namespace.yaml's List, on line 6 at column 5).
  std::vector<std::string> want = {
      "trace 't' is tiled every 5 min; the window starts at its instant 2024-05-10T00:00:00Z",  // the twin's too
      "EC2NodeClass 'gpu': amiSelectorTerms, role, securityGroupSelectorTerms, subnetSelectorTerms read and ignored (they do not "
      "change what capsim simulates)",
      "EC2NodeClass 'gpu': instanceStorePolicy RAID0 makes the instance store the nodes' ephemeral storage; capsim does not schedule "
      "ephemeral-storage, so it changes no placement or cost",
      // The scenario was named by an absolute path; the results name its manifests from its folder.
      "capsim skipped 2 objects of kinds it does not model: 1 Service at ../manifests/chat-cluster/chat.yaml:79:1 (document 3); "
      "1 Namespace at ../manifests/chat-cluster/namespace.yaml:6:5 (document 0, items[0])",
  };
  std::vector<std::string> got = sc.warnings;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  CHECK(got == want);
}

TEST_CASE("the run from manifests equals the run from the JSON twin, byte for byte") {
  const Scenario from_json = io::load_scenario(scenario_file("manifests_chat_json.json"));
  const Scenario from_manifests = io::load_scenario(scenario_file("manifests_chat.json"));
  CHECK(from_json.warnings == std::vector<std::string>{"trace 't' is tiled every 5 min; the window starts at its instant 2024-05-10T00:00:00Z"});
  RunResult a = run_scenario(from_json, {});
  RunResult b = run_scenario(from_manifests, {});
  // The manifests' notes (checked above) are the one difference: the twin has nothing else to note.
  CHECK(b.warnings == from_manifests.warnings);
  CHECK(b.warnings.size() == a.warnings.size() + 3);
  b.warnings = a.warnings;
  const std::string ja = io::result_to_json(a), jb = io::result_to_json(b);
  CHECK(ja == jb);
  // Not a vacuous equality: the runs launched nodes and served the demand.
  const json r = json::parse(ja);
  CHECK(r["policies"][0]["replicates"].size() == 2);
  CHECK(r["policies"][0]["replicates"][0]["cost_usd"]["total"].get<double>() > 0);
}

TEST_CASE("--manifests makes the choices of a scenario without policies") {
  json doc = json::parse(std::ifstream(scenario_file("manifests_chat.json")));
  doc.erase("policies");
  io::LoadOptions options;
  options.manifests = {test::data_dir() / "manifests" / "chat-cluster"};
  const Scenario sc = io::load_scenario_text(doc.dump(), "cli.json", test::data_dir() / "scenarios", options);
  REQUIRE(sc.policies.size() == 1);
  CHECK(sc.policies.front().name == "default");
  CHECK(sc.policies.front().services.front().replica_cpu_millicores == 2100);
  CHECK(sc.policies.front().cluster.hpa.count("chat") == 1);
  // A variant (here a second policy, from Python's with_policy or a sweep) is the document loaded
  // again: it keeps the manifests it was loaded with, or its bound service would have no pods.
  const Scenario variant = io::with_policy(sc, {"more", "{}", "default", ""});
  REQUIRE(variant.policies.size() == 2);
  CHECK(variant.policies.back().services.front().replica_cpu_millicores == 2100);
  CHECK(variant.document.manifests == options.manifests);
  // The manifests were named by an absolute path; the notes that reach the results name them from
  // the scenario's folder (tests/data/scenarios), never absolutely.
  REQUIRE(options.manifests.front().is_absolute());
  const auto skipped = std::find_if(sc.warnings.begin(), sc.warnings.end(),
                                    [](const std::string& w) { return w.rfind("capsim skipped", 0) == 0; });
  REQUIRE(skipped != sc.warnings.end());
  CHECK(skipped->find("1 Service at ../manifests/chat-cluster/chat.yaml:79:1") != std::string::npos);
  for (const auto& w : sc.warnings) CHECK(w.find(test::source_dir().string()) == std::string::npos);
  // Without manifests, a service bound to a workload has no pods to run.
  const std::string msg = [&] {
    try {
      io::load_scenario_text(doc.dump(), "cli.json", test::data_dir() / "scenarios");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  }();
  CHECK(msg.find("cli.json: /services/0/workload: expected a policy with Kubernetes manifests to take the workload's pods from (the "
                 "policy's 'manifests', or --manifests), got a policy without manifests") != std::string::npos);
}

TEST_CASE("bad manifests of a policy are reported in their files: line, column, document, field path") {
  // Each bad scenario is manifests_chat.json with one file of its manifests replaced or added.
  check_manifest_message("manifests_nodepool_api_version.json",
                {"bad/manifests/nodepool_v1beta1.yaml:1:1: document 0, apiVersion: expected apiVersion karpenter.sh/v1 for a NodePool "
                 "(capsim reads the v1 API), got the string \"karpenter.sh/v1beta1\""});
  // Line 17 is "          operator: LessThan": the third requirement's operator, its value at column 11.
  check_manifest_message("manifests_nodepool_operator.json",
                {"bad/manifests/bad_operator.yaml:17:11: document 0, spec.template.spec.requirements[2].operator: expected one of "
                 "\"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\", \"Gte\", \"Lte\", got the string \"LessThan\""});
  // Without the namespace's LimitRange the log shipper (line 44, "        - name: log-shipper")
  // requests nothing, which the ResourceQuota on requests.cpu and requests.memory refuses; the
  // service bound to the Deployment says nothing more.
  const std::string quota = load_error(test::data_dir() / "bad" / "manifests_deployment_without_requests.json");
  CHECK(quota == cluster_file("chat.yaml") +
                     ":44:11: document 0, spec.template.spec.containers[1]: expected a cpu request (namespace 'inference' has a "
                     "ResourceQuota on requests.cpu, so the API server refuses a pod without one; a LimitRange default would give it "
                     "one), got container 'log-shipper' without one\n" +
                     cluster_file("chat.yaml") +
                     ":44:11: document 0, spec.template.spec.containers[1]: expected a memory request (namespace 'inference' has a "
                     "ResourceQuota on requests.memory, so the API server refuses a pod without one; a LimitRange default would give it "
                     "one), got container 'log-shipper' without one");
  // Line 11 is "    name: chat-canary" under scaleTargetRef.
  check_manifest_message("manifests_hpa_unknown_target.json",
                {"bad/manifest_policies/hpa_unknown_target.yaml:11:5: document 0, spec.scaleTargetRef.name: expected a Deployment of "
                 "the manifests in namespace 'inference', got \"chat-canary\", which they do not hold"});
  // Line 9 is "  selector:"; its matchLabels (app: chat-canary) match no pod template's labels.
  check_manifest_message("manifests_pdb_selects_nothing.json",
                {"bad/manifest_policies/pdb_selects_nothing.yaml:9:3: document 0, spec.selector: expected a selector of the pods of a "
                 "Deployment or StatefulSet of the manifests in namespace 'inference', got one that selects none of their pods"});
  // Line 10 is "  selector:" of the second budget over the chat pods.
  check_manifest_message("manifests_pdb_second_budget.json",
                {"bad/manifest_policies/pdb_second_budget.yaml:10:3: document 0, spec.selector: expected one PodDisruptionBudget over "
                 "the pods of Deployment inference/chat (the Eviction API refuses to evict a pod two budgets select), got a second "
                 "one, after inference/chat"});
  const std::string unknown = load_error(test::data_dir() / "bad" / "manifests_unknown_workload.json");
  CHECK(unknown.find("manifests_unknown_workload.json: /services/0/workload: expected a Deployment of the policy's manifests, got "
                     "\"Deployment/chatt\", which none holds (did you mean 'Deployment/chat'?)") != std::string::npos);
  CHECK(std::count(unknown.begin(), unknown.end(), '\n') == 0);  // one problem, not a cascade
}

namespace {
struct Diffed {
  PolicyDiff diff;
  Scenario scenario;
};
// manifests_diff.json run with the manifests of tests/data/manifests/diff/<before> and /<after>.
Diffed diff_of(const std::string& before, const std::string& after) {
  const auto dir = test::data_dir() / "manifests" / "diff";
  io::LoadOptions lo;
  lo.manifest_policies = {{"before", {dir / before}}, {"after", {dir / after}}};
  Scenario sc = io::load_scenario(scenario_file("manifests_diff.json"), lo);
  PolicyDiffRun run = run_policy_diff(sc, io::diff_manifests({dir / before}, {dir / after}), 0, 1);
  return {std::move(run.diff), std::move(sc)};
}
}  // namespace

TEST_CASE("capsim diff: a NodePool that drops the g6 family costs what the price gap says") {
  const Diffed d = diff_of("before", "after");
  CHECK(d.scenario.baseline == "before");
  CHECK(d.scenario.policies.size() == 2);
  // Two one-GPU pods (2 CPUs, 8Gi) at fixed replicas: before, Karpenter's cheapest fit is g6.xlarge
  // (0.8048 USD/h); without g6, g5.xlarge (1.006 USD/h). Both nodes launch after Karpenter's 1 s
  // batch idle and run to the end of the hour: 3599 s each, and a 1 h window is 1/720 of a month.
  const double hours = 3599.0 / 3600.0 * 720;
  const double before = 2 * 0.8048 * hours + 0.10 * 720, after = 2 * 1.006 * hours + 0.10 * 720;
  CHECK(d.diff.cost_before_usd == doctest::Approx(before).epsilon(1e-9));
  CHECK(d.diff.cost_after_usd == doctest::Approx(after).epsilon(1e-9));
  CHECK(d.diff.cost_change_usd == doctest::Approx(2 * (1.006 - 0.8048) * hours).epsilon(1e-9));  // 289.65 USD/month
  CHECK(d.diff.cost_change_pct == doctest::Approx(100 * (after - before) / before).epsilon(1e-9));
  // Every replicate sees the same change (nothing random differs): a zero-width interval.
  CHECK(d.diff.cost_change_ci_low_usd == doctest::Approx(d.diff.cost_change_usd));
  CHECK(d.diff.cost_change_ci_high_usd == doctest::Approx(d.diff.cost_change_usd));
  CHECK(std::isnan(d.diff.p_breach_change));  // no service declares an objective
  CHECK(d.diff.instance_types_appeared == std::vector<std::string>{"g5.xlarge"});
  CHECK(d.diff.instance_types_disappeared == std::vector<std::string>{"g6.xlarge"});
  CHECK(d.diff.newly_unschedulable.empty());
  CHECK(d.diff.node_pools_now_limited.empty());
  REQUIRE(d.diff.manifest_changes.size() == 1);
  CHECK(d.diff.manifest_changes[0] == ManifestChange{"NodePool gpu", "changed", {"spec.template.spec.requirements[1].values[1]"}});
  // The gates: +23.5% fails --fail-above 20 and passes --fail-above 25; no risk is judged.
  CHECK(failed_gates(d.diff, 20, NAN) == std::vector<std::string>{"the monthly cost rises by 23.5%, more than --fail-above 20%"});
  CHECK(failed_gates(d.diff, 25, 0).empty());
}

TEST_CASE("capsim diff: a NodePool capped at one GPU leaves the second pod unschedulable") {
  const Diffed d = diff_of("before", "limited");
  // limits nvidia.com/gpu: 1 lets one g6.xlarge run; the other pod stays pending in every replicate.
  REQUIRE(d.diff.newly_unschedulable.size() == 1);
  CHECK(d.diff.newly_unschedulable[0].service == "chat");
  CHECK(d.diff.newly_unschedulable[0].replicates == 2);
  CHECK(d.diff.newly_unschedulable[0].reason == "pool gpu: limits: nvidia.com/gpu 1 > 0 remaining (g6.xlarge)");
  CHECK(d.diff.node_pools_now_limited == std::vector<std::string>{"gpu"});
  const double hours = 3599.0 / 3600.0 * 720;
  CHECK(d.diff.cost_change_usd == doctest::Approx(-0.8048 * hours).epsilon(1e-9));  // one g6.xlarge fewer
  CHECK(d.diff.manifest_changes == std::vector<ManifestChange>{{"NodePool gpu", "changed", {"spec.limits"}}});
  const std::string text = format_policy_diff(d.diff);
  CHECK(text.find("chat (in 2 of 2 replicates): pool gpu: limits: nvidia.com/gpu 1 > 0 remaining (g6.xlarge)") != std::string::npos);
  CHECK(text.find("NodePools whose limits now bind: gpu") != std::string::npos);
}

TEST_CASE("a StatefulSet and its KEDA ScaledObject from --manifests run as their JSON twin, byte for byte") {
  // keda_queue.json's service as a StatefulSet without spec.replicas (the API server's default: 1)
  // and its ScaledObject; the pod template's label app=api joins the service's tags, which the twin
  // writes as a tag.
  io::LoadOptions options;
  options.manifests = {test::data_dir() / "manifests" / "statefulset-keda"};
  const Scenario from_manifests = io::load_scenario(scenario_file("manifests_keda.json"), options);
  const Scenario from_json = io::load_scenario(scenario_file("manifests_keda_json.json"));
  const PolicySpec& p = from_manifests.policies.front();
  CHECK(p.services.front().replicas == 1);
  CHECK(p.services.front().replica_gpus == 1);
  REQUIRE(p.cluster.keda.count("api") == 1);
  CHECK(p.cluster.keda.at("api").min_replica_count == 0);
  CHECK(p.cluster.keda.at("api").max_replica_count == 3);
  CHECK(from_manifests.warnings.empty());
  CHECK(io::result_to_json(run_scenario(from_manifests, {})) == io::result_to_json(run_scenario(from_json, {})));
}

TEST_CASE("bad manifests: a LimitRange min above a request, a selector that misses its template, a missing EC2NodeClass") {
  // Line 38 is the server's "              cpu: \"2\"" under requests; the LimitRange's min is 3.
  check_manifest_message("manifests_limit_range_min.json",
                {cluster_file("chat.yaml") + ":38:15: document 0, spec.template.spec.containers[0].resources.requests.cpu: expected at "
                                             "least the namespace's LimitRange min (3000m); the API server refuses the pod, got 2000m"});
  // Line 13 is "      labels:" of the template's metadata.
  check_manifest_message("manifests_selector_mismatch.json",
                {"bad/manifest_policies/selector_mismatch.yaml:13:7: document 0, spec.template.metadata.labels: expected labels the "
                 "selector selects (the API server refuses a template its selector does not match), got app=chat-v2, which it does "
                 "not select"});
  // Line 13 is "        name: gpu-nodes" under nodeClassRef.
  check_manifest_message("manifests_nodeclass_missing.json",
                {"bad/manifest_policies/nodeclass_missing.yaml:13:9: document 0, spec.template.spec.nodeClassRef.name: expected the "
                 "name of an EC2NodeClass of the manifests (gpu), got the string \"gpu-nodes\""});
}

TEST_CASE("the manifests say how a bound service scales: the scenario's HPA for it is replaced") {
  json doc = json::parse(std::ifstream(scenario_file("manifests_chat.json")));
  doc["cluster"]["hpa"] = json::parse(R"({"chat": {"minReplicas": 1, "maxReplicas": 9, "metrics": [
      {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "2"}}}]}})");
  const Scenario sc = io::load_scenario_text(doc.dump(), "hpa.json", test::data_dir() / "scenarios");
  REQUIRE(sc.policies.front().cluster.hpa.count("chat") == 1);
  CHECK(sc.policies.front().cluster.hpa.at("chat").spec.min_replicas == 2);  // chat.yaml's HPA, not the JSON's
  CHECK(sc.policies.front().cluster.hpa.at("chat").spec.max_replicas == 6);
}

namespace {
// The chat cluster's manifests copied to a fresh folder, its NodePool's disruption and the
// instance-family requirement rewritten: Karpenter v1.x fields a manifest must carry as the
// scenario's cluster.node_pools do.
std::filesystem::path chat_cluster_with(const std::string& folder, const std::string& disruption, const std::string& family) {
  const auto dir = test::temp_dir() / folder;
  std::filesystem::remove_all(dir);
  std::filesystem::copy(test::data_dir() / "manifests" / "chat-cluster", dir);
  std::ifstream in(dir / "karpenter.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto swap = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  swap("    consolidationPolicy: WhenEmptyOrUnderutilized\n", disruption);
  swap("          values: [\"g5\"]\n", family);
  std::ofstream(dir / "karpenter.yaml") << text;
  return dir;
}
}  // namespace

TEST_CASE("a manifest NodePool carries Karpenter v1.x fields: Balanced with its threshold, minValues") {
  json doc = json::parse(std::ifstream(scenario_file("manifests_chat.json")));
  doc.erase("policies");
  io::LoadOptions options;
  options.manifests = {chat_cluster_with("capsim-balanced-manifests", "    consolidationPolicy: Balanced\n    consolidationThreshold: 4\n",
                                         "          values: [\"g5\", \"g6\"]\n          minValues: 2\n")};
  const Scenario sc = io::load_scenario_text(doc.dump(), "cli.json", test::data_dir() / "scenarios", options);
  REQUIRE(sc.policies.front().cluster.karpenter.node_pools.size() == 1);
  const KarpenterNodePool& pool = sc.policies.front().cluster.karpenter.node_pools.front();
  CHECK(pool.consolidation_policy == ConsolidationPolicy::Balanced);
  CHECK(pool.consolidation_threshold == 4.0);
  REQUIRE(pool.scheduling.min_values.size() == 1);
  CHECK(pool.scheduling.min_values.front().key == "karpenter.k8s.aws/instance-family");
  CHECK(pool.scheduling.min_values.front().min == 2);

  // Karpenter's rule: a threshold only with Balanced. In karpenter.yaml the threshold is line 32,
  // indented 4 (column 5).
  options.manifests = {chat_cluster_with("capsim-threshold-manifests", "    consolidationPolicy: WhenEmpty\n    consolidationThreshold: 4\n",
                                         "          values: [\"g5\"]\n")};
  const std::string msg = [&] {
    try {
      io::load_scenario_text(doc.dump(), "cli.json", test::data_dir() / "scenarios", options);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  }();
  CHECK(msg.find("karpenter.yaml:32:5: document 0, spec.disruption.consolidationThreshold: expected consolidationThreshold only with "
                 "consolidationPolicy Balanced, got consolidationThreshold 4 with consolidationPolicy WhenEmpty") != std::string::npos);
}
