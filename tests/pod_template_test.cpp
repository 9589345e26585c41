// A service's pods given as a Kubernetes pod template (a Deployment's spec.template): the requests,
// limits, accelerators, node affinity, tolerations and labels the scheduler would read, by
// Kubernetes' rules, worked out by hand.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
json explain_doc() { return json::parse(std::ifstream(test::data_dir() / "scenarios" / "karpenter_explain.json")); }
Scenario load_pod_doc(const json& doc) { return io::load_scenario_text(doc.dump(), "pod.json", test::data_dir() / "scenarios"); }
std::string pod_doc_error(const json& doc) {
  try {
    load_pod_doc(doc);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}
// karpenter_explain.json's replica (1 GPU, 2 CPUs, 8Gi) as a two-container pod template.
json with_template(json doc, const json& tmpl) {
  json& r = doc["services"][0]["replica"];
  for (const char* k : {"gpus", "cpu", "memory"}) r.erase(k);
  r["pod_template"] = tmpl;
  return doc;
}
json two_containers() {
  return json::parse(R"({"spec": {"containers": [
      {"name": "server", "resources": {"requests": {"cpu": "1500m", "memory": "6Gi"}, "limits": {"nvidia.com/gpu": 1, "memory": "7Gi"}}},
      {"name": "sidecar", "resources": {"requests": {"cpu": "500m", "memory": "2Gi"}}}]}})");
}
}  // namespace

TEST_CASE("a pod template's containers add up to the replica's requests") {
  // 1500m + 500m = 2000m CPU, 6Gi + 2Gi = 8192Mi, one nvidia.com/gpu (a limit); the sidecar has no
  // memory limit, so the pod has none either.
  const Scenario sc = load_pod_doc(with_template(explain_doc(), two_containers()));
  const ServiceSpec& svc = sc.policies[0].services[0];
  CHECK(svc.replica_cpu_millicores == 2000);
  CHECK(svc.replica_memory_mib == 8192);
  CHECK(svc.replica_gpus == 1);
  CHECK(svc.replica_device == DeviceResource::NvidiaGpu);
  CHECK_FALSE(svc.limit_memory_mib.has_value());
  // The same pod as capsim's short keys (gpus 1, cpu "2", memory "8Gi") gives the same run.
  CHECK(io::result_to_json(run_scenario(sc)) == io::result_to_json(run_scenario(load_pod_doc(explain_doc()))));
}

TEST_CASE("init containers, nodeSelector, required node affinity, tolerations and labels") {
  // The init container asks 4 CPUs, more than the 2 of the containers: the pod needs 4000m. Its
  // memory (1Gi) is below the containers' 8Gi, which stays.
  json tmpl = two_containers();
  tmpl["spec"]["initContainers"] = json::parse(R"([{"name": "fetch-weights", "resources": {"requests": {"cpu": "4", "memory": "1Gi"}}}])");
  tmpl["spec"]["nodeSelector"] = {{"karpenter.k8s.aws/instance-family", "g5"}};
  tmpl["spec"]["affinity"] = json::parse(R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
      {"matchExpressions": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}]}]},
      "preferredDuringSchedulingIgnoredDuringExecution": []}})");
  tmpl["spec"]["tolerations"] = json::parse(R"([{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}])");
  tmpl["metadata"] = {{"labels", {{"team", "ml"}, {"service", "other"}}}};
  const Scenario sc = load_pod_doc(with_template(explain_doc(), tmpl));
  const ServiceSpec& svc = sc.policies[0].services[0];
  CHECK(svc.replica_cpu_millicores == 4000);
  CHECK(svc.replica_memory_mib == 8192);
  CHECK(svc.replica_requirements.keys().count("karpenter.k8s.aws/instance-family") == 1);
  CHECK(svc.replica_requirements.keys().count("karpenter.sh/capacity-type") == 1);
  REQUIRE(svc.tolerations.size() == 1);
  CHECK(svc.tolerations[0].key == "nvidia.com/gpu");
  CHECK(svc.tags.at("team") == "ml");
  CHECK(svc.tags.at("service") == "api");  // the service's own tag wins over the label
  // Preferred affinity is not simulated, and the run says so once.
  std::size_t notes = 0;
  for (const auto& w : sc.warnings) notes += w.find("preferredDuringSchedulingIgnoredDuringExecution is not simulated") != std::string::npos;
  CHECK(notes == 1);
}

TEST_CASE("a pod template that breaks Kubernetes' rules is refused with the place and the rule") {
  json request_only = two_containers();
  request_only["spec"]["containers"][0]["resources"] = json::parse(R"({"requests": {"nvidia.com/gpu": 1}})");
  CHECK(pod_doc_error(with_template(explain_doc(), request_only))
            .find("/services/0/replica/pod_template/spec/containers/0/resources/limits/nvidia.com~1gpu: expected a limit for nvidia.com/gpu") !=
        std::string::npos);
  json fractional = two_containers();
  fractional["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] = "0.5";
  CHECK(pod_doc_error(with_template(explain_doc(), fractional)).find("expected a whole number of nvidia.com/gpu") != std::string::npos);
  // Found by the CLI mutation run: a count beyond int was converted before it was checked (UBSan).
  json huge = two_containers();
  huge["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] = 9223372036854775807LL;
  CHECK(pod_doc_error(with_template(explain_doc(), huge)).find("expected a whole number of nvidia.com/gpu from 0 to 1000000, got the number "
                                                            "9223372036854775807") != std::string::npos);
  json two_kinds = two_containers();
  two_kinds["spec"]["containers"][1]["resources"]["limits"] = {{"aws.amazon.com/neuron", 1}};
  CHECK(pod_doc_error(with_template(explain_doc(), two_kinds)).find("expected an accelerator request in one kind") != std::string::npos);
  json pod_affinity = two_containers();
  pod_affinity["spec"]["affinity"] = json::parse(R"({"podAntiAffinity": {}})");
  CHECK(pod_doc_error(with_template(explain_doc(), pod_affinity)).find("capsim does not simulate pod (anti-)affinity") != std::string::npos);
}
