#include "capsim/catalog/offering.hpp"

namespace capsim {

const char* to_string(CapacityType c) {
  switch (c) {
    case CapacityType::OnDemand: return "on-demand";
    case CapacityType::Spot: return "spot";
    case CapacityType::Reserved: return "reserved";
  }
  return "?";
}

std::optional<CapacityType> parse_capacity_type(std::string_view s) {
  if (s == "on-demand") return CapacityType::OnDemand;
  if (s == "spot") return CapacityType::Spot;
  if (s == "reserved") return CapacityType::Reserved;
  return std::nullopt;
}

std::string Offering::pool() const { return instance_type + "/" + zone + "/" + to_string(capacity_type); }

}  // namespace capsim
