#include "io/json/json_checker.hpp"

#include <cmath>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"

namespace capsim::io::detail {

std::string ptr_join(const std::string& ptr, const std::string& key) {
  std::string out = ptr + "/";
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string ptr_join(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

std::string describe(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      std::string s = j.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return fmt::format("the string \"{}\"", s);
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "the number " + j.dump();
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    default: return "an unsupported value";
  }
}

void Checker::fail(const std::string& ptr, std::string expected, std::string got, std::string hint) {
  Diagnostic d;
  d.file = file_;
  d.pointer = locate(ptr);
  d.expected = std::move(expected);
  d.got = std::move(got);
  d.hint = std::move(hint);
  out_.push_back(std::move(d));
}

void Checker::fail_message(const std::string& ptr, std::string message) {
  Diagnostic d;
  d.file = file_;
  d.pointer = locate(ptr);
  d.message = std::move(message);
  out_.push_back(std::move(d));
}

bool Checker::object(const json& j, const std::string& ptr, const std::vector<std::string>& allowed,
                     const std::vector<std::string>& required) {
  if (!j.is_object()) {
    fail(ptr, "an object", describe(j));
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string keys;
    for (const auto& a : allowed) keys += (keys.empty() ? "" : ", ") + a;
    fail(ptr_join(ptr, key), "one of the keys " + keys, "unknown key '" + key + "'", did_you_mean(key, allowed));
  }
  bool complete = true;
  for (const auto& r : required)
    if (!j.contains(r)) {
      fail(ptr, "the required key '" + r + "'", "an object without it");
      complete = false;
    }
  return complete;
}

std::optional<std::string> Checker::string(const json& obj, const std::string& ptr, const char* key, bool non_empty) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (!it->is_string() || (non_empty && it->get<std::string>().empty())) {
    fail(ptr_join(ptr, key), non_empty ? "a non-empty string" : "a string", describe(*it));
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<std::string> Checker::one_of(const json& obj, const std::string& ptr, const char* key,
                                           const std::vector<std::string>& values, const std::string& hint_for_other) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::string list;
  for (const auto& v : values) list += (list.empty() ? "" : ", ") + ("\"" + v + "\"");
  if (it->is_string()) {
    auto s = it->get<std::string>();
    if (std::find(values.begin(), values.end(), s) != values.end()) return s;
    std::string hint = did_you_mean(s, values);
    if (hint.empty()) hint = hint_for_other;
    fail(ptr_join(ptr, key), "one of " + list, describe(*it), hint);
    return std::nullopt;
  }
  fail(ptr_join(ptr, key), "one of " + list, describe(*it));
  return std::nullopt;
}

std::optional<double> Checker::number(const json& obj, const std::string& ptr, const char* key, Bound bound) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  const char* what = bound == Bound::Positive ? "a number > 0" : bound == Bound::NonNegative ? "a number >= 0" : "a number";
  if (!it->is_number()) {
    fail(ptr_join(ptr, key), what, describe(*it));
    return std::nullopt;
  }
  double v = it->get<double>();
  if (!std::isfinite(v) || (bound == Bound::Positive && !(v > 0)) || (bound == Bound::NonNegative && !(v >= 0))) {
    fail(ptr_join(ptr, key), what, describe(*it));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> Checker::integer(const json& obj, const std::string& ptr, const char* key, std::int64_t min,
                                             std::int64_t max) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::string what = max == INT64_MAX ? fmt::format("an integer >= {}", min) : fmt::format("an integer from {} to {}", min, max);
  if (!it->is_number_integer()) {
    fail(ptr_join(ptr, key), what, describe(*it));
    return std::nullopt;
  }
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail(ptr_join(ptr, key), what, describe(*it) + " (too large)");
    return std::nullopt;
  }
  auto v = it->get<std::int64_t>();
  if (v < min || v > max) {
    fail(ptr_join(ptr, key), what, describe(*it));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Checker::boolean(const json& obj, const std::string& ptr, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (!it->is_boolean()) {
    fail(ptr_join(ptr, key), "true or false", describe(*it));
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<SimDuration> Checker::seconds(const json& obj, const std::string& ptr, const char* key, SimDuration min) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  const std::string what = fmt::format("a number of seconds from {:g} to {:g} (100 years)", to_seconds(min), kMaxDurationSeconds);
  std::optional<SimDuration> d;
  if (it->is_number()) d = checked_seconds(it->get<double>());
  if (!d || *d < min || *d < 0) {
    fail(ptr_join(ptr, key), what, describe(*it));
    return std::nullopt;
  }
  return d;
}

std::optional<SimDuration> Checker::duration(const json& obj, const std::string& ptr, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  const char* what = "a duration > 0 up to 100 years: seconds, or a string such as \"30d\", \"36h\", \"1h30m\", \"90s\"";
  std::optional<SimDuration> d;
  if (it->is_number()) d = checked_seconds(it->get<double>());
  else if (it->is_string()) d = parse_duration(it->get<std::string>());
  if (!d || *d <= 0) {
    fail(ptr_join(ptr, key), what, describe(*it));
    return std::nullopt;
  }
  return d;
}

std::optional<Distribution> Checker::distribution(const json& obj, const std::string& ptr, const char* key, bool may_be_negative) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  const std::string p = ptr_join(ptr, key);
  const Bound sign = may_be_negative ? Bound::Any : Bound::NonNegative;
  if (it->is_number()) {
    double v = it->get<double>();
    if (!std::isfinite(v) || (v < 0 && !may_be_negative)) {
      fail(p, "a number >= 0 (seconds) or a distribution object", describe(*it));
      return std::nullopt;
    }
    return Distribution{Distribution::Constant{v}, may_be_negative};
  }
  if (!it->is_object() || !it->contains("dist")) {
    fail(p, "a number >= 0 or an object with \"dist\" (constant, uniform, exponential, normal, lognormal, empirical)",
         describe(*it));
    return std::nullopt;
  }
  const json& j = *it;
  auto kind = one_of(j, p, "dist", {"constant", "uniform", "exponential", "normal", "lognormal", "empirical"});
  if (!kind) return std::nullopt;
  const std::size_t before = errors();
  Distribution d;
  if (*kind == "constant") {
    object(j, p, {"dist", "value"}, {"value"});
    d.spec = Distribution::Constant{number(j, p, "value", sign).value_or(0)};
  } else if (*kind == "uniform") {
    object(j, p, {"dist", "min", "max"}, {"min", "max"});
    auto lo = number(j, p, "min", sign), hi = number(j, p, "max", sign);
    if (lo && hi && *hi < *lo) fail(ptr_join(p, "max"), fmt::format("a number >= min ({})", *lo), describe(j["max"]));
    d.spec = Distribution::Uniform{lo.value_or(0), hi.value_or(0)};
  } else if (*kind == "exponential") {
    object(j, p, {"dist", "mean"}, {"mean"});
    d.spec = Distribution::Exponential{number(j, p, "mean", Bound::Positive).value_or(1)};
  } else if (*kind == "normal") {
    object(j, p, {"dist", "mean", "sd"}, {"mean", "sd"});
    d.spec = Distribution::Normal{number(j, p, "mean", sign).value_or(0),
                                  number(j, p, "sd", Bound::NonNegative).value_or(0)};
  } else if (*kind == "lognormal") {
    object(j, p, {"dist", "median", "sigma"}, {"median", "sigma"});
    d.spec = Distribution::Lognormal{number(j, p, "median", Bound::Positive).value_or(1),
                                     number(j, p, "sigma", Bound::NonNegative).value_or(0)};
  } else {
    object(j, p, {"dist", "values"}, {"values"});
    Distribution::Empirical e;
    auto v = j.find("values");
    if (v != j.end()) {
      if (!v->is_array() || v->empty()) {
        fail(ptr_join(p, "values"), "a non-empty array of numbers >= 0", describe(*v));
      } else {
        for (std::size_t i = 0; i < v->size(); ++i) {
          const json& x = (*v)[i];
          if (!x.is_number() || !std::isfinite(x.get<double>()) || x.get<double>() < 0)
            fail(ptr_join(ptr_join(p, "values"), i), "a number >= 0", describe(x));
          else
            e.values.push_back(x.get<double>());
        }
      }
    }
    d.spec = std::move(e);
  }
  if (errors() != before) return std::nullopt;
  d.may_be_negative = may_be_negative;
  return d;
}

std::map<std::string, std::string> Checker::string_map(const json& obj, const std::string& ptr, const char* key) {
  std::map<std::string, std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  const std::string p = ptr_join(ptr, key);
  if (!it->is_object()) {
    fail(p, "an object of strings", describe(*it));
    return out;
  }
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) fail(ptr_join(p, k), "a string", describe(v));
    else out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace capsim::io::detail
