#include "io/k8s/manifest_reader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "io/json/json_checker.hpp"
#include "io/text_file.hpp"

namespace capsim::io::k8s {

namespace {

using detail::describe;
using detail::ptr_join;
using nlohmann::json;
namespace fs = std::filesystem;

bool is_manifest_name(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

bool is_json_file(const InputFile& f) {
  std::string ext = f.path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".json";
}

const ManifestKindInfo* find_kind(const std::string& name) {
  for (const auto& k : kManifestKinds)
    if (name == k.name) return &k;
  return nullptr;
}

// "karpenter.sh/v1" → "v1"; a core group's "v1" is its own version.
std::string version_of(const std::string& api_version) { return api_version.substr(api_version.rfind('/') + 1); }

bool is_list_kind(const std::string& kind) { return kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0; }

class Classifier {
 public:
  Classifier(Manifests& out, std::vector<Diagnostic>& problems) : out_(out), problems_(problems) {}

  void object(const std::shared_ptr<const ManifestDocument>& doc, const std::string& ptr, const json& value) {
    const ManifestDocument& d = *doc;
    if (!value.is_object()) {
      fail(d, ptr, "a Kubernetes object (a mapping with apiVersion and kind)", describe(value));
      return;
    }
    const auto api_version = required_string(d, ptr, value, "apiVersion", "apps/v1");
    const auto kind = required_string(d, ptr, value, "kind", "Deployment");
    if (!api_version || !kind) return;
    if (is_list_kind(*kind)) {
      list(doc, ptr, value);
      return;
    }
    const ManifestKindInfo* info = find_kind(*kind);
    if (info == nullptr) {
      unmodelled(d, ptr, *kind, *api_version);
      return;
    }
    if (*api_version != info->api_version) {
      fail(d, ptr_join(ptr, "apiVersion"),
           fmt::format("apiVersion {} for a {} (capsim reads the {} API)", info->api_version, info->name, version_of(info->api_version)),
           describe(value["apiVersion"]));
      return;
    }
    ManifestObject obj;
    obj.kind = info->kind;
    obj.pointer = ptr;
    obj.document = doc;
    if (!metadata(d, ptr, value, *info, obj)) return;
    const auto key = std::make_tuple(info->kind, obj.namespace_name, obj.name);
    const std::string here = location(d, ptr_join(ptr_join(ptr, "metadata"), "name"));
    if (const auto [seen, fresh] = first_named_.emplace(key, here); !fresh) {
      fail(d, ptr_join(ptr_join(ptr, "metadata"), "name"),
           fmt::format("each {} named once{}", info->name, info->namespaced ? " in a namespace" : ""),
           fmt::format("'{}' again (first at {})", obj.name, seen->second));
      return;
    }
    obj.object = value;
    out_.objects.push_back(std::move(obj));
  }

 private:
  void fail(const ManifestDocument& d, const std::string& ptr, std::string expected, std::string got) {
    problems_.push_back(problem_at(d, ptr, std::move(expected), std::move(got)));
  }

  std::optional<std::string> required_string(const ManifestDocument& d, const std::string& ptr, const json& value,
                                             const char* key, const char* example) {
    const auto it = value.find(key);
    if (it == value.end()) {
      fail(d, ptr, fmt::format("the required key '{}' (a string such as {})", key, example), "an object without it");
      return std::nullopt;
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
      fail(d, ptr_join(ptr, key), "a non-empty string", describe(*it));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  void list(const std::shared_ptr<const ManifestDocument>& doc, const std::string& ptr, const json& value) {
    const auto items = value.find("items");
    if (items == value.end() || items->is_null()) return;  // an empty list, as `kubectl get` may write it
    if (!items->is_array()) {
      fail(*doc, ptr_join(ptr, "items"), "the list's objects, in an array", describe(*items));
      return;
    }
    for (std::size_t k = 0; k < items->size(); ++k) object(doc, ptr_join(ptr_join(ptr, "items"), k), (*items)[k]);
  }

  void unmodelled(const ManifestDocument& d, const std::string& ptr, const std::string& kind, const std::string& api_version) {
    auto it = std::find_if(out_.unmodelled.begin(), out_.unmodelled.end(), [&](const UnmodelledKind& u) { return u.kind == kind; });
    if (it != out_.unmodelled.end()) {
      ++it->count;
      return;
    }
    std::vector<std::string> modelled;
    for (const auto& k : kManifestKinds) modelled.emplace_back(k.name);
    out_.unmodelled.push_back({kind, api_version, 1, location(d, ptr), did_you_mean(kind, modelled)});
  }

  bool metadata(const ManifestDocument& d, const std::string& ptr, const json& value, const ManifestKindInfo& info,
                ManifestObject& obj) {
    const std::string mptr = ptr_join(ptr, "metadata");
    const auto m = value.find("metadata");
    if (m == value.end()) {
      fail(d, ptr, fmt::format("the required key 'metadata' (a {} needs a name)", info.name), "an object without it");
      return false;
    }
    if (!m->is_object()) {
      fail(d, mptr, "an object (name, namespace, labels, ...)", describe(*m));
      return false;
    }
    const auto name = required_string(d, mptr, *m, "name", "gpu");
    if (!name) return false;
    obj.name = *name;
    if (!info.namespaced) return true;  // a cluster-scoped object's namespace means nothing: the API server drops it
    obj.namespace_name = "default";
    if (const auto ns = m->find("namespace"); ns != m->end()) {
      if (!ns->is_string() || ns->get<std::string>().empty()) {
        fail(d, ptr_join(mptr, "namespace"), "a non-empty string", describe(*ns));
        return false;
      }
      obj.namespace_name = ns->get<std::string>();
    }
    return true;
  }

  Manifests& out_;
  std::vector<Diagnostic>& problems_;
  std::map<std::tuple<ManifestKind, std::string, std::string>, std::string> first_named_;
};

}  // namespace

const ManifestKindInfo& kind_info(ManifestKind kind) {
  for (const auto& k : kManifestKinds)
    if (k.kind == kind) return k;
  return kManifestKinds[0];  // unreachable: every enumerator has a row
}

std::vector<InputFile> manifest_files(const std::vector<InputFile>& files_or_folders, std::vector<Diagnostic>& problems) {
  std::vector<InputFile> files;
  for (const auto& input : files_or_folders) {
    std::error_code ec;
    if (!fs::is_directory(input.path, ec)) {
      files.push_back(input);  // a file that cannot be read is reported when it is read
      continue;
    }
    std::vector<fs::path> names;
    for (const auto& entry : fs::directory_iterator(input.path, ec))
      if (is_manifest_name(entry.path()) && entry.is_regular_file(ec)) names.push_back(entry.path().filename());
    if (ec) {
      problems.push_back(Diagnostic{input.display, "", 0, 0, {}, {}, {}, "cannot list the folder: " + ec.message()});
      continue;
    }
    if (names.empty()) {
      problems.push_back(Diagnostic{input.display, "", 0, 0, {}, {}, {},
                                    "a folder without any *.yaml, *.yml or *.json file (subfolders are not read)"});
      continue;
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) files.push_back({input.path / n, (fs::path(input.display) / n).string()});
  }
  return files;
}

Manifests read_manifest_files(const std::vector<InputFile>& files, std::vector<Diagnostic>& problems) {
  Manifests out;
  Classifier classify(out, problems);
  for (const auto& file : files) {
    std::string text;
    try {
      text = detail::read_text_file(file);
    } catch (const TraceError& e) {
      problems.push_back(Diagnostic{file.display, "", 0, 0, {}, {}, {}, e.message()});
      continue;
    }
    auto documents = is_json_file(file) ? parse_json_document(text, file.display, problems)
                                        : parse_yaml_documents(text, file.display, problems);
    for (auto& d : documents) {
      auto doc = std::make_shared<const ManifestDocument>(std::move(d));
      classify.object(doc, "", doc->value);
    }
  }
  return out;
}

Manifests read_manifests(const std::vector<InputFile>& files_or_folders) {
  std::vector<Diagnostic> problems;
  const auto files = manifest_files(files_or_folders, problems);
  Manifests out = read_manifest_files(files, problems);
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return out;
}

std::string unmodelled_note(const Manifests& manifests) {
  if (manifests.unmodelled.empty()) return {};
  std::size_t total = 0;
  std::string kinds;
  for (const auto& u : manifests.unmodelled) {
    total += u.count;
    if (!kinds.empty()) kinds += "; ";
    kinds += u.count == 1 ? fmt::format("1 {} at {}", u.kind, u.first_at)
                          : fmt::format("{} {}, the first at {}", u.count, u.kind, u.first_at);
    if (!u.hint.empty()) kinds += " (" + u.hint + ")";
  }
  return fmt::format("capsim skipped {} object{} of kinds it does not model: {}", total, total == 1 ? "" : "s", kinds);
}

std::string location(const ManifestObject& object, const std::string& pointer) { return location(*object.document, pointer); }

Diagnostic in_manifest(const ManifestObject& object, const Diagnostic& decoded) {
  if (decoded.line > 0) return decoded;
  if (decoded.message.empty()) return problem_at(*object.document, decoded.pointer, decoded.expected, decoded.got, decoded.hint);
  Diagnostic d = problem_at(*object.document, decoded.pointer, {}, {});
  const std::string path = field_path(object.document->value, decoded.pointer);
  d.message = fmt::format("document {}{}: {}", object.document->index, path.empty() ? "" : ", " + path, decoded.message);
  d.expected.clear();
  return d;
}

}  // namespace capsim::io::k8s
