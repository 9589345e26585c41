#pragma once
// Internal to io/: Kubernetes manifests (YAML or JSON files, or a folder of them) read into the
// objects capsim models, each keeping where it was written, so that a decoder's problem with it
// can be reported as file:line:column, document and field path. How YAML becomes JSON is in
// manifest_documents.hpp.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/traces/cloudwatch.hpp"
#include "io/k8s/manifest_documents.hpp"

namespace capsim::io::k8s {

/// The kinds capsim models, each read at one API version only.
enum class ManifestKind {
  NodePool,
  NodeOverlay,
  EC2NodeClass,
  Deployment,
  StatefulSet,
  HorizontalPodAutoscaler,
  ScaledObject,
  ResourceQuota,
  LimitRange,
  PodDisruptionBudget,
};

struct ManifestKindInfo {
  ManifestKind kind;
  const char* name;         // the object's `kind`
  const char* api_version;  // the only `apiVersion` capsim reads it at
  bool namespaced;          // false: cluster-scoped (NodePool, NodeOverlay, EC2NodeClass), no namespace
};

inline constexpr ManifestKindInfo kManifestKinds[] = {
    {ManifestKind::NodePool, "NodePool", "karpenter.sh/v1", false},
    {ManifestKind::NodeOverlay, "NodeOverlay", "karpenter.sh/v1alpha1", false},
    {ManifestKind::EC2NodeClass, "EC2NodeClass", "karpenter.k8s.aws/v1", false},
    {ManifestKind::Deployment, "Deployment", "apps/v1", true},
    {ManifestKind::StatefulSet, "StatefulSet", "apps/v1", true},
    {ManifestKind::HorizontalPodAutoscaler, "HorizontalPodAutoscaler", "autoscaling/v2", true},
    {ManifestKind::ScaledObject, "ScaledObject", "keda.sh/v1alpha1", true},
    {ManifestKind::ResourceQuota, "ResourceQuota", "v1", true},
    {ManifestKind::LimitRange, "LimitRange", "v1", true},
    {ManifestKind::PodDisruptionBudget, "PodDisruptionBudget", "policy/v1", true},
};

const ManifestKindInfo& kind_info(ManifestKind kind);

/// One object of a kind capsim models.
struct ManifestObject {
  ManifestKind kind = ManifestKind::NodePool;
  std::string name;            // metadata.name
  std::string namespace_name;  // metadata.namespace, "default" when left out; "" for cluster-scoped kinds
  nlohmann::json object;       // the whole object (apiVersion, kind, metadata, spec, ...)
  /// Where the object sits in its document: "" for a document's root, "/items/3" for a List's
  /// fourth item. Give it to a decoder as the object's pointer, so its problems' pointers are
  /// from the document's root, as `location` and `in_manifest` expect.
  std::string pointer;
  std::shared_ptr<const ManifestDocument> document;  // shared by a List's items
};

/// A kind capsim does not model, met `count` times: noted once, not an error.
struct UnmodelledKind {
  std::string kind;
  std::string api_version;  // the first object's
  std::size_t count = 0;
  std::string first_at;     // location() of the first
  std::string hint;         // "did you mean 'NodePool'?" for a misspelt modelled kind, or ""
};

struct Manifests {
  std::vector<ManifestObject> objects;      // in file, document and item order
  std::vector<UnmodelledKind> unmodelled;   // in the order first met
};

/// The files to read for each of `files_or_folders`: a file itself (whatever its name); for a
/// folder, every *.yaml, *.yml and *.json directly in it, sorted by name; subfolders are not read
/// (as `kubectl apply -f` without --recursive). A folder without any is a problem.
std::vector<InputFile> manifest_files(const std::vector<InputFile>& files_or_folders, std::vector<Diagnostic>& problems);

/// Every object of `files` (a .json file as JSON, any other as YAML, multi-document), `List` kinds
/// (`List`, `DeploymentList`, ...) expanded into their items. Each object needs string apiVersion
/// and kind; a modelled kind needs its one apiVersion and metadata.name, and each kind, namespace
/// and name once. Every problem of every file is appended to `problems`, not only the first; what
/// could be read is returned.
Manifests read_manifest_files(const std::vector<InputFile>& files, std::vector<Diagnostic>& problems);

/// manifest_files and read_manifest_files; throws ScenarioError with every problem found.
Manifests read_manifests(const std::vector<InputFile>& files_or_folders);

/// One line naming the kinds capsim skipped ("capsim skipped 3 objects of kinds it does not model:
/// 2 ConfigMap, the first at k8s/app.yaml:1:1 (document 0); 1 Service at ..."); "" when none was.
std::string unmodelled_note(const Manifests& manifests);

/// "file:line:col (document N, spec.template.spec.requirements[2].operator)" for `pointer`, from
/// the object's document root (so it starts with object.pointer); the nearest parent with a
/// position gives the line and column when the pointer's own value is not written (a missing key).
std::string location(const ManifestObject& object, const std::string& pointer);

/// A decoder's problem with `object` (reported with the pointer it was given, from object.pointer)
/// placed in the manifest: file, line and column set, the message leading with the document and
/// field path. A problem that already carries a line is returned as is.
Diagnostic in_manifest(const ManifestObject& object, const Diagnostic& decoded);

}  // namespace capsim::io::k8s
