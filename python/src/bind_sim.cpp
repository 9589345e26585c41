// scenario/ and sim/: a loaded scenario and running it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "capsim/scenario/scenario.hpp"
#include "capsim/sim/compare.hpp"
#include "capsim/sim/simulation.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_sim(py::module_& m) {
  py::class_<Scenario>(m, "Scenario",
                       "A loaded, validated scenario: the world every policy shares and each policy's choices. Load with "
                       "load_scenario(path); with_seed/with_replicates return changed copies.")
      .def_readonly("name", &Scenario::name, "scenario name")
      .def_readonly("description", &Scenario::description, "scenario description")
      .def_readonly("baseline", &Scenario::baseline, "the policy others are compared with")
      .def_readonly("catalog", &Scenario::catalog, "the instance catalog in force")
      .def_readonly("sources", &Scenario::sources, "JSON pointer -> source of a figure")
      .def_readonly("warnings", &Scenario::warnings, "points filled, merged, dropped or clipped while reading the traces")
      .def_property_readonly("policy_names",
                             [](const Scenario& s) {
                               std::vector<std::string> out;
                               for (const auto& p : s.policies) out.push_back(p.name);
                               return out;
                             },
                             "policy names in file order")
      .def_property_readonly("seed", [](const Scenario& s) { return s.simulation.seed; }, "root seed")
      .def_property_readonly("replicates", [](const Scenario& s) { return s.simulation.replicates; }, "replicates per policy")
      .def_property_readonly("start_utc", [](const Scenario& s) { return format_utc(s.simulation.start); }, "window start")
      .def_property_readonly("duration_s", [](const Scenario& s) { return to_seconds(s.simulation.duration); }, "window length")
      .def_property_readonly("period_s", [](const Scenario& s) { return to_seconds(s.simulation.period); }, "period")
      .def_property_readonly("periods", [](const Scenario& s) { return s.simulation.periods(); }, "periods in the window")
      .def(
          "assumptions",
          [](const Scenario& s, const std::string& policy) { return s.policy(policy).assumptions; }, py::arg("policy"),
          "Unsourced figures of one policy.")
      .def(
          "with_seed",
          [](const Scenario& s, std::uint64_t seed) {
            Scenario c = s;
            c.simulation.seed = seed;
            return c;
          },
          py::arg("seed"), "A copy with another root seed.")
      .def(
          "with_replicates",
          [](const Scenario& s, int n) {
            if (n < 1) throw py::value_error("replicates must be >= 1");
            Scenario c = s;
            c.simulation.replicates = n;
            return c;
          },
          py::arg("replicates"), "A copy with another number of replicates.");

  m.def(
      "run",
      [](const Scenario& s, int threads, bool keep_series, bool explain) {
        if (threads < 0) throw py::value_error("threads must be >= 0");
        RunOptions opt;
        opt.threads = threads;
        opt.keep_series = keep_series;
        opt.explain = explain;
        py::gil_scoped_release release;
        return run_scenario(s, opt);
      },
      py::arg("scenario"), py::arg("threads") = 1, py::arg("keep_series") = false, py::arg("explain") = false,
      "Runs every policy, `replicates` times each. threads=0 uses one per core; results do not depend on it. "
      "keep_series keeps the per-period series (numpy arrays); explain keeps Karpenter's reasons for each node it "
      "launched (replicate 0).");
  py::class_<CompareResult>(m, "CompareResult", "Every replicate's results and the comparison drawn from them.")
      .def(py::init<>())
      .def_readwrite("run", &CompareResult::run, "every replicate's results (replicate 0's series when kept)")
      .def_readwrite("comparison", &CompareResult::comparison, "the comparison")
      .def(py::pickle([](const CompareResult& c) { return py::make_tuple(c.run, c.comparison); },
                      [](const py::tuple& t) {
                        if (t.size() != 2) throw std::runtime_error("bad pickle state for CompareResult");
                        return CompareResult{t[0].cast<RunResult>(), t[1].cast<Comparison>()};
                      }));
  m.def(
      "compare",
      [](const Scenario& s, const std::vector<std::string>& policies, const std::string& baseline, int replicates, int threads,
         bool keep_series) {
        if (threads < 0) throw py::value_error("threads must be >= 0");
        if (replicates < 0) throw py::value_error("replicates must be >= 1 (0: the scenario's)");
        CompareOptions opt;
        opt.policies = policies;
        opt.baseline = baseline;
        opt.replicates = replicates;
        opt.run.threads = threads;
        opt.run.keep_series = keep_series;
        opt.run.series_of_first_replicate_only = true;
        py::gil_scoped_release release;
        return compare_scenario(s, opt);
      },
      py::arg("scenario"), py::arg("policies") = std::vector<std::string>{}, py::arg("baseline") = "", py::arg("replicates") = 0,
      py::arg("threads") = 1, py::arg("keep_series") = false,
      "capsim compare: the chosen policies (default all) x replicates (0: the scenario's) on the same world draws, and the "
      "comparison. keep_series keeps replicate 0's per-period series.");
  m.def(
      "run_replicate",
      [](const Scenario& s, const std::string& policy, int replicate, bool keep_series) {
        if (replicate < 0) throw py::value_error("replicate must be >= 0");
        const PolicySpec& p = s.policy(policy);
        py::gil_scoped_release release;
        return run_replicate(s, p, replicate, keep_series);
      },
      py::arg("scenario"), py::arg("policy"), py::arg("replicate") = 0, py::arg("keep_series") = false,
      "Runs one policy, one replicate (for spreading replicates over Dask or multiprocessing workers).");
}

}  // namespace capsim::py_bind
