// io/: scenario files, results, and the exceptions bad input raises.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/comparison_files.hpp"
#include "capsim/io/results/billing_csv.hpp"
#include "capsim/io/results/focus_csv.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/html_report.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_io(py::module_& m) {
  py::object base = py::exception<capsim::Error>(m, "Error");
  py::exception<capsim::ScenarioError>(m, "ScenarioError", base);
  py::exception<capsim::TraceError>(m, "TraceError", base);
  m.attr("Error").attr("__doc__") = "Any capsim error (bad input, unusable scenario).";
  m.attr("ScenarioError").attr("__doc__") =
      "A scenario that cannot be used. `diagnostics` lists every problem: file, JSON pointer or line:column, "
      "what was expected, what was found.";
  m.attr("TraceError").attr("__doc__") = "A trace file that cannot be read (names the file and line).";
  // Exception types are looked up through the module when raised, so nothing outlives the interpreter.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const capsim::ScenarioError& e) {
      py::object type = py::module_::import("capsim._capsim").attr("ScenarioError");
      py::object exc = type(e.what());
      py::list diags;
      for (const auto& d : e.diagnostics()) diags.append(d.to_string());
      exc.attr("diagnostics") = diags;
      PyErr_SetObject(type.ptr(), exc.ptr());
    } catch (const capsim::TraceError& e) {
      py::object type = py::module_::import("capsim._capsim").attr("TraceError");
      PyErr_SetString(type.ptr(), e.what());
    } catch (const capsim::Error& e) {
      py::object type = py::module_::import("capsim._capsim").attr("Error");
      PyErr_SetString(type.ptr(), e.what());
    }
  });

  auto options = [](const std::optional<std::filesystem::path>& data_root, const std::vector<std::filesystem::path>& manifests) {
    io::LoadOptions o;
    o.data_root = data_root;
    o.manifests = manifests;
    return o;
  };
  m.def(
      "load_scenario",
      [options](const std::filesystem::path& path, const std::optional<std::filesystem::path>& data_root,
                const std::vector<std::filesystem::path>& manifests) { return io::load_scenario(path, options(data_root, manifests)); },
      py::arg("path"), py::arg("data_root") = py::none(), py::arg("manifests") = std::vector<std::filesystem::path>{},
      "Loads and validates a scenario file (paths inside it are relative to its folder). Raises ScenarioError "
      "listing every problem. With data_root, every file the scenario names must resolve inside that folder. "
      "manifests: Kubernetes manifests (files or folders) that make the choices of every policy without its own, "
      "as `capsim run --manifests`.");
  m.def(
      "validate",
      [options](const std::filesystem::path& path, const std::optional<std::filesystem::path>& data_root,
                const std::vector<std::filesystem::path>& manifests) {
        std::vector<std::string> out;
        try {
          io::load_scenario(path, options(data_root, manifests));
        } catch (const capsim::ScenarioError& e) {
          for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
        }
        return out;
      },
      py::arg("path"), py::arg("data_root") = py::none(), py::arg("manifests") = std::vector<std::filesystem::path>{},
      "Every problem in a scenario file (and its manifests), one message each; an empty list when it is valid.");
  m.def("result_to_json", &io::result_to_json, py::arg("result"),
        "The result document (format version, scenario, seed, every policy's replicates) as JSON text.");
  m.def("write_result_json", &io::write_result_json, py::arg("path"), py::arg("result"),
        "Writes the result document atomically.");
  m.def("comparison_to_json", &io::comparison_to_json, py::arg("run"), py::arg("comparison"),
        "result.json of a comparison: every replicate's results and the comparison drawn from them.");
  m.def("comparison_summary_csv", &io::comparison_summary_csv, py::arg("comparison"), "summary.csv: one row per policy.");
  m.def("replicates_csv", &io::replicates_csv, py::arg("run"), py::arg("month_factor"),
        "replicates.csv: one row per policy and replicate, with its cost per 30-day month.");
  m.def("series_to_csv", &io::series_to_csv, py::arg("result"), "The per-period series as CSV text.");
  m.def("nodes_to_csv", &io::nodes_to_csv, py::arg("result"), "The node log (kept with the series) as CSV text.");
  m.def("cost_lines_to_csv", &io::cost_lines_to_csv, py::arg("result"),
        "The bill's lines (kept with the series) as CSV text, a 'tag:<key>' column per tag key.");
  m.def("billing_hours_to_csv", &io::billing_hours_to_csv, py::arg("result"),
        "The bill hour by hour (kept with the series) as CSV text: a row per cost line per UTC clock hour, as `--billing` writes it.");
  m.def(
      "write_report_html",
      [](const std::filesystem::path& path, const Comparison& comparison, const RunResult& run) {
        const std::string html = render_report_html(comparison, run);
        py::gil_scoped_release release;
        io::write_file_atomically(path, html);
      },
      py::arg("path"), py::arg("comparison"), py::arg("run"),
      "Writes the compare report (render_report_html's page) to path atomically, as capsim compare writes report.html.");
  m.def("focus_to_csv", &io::focus_to_csv, py::arg("result"),
        "The bill (kept with the series) in FOCUS 1.2 as CSV text, as `--focus` writes it.");
}

}  // namespace capsim::py_bind
