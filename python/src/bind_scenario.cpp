// A scenario as a document: loading one from memory, its current document, and variants made by
// changing the document (capsim/scenario.py builds from_dict, to_dict and with_policy on these).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_variants.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_scenario(py::module_& m) {
  m.def(
      "load_scenario_text",
      [](const std::string& text, const std::string& display_file, const std::filesystem::path& base_dir,
         const std::optional<std::filesystem::path>& data_root) {
        io::LoadOptions o;
        o.data_root = data_root;
        py::gil_scoped_release release;
        return io::load_scenario_text(text, display_file, base_dir, o);
      },
      py::arg("text"), py::arg("display_file") = "<text>", py::arg("base_dir") = ".", py::arg("data_root") = py::none(),
      "Loads and validates a scenario document given as JSON text, as load_scenario loads a file: messages name "
      "display_file and the JSON pointer; relative paths inside it resolve from base_dir.");
  auto sc = py::reinterpret_borrow<py::object>(m.attr("Scenario"));
  auto cls = py::reinterpret_borrow<py::class_<Scenario>>(sc);
  cls.def_property_readonly("document_text", &io::current_document,
                            "The scenario's document as JSON text: the one it was loaded from, with its current seed and replicates.")
      .def_property_readonly("display_file", [](const Scenario& s) { return s.document.display_file; },
                             "How messages name the document (the file as given, or '<dict>')")
      .def_property_readonly("base_dir", [](const Scenario& s) { return s.document.base_dir; },
                             "The folder the document's relative paths resolve from")
      .def_property_readonly("data_root", [](const Scenario& s) { return s.document.data_root; },
                             "The data root it was loaded under (None: any file)")
      .def(
          "effective_document_text",
          [](const Scenario& s, const std::string& policy) {
            s.policy(policy);  // an unknown name raises with the close matches
            return io::effective_document(io::current_document(s), policy, s.document.display_file);
          },
          py::arg("policy"), "One policy's document as JSON text: the scenario without `policies`, the policy's patches applied.")
      .def(
          "with_policy_json",
          [](const Scenario& s, const std::string& name, const std::string& patch_json, const std::optional<std::string>& extends,
             const std::string& description) {
            io::PolicyVariant v{name, patch_json, extends, description};
            py::gil_scoped_release release;
            return io::with_policy(s, v);
          },
          py::arg("name"), py::arg("patch_json"), py::arg("extends") = py::none(), py::arg("description") = "",
          "A copy with the policy `name` (its patch given as JSON text) added after the others, or replacing the one "
          "of that name in its place; loaded again, so it is validated as a file is.");
}

}  // namespace capsim::py_bind
