#pragma once
// A result field declared once: its name (C++ member, Python attribute), where it lives in the
// struct, what it means, its key in result.json and the CSV files, and how the summary shows it.
// Every writer — result.json, CSV, the summary text, the Python binding — walks a struct's table
// (result_fields.hpp) instead of naming the field again.
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace capsim {

/// How the summary prints a field (means over replicates).
enum class Show : std::uint8_t {
  Hidden,     // not in the summary (result.json and Python only)
  Count,      // rounded, thousands separated: "12,345"
  Money,      // two decimals, thousands separated: "12,345.68"
  Fixed0,     // "{:.0f}"
  Fixed1,     // "{:.1f}"
  Fixed2,     // "{:.2f}"
  Fixed3,     // "{:.3f}" (latencies in seconds: milliseconds shown)
  Millis,     // seconds shown as milliseconds, "{:.1f}"
  Percent,    // a share printed as a percentage with four decimals: "0.0079%"
};

struct Presentation {
  std::string_view json{};         // key in result.json and column in CSV; empty: the field's name
  std::string_view label{};        // summary row label; with `joins_above`, ignored
  Show show = Show::Hidden;
  bool joins_above = false;        // printed in the row above as "a / b" (a pair such as added / removed)
};

template <class T, class M>
struct Field {
  std::string_view name;
  M T::*member;
  std::string_view doc;
  Presentation how{};

  constexpr std::string_view json_key() const { return how.json.empty() ? name : how.json; }
  const M& of(const T& v) const { return v.*member; }
  M& of(T& v) const { return v.*member; }
};

template <class T, class M>
constexpr Field<T, M> field(std::string_view name, M T::*member, std::string_view doc, Presentation how = {}) {
  return {name, member, doc, how};
}

/// The table of T's fields: found by argument-dependent lookup of `fields_of(std::type_identity<T>)`.
template <class T>
constexpr auto field_table() {
  return fields_of(std::type_identity<T>{});
}

/// Whether T declares a field table.
template <class T>
concept HasFieldTable = requires { fields_of(std::type_identity<T>{}); };

/// An optional struct with a table: present for some models only (null in JSON, "-" in the summary).
template <class M>
inline constexpr bool is_optional_table = false;
template <class V>
  requires HasFieldTable<V>
inline constexpr bool is_optional_table<std::optional<V>> = true;

/// Calls f(field) for each field of T, in table order.
template <class T, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... fs) { (f(fs), ...); }, field_table<T>());
}

}  // namespace capsim
