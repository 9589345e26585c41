// Allocation strategies: which pools a launch of N instances goes to, and how many to each.
//
// These are our model of EC2 Fleet / Auto Scaling's documented behaviour. AWS documents what each
// strategy aims for, not the algorithm, so the orderings below are the simplest ones that match the
// documentation (see each comparator).
//
// One heap allocation per call: the result's `launches` vector is reserved once (one entry per pool)
// and used as the scratch index list — (position in `pools`, instances) while ranking and filling,
// rewritten in place to (offering, instances) at the end. Only the chosen pools are fully ranked; the
// rest of the ranking is sorted only when an overflow reaches past the chosen set.
#include "capsim/market/allocation.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

const char* to_string(AllocationStrategy s) {
  switch (s) {
    case AllocationStrategy::LowestPrice: return "lowest-price";
    case AllocationStrategy::CapacityOptimized: return "capacity-optimized";
    case AllocationStrategy::PriceCapacityOptimized: return "price-capacity-optimized";
    case AllocationStrategy::Prioritized: return "prioritized";
  }
  return "?";
}

std::optional<AllocationStrategy> parse_allocation_strategy(std::string_view s) {
  if (s == "lowest-price") return AllocationStrategy::LowestPrice;
  if (s == "capacity-optimized") return AllocationStrategy::CapacityOptimized;
  if (s == "price-capacity-optimized") return AllocationStrategy::PriceCapacityOptimized;
  if (s == "prioritized") return AllocationStrategy::Prioritized;
  return std::nullopt;
}

namespace {

using Slot = std::pair<std::size_t, std::size_t>;  // (position in pools, instances assigned)

// Every ordering ends on the offering index, then on the position in the span (only reached if the
// caller passes the same offering twice), so it is a strict total order and the result deterministic.
struct Order {
  std::span<const PoolState> pools;

  bool tie(const Slot& a, const Slot& b) const {
    const auto& x = pools[a.first];
    const auto& y = pools[b.first];
    if (x.offering != y.offering) return x.offering < y.offering;
    return a.first < b.first;
  }
  // lowest-price: the cheapest pools first.
  bool by_price(const Slot& a, const Slot& b) const {
    const auto& x = pools[a.first];
    const auto& y = pools[b.first];
    if (x.price_usd_per_h != y.price_usd_per_h) return x.price_usd_per_h < y.price_usd_per_h;
    return tie(a, b);
  }
  // capacity-optimized ("launches from the pools with the most available capacity"): the most spare
  // capacity first, then the lowest interruption hazard, then the lowest price.
  bool by_capacity(const Slot& a, const Slot& b) const {
    const auto& x = pools[a.first];
    const auto& y = pools[b.first];
    if (x.spare_capacity != y.spare_capacity) return x.spare_capacity > y.spare_capacity;
    if (x.hazard_per_h != y.hazard_per_h) return x.hazard_per_h < y.hazard_per_h;
    if (x.price_usd_per_h != y.price_usd_per_h) return x.price_usd_per_h < y.price_usd_per_h;
    return tie(a, b);
  }
  // price-capacity-optimized, among the candidate pools: the cheapest first, then capacity rank.
  bool by_price_then_capacity(const Slot& a, const Slot& b) const {
    const auto& x = pools[a.first];
    const auto& y = pools[b.first];
    if (x.price_usd_per_h != y.price_usd_per_h) return x.price_usd_per_h < y.price_usd_per_h;
    return by_capacity(a, b);
  }
  // prioritized: the lowest priority number first, then the cheapest.
  bool by_priority(const Slot& a, const Slot& b) const {
    const auto& x = pools[a.first];
    const auto& y = pools[b.first];
    if (x.priority != y.priority) return x.priority < y.priority;
    if (x.price_usd_per_h != y.price_usd_per_h) return x.price_usd_per_h < y.price_usd_per_h;
    return tie(a, b);
  }
};

using Iter = std::vector<Slot>::iterator;

/// Puts the first `chosen` pools of the strategy's ranking, in ranking order, at the front of
/// [first, last); the rest stay unordered until `rank_rest` (only needed on overflow).
void rank_chosen(AllocationStrategy s, const Order& o, Iter first, Iter chosen, Iter candidates_end, Iter last) {
  switch (s) {
    case AllocationStrategy::LowestPrice:
      std::partial_sort(first, chosen, last, [&](const Slot& a, const Slot& b) { return o.by_price(a, b); });
      return;
    case AllocationStrategy::CapacityOptimized:
      std::partial_sort(first, chosen, last, [&](const Slot& a, const Slot& b) { return o.by_capacity(a, b); });
      return;
    case AllocationStrategy::Prioritized:
      std::partial_sort(first, chosen, last, [&](const Slot& a, const Slot& b) { return o.by_priority(a, b); });
      return;
    case AllocationStrategy::PriceCapacityOptimized:
      // The candidates are the top of the capacity ranking; within them, price decides.
      if (candidates_end != last)
        std::nth_element(first, candidates_end, last, [&](const Slot& a, const Slot& b) { return o.by_capacity(a, b); });
      std::partial_sort(first, chosen, candidates_end, [&](const Slot& a, const Slot& b) { return o.by_price_then_capacity(a, b); });
      return;
  }
}

/// Orders [chosen, last) as the rest of the ranking (after `rank_chosen`).
void rank_rest(AllocationStrategy s, const Order& o, Iter chosen, Iter candidates_end, Iter last) {
  switch (s) {
    case AllocationStrategy::LowestPrice:
      std::sort(chosen, last, [&](const Slot& a, const Slot& b) { return o.by_price(a, b); });
      return;
    case AllocationStrategy::CapacityOptimized:
      std::sort(chosen, last, [&](const Slot& a, const Slot& b) { return o.by_capacity(a, b); });
      return;
    case AllocationStrategy::Prioritized:
      std::sort(chosen, last, [&](const Slot& a, const Slot& b) { return o.by_priority(a, b); });
      return;
    case AllocationStrategy::PriceCapacityOptimized:
      // The remaining candidates by price, then the non-candidates by capacity.
      std::sort(chosen, candidates_end, [&](const Slot& a, const Slot& b) { return o.by_price_then_capacity(a, b); });
      std::sort(candidates_end, last, [&](const Slot& a, const Slot& b) { return o.by_capacity(a, b); });
      return;
  }
}

}  // namespace

// Diversification over the chosen set (the first k = min(max(max_pools, 1), usable) pools of the
// ranking): `count` is spread as evenly as the pools' spare capacity allows (water-filling). Each
// round gives every pool not yet capped an even share, the first pools in ranking order taking the
// remainder; a pool whose whole spare capacity (floored) is below its share is capped at it, and the
// round repeats with what it could not take spread over the remaining pools. When every chosen pool is
// full, the rest goes to further pools down the ranking, each filled to its capacity in order; what is
// still left is `unfulfilled`.
Allocation allocate(const AllocationRequest& request, std::span<const PoolState> pools) {
  Allocation out;
  const std::size_t count = request.count;
  if (count == 0) return out;

  // Usable pools: at least one whole instance of spare capacity and a price/hazard that can be
  // ordered (NaN would break the sort's ordering).
  auto& v = out.launches;
  v.reserve(pools.size());
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const auto& p = pools[i];
    if (p.spare_capacity >= 1 && !std::isnan(p.price_usd_per_h) && !std::isnan(p.hazard_per_h)) v.emplace_back(i, 0);
  }
  const std::size_t n = v.size();
  if (n == 0) {
    out.unfulfilled = count;
    return out;
  }

  const std::size_t k = std::min(std::max<std::size_t>(request.max_pools, 1), n);
  // price-capacity-optimized: AWS's default for spot "identifies the pools with the highest capacity
  // availability, then requests from the lowest-priced of these". AWS does not publish the size of
  // that set; we take the top max(k, ceil(n/2)) of the capacity-optimized ranking.
  const std::size_t candidates = request.strategy == AllocationStrategy::PriceCapacityOptimized ? std::max(k, (n + 1) / 2) : k;

  const Order order{pools};
  const Iter first = v.begin();
  const Iter chosen = first + static_cast<std::ptrdiff_t>(k);
  const Iter candidates_end = first + static_cast<std::ptrdiff_t>(candidates);
  rank_chosen(request.strategy, order, first, chosen, candidates_end, v.end());

  // Whole instances a pool can take; never more than the request (so an "unlimited" 1e300 fits).
  const auto cap = [&](const Slot& s) {
    const double spare = pools[s.first].spare_capacity;
    return spare >= static_cast<double>(count) ? count : static_cast<std::size_t>(std::floor(spare));
  };

  // Water-filling over the chosen set. A slot's `second` is 0 until it is capped (cap >= 1) or given
  // its final share.
  std::size_t remaining = count;
  std::size_t open = k;
  for (bool capped = true; capped && open > 0;) {
    capped = false;
    const std::size_t base = remaining / open;
    const std::size_t extra = remaining % open;
    std::size_t pos = 0;
    for (Iter it = first; it != chosen; ++it) {
      if (it->second != 0) continue;
      const std::size_t share = base + (pos++ < extra ? 1 : 0);
      const std::size_t c = cap(*it);
      if (c < share) {
        it->second = c;
        remaining -= c;
        --open;
        capped = true;
      }
    }
  }
  if (open > 0) {
    // Every open pool can take its share: hand them out and the request is met.
    const std::size_t base = remaining / open;
    const std::size_t extra = remaining % open;
    std::size_t pos = 0;
    for (Iter it = first; it != chosen; ++it)
      if (it->second == 0) it->second = base + (pos++ < extra ? 1 : 0);
    remaining = 0;
  }

  Iter used_end = chosen;
  if (remaining > 0 && chosen != v.end()) {
    rank_rest(request.strategy, order, chosen, candidates_end, v.end());
    for (Iter it = chosen; it != v.end() && remaining > 0; ++it) {
      it->second = std::min(cap(*it), remaining);
      remaining -= it->second;
      used_end = it + 1;
    }
  }
  out.unfulfilled = remaining;

  // Rewrite in place to (offering, instances), dropping pools that got nothing.
  std::size_t w = 0;
  for (Iter it = first; it != used_end; ++it)
    if (it->second > 0) v[w++] = {pools[it->first].offering, it->second};
  v.resize(w);
  return out;
}

}  // namespace capsim
