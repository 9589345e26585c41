#pragma once
// Karpenter's drift (kubernetes-sigs/karpenter: the NodeClaim disruption controller marks a NodeClaim
// Drifted; the disruption controller's Drift method replaces it). A node drifts when its NodePool
// changes under it:
// - static drift: the NodePool's hash of spec.template (labels, annotations, taints, nodeClassRef,
//   expireAfter; KarpenterNodePool::template_hash) differs from the one the node was launched under;
// - requirement drift: the NodePool's requirements no longer admit the node's labels (its type, zone,
//   capacity type, ...). Requirements are not hashed, so a change that still admits the node (a
//   relaxed requirement) does not drift it.
// Behavioural fields (weight, limits, disruption) never drift a node. Then the cloud provider's drift
// (karpenter-provider-aws), when a change edits the EC2NodeClass the NodePool names:
// - node-class drift: the class's static hash (its spec less the selector terms) changed;
// - AMI / subnet / security-group drift: Karpenter compares the instance's AMI, subnet and security
//   groups with what the class's selector terms resolve to now; capsim resolves nothing, so it takes
//   a change of amiSelectorTerms, subnetSelectorTerms or securityGroupSelectorTerms as a change of
//   what they resolve to (the loader says so in a warning);
// - capacity-reservation drift: the node runs in a reservation the class no longer selects.
//
// The Drift method, tried after emptiness and before consolidation: drifted nodes oldest drift
// first; an empty one is left to emptiness; one whose NodePool's Drifted budget is spent is skipped;
// the first whose pods the scheduling simulation places — on the other nodes (the node is deleted)
// or on one new node from the NodePools as they now are (it is replaced: the new node is launched,
// and the drifted one drained once it is ready) — is taken, one node per command. The replacement
// need not be cheaper. Karpenter launches as many new nodes as the pods need; capsim launches at most
// one, and a node whose pods would need more is skipped with that reason.
#include <map>
#include <string>
#include <vector>

#include "capsim/catalog/labels.hpp"
#include "capsim/provisioning/karpenter/consolidation.hpp"
#include "capsim/provisioning/karpenter/spec.hpp"

namespace capsim {

enum class DriftKind { None, Static, Requirements, NodeClass, NodeClassTerms, CapacityReservation };

/// How a node launched under NodePool `launched` stands against the NodePool `now`, its labels being
/// `node_labels`: in Karpenter's order, the NodePool's static drift, its requirements, then the
/// EC2NodeClass's static hash, its selector terms and the node's capacity reservation.
DriftKind drift_of(const KarpenterNodePool& launched, const KarpenterNodePool& now, const Labels& node_labels);

/// The Drift method's command over `candidates` (drifted, in the order they drifted), with `allowed`
/// Drifted disruptions left per NodePool (a missing name is unlimited). Sets `constrained` when a
/// budget held a candidate back. The command's method is "drift".
ConsolidationCommand compute_drift(const std::vector<ConsolidationCandidate>& candidates, const std::map<std::string, int>& allowed,
                                   const ClusterView& view, bool& constrained);

}  // namespace capsim
