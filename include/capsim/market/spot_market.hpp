#pragma once
// The spot market during one replicate: for every pool, its price over time, how many instances it
// can supply, when pool-level reclaim events happen, and when each launched instance is reclaimed.
// Everything is drawn from the market's substreams keyed by pool (and instance ordinal), so the
// timelines do not depend on how many instances a policy runs (common random numbers).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/cost/price_schedule.hpp"
#include "capsim/market/market_spec.hpp"
#include "capsim/market/spot_advisor.hpp"

namespace capsim {

struct MarketPool {
  Offering offering;
  double hazard_per_h = 0;  // per-instance interruption hazard (0 on-demand)
  std::shared_ptr<const PriceSchedule> prices;
  std::vector<SimTime> event_times;                       // pool-level reclaim events
  std::vector<std::pair<SimTime, SimTime>> shortages;     // [start, end) episodes
  const AvailabilityTrace* availability = nullptr;        // replaces shortages when set
};

class SpotMarket {
 public:
  /// Pools for every (type, zone) of `types` × `zones`, for `capacity` (on-demand or spot), over
  /// [0, horizon). Throws capsim::Error for a spot type without Advisor data or price history.
  SpotMarket(const MarketSpec& spec, const InstanceCatalog& catalog, const SpotAdvisor& advisor, UtcTime start,
             SimTime horizon, std::uint64_t seed, std::uint64_t replicate);

  /// The pool of an offering, created on first use (timelines are drawn from its own streams, so
  /// the order pools are created in does not matter). A reserved offering is one reservation's
  /// (Karpenter makes one offering per reservation): `reservation_id` names it; without one, the
  /// first of the account's reservations of that type and zone, if any.
  std::size_t pool(const std::string& instance_type, const std::string& zone, CapacityType capacity,
                   const std::string& reservation_id = {});
  const MarketPool& at(std::size_t pool) const { return pools_[pool]; }

  /// Instances the pool can supply at `t` in all (running ones included); nullopt: no limit.
  std::optional<int> capacity_at(std::size_t pool, SimTime t) const;
  /// When the instance launched at `launched` as the pool's `ordinal`-th launch is reclaimed by
  /// EC2 (its own hazard or a pool event that hits it), or kTimeMax.
  SimTime reclaim_time(std::size_t pool, std::uint64_t ordinal, SimTime launched) const;
  const MarketSpec& spec() const { return spec_; }

 private:
  const MarketSpec& spec_;
  const InstanceCatalog& catalog_;
  const SpotAdvisor& advisor_;
  UtcTime start_;
  SimTime horizon_;
  std::uint64_t seed_, replicate_;
  double shortages_per_month_ = 0;  // the scenario's, or this replicate's draw
  std::vector<MarketPool> pools_;
  // Where each offering's pool is in `pools_`: pool() is asked for the same offerings over and over
  // (a catalog's worth when Karpenter first prices offerings, a batch task's spot pools at every
  // look), and a scan compared their names pool by pool. Looked up without building a key.
  struct PoolKey {
    std::string_view type, zone;
    CapacityType capacity;
    std::string_view reservation;
  };
  struct OwnedPoolKey {
    std::string type, zone;
    CapacityType capacity;
    std::string reservation;
    PoolKey view() const { return {type, zone, capacity, reservation}; }
  };
  struct PoolKeyLess {
    using is_transparent = void;
    static PoolKey view(const PoolKey& k) { return k; }
    static PoolKey view(const OwnedPoolKey& k) { return k.view(); }
    bool operator()(const auto& a, const auto& b) const {
      const PoolKey x = view(a), y = view(b);
      return std::tie(x.type, x.zone, x.capacity, x.reservation) < std::tie(y.type, y.zone, y.capacity, y.reservation);
    }
  };
  std::map<OwnedPoolKey, std::size_t, PoolKeyLess> index_;

  /// A draw of the uncertain market figure at `pointer` for this replicate (and pool, when named).
  double uncertain(const Distribution& d, const std::string& pointer) const;
};

}  // namespace capsim
