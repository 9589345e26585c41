// libFuzzer target: one JSON value through every Kubernetes object decoder.
#include <set>

#include "fuzz_input.hpp"
#include "io/k8s/decoders.hpp"
#include "io/k8s/workloads.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace capsim::io;
  const auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  capsim::fuzz::expect_only_capsim_errors([&] {
    std::vector<capsim::Diagnostic> out;
    detail::Checker ck("fuzz.json", out);
    (void)k8s::node_pool(ck, j, "");
    (void)k8s::disruption_budgets(ck, j, "");
    (void)k8s::horizontal_pod_autoscaler(ck, j, "", {"queue_depth"});
    (void)k8s::pod_template(ck, j, "");
    (void)k8s::resource_quota(ck, j, "");
    (void)k8s::requirements(ck, j, "");
    (void)k8s::taints(ck, j, "");
    (void)k8s::tolerations(ck, j, "");
    (void)k8s::cpu_quantity(ck, j, "", "cpu");
    (void)k8s::memory_quantity(ck, j, "", "memory");
    (void)k8s::workload(ck, j, "");
    (void)k8s::label_selector(ck, j, "");
    (void)k8s::pod_disruption_budget(ck, j, "");
    (void)k8s::ec2_node_class(ck, j, "");
    if (auto lr = k8s::limit_range(ck, j, "")) {
      nlohmann::json tmpl = j;
      k8s::apply_limit_range(ck, *lr, tmpl, "");
    }
  });
  return 0;
}
