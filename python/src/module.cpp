// The `capsim._capsim` extension: one bind_<module>.cpp per C++ module.
#include <pybind11/pybind11.h>

#include "capsim/core/version.hpp"

namespace py = pybind11;

namespace capsim::py_bind {
void bind_catalog(py::module_& m);
void bind_io(py::module_& m);
void bind_report(py::module_& m);
void bind_sim(py::module_& m);
void bind_scenario(py::module_& m);
void bind_trace(py::module_& m);
void bind_market(py::module_& m);
void bind_sweep(py::module_& m);
void bind_diff(py::module_& m);
}  // namespace capsim::py_bind

PYBIND11_MODULE(_capsim, m) {
  m.doc() = "capsim: cost and capacity simulator for GPU workloads on AWS (compiled core)";
  m.attr("__version__") = std::string(capsim::version());
  capsim::py_bind::bind_io(m);  // first: it registers the exception types the others raise
  capsim::py_bind::bind_catalog(m);
  capsim::py_bind::bind_market(m);
  capsim::py_bind::bind_trace(m);
  capsim::py_bind::bind_report(m);
  capsim::py_bind::bind_sim(m);
  capsim::py_bind::bind_scenario(m);  // after bind_sim: it adds to Scenario
  capsim::py_bind::bind_sweep(m);  // after bind_sim: it adds Scenario.patch
  capsim::py_bind::bind_diff(m);
}
