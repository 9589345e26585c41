#include "capsim/io/scenario/sweep_points.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "io/text_file.hpp"

namespace capsim::io {

namespace {

using nlohmann::json;

// Commas inside [..], {..} or "..." belong to the value.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out(1);
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 1 < text.size()) out.back() += c, ++i, out.back() += text[i];
      else out.back() += c, quoted = c != '"';
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

}  // namespace

SweepParam parse_sweep_param(const std::string& text) {
  const auto eq = text.find('=');
  if (text.empty() || text[0] != '/' || eq == std::string::npos || eq == 1)
    throw Error(fmt::format("--param '{}': expected /POINTER=VALUE,VALUE,... such as /services/0/replica/gpus=1,2", text));
  SweepParam p{text.substr(0, eq), {}};
  for (const auto& v : split_values(text.substr(eq + 1))) {
    if (v.empty()) throw Error(fmt::format("--param '{}': an empty value (values are separated by commas)", text));
    const json parsed = json::parse(v, nullptr, false);
    p.values_json.push_back(parsed.is_discarded() ? json(v).dump() : parsed.dump());
  }
  return p;
}

std::vector<std::vector<PointerValue>> cartesian_points(const std::vector<SweepParam>& params) {
  if (params.empty()) throw Error("a sweep needs at least one --param /POINTER=VALUES (or --points FILE)");
  std::set<std::string> seen;
  for (const auto& p : params)
    if (!seen.insert(p.pointer).second) throw Error(fmt::format("--param {} is given twice: give its values in one --param", p.pointer));
  std::vector<std::vector<PointerValue>> points(1);
  for (const auto& p : params) {
    std::vector<std::vector<PointerValue>> next;
    for (const auto& point : points)
      for (const auto& v : p.values_json) {
        next.push_back(point);
        next.back().push_back({p.pointer, v});
      }
    points = std::move(next);
  }
  return points;
}

std::vector<std::vector<PointerValue>> read_sweep_points(const std::filesystem::path& file) {
  const std::string name = file.string();
  const std::string text = detail::read_text_file({file, name});
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw Error(fmt::format("{}: expected a JSON array of points, got text that is not JSON", name));
  if (!doc.is_array() || doc.empty())
    throw Error(fmt::format("{}: expected a non-empty JSON array of points, each an object of JSON pointer -> value "
                            "([{{\"/services/0/replicas\": 2}}, ...])",
                            name));
  std::vector<std::vector<PointerValue>> points;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& p = doc[i];
    if (!p.is_object() || p.empty())
      throw Error(fmt::format("{}: /{}: expected a point (an object of JSON pointer -> value), got {}", name, i, p.dump()));
    std::vector<PointerValue> point;
    for (auto it = p.begin(); it != p.end(); ++it) {
      if (it.key().empty() || it.key()[0] != '/')
        throw Error(fmt::format("{}: /{}: expected keys that are JSON pointers (/services/0/replicas), got \"{}\"", name, i, it.key()));
      point.push_back({it.key(), it.value().dump()});
    }
    points.push_back(std::move(point));
  }
  return points;
}

std::vector<std::string> sweep_pointers(const std::vector<std::vector<PointerValue>>& points) {
  std::vector<std::string> out;
  for (const auto& point : points)
    for (const auto& v : point)
      if (std::find(out.begin(), out.end(), v.pointer) == out.end()) out.push_back(v.pointer);
  return out;
}

std::string value_cell(const std::string& value_json) {
  const json v = json::parse(value_json, nullptr, false);
  return v.is_string() ? v.get<std::string>() : value_json;
}

}  // namespace capsim::io
