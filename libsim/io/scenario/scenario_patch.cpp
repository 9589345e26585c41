#include "capsim/io/scenario/scenario_patch.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_variants.hpp"
#include "io/json/json_checker.hpp"
#include "io/text_file.hpp"

namespace capsim::io {

namespace {

using nlohmann::json;

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

// Every pointer of the document `depth` levels down (the root is depth 0), in document order.
void pointers_at_depth(const json& node, const std::string& at, std::size_t depth, std::vector<std::string>& out) {
  if (depth == 0) {
    out.push_back(at);
    return;
  }
  if (node.is_object())
    for (auto it = node.begin(); it != node.end(); ++it) pointers_at_depth(*it, at + "/" + escape_token(it.key()), depth - 1, out);
  else if (node.is_array())
    for (std::size_t i = 0; i < node.size(); ++i) pointers_at_depth(node[i], at + "/" + std::to_string(i), depth - 1, out);
}

// What the deepest part of `ptr` that exists holds, for a pointer with no close match.
std::string deepest_existing(const json& doc, json::json_pointer ptr) {
  std::vector<std::string> tokens;
  for (; !ptr.empty(); ptr.pop_back()) tokens.insert(tokens.begin(), ptr.back());
  json::json_pointer at;
  const json* node = &doc;
  for (const auto& token : tokens) {
    const json* next = nullptr;
    if (node->is_object() && node->contains(token)) next = &(*node)[token];
    const bool index = !token.empty() && token.size() < 10 && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (node->is_array() && index && std::stoul(token) < node->size()) next = &(*node)[std::stoul(token)];
    if (!next) break;
    node = next;
    at.push_back(token);
  }
  const std::string where = at.empty() ? "the document root" : "'" + at.to_string() + "'";
  if (node->is_object()) {
    std::vector<std::string> keys;
    for (auto it = node->begin(); it != node->end(); ++it) keys.push_back(it.key());
    return fmt::format("{} exists and holds {}", where, keys.empty() ? "nothing" : fmt::format("{}", fmt::join(keys, ", ")));
  }
  if (node->is_array()) return fmt::format("{} exists and is an array of {}", where, node->size());
  return fmt::format("{} exists and is {}", where, detail::describe(*node));
}

}  // namespace

std::string describe_values(const std::vector<PointerValue>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " ") + v.pointer + "=" + v.value_json;
  return out;
}

std::string patch_document(std::string_view text, const std::vector<PointerValue>& values, const std::string& display_file) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw ScenarioError({Diagnostic{display_file, "", 0, 0, "a JSON document", detail::json_syntax_error(e.what()), {}, {}}});
  }
  std::vector<Diagnostic> problems;
  for (const auto& v : values) {
    json::json_pointer ptr;
    try {
      ptr = json::json_pointer(v.pointer);
    } catch (const json::exception&) {
      problems.push_back({display_file, "", 0, 0, "a JSON pointer such as /services/0/replica/gpus (RFC 6901)", "\"" + v.pointer + "\"", {}, {}});
      continue;
    }
    if (ptr.empty()) {
      problems.push_back({display_file, "", 0, 0, "a JSON pointer to a value inside the scenario", "the document root (\"\")", {}, {}});
      continue;
    }
    json value;
    try {
      value = json::parse(v.value_json);
    } catch (const json::exception& e) {
      problems.push_back({display_file, v.pointer, 0, 0, "a JSON value to set there",
                          fmt::format("'{}' ({})", v.value_json, detail::json_syntax_error(e.what())), {}, {}});
      continue;
    }
    bool exists = false;
    try {
      exists = doc.contains(ptr);
    } catch (const json::exception&) {
      exists = false;  // an array index that is not a number
    }
    if (!exists) {
      std::vector<std::string> same_depth;
      std::size_t depth = 0;
      for (json::json_pointer p = ptr; !p.empty(); p.pop_back()) ++depth;
      pointers_at_depth(doc, "", depth, same_depth);
      const auto close = close_matches(v.pointer, same_depth, 3);
      std::string hint;
      if (!close.empty()) {
        hint = "closest pointers that exist: ";
        for (std::size_t i = 0; i < close.size(); ++i) hint += (i ? ", " : "") + close[i];
      } else {
        hint = deepest_existing(doc, ptr);
      }
      problems.push_back({display_file, v.pointer, 0, 0, "a JSON pointer to a value the scenario sets (a sweep or patch replaces values; "
                                                         "write a default into the file to vary it)",
                          "nothing there", hint, {}});
      continue;
    }
    doc[ptr] = std::move(value);
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return doc.dump(2);
}

Scenario patch_scenario(const Scenario& scenario, const std::vector<PointerValue>& values, const std::string& label) {
  const ScenarioDocument& d = scenario.document;
  if (d.text.empty())
    throw Error("this scenario was not loaded from a document (load_scenario or load_scenario_text), so it cannot be patched");
  const std::string named = label.empty() ? d.display_file : fmt::format("{} ({})", d.display_file, label);
  try {
    // The current document: a copy's seed and replicates (with_seed) are kept.
    const std::string text = patch_document(current_document(scenario), values, d.display_file);
    Scenario out = load_scenario_text(text, d.display_file, d.base_dir, load_options_of(scenario));
    out.document.display_file = d.display_file;
    return out;
  } catch (const ScenarioError& e) {
    if (label.empty()) throw;
    std::vector<Diagnostic> ds = e.diagnostics();
    for (auto& diag : ds)
      if (diag.file == d.display_file) diag.file = named;
    throw ScenarioError(std::move(ds));
  }
}

}  // namespace capsim::io
