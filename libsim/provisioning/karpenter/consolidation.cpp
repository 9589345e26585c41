#include "capsim/provisioning/karpenter/consolidation.hpp"

#include <algorithm>
#include <cmath>
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

// The minValues a replacement must still meet once its types are cut (cheaper ones only, same types
// out, spot-to-spot's cheapest), as RemoveInstanceTypeOptionsByPriceAndMinValues checks them: its
// NodePool's, or under BestEffort as the claim had them relaxed (no more than the distinct values its
// types had before the cut).
std::vector<MinValues> min_values_floor(const PlannedNodeClaim& claim, const ClusterView& view) {
  auto pool = std::find_if(view.pools->begin(), view.pools->end(), [&](const NodePoolSpec& p) { return p.name == claim.node_pool; });
  if (pool == view.pools->end()) return {};
  std::vector<MinValues> floor = pool->min_values;
  if (pool->min_values_policy == MinValuesPolicy::BestEffort)
    for (MinValues& mv : floor) mv.min = std::min(mv.min, distinct_values(mv.key, claim.instance_types, *view.snapshot));
  return floor;
}

// How many of the claim's cheapest types meet `floor` (all of them when they never do).
std::size_t types_to_meet(const std::vector<MinValues>& floor, const PlannedNodeClaim& claim, const SchedulingSnapshot& snapshot) {
  for (std::size_t n = 1; n <= claim.instance_types.size(); ++n) {
    const std::vector<std::string> prefix(claim.instance_types.begin(), claim.instance_types.begin() + static_cast<std::ptrdiff_t>(n));
    if (min_values_unmet(floor, prefix, snapshot).empty()) return n;
  }
  return claim.instance_types.size();
}

bool by_disruption_cost(const ConsolidationCandidate& a, const ConsolidationCandidate& b) { return a.disruption_cost < b.disruption_cost; }

// Balanced's gate on a command found for `set`: scores it (when a NodePool of the set is Balanced),
// keeps the score, and says whether the move may go ahead.
bool balanced_approves(ConsolidationCommand& cmd, const std::vector<ConsolidationCandidate>& set, const ConsolidationSettings& settings,
                       const char* method, std::vector<MoveScore>& scores) {
  const double replacement = cmd.action == ConsolidationAction::Replace ? cmd.replacement->instance_type_prices.front() : 0.0;
  std::optional<MoveScore> score = score_move(set, replacement, settings);
  if (!score) return true;
  score->method = method;
  scores.push_back(*score);
  if (score->approved) return true;
  cmd.action = ConsolidationAction::None;
  cmd.replacement.reset();
  cmd.reason = fmt::format("Balanced: score {:.3f} < threshold {:.3f} (savings {:.1f}%, disruption {:.1f}%)", score->score, score->threshold,
                           100 * score->savings_fraction, 100 * score->disruption_fraction);
  return false;
}

}  // namespace

std::optional<MoveScore> score_move(const std::vector<ConsolidationCandidate>& set, double replacement_price_usd_per_h,
                                    const ConsolidationSettings& settings) {
  if (settings.pools.empty()) return std::nullopt;
  std::set<std::string> pools;
  double k = std::numeric_limits<double>::infinity();
  MoveScore s;
  double price = 0;
  for (const auto& c : set) {
    auto it = settings.pools.find(c.node_pool);
    if (it == settings.pools.end()) continue;
    if (it->second.balanced) k = std::min(k, it->second.k);
    pools.insert(c.node_pool);
    price += c.price_usd_per_h;
    s.disruption_cost += 1.0 + static_cast<double>(c.pods.size());
    s.candidates.push_back(c.node);
  }
  if (!std::isfinite(k)) return std::nullopt;
  double pool_cost = 0, pool_disruption = 0;
  for (const auto& name : pools) {
    pool_cost += settings.pools.at(name).cost_usd_per_h;
    pool_disruption += settings.pools.at(name).disruption_cost;
  }
  s.savings_usd_per_h = price - replacement_price_usd_per_h;
  s.threshold = 1.0 / k;
  // Nothing saved (or a pool that costs nothing) scores 0, refused at any k.
  if (s.savings_usd_per_h > 0 && pool_cost > 0 && pool_disruption > 0) {
    s.savings_fraction = s.savings_usd_per_h / pool_cost;
    s.disruption_fraction = s.disruption_cost / pool_disruption;
    s.score = s.savings_fraction / s.disruption_fraction;
  }
  s.approved = s.score > 0 && s.score >= s.threshold;
  return s;
}

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
  const std::vector<MinValues> floor = min_values_floor(claim, view);
  keep_cheaper(claim, price);
  if (claim.instance_types.empty()) return none("Can't replace with a cheaper node");
  if (std::string why = min_values_unmet(floor, claim.instance_types, *view.snapshot); !why.empty())
    return none("Filtering by price: " + why + " among the cheaper types");
  if (spot_to_spot && candidates.size() == 1) {
    // With 15 cheaper types the candidate is not among the 15 cheapest, and launching only those 15
    // keeps the next round from replacing the replacement.
    if (claim.instance_types.size() < karpenter::kMinTypesForSpotToSpot)
      return none(fmt::format("SpotToSpotConsolidation requires {} cheaper instance type options than the current candidate to "
                              "consolidate, got {}",
                              karpenter::kMinTypesForSpotToSpot, claim.instance_types.size()));
    // ...or as many of the cheapest as its minValues need, if more (consolidation.go).
    const std::size_t keep = std::max(karpenter::kMinTypesForSpotToSpot, types_to_meet(floor, claim, *view.snapshot));
    claim.instance_types.resize(std::min(keep, claim.instance_types.size()));
    claim.instance_type_prices.resize(claim.instance_types.size());
  }
  cmd.action = ConsolidationAction::Replace;
  cmd.replacement = std::move(claim);
  cmd.min_values_floor = floor;
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
  std::vector<MoveScore> scores;
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    const std::vector<ConsolidationCandidate> set(eligible.begin(), eligible.begin() + mid + 1);
    ConsolidationCommand cmd = compute_consolidation(set, view, settings);
    bool ok = cmd.action == ConsolidationAction::Delete;
    if (cmd.action == ConsolidationAction::Replace) {
      filter_out_same_type(*cmd.replacement, set);
      ok = !cmd.replacement->instance_types.empty() && min_values_unmet(cmd.min_values_floor, cmd.replacement->instance_types, *view.snapshot).empty();
    }
    if (ok) ok = balanced_approves(cmd, set, settings, "multi-node", scores);
    if (ok) {
      best = std::move(cmd);
      best.method = "multi-node";
      lo = mid + 1;
    } else {
      if (best.action == ConsolidationAction::None) best.reason = cmd.reason;
      hi = mid - 1;
    }
  }
  best.scores = std::move(scores);
  return best;
}

ConsolidationCommand single_node_consolidation(std::vector<ConsolidationCandidate> candidates, const std::map<std::string, int>& allowed,
                                               const ClusterView& view, const ConsolidationSettings& settings) {
  std::stable_sort(candidates.begin(), candidates.end(), by_disruption_cost);
  ConsolidationCommand last = none("");
  std::vector<MoveScore> scores;
  for (const auto& c : candidates) {
    if (auto it = allowed.find(c.node_pool); it != allowed.end() && it->second <= 0) continue;
    // An empty node left here was held back by an Empty budget; consolidation does not take it.
    if (c.pods.empty()) continue;
    ConsolidationCommand cmd = compute_consolidation({c}, view, settings);
    if (cmd.action != ConsolidationAction::None && balanced_approves(cmd, {c}, settings, "single-node", scores)) {
      cmd.method = "single-node";
      cmd.scores = std::move(scores);
      return cmd;
    }
    last = std::move(cmd);
    last.reason = fmt::format("node {}: {}", c.node, last.reason);
  }
  last.scores = std::move(scores);
  return last;
}

}  // namespace capsim
