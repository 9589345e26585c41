#include "io/scenario/policy_patch.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "capsim/core/close_match.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

using nlohmann::json;

namespace {

const NamedArray* named_array_at(std::string_view path) {
  for (const auto& a : kNamedArrays)
    if (path == a.path) return &a;
  return nullptr;
}

// The element's name, or nullopt when it has none (or not as a non-empty string).
std::optional<std::string> name_of(const json& element, const NamedArray& array) {
  const json* n = find_pointer(element, array.name_pointer);
  if (!n || !n->is_string() || n->get<std::string>().empty()) return std::nullopt;
  return n->get<std::string>();
}

bool is_replace_marker(const json& e) { return e.is_object() && e.size() == 1 && e.contains("$patch") && e["$patch"] == "replace"; }

void merge(json& target, const json& patch, const std::string& path, Checker* ck, const std::string& pptr);

void merge_named(json& target, const json& patch, const NamedArray& array, Checker* ck, const std::string& pptr) {
  const std::string inside = std::string(array.path) + "/*";  // an element's fields: no named array matches below
  if (!target.is_array() || std::any_of(patch.begin(), patch.end(), is_replace_marker)) target = json::array();
  for (std::size_t i = 0; i < patch.size(); ++i) {
    const json& e = patch[i];
    const std::string ep = ptr_join(pptr, i);
    if (is_replace_marker(e)) continue;
    if (!e.is_object()) {
      if (ck) ck->fail(ep, std::string("an object named by ") + array.name_pointer + " (this array merges element by element by name)", describe(e));
      continue;
    }
    const auto name = name_of(e, array);
    if (!name) {
      if (ck)
        ck->fail(ep, std::string("the element's name at ") + array.name_pointer + ", which says which element of " + array.path + " it patches",
                 "an element without it");
      continue;
    }
    std::string directive;
    if (auto d = e.find("$patch"); d != e.end()) {
      if (!d->is_string() || (*d != "delete" && *d != "replace")) {
        if (ck) ck->fail(ep + "/$patch", "\"delete\" or \"replace\"", describe(*d));
        continue;
      }
      directive = d->get<std::string>();
    }
    auto at = std::find_if(target.begin(), target.end(), [&](const json& t) { return name_of(t, array) == name; });
    json element = e;
    element.erase("$patch");
    if (directive == "delete") {
      if (at != target.end()) {
        target.erase(at);
      } else if (ck) {
        std::vector<std::string> names;
        for (const auto& t : target)
          if (auto n = name_of(t, array)) names.push_back(*n);
        ck->fail(ep, std::string("the name of an element of ") + array.path + " to delete", "\"" + *name + "\", which it does not have",
                 did_you_mean(*name, names));
      }
    } else if (directive == "replace" || at == target.end()) {
      json fresh = json::object();  // RFC 7396 for a new value: nulls say nothing
      merge(fresh, element, inside, nullptr, ep);
      if (at == target.end()) target.push_back(std::move(fresh));
      else *at = std::move(fresh);
    } else {
      merge(*at, element, inside, ck, ep);
    }
  }
}

void merge(json& target, const json& patch, const std::string& path, Checker* ck, const std::string& pptr) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = json::object();
  for (const auto& item : patch.items()) {
    const std::string child = ptr_join(path, item.key());
    if (item.value().is_null()) {
      target.erase(item.key());
      continue;
    }
    const NamedArray* named = named_array_at(child);
    if (named && item.value().is_array()) merge_named(target[item.key()], item.value(), *named, ck, ptr_join(pptr, item.key()));
    else merge(target[item.key()], item.value(), child, ck, ptr_join(pptr, item.key()));
  }
}

}  // namespace

void apply_policy_patch(json& target, const json& patch, Checker* ck, const std::string& patch_ptr) {
  merge(target, patch, "", ck, patch_ptr);
}

std::optional<std::string> written_by_patch(const json& patch, const json& doc, const std::string& ptr) {
  const json* p = &patch;
  const json* d = &doc;
  std::string path, out;
  for (const auto& tok : split_pointer(ptr)) {
    if (p->is_object()) {
      auto f = p->find(tok);
      if (f == p->end()) return std::nullopt;
      p = &*f;
      d = d && d->is_object() && d->contains(tok) ? &(*d)[tok] : nullptr;
      out = ptr_join(out, tok);
      path = ptr_join(path, tok);
      continue;
    }
    const NamedArray* named = named_array_at(path);
    if (!p->is_array() || !named || !d || !d->is_array()) return out;  // written whole by this patch
    const json* element = find_pointer(*d, "/" + tok);
    const auto name = element ? name_of(*element, *named) : std::nullopt;
    if (!name) return std::nullopt;
    std::optional<std::size_t> k;
    for (std::size_t i = 0; i < p->size(); ++i)
      if (!is_replace_marker((*p)[i]) && name_of((*p)[i], *named) == name) k = i;
    if (!k) return std::nullopt;
    p = &(*p)[*k];
    d = element;
    out = ptr_join(out, *k);
    path = std::string(named->path) + "/*";  // an element's fields: no named array matches below
  }
  return out;
}

}  // namespace capsim::io::detail
