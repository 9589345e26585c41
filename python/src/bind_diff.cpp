// `capsim diff` from Python: a scenario run with two sets of Kubernetes manifests on common random
// numbers, and what the change does (PolicyDiff, its classes walked from their field tables).
#include <cmath>
#include <limits>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bind_value.hpp"
#include "capsim/io/k8s/manifest_diff.hpp"
#include "capsim/io/results/policy_diff_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/policy_diff_fields.hpp"
#include "capsim/sim/policy_diff_run.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

namespace {
using Paths = std::vector<std::filesystem::path>;
}  // namespace

void bind_diff(py::module_& m) {
  table_class<ManifestChange>(m, "ManifestChange", "An object of the manifests added, removed or changed.");
  table_class<ServiceSlaChange>(m, "ServiceSlaChange", "A service's SLA before and after a change.");
  table_class<UnschedulablePods>(m, "UnschedulablePods", "A service's pods that no capacity could run after a change.");
  table_class<PolicyDiff>(m, "PolicyDiff", "What a change of Kubernetes manifests does (capsim diff).");
  m.def(
      "diff",
      [](const std::filesystem::path& scenario, const Paths& before, const Paths& after, int replicates, int threads,
         const std::optional<std::filesystem::path>& data_root) {
        io::LoadOptions lo;
        lo.data_root = data_root;
        lo.manifest_policies = {{"before", before}, {"after", after}};
        const Scenario sc = io::load_scenario(scenario, lo);
        std::vector<ManifestChange> changes = io::diff_manifests(before, after);
        py::gil_scoped_release release;
        PolicyDiffRun run = run_policy_diff(sc, std::move(changes), replicates, threads);
        return std::make_pair(std::move(run.diff), std::move(run.result));
      },
      py::arg("scenario"), py::arg("before"), py::arg("after"), py::arg("replicates") = 0, py::arg("threads") = 1,
      py::arg("data_root") = py::none(),
      "capsim diff: the scenario's base choices with the `before` manifests and with the `after` ones (files or folders), "
      "run on common random numbers; returns (PolicyDiff, CompareResult).");
  m.def(
      "failed_gates",
      [](const PolicyDiff& d, std::optional<double> max_cost_rise_pct, std::optional<double> max_risk_rise_pct) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return failed_gates(d, max_cost_rise_pct.value_or(nan), max_risk_rise_pct.value_or(nan));
      },
      py::arg("diff"), py::arg("max_cost_rise_pct") = py::none(), py::arg("max_risk_rise_pct") = py::none(),
      "The reasons a change fails a CI gate (capsim diff --fail-above / --fail-risk); empty when it passes.");
  m.def("format_policy_diff", &format_policy_diff, py::arg("diff"), "The diff in words, as capsim diff prints it.");
  m.def("policy_diff_to_json", &io::policy_diff_to_json, py::arg("diff"), "diff.json of capsim diff.");
}

}  // namespace capsim::py_bind
