#pragma once
// An offering: one instance type in one zone with one capacity type (what Karpenter and EC2 Fleet
// choose among), with its price, how many instances its pool can supply, and whether it is available.
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

enum class CapacityType { OnDemand, Spot, Reserved };

/// "on-demand", "spot", "reserved" (Karpenter's karpenter.sh/capacity-type values).
const char* to_string(CapacityType c);
std::optional<CapacityType> parse_capacity_type(std::string_view s);

struct Offering {
  std::string instance_type;
  std::string zone;  // "us-east-1a"
  CapacityType capacity_type = CapacityType::OnDemand;
  double price_usd_per_h = 0;   // the price now (spot prices move; see market/spot_prices.hpp)
  std::optional<int> capacity;  // instances the pool can supply at once; nullopt: no limit
  bool available = true;
  int interruption_bucket = -1;  // spot: the Spot Instance Advisor bucket 0-4; -1: unknown or not spot
  std::string reservation_id;    // reserved: the capacity reservation it launches into ("cr-..."); else ""
  std::string reservation_type;  // reserved: "default" (an ODCR) or "capacity-block"; else ""

  /// "g5.xlarge/us-east-1a/spot": the pool's name in messages and stream keys.
  std::string pool() const;
};

}  // namespace capsim
