#pragma once
// Internal to io/: a policy's choices from Kubernetes manifests. The manifests are written into the
// policy's scenario document (after its patches), where the scenario loader reads them as it reads
// choices written in JSON, so a policy from manifests and its JSON twin are the same policy:
//   - NodePools become cluster.node_pools (the provisioner becomes karpenter), NodeOverlays
//     cluster.node_overlays;
//   - a service naming a workload (`services[].workload: "Deployment/chat"`) takes its pods from
//     it: the pod template (the namespace's LimitRange defaults applied) as replica.pod_template,
//     spec.replicas as replicas, the namespace as namespace;
//   - an HPA or a KEDA ScaledObject of a bound workload becomes cluster.hpa or cluster.keda of its
//     service, a ResourceQuota cluster.resource_quotas of its namespace.
// Every object is decoded first, so its problems are reported in its file (line, column, document,
// field path); a value the loader then finds wrong is placed back in the manifest it came from.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/json/json_checker.hpp"
#include "io/k8s/manifest_reader.hpp"

namespace capsim::io::k8s {

/// A value of the policy's document that a manifest wrote.
struct ManifestRegion {
  std::string document_pointer;  // in the policy's document: "/cluster/node_pools/0"
  std::size_t object = 0;        // index into Manifests::objects
  std::string object_pointer;    // from the object's document root: its pointer + "/spec/template"
  std::shared_ptr<const Manifests> source;  // the object's manifests when not the overlay's (a change's)
};

struct ManifestOverlay {
  std::shared_ptr<const Manifests> manifests;
  std::vector<ManifestRegion> regions;
  std::vector<std::string> notes;  // what was read past or is not simulated, for the run's warnings

  /// A problem the loader found at a pointer of the document a manifest wrote, placed in that
  /// manifest (file:line:column, document, field path); nullopt for any other problem.
  std::optional<Diagnostic> place(const Diagnostic& problem) const;
};

/// Writes the choices `manifests` make into `doc` (a policy's scenario document). Problems with the
/// manifests go to `problems`, placed in their files; problems with the document (a service's
/// workload that no manifest holds) are reported through `scenario` at the document's pointers.
/// `traces`: the scenario's trace names, which External metrics and KEDA triggers may read.
ManifestOverlay apply_manifests(nlohmann::json& doc, std::shared_ptr<const Manifests> manifests, const std::set<std::string>& traces,
                                detail::Checker& scenario, std::vector<Diagnostic>& problems);

}  // namespace capsim::io::k8s
