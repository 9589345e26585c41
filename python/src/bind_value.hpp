#pragma once
// Binds a plain struct as a Python value type: a default constructor, one read/write attribute per
// field, equality by fields, a repr, and pickling as a tuple of its fields (needed for Dask).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <type_traits>
#include <vector>

#include "capsim/report/field.hpp"

namespace capsim::py_bind {

namespace py = pybind11;

/// Fields bound by hand (structs without a result field table); names and docs are string literals.
template <class T, class M>
Field<T, M> field(const char* name, M T::*ptr, const char* doc) {
  return capsim::field(name, ptr, doc);
}

/// A field's value for Python: numeric vectors (time series) as numpy arrays, anything else as usual.
template <class M>
py::object to_python(const M& v) {
  if constexpr (std::is_same_v<M, std::vector<double>> || std::is_same_v<M, std::vector<int>>) {
    return py::array_t<typename M::value_type>(static_cast<py::ssize_t>(v.size()), v.data());
  } else {
    return py::cast(v);
  }
}

/// Field equality for Python's ==: as C++'s, except that NaN equals NaN (a figure a replicate could
/// not give, such as a latency under the fluid model), so a value equals its own pickled copy.
template <class M>
bool same_value(const M& a, const M& b) {
  if constexpr (std::is_floating_point_v<M>) return a == b || (a != a && b != b);
  else if constexpr (requires { a.size(); a[0]; } && !std::is_same_v<M, std::string>) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i])) return false;
    return true;
  } else if constexpr (HasFieldTable<M>) {
    bool eq = true;
    for_each_field<M>([&](const auto& f) { eq = eq && same_value(f.of(a), f.of(b)); });
    return eq;
  } else {
    return a == b;
  }
}

template <class T, class... Ms>
py::class_<T> value_class(py::module_& m, const char* name, const char* doc, capsim::Field<T, Ms>... fields) {
  py::class_<T> c(m, name, doc);
  c.def(py::init<>());
  // The field names in table order, as namedtuple's _fields: what capsim.frames walks to flatten a
  // result into DataFrame columns without naming a field again.
  c.attr("_fields") = py::make_tuple(std::string(fields.name)...);
  // Names and docs are string literals (null-terminated), so their data() serve as C strings.
  (c.def_property(
       fields.name.data(), [p = fields.member](const T& v) { return to_python(v.*p); },
       [p = fields.member](T& v, const Ms& x) { v.*p = x; }, fields.doc.data()),
   ...);
  c.def("__eq__", [=](const T& a, const T& b) { return (same_value(a.*(fields.member), b.*(fields.member)) && ...); }, py::arg("other"));
  c.def(py::pickle([=](const T& v) { return py::make_tuple(to_python(v.*(fields.member))...); },
                   [=](const py::tuple& t) {
                     if (t.size() != sizeof...(Ms)) throw std::runtime_error(std::string("bad pickle state for ") + name);
                     T v;
                     std::size_t i = 0;
                     ((v.*(fields.member) = t[i++].template cast<Ms>()), ...);
                     return v;
                   }));
  c.def("__repr__", [=](const T& v) {
    std::string s = std::string(name) + "(";
    std::size_t i = 0;
    ((s += (i++ ? ", " : "") + std::string(fields.name) + "=" + py::repr(to_python(v.*(fields.member))).template cast<std::string>()), ...);
    return s + ")";
  });
  return c;
}

/// A value class whose fields come from its result field table (capsim/report/result_fields.hpp).
template <class T>
py::class_<T> table_class(py::module_& m, const char* name, const char* doc) {
  return std::apply([&](const auto&... fs) { return value_class<T>(m, name, doc, fs...); }, capsim::field_table<T>());
}

}  // namespace capsim::py_bind
