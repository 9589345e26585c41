// catalog/: instance types and the bundled catalog.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_value.hpp"
#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_catalog(py::module_& m) {
  using T = InstanceType;
  value_class<T>(m, "InstanceType", "The published facts of one EC2 instance type and its on-demand price.",
                 field("name", &T::name, "e.g. 'g5.xlarge'"), field("family", &T::family, "e.g. 'g5'"),
                 field("vcpu", &T::vcpu, "vCPUs"), field("memory_mib", &T::memory_mib, "memory in MiB"),
                 field("gpus", &T::gpus, "GPUs"), field("gpu_manufacturer", &T::gpu_manufacturer, "e.g. 'nvidia'"),
                 field("gpu_model", &T::gpu_model, "e.g. 'a10g'"),
                 field("gpu_memory_mib_per_gpu", &T::gpu_memory_mib_per_gpu, "GPU memory per GPU in MiB"),
                 field("accelerators", &T::accelerators, "non-GPU accelerators (Inferentia)"),
                 field("accelerator_model", &T::accelerator_model, "accelerator model"),
                 field("arch", &T::arch, "CPU architecture, e.g. 'amd64'"),
                 field("alloc_cpu_millicores", &T::alloc_cpu_millicores, "Kubernetes allocatable CPU (millicores)"),
                 field("alloc_memory_mib", &T::alloc_memory_mib, "Kubernetes allocatable memory (MiB)"),
                 field("alloc_pods", &T::alloc_pods, "Kubernetes allocatable pods"),
                 field("ondemand_usd_per_h", &T::ondemand_usd_per_h, "on-demand price, USD per hour"))
      .def_property_readonly("accelerated", &T::accelerated, "Has GPUs or accelerators (billed as gpu_instances).");

  py::class_<InstanceCatalog>(m, "InstanceCatalog", "Instance types looked up by name.")
      .def_property_readonly("types", &InstanceCatalog::types, "Every type, in catalog order.")
      .def_property_readonly("source", &InstanceCatalog::source, "Where the facts come from.")
      .def("at", &InstanceCatalog::at, py::arg("name"), "The type; raises Error naming close matches when unknown.")
      .def("find", &InstanceCatalog::find, py::arg("name"), "The type, or None.")
      .def("closest", &InstanceCatalog::closest, py::arg("name"), py::arg("n") = 3, "Up to n names closest to name.")
      .def("__len__", [](const InstanceCatalog& c) { return c.types().size(); })
      .def("__contains__", [](const InstanceCatalog& c, const std::string& n) { return c.contains(n); }, py::arg("name"));

  m.def("builtin_catalog", &io::builtin_catalog, py::arg("name") = "aws-us-east-1",
        "A catalog compiled into capsim ('aws-us-east-1': 80 types, us-east-1 on-demand prices).");
}

}  // namespace capsim::py_bind
