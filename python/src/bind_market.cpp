// catalog/ queries and market/: choosing types, and the allocation strategies.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "capsim/market/catalog_query.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/market/allocation.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_market(py::module_& m) {
  py::class_<SpotAdvisorEntry>(m, "SpotAdvisorEntry", "The Spot Instance Advisor's figures for one type.")
      .def_readonly("bucket", &SpotAdvisorEntry::bucket, "interruption bucket 0 (<5%) to 4 (>20% a month)")
      .def_readonly("savings_pct", &SpotAdvisorEntry::savings_pct, "savings against on-demand, percent");

  m.def(
      "query_catalog",
      [](const std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>& requirements,
         std::optional<double> max_price_usd_per_h, bool spot, const std::string& sort, const std::string& builtin) {
        std::vector<Requirement> reqs;
        for (const auto& [key, op, values] : requirements) {
          auto o = parse_operator(op);
          if (!o) throw py::value_error("operator: expected In, NotIn, Exists, DoesNotExist, Gt or Lt, got '" + op + "'");
          Requirement r{key, *o, values};
          if (auto bad = check_requirement(r); !bad.empty()) throw py::value_error("requirement on " + key + ": expected " + bad);
          reqs.push_back(r);
        }
        CatalogQuery q;
        q.requirements = Requirements(reqs);
        q.max_price_usd_per_h = max_price_usd_per_h;
        q.spot = spot;
        if (sort == "price") q.sort = CatalogSort::Price;
        else if (sort == "price-per-gpu") q.sort = CatalogSort::PricePerGpu;
        else if (sort == "gpu-mem") q.sort = CatalogSort::GpuMemory;
        else throw py::value_error("sort: expected price, price-per-gpu or gpu-mem, got '" + sort + "'");
        py::list out;
        for (const auto& r : query_catalog(io::builtin_catalog(builtin), io::builtin_spot_advisor(builtin), q)) {
          py::dict d;
          d["instance_type"] = r.type.name;
          d["type"] = r.type;
          d["price_usd_per_h"] = r.price_usd_per_h;
          d["price_per_gpu_usd_per_h"] = r.price_per_gpu_usd_per_h();
          d["advisor"] = r.advisor ? py::cast(*r.advisor) : py::none();
          out.append(d);
        }
        return out;
      },
      py::arg("requirements") = std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{},
      py::arg("max_price_usd_per_h") = py::none(), py::arg("spot") = false, py::arg("sort") = "price",
      py::arg("builtin") = "aws-us-east-1",
      "Instance types matching Karpenter-style requirements [(key, operator, [values])], under a price, on-demand or spot "
      "(Advisor-estimated), sorted by price, price-per-gpu or gpu-mem: a list of dicts.");

  m.def(
      "allocate",
      [](std::size_t count, const std::string& strategy, std::size_t max_pools, const std::vector<py::dict>& pools) {
        auto s = parse_allocation_strategy(strategy);
        if (!s) throw py::value_error("strategy: expected lowest-price, capacity-optimized, price-capacity-optimized or prioritized");
        std::vector<PoolState> states;
        for (std::size_t i = 0; i < pools.size(); ++i) {
          const py::dict& d = pools[i];
          PoolState p;
          p.offering = i;
          p.price_usd_per_h = d["price_usd_per_h"].cast<double>();
          p.spare_capacity = d.contains("spare_capacity") ? d["spare_capacity"].cast<double>() : 1e9;
          p.hazard_per_h = d.contains("hazard_per_h") ? d["hazard_per_h"].cast<double>() : 0.0;
          p.priority = d.contains("priority") ? d["priority"].cast<int>() : 0;
          states.push_back(p);
        }
        Allocation a = allocate({count, *s, max_pools}, states);
        return py::make_tuple(a.launches, a.unfulfilled);
      },
      py::arg("count"), py::arg("strategy"), py::arg("max_pools"), py::arg("pools"),
      "Spreads `count` launches over pools (dicts with price_usd_per_h and optional spare_capacity, hazard_per_h, priority) "
      "by an EC2 Fleet allocation strategy: returns ([(pool index, instances)], unfulfilled).");
}

}  // namespace capsim::py_bind
