#include "capsim/provisioning/karpenter/consolidation.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace capsim {

namespace {

// Keeps the replacement's types priced strictly below `max_price` (filterByPrice), cheapest first.
void keep_cheaper(PlannedNodeClaim& claim, double max_price) {
  std::vector<std::string> types;
  std::vector<double> prices;
  for (std::size_t i = 0; i < claim.instance_types.size(); ++i)
    if (claim.instance_type_prices[i] < max_price) {
      types.push_back(claim.instance_types[i]);
      prices.push_back(claim.instance_type_prices[i]);
    }
  claim.instance_types = std::move(types);
  claim.instance_type_prices = std::move(prices);
  if (!claim.instance_type_prices.empty()) claim.cheapest_price_usd_per_h = claim.instance_type_prices.front();
}

ConsolidationCommand none(std::string reason) {
  ConsolidationCommand c;
  c.reason = std::move(reason);
  return c;
}

// Replacing several nodes by one of a type among them only makes sense when it is cheaper than the
// cheapest candidate of that type; otherwise deleting the others is the same result with fewer pods
// moved (multinodeconsolidation.go filterOutSameType).
void filter_out_same_type(PlannedNodeClaim& claim, const std::vector<ConsolidationCandidate>& set) {
  std::map<std::string, double> price_by_type;
  for (const auto& c : set) {
    auto [it, fresh] = price_by_type.emplace(c.instance_type, c.price_usd_per_h);
    if (!fresh) it->second = std::min(it->second, c.price_usd_per_h);
  }
  double max_price = std::numeric_limits<double>::max();
  for (const auto& t : claim.instance_types)
    if (auto it = price_by_type.find(t); it != price_by_type.end()) max_price = std::min(max_price, it->second);
  keep_cheaper(claim, max_price);
}

bool by_disruption_cost(const ConsolidationCandidate& a, const ConsolidationCandidate& b) { return a.disruption_cost < b.disruption_cost; }

}  // namespace

ConsolidationCommand compute_consolidation(const std::vector<ConsolidationCandidate>& candidates, const ClusterView& view,
                                           const ConsolidationSettings& settings) {
  std::vector<const PodSpec*> pods;
  std::set<std::string> leaving;
  double price = 0;
  bool all_spot = true;
  for (const auto& c : candidates) {
    for (const PodSpec& pod : c.pods) pods.push_back(&pod);
    leaving.insert(c.node);
    price += c.price_usd_per_h;
    all_spot = all_spot && c.capacity_type == CapacityType::Spot;
  }
  std::vector<const ExistingNode*> others;
  for (const auto& n : *view.nodes)
    if (!leaving.count(n.name)) others.push_back(&n);
  const SchedulingResult sim = schedule(pods, *view.pools, others, *view.snapshot, false);
  if (!sim.unschedulable.empty())
    return none(fmt::format("pod {} would not schedule: {}", sim.unschedulable.front().pod, sim.unschedulable.front().reason));

  ConsolidationCommand cmd;
  for (const auto& c : candidates) cmd.candidates.push_back(c.node);
  cmd.candidates_price_usd_per_h = price;
  if (sim.claims.empty()) {
    cmd.action = ConsolidationAction::Delete;
    return cmd;
  }
  if (sim.claims.size() != 1) return none(fmt::format("Can't remove without creating {} candidates", sim.claims.size()));
  PlannedNodeClaim claim = sim.claims.front();
  const bool spot_to_spot = all_spot && claim.capacity_type == CapacityType::Spot;
  if (spot_to_spot && !settings.spot_to_spot) return none("SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node");
  keep_cheaper(claim, price);
  if (claim.instance_types.empty()) return none("Can't replace with a cheaper node");
  if (spot_to_spot && candidates.size() == 1) {
    // With 15 cheaper types the candidate is not among the 15 cheapest, and launching only those 15
    // keeps the next round from replacing the replacement.
    if (claim.instance_types.size() < karpenter::kMinTypesForSpotToSpot)
      return none(fmt::format("SpotToSpotConsolidation requires {} cheaper instance type options than the current candidate to "
                              "consolidate, got {}",
                              karpenter::kMinTypesForSpotToSpot, claim.instance_types.size()));
    claim.instance_types.resize(karpenter::kMinTypesForSpotToSpot);
    claim.instance_type_prices.resize(karpenter::kMinTypesForSpotToSpot);
  }
  cmd.action = ConsolidationAction::Replace;
  cmd.replacement = std::move(claim);
  return cmd;
}

ConsolidationCommand multi_node_consolidation(std::vector<ConsolidationCandidate> candidates, std::map<std::string, int> allowed,
                                              const ClusterView& view, const ConsolidationSettings& settings) {
  std::stable_sort(candidates.begin(), candidates.end(), by_disruption_cost);
  std::vector<ConsolidationCandidate> eligible;
  for (auto& c : candidates) {
    auto it = allowed.find(c.node_pool);
    if (it != allowed.end()) {
      if (it->second <= 0) continue;
      --it->second;
    }
    eligible.push_back(std::move(c));
  }
  // At least two nodes (one is single-node consolidation's job), at most the first 101 as Karpenter's
  // bounds give it.
  if (eligible.size() < 2) return none("");
  int lo = 1;
  int hi = static_cast<int>(std::min(eligible.size(), karpenter::kMaxMultiNodeCandidates));
  if (eligible.size() <= karpenter::kMaxMultiNodeCandidates) hi = static_cast<int>(eligible.size()) - 1;
  ConsolidationCommand best = none("");
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    const std::vector<ConsolidationCandidate> set(eligible.begin(), eligible.begin() + mid + 1);
    ConsolidationCommand cmd = compute_consolidation(set, view, settings);
    bool ok = cmd.action == ConsolidationAction::Delete;
    if (cmd.action == ConsolidationAction::Replace) {
      filter_out_same_type(*cmd.replacement, set);
      ok = !cmd.replacement->instance_types.empty();
    }
    if (ok) {
      best = std::move(cmd);
      best.method = "multi-node";
      lo = mid + 1;
    } else {
      if (best.action == ConsolidationAction::None) best.reason = cmd.reason;
      hi = mid - 1;
    }
  }
  return best;
}

ConsolidationCommand single_node_consolidation(std::vector<ConsolidationCandidate> candidates, const std::map<std::string, int>& allowed,
                                               const ClusterView& view, const ConsolidationSettings& settings) {
  std::stable_sort(candidates.begin(), candidates.end(), by_disruption_cost);
  ConsolidationCommand last = none("");
  for (const auto& c : candidates) {
    if (auto it = allowed.find(c.node_pool); it != allowed.end() && it->second <= 0) continue;
    // An empty node left here was held back by an Empty budget; consolidation does not take it.
    if (c.pods.empty()) continue;
    ConsolidationCommand cmd = compute_consolidation({c}, view, settings);
    if (cmd.action != ConsolidationAction::None) {
      cmd.method = "single-node";
      return cmd;
    }
    last = std::move(cmd);
    last.reason = fmt::format("node {}: {}", c.node, last.reason);
  }
  return last;
}

}  // namespace capsim
