#pragma once
// Internal to io/results: result structs written by walking their field tables (report/field.hpp),
// as JSON objects and as flat CSV rows, so no writer names a field again.
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/report/field.hpp"

namespace capsim::io::detail {

using ojson = nlohmann::ordered_json;

template <class M>
inline constexpr bool is_string_map = false;
template <class V>
inline constexpr bool is_string_map<std::map<std::string, V>> = true;

template <class M>
inline constexpr bool is_table_vector = false;
template <class V>
  requires HasFieldTable<V>
inline constexpr bool is_table_vector<std::vector<V>> = true;

template <class T>
ojson table_json(const T& v);

template <class M>
ojson value_json(const M& m) {
  if constexpr (HasFieldTable<M>) {
    return table_json(m);
  } else if constexpr (is_optional_table<M>) {
    return m ? table_json(*m) : ojson(nullptr);
  } else if constexpr (is_table_vector<M>) {
    ojson a = ojson::array();
    for (const auto& x : m) a.push_back(table_json(x));
    return a;
  } else if constexpr (is_string_map<M>) {
    ojson o = ojson::object();
    for (const auto& [k, x] : m) o[k] = x;
    return o;
  } else {
    return ojson(m);  // NaN becomes null
  }
}

/// An object of the struct's fields, keyed and ordered by its field table.
template <class T>
ojson table_json(const T& v) {
  ojson j = ojson::object();
  for_each_field<T>([&](const auto& f) { j[std::string(f.json_key())] = value_json(f.of(v)); });
  return j;
}

// Reading back what table_json wrote (shard files): a missing key or a wrong type throws
// nlohmann's exception, which the caller turns into an error naming the file.
template <class T>
void table_from_json(const ojson& j, T& v);

template <class M>
void value_from_json(const ojson& j, M& m) {
  if constexpr (HasFieldTable<M>) {
    table_from_json(j, m);
  } else if constexpr (is_optional_table<M>) {
    if (j.is_null()) {
      m.reset();
    } else {
      m.emplace();
      table_from_json(j, *m);
    }
  } else if constexpr (is_table_vector<M>) {
    m.clear();
    for (const auto& x : j) value_from_json(x, m.emplace_back());
  } else if constexpr (is_string_map<M>) {
    m.clear();
    for (const auto& [k, x] : j.items()) value_from_json(x, m[k]);
  } else if constexpr (std::is_floating_point_v<M>) {
    m = j.is_null() ? std::nan("") : j.template get<M>();  // NaN was written as null
  } else {
    m = j.template get<M>();
  }
}

template <class T>
void table_from_json(const ojson& j, T& v) {
  for_each_field<T>([&](const auto& f) { value_from_json(j.at(std::string(f.json_key())), f.of(v)); });
}

/// One CSV row as (column, cell) pairs, in field-table order.
using FlatRow = std::vector<std::pair<std::string, std::string>>;

inline std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

template <class T>
void flatten(const std::string& prefix, const T& v, FlatRow& row);

template <class M>
void flatten_value(const std::string& key, const M& m, FlatRow& row) {
  if constexpr (HasFieldTable<M>) {
    flatten(key + ".", m, row);
  } else if constexpr (is_optional_table<M>) {
    if (m) flatten(key + ".", *m, row);  // absent: the columns stay empty
  } else if constexpr (is_table_vector<M>) {
    // Elements by name when they have one (services), else by position.
    for (std::size_t i = 0; i < m.size(); ++i) {
      if constexpr (requires { m[i].name; }) flatten(key + "." + m[i].name + ".", m[i], row);
      else flatten(fmt::format("{}.{}.", key, i), m[i], row);
    }
  } else if constexpr (is_string_map<M>) {
    for (const auto& [k, x] : m) row.emplace_back(key + "." + k, fmt::format("{}", x));
  } else if constexpr (std::is_same_v<M, std::string>) {
    row.emplace_back(key, csv_cell(m));
  } else if constexpr (std::is_same_v<M, bool>) {
    row.emplace_back(key, m ? "true" : "false");
  } else if constexpr (std::is_floating_point_v<M>) {
    row.emplace_back(key, std::isnan(m) ? std::string() : fmt::format("{}", m));
  } else if constexpr (std::is_arithmetic_v<M>) {
    row.emplace_back(key, fmt::format("{}", m));
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    row.emplace_back(key, csv_cell(fmt::format("{}", fmt::join(m, "; "))));
  }
  // Per-period series and event logs have their own files.
}

template <class T>
void flatten(const std::string& prefix, const T& v, FlatRow& row) {
  for_each_field<T>([&](const auto& f) { flatten_value(prefix + std::string(f.json_key()), f.of(v), row); });
}

/// Rows with possibly different columns as one CSV: the union of columns in first-seen order, a
/// row's missing cells empty.
std::string rows_to_csv(const std::vector<FlatRow>& rows);

}  // namespace capsim::io::detail

#include "capsim/report/result.hpp"

namespace capsim::io::detail {

/// result.json's document (result_to_json's, before it is printed).
ojson result_document(const RunResult& r);

}  // namespace capsim::io::detail
