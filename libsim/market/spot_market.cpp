#include "capsim/market/spot_market.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "capsim/core/distributions.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"

namespace capsim {

namespace {
constexpr double kMicrosPerMonth = kHoursPerMonth * 3600.0 * 1e6;

// Event times of a Poisson process with `per_month` events a month over [0, horizon).
std::vector<SimTime> poisson_times(Rng& rng, double per_month, SimTime horizon) {
  std::vector<SimTime> out;
  if (!(per_month > 0)) return out;
  const double mean_gap_us = kMicrosPerMonth / per_month;
  double t = sample_exponential(rng, mean_gap_us);
  while (t < static_cast<double>(horizon)) {
    out.push_back(static_cast<SimTime>(t));
    t += sample_exponential(rng, mean_gap_us);
  }
  return out;
}
}  // namespace

SpotMarket::SpotMarket(const MarketSpec& spec, const InstanceCatalog& catalog, const SpotAdvisor& advisor, UtcTime start,
                       SimTime horizon, std::uint64_t seed, std::uint64_t replicate)
    : spec_(spec), catalog_(catalog), advisor_(advisor), start_(start), horizon_(horizon), seed_(seed), replicate_(replicate) {
  shortages_per_month_ = spec_.uncertainty.shortages_per_month ? uncertain(*spec_.uncertainty.shortages_per_month, "/uncertainty/shortages_per_month")
                                                                : spec_.shortages.per_month;
}

double SpotMarket::uncertain(const Distribution& d, const std::string& pointer) const {
  Rng rng = make_stream({seed_, replicate_, stream::kUncertainty, pointer, 0});
  return d.sample(rng);
}

std::size_t SpotMarket::pool(const std::string& type, const std::string& zone, CapacityType capacity, const std::string& reservation_id) {
  if (capacity == CapacityType::Reserved && reservation_id.empty())
    for (const CapacityReservation& r : spec_.capacity_reservations)
      if (r.instance_type == type && r.zone == zone) return pool(type, zone, capacity, r.id);
  if (capacity != CapacityType::Reserved && !reservation_id.empty())
    throw Error(fmt::format("pool {}/{}/{}: a reservation id ('{}') names a reserved pool only", type, zone, to_string(capacity), reservation_id));
  if (auto it = index_.find(PoolKey{type, zone, capacity, reservation_id}); it != index_.end()) return it->second;
  const InstanceType& t = catalog_.at(type);
  MarketPool p;
  p.offering.instance_type = type;
  p.offering.zone = zone;
  p.offering.capacity_type = capacity;
  const std::string name = p.offering.pool();
  if (capacity == CapacityType::Spot) {
    auto advice = advisor_.find(type);
    const SpotPriceSeries* history = nullptr;
    for (const auto& s : spec_.spot_price_history)
      if (s.instance_type == type && s.zone == zone) history = &s;
    if (!advice && !history)
      throw Error(fmt::format("spot pool {}: no Spot Instance Advisor data and no price history for {}; give its price "
                              "history or use on-demand",
                              name, type));
    const auto bucket = spec_.interruption_buckets.find(type);
    // No Advisor bucket: the top bucket, so the gap errs toward interruptions.
    std::size_t b = 4;
    if (bucket != spec_.interruption_buckets.end() || advice) {
      p.offering.interruption_bucket = bucket != spec_.interruption_buckets.end() ? bucket->second : advice->bucket;
      b = static_cast<std::size_t>(p.offering.interruption_bucket);
    }
    double monthly = spec_.monthly_interruption_by_bucket[b];
    if (spec_.uncertainty.interruption_rate_in_bucket) {
      // Anywhere in the bucket's published range, the same for every policy's pool of this replicate.
      const double hi = b < kBucketUpperRate.size() ? kBucketUpperRate[b] : spec_.uncertainty.top_bucket_max_rate;
      const Distribution within{Distribution::Uniform{kBucketLowerRate[b], hi}};
      monthly = uncertain(within, "/uncertainty/interruption_rate_in_bucket/" + name);
    }
    p.hazard_per_h = hazard_per_hour(monthly);
    if (history) {
      // In simulated time: the price in force at the start, then every later change.
      PriceSchedule s{{0}, {history->price_at(start_)}};
      for (const auto& step : history->steps) {
        const SimTime at = (step.at - start_).count();
        if (at > 0) {
          s.at.push_back(at);
          s.usd_per_h.push_back(step.price_usd_per_h);
        }
      }
      p.prices = std::make_shared<PriceSchedule>(std::move(s));
    } else {
      p.prices = std::make_shared<PriceSchedule>(PriceSchedule::constant(t.ondemand_usd_per_h * (1.0 - advice->savings_pct / 100.0)));
    }
    if (spec_.uncertainty.spot_price_factor) {
      // The pool's prices moved by one factor; a spot price above on-demand is capped there, where
      // EC2's default maximum price (the on-demand price) would stop the instance anyway.
      const double f = uncertain(*spec_.uncertainty.spot_price_factor, "/uncertainty/spot_price_factor/" + name);
      PriceSchedule moved = *p.prices;
      for (double& usd : moved.usd_per_h) usd = std::min(usd * f, t.ondemand_usd_per_h);
      p.prices = std::make_shared<PriceSchedule>(std::move(moved));
    }
    p.offering.capacity = spec_.spot_pool_capacity;
    Rng events = make_stream({seed_, replicate_, stream::kPoolEvents, name, 0});
    p.event_times = poisson_times(events, spec_.pool_events.per_month, horizon_);
    for (const auto& a : spec_.availability)
      if (a.instance_type == type && a.zone == zone) p.availability = &a.trace;
    if (!p.availability && shortages_per_month_ > 0) {
      Rng sh = make_stream({seed_, replicate_, stream::kCapacityShortages, name, 0});
      for (SimTime s : poisson_times(sh, shortages_per_month_, horizon_)) {
        const double d = spec_.shortages.duration_s ? spec_.shortages.duration_s->sample(sh) : 0.0;
        p.shortages.emplace_back(s, s + seconds(d));
      }
    }
  } else if (capacity == CapacityType::Reserved) {
    // An On-Demand Capacity Reservation is paid for as a whole (see FleetController); an instance
    // running in it adds nothing.
    p.prices = std::make_shared<PriceSchedule>(PriceSchedule::constant(0.0));
    // The account's reservation it is (a reserved pool without one, as a node group's may be, has none).
    for (const CapacityReservation& r : spec_.capacity_reservations)
      if (r.id == reservation_id && r.instance_type == type && r.zone == zone) {
        p.offering.reservation_id = r.id;
        p.offering.reservation_type = to_string(r.type);
      }
    if (!reservation_id.empty() && p.offering.reservation_id.empty())
      throw Error(fmt::format("pool {}/{}/reserved: no capacity reservation '{}' of that type and zone", type, zone, reservation_id));
  } else {
    p.prices = std::make_shared<PriceSchedule>(PriceSchedule::constant(t.ondemand_usd_per_h));
  }
  p.offering.price_usd_per_h = p.prices->price_at(0);
  pools_.push_back(std::move(p));
  index_.emplace(OwnedPoolKey{type, zone, capacity, reservation_id}, pools_.size() - 1);
  return pools_.size() - 1;
}

std::optional<int> SpotMarket::capacity_at(std::size_t pool, SimTime t) const {
  const MarketPool& p = pools_[pool];
  // A reserved pool of the account's reservation holds its instance count while it is offered.
  if (p.offering.capacity_type == CapacityType::Reserved && !p.offering.reservation_id.empty())
    for (const CapacityReservation& r : spec_.capacity_reservations)
      if (r.id == p.offering.reservation_id) return reservation_offered_at(r, t) ? r.instance_count : 0;
  std::optional<int> cap = p.offering.capacity;
  auto limit = [&](int c) { cap = cap ? std::min(*cap, c) : c; };
  if (p.availability) {
    const int c = p.availability->capacity_at(t);
    if (c >= 0) limit(c);
  }
  for (const auto& [s, e] : p.shortages)
    if (t >= s && t < e) limit(spec_.shortages.remaining_capacity);
  return cap;
}

SimTime SpotMarket::reclaim_time(std::size_t pool, std::uint64_t ordinal, SimTime launched) const {
  const MarketPool& p = pools_[pool];
  if (p.offering.capacity_type != CapacityType::Spot) return kTimeMax;
  const std::string name = p.offering.pool();
  SimTime when = kTimeMax;
  if (p.hazard_per_h > 0) {
    Rng own = make_stream({seed_, replicate_, stream::kSpotInterruption, name, ordinal});
    when = launched + static_cast<SimTime>(sample_exponential(own, 3.6e9 / p.hazard_per_h));
  }
  // The first pool event after launch that hits this instance (each event decides per instance).
  for (std::size_t e = 0; e < p.event_times.size(); ++e) {
    const SimTime t = p.event_times[e];
    if (t <= launched || t >= when) continue;
    Rng hit = make_stream({seed_, replicate_, stream::kPoolEventHit, name, (static_cast<std::uint64_t>(e) << 32) | ordinal});
    if (sample_bernoulli(hit, spec_.pool_events.fraction)) {
      when = t;
      break;
    }
  }
  return when;
}

}  // namespace capsim
