// v1 PodTemplateSpec (a Deployment's spec.template): what its pods request of a node. Kubernetes'
// rules: a pod's request is the sum over its containers, or the largest init container's request
// when that is larger; a container's request left out defaults to its limit; extended resources
// (nvidia.com/gpu, aws.amazon.com/neuron) are whole numbers, given as limits (a request must equal
// its limit); nodeSelector and required node affinity both constrain the node.
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

namespace {

constexpr const char* kGpu = "nvidia.com/gpu";
constexpr const char* kNeuron = "aws.amazon.com/neuron";

struct ContainerRequests {
  std::int64_t cpu = 0, memory = 0;
  std::optional<std::int64_t> limit_cpu, limit_memory;
  int gpus = 0, neuron = 0;
  bool bad_device = false;  // an extended resource was refused (already reported)
};

std::optional<int> extended(Checker& ck, const json& resources, const std::string& p, const char* key) {
  const json* limit = resources.contains("limits") && resources["limits"].is_object() && resources["limits"].contains(key)
                          ? &resources["limits"][key]
                          : nullptr;
  const json* request = resources.contains("requests") && resources["requests"].is_object() && resources["requests"].contains(key)
                            ? &resources["requests"][key]
                            : nullptr;
  if (!limit && !request) return 0;
  auto whole = [&](const json& v, const std::string& at) -> std::optional<int> {
    std::optional<double> n;
    if (v.is_number_integer()) n = v.get<double>();
    else if (v.is_string()) n = parse_number(v.get<std::string>());
    // Bounded before the conversion: no node has more than a few dozen devices.
    if (!n || *n < 0 || *n > 1'000'000 || *n != std::floor(*n)) {
      ck.fail(at, fmt::format("a whole number of {} from 0 to 1000000", key), describe(v));
      return std::nullopt;
    }
    return static_cast<int>(*n);
  };
  if (!limit) {
    ck.fail(ptr_join(p + "/limits", key), fmt::format("a limit for {} (an extended resource is given as a limit)", key), "a request only");
    return std::nullopt;
  }
  const auto l = whole(*limit, ptr_join(p + "/limits", key));
  if (!l) return std::nullopt;
  if (request) {
    const auto r = whole(*request, ptr_join(p + "/requests", key));
    if (r && *r != *l) {
      ck.fail(ptr_join(p + "/requests", key), fmt::format("a request equal to its limit ({})", *l), std::to_string(*r));
      return std::nullopt;
    }
  }
  return l;
}

std::optional<ContainerRequests> container(Checker& ck, const json& c, const std::string& p) {
  // Fields that do not change what the pod asks of a node are read past.
  if (!ck.object(c, p, {"name", "image", "resources", "command", "args", "env", "ports", "envFrom", "volumeMounts", "imagePullPolicy",
                        "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "securityContext", "workingDir"}))
    return std::nullopt;
  ContainerRequests out;
  auto r = c.find("resources");
  if (r == c.end()) return out;
  const std::string rp = p + "/resources";
  if (!ck.object(*r, rp, {"requests", "limits"})) return std::nullopt;
  for (const char* section : {"requests", "limits"})
    if (auto s = r->find(section); s != r->end())
      ck.object(*s, rp + "/" + section, {"cpu", "memory", "ephemeral-storage", kGpu, kNeuron});
  if (auto l = r->find("limits"); l != r->end() && l->is_object()) {
    out.limit_cpu = cpu_quantity(ck, *l, rp + "/limits", "cpu");
    out.limit_memory = memory_quantity(ck, *l, rp + "/limits", "memory");
  }
  std::optional<std::int64_t> cpu, memory;
  if (auto q = r->find("requests"); q != r->end() && q->is_object()) {
    cpu = cpu_quantity(ck, *q, rp + "/requests", "cpu");
    memory = memory_quantity(ck, *q, rp + "/requests", "memory");
  }
  out.cpu = cpu.value_or(out.limit_cpu.value_or(0));
  out.memory = memory.value_or(out.limit_memory.value_or(0));
  if (out.limit_cpu && *out.limit_cpu < out.cpu)
    ck.fail(rp + "/limits/cpu", fmt::format("a limit at least the cpu request ({}m)", out.cpu), fmt::format("{}m", *out.limit_cpu));
  if (out.limit_memory && *out.limit_memory < out.memory)
    ck.fail(rp + "/limits/memory", fmt::format("a limit at least the memory request ({}Mi)", out.memory), fmt::format("{}Mi", *out.limit_memory));
  const auto gpus = extended(ck, *r, rp, kGpu), neuron = extended(ck, *r, rp, kNeuron);
  out.gpus = gpus.value_or(0);
  out.neuron = neuron.value_or(0);
  out.bad_device = !gpus || !neuron;
  return out;
}

std::vector<ContainerRequests> containers(Checker& ck, const json& spec, const std::string& p, const char* key, bool required) {
  std::vector<ContainerRequests> out;
  auto cs = spec.find(key);
  if (cs == spec.end()) {
    if (required) ck.fail(p, fmt::format("the key '{}' (at least one container)", key), "an object without it");
    return out;
  }
  if (!cs->is_array() || (required && cs->empty())) {
    ck.fail(p + "/" + key, "a non-empty array of containers", describe(*cs));
    return out;
  }
  for (std::size_t i = 0; i < cs->size(); ++i)
    if (auto c = container(ck, (*cs)[i], ptr_join(p + "/" + key, i))) out.push_back(*c);
  return out;
}

void node_affinity(Checker& ck, const json& a, const std::string& p, PodShape& out) {
  if (!ck.object(a, p, {"nodeAffinity", "podAffinity", "podAntiAffinity"})) return;
  for (const char* k : {"podAffinity", "podAntiAffinity"})
    if (a.contains(k)) ck.fail(p + "/" + k, "node affinity only (capsim does not simulate pod (anti-)affinity)", "a " + std::string(k));
  auto na = a.find("nodeAffinity");
  if (na == a.end()) return;
  const std::string np = p + "/nodeAffinity";
  if (!ck.object(*na, np, {"requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"})) return;
  out.preferred_affinity = na->contains("preferredDuringSchedulingIgnoredDuringExecution");
  auto req = na->find("requiredDuringSchedulingIgnoredDuringExecution");
  if (req == na->end()) return;
  const std::string rp = np + "/requiredDuringSchedulingIgnoredDuringExecution";
  if (!ck.object(*req, rp, {"nodeSelectorTerms"}, {"nodeSelectorTerms"})) return;
  const json& terms = (*req)["nodeSelectorTerms"];
  // Terms are ORed; one term's expressions are ANDed, which is what a requirement set can say.
  if (!terms.is_array() || terms.size() != 1) {
    ck.fail(rp + "/nodeSelectorTerms", "exactly one nodeSelectorTerm (capsim cannot express ORed terms)", describe(terms));
    return;
  }
  const std::string tp = rp + "/nodeSelectorTerms/0";
  if (!ck.object(terms[0], tp, {"matchExpressions", "matchFields"})) return;
  if (terms[0].contains("matchFields")) ck.fail(tp + "/matchFields", "matchExpressions only (node fields are not simulated)", "matchFields");
  if (auto me = terms[0].find("matchExpressions"); me != terms[0].end()) {
    auto rs = requirements(ck, *me, tp + "/matchExpressions");
    out.requirements.insert(out.requirements.end(), rs.begin(), rs.end());
  }
}

}  // namespace

std::optional<PodShape> pod_template(Checker& ck, const json& j, const std::string& p) {
  if (!ck.object(j, p, {"metadata", "spec"}, {"spec"})) return std::nullopt;
  const std::size_t before = ck.errors();
  PodShape out;
  if (auto md = j.find("metadata"); md != j.end() && ck.object(*md, p + "/metadata", {"labels", "annotations", "name"}))
    out.labels = ck.string_map(*md, p + "/metadata", "labels");
  const json& spec = j["spec"];
  const std::string sp = p + "/spec";
  if (!ck.object(spec, sp,
                 {"containers", "initContainers", "nodeSelector", "affinity", "tolerations", "priorityClassName", "serviceAccountName",
                  "terminationGracePeriodSeconds", "topologySpreadConstraints", "volumes", "securityContext", "imagePullSecrets",
                  "restartPolicy", "dnsPolicy", "enableServiceLinks", "automountServiceAccountToken"},
                 {"containers"}))
    return std::nullopt;
  out.termination_grace_period_s = ck.integer(spec, sp, "terminationGracePeriodSeconds", 0, 86400);
  const auto main = containers(ck, spec, sp, "containers", true);
  const auto init = containers(ck, spec, sp, "initContainers", false);
  ContainerRequests sum;
  for (const auto& c : main) sum.bad_device = sum.bad_device || c.bad_device;
  for (const auto& c : init) sum.bad_device = sum.bad_device || c.bad_device;
  bool all_cpu_limits = !main.empty(), all_memory_limits = !main.empty();
  std::int64_t limit_cpu = 0, limit_memory = 0;
  for (const auto& c : main) {
    sum.cpu += c.cpu;
    sum.memory += c.memory;
    sum.gpus += c.gpus;
    sum.neuron += c.neuron;
    all_cpu_limits = all_cpu_limits && c.limit_cpu;
    all_memory_limits = all_memory_limits && c.limit_memory;
    limit_cpu += c.limit_cpu.value_or(0);
    limit_memory += c.limit_memory.value_or(0);
  }
  // Init containers run one at a time before the others: the pod needs the larger of the two.
  for (const auto& c : init) {
    sum.cpu = std::max(sum.cpu, c.cpu);
    sum.memory = std::max(sum.memory, c.memory);
    sum.gpus = std::max(sum.gpus, c.gpus);
    sum.neuron = std::max(sum.neuron, c.neuron);
  }
  out.cpu_millicores = sum.cpu;
  out.memory_mib = sum.memory;
  if (all_cpu_limits) out.limit_cpu_millicores = limit_cpu;
  if (all_memory_limits) out.limit_memory_mib = limit_memory;
  if (sum.bad_device) {
    // Already reported where the device count is written; "neither" would only repeat it.
  } else if ((sum.gpus > 0) == (sum.neuron > 0)) {
    ck.fail(sp + "/containers", fmt::format("an accelerator request in one kind: {} or {}", kGpu, kNeuron),
            sum.gpus > 0 ? "both" : "neither");
  } else {
    out.device = sum.neuron > 0 ? DeviceResource::AwsNeuron : DeviceResource::NvidiaGpu;
    out.devices = sum.neuron > 0 ? sum.neuron : sum.gpus;
  }
  if (auto ns = spec.find("nodeSelector"); ns != spec.end())
    for (const auto& [key, value] : ck.string_map(spec, sp, "nodeSelector")) out.requirements.push_back({key, Operator::In, {value}});
  if (auto a = spec.find("affinity"); a != spec.end()) node_affinity(ck, *a, sp + "/affinity", out);
  if (auto t = spec.find("tolerations"); t != spec.end()) out.tolerations = tolerations(ck, *t, sp + "/tolerations");
  if (auto t = spec.find("topologySpreadConstraints"); t != spec.end())
    topology_spread_constraints(ck, *t, sp + "/topologySpreadConstraints", out.labels, out.topology_spread, out.topology_spread_notes);
  if (!out.requirements.empty()) {
    // nodeSelector and the affinity term must hold together, and every key must be a label capsim knows.
    for (std::size_t i = 0; i < out.requirements.size(); ++i)
      if (auto bad = check_requirement(out.requirements[i]); !bad.empty()) ck.fail_message(sp, "expected " + bad);
    const Requirements combined(out.requirements);
    for (const auto& [key, k] : combined.keys())
      if (k.empty()) ck.fail(sp, "node constraints some node can satisfy", "'" + key + "' constrained to no possible value (" + k.describe() + ")");
  }
  if (ck.errors() != before) return std::nullopt;
  return out;
}

}  // namespace capsim::io::k8s
