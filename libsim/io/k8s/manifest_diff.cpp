// The structural diff of two sets of manifests (see capsim/io/k8s/manifest_diff.hpp).
#include "capsim/io/k8s/manifest_diff.hpp"

#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/k8s/manifest_reader.hpp"

namespace capsim::io {

namespace {

using nlohmann::json;

std::map<std::tuple<std::string, std::string, std::string>, const k8s::ManifestObject*> by_key(const k8s::Manifests& m) {
  std::map<std::tuple<std::string, std::string, std::string>, const k8s::ManifestObject*> out;
  for (const auto& o : m.objects) out[{k8s::kind_info(o.kind).name, o.namespace_name, o.name}] = &o;
  return out;
}

std::string key_path(const std::string& path, const std::string& key) {
  // A key that is not a plain identifier (labels such as "karpenter.sh/nodepool") is quoted.
  const bool plain = !key.empty() && key.find_first_of("./[]\" ") == std::string::npos;
  return plain ? (path.empty() ? key : path + "." + key) : fmt::format("{}[\"{}\"]", path, key);
}

void differences(const json& a, const json& b, const std::string& path, std::vector<std::string>& out) {
  if (a.type() != b.type() && !(a.is_number() && b.is_number())) {
    out.push_back(path.empty() ? "(the whole object)" : path);
    return;
  }
  if (a.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) out.push_back(key_path(path, k));
      else differences(v, b[k], key_path(path, k), out);
    }
    for (const auto& [k, v] : b.items())
      if (!a.contains(k)) out.push_back(key_path(path, k));
    return;
  }
  if (a.is_array()) {
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string p = fmt::format("{}[{}]", path, i);
      if (i >= a.size() || i >= b.size()) out.push_back(p);
      else differences(a[i], b[i], p, out);
    }
    return;
  }
  if (a != b) out.push_back(path);
}

k8s::Manifests read(const std::vector<std::filesystem::path>& paths) {
  std::vector<InputFile> inputs;
  for (const auto& p : paths) inputs.push_back({p, p.string()});
  return k8s::read_manifests(inputs);
}

}  // namespace

std::vector<ManifestChange> diff_manifests(const std::vector<std::filesystem::path>& before,
                                           const std::vector<std::filesystem::path>& after) {
  const k8s::Manifests mb = read(before), ma = read(after);
  const auto kb = by_key(mb), ka = by_key(ma);
  auto name = [](const auto& key) {
    const std::string& ns = std::get<1>(key);
    return fmt::format("{} {}{}", std::get<0>(key), ns.empty() ? "" : ns + "/", std::get<2>(key));
  };
  std::map<std::tuple<std::string, std::string, std::string>, ManifestChange> changes;
  for (const auto& [key, obj] : kb) {
    auto it = ka.find(key);
    if (it == ka.end()) {
      changes[key] = {name(key), "removed", {}};
      continue;
    }
    std::vector<std::string> fields;
    differences(obj->object, it->second->object, "", fields);
    if (!fields.empty()) changes[key] = {name(key), "changed", std::move(fields)};
  }
  for (const auto& [key, obj] : ka)
    if (!kb.count(key)) changes[key] = {name(key), "added", {}};
  std::vector<ManifestChange> out;
  for (auto& [key, c] : changes) out.push_back(std::move(c));
  return out;
}

}  // namespace capsim::io
