#include "capsim/market/capacity_reservation.hpp"

namespace capsim {

const char* to_string(ReservationType t) { return t == ReservationType::CapacityBlock ? "capacity-block" : "default"; }

std::optional<ReservationType> parse_reservation_type(std::string_view s) {
  if (s == "default") return ReservationType::Default;
  if (s == "capacity-block") return ReservationType::CapacityBlock;
  return std::nullopt;
}

bool selects(const CapacityReservationTerm& term, const CapacityReservation& r) {
  if (term.id) return *term.id == r.id;
  if (!term.owner_id.empty() && term.owner_id != r.owner_id) return false;
  for (const auto& [k, v] : term.tags) {
    auto it = r.tags.find(k);
    if (it == r.tags.end() || it->second != v) return false;
  }
  return true;
}

bool reservation_offered_at(const CapacityReservation& r, SimTime t) {
  if (t < r.begins) return false;
  if (!r.ends) return true;
  const SimTime stop = r.type == ReservationType::CapacityBlock ? *r.ends - kCapacityBlockDrainLead : *r.ends;
  return t < stop;
}

}  // namespace capsim
