#pragma once
// EC2 capacity reservations the account holds (part of the world: every policy pays for them): On-Demand
// Capacity Reservations (ODCRs, reservation type "default") and Capacity Blocks for ML ("capacity-block"),
// as ec2:DescribeCapacityReservations gives them (id, instance type, zone, instance count, owner, tags,
// start and end). Karpenter (v1.3+ for ODCRs, v1.6+ for Capacity Blocks) selects them with an
// EC2NodeClass's capacityReservationSelectorTerms and offers them as capacity type "reserved".
//
// Billing (EC2 User Guide, "Capacity Reservation pricing and billing"): an ODCR is billed at the on-demand
// rate of its instance type for every reserved instance-hour while it is active, whether instances run
// in it or not; an instance running in it adds nothing. A Capacity Block is paid upfront at its price per
// instance-hour for all its instances and hours.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/core/tags.hpp"

namespace capsim {

/// karpenter.k8s.aws/capacity-reservation-type: "default" (an ODCR) or "capacity-block".
enum class ReservationType { Default, CapacityBlock };
const char* to_string(ReservationType t);
std::optional<ReservationType> parse_reservation_type(std::string_view s);

// Karpenter drains the nodes of a Capacity Block 10 minutes before EC2 begins terminating its instances
// (30 minutes before the block's end), i.e. 40 minutes before the end: the time of EC2's EventBridge
// warning (karpenter-provider-aws design "Capacity Block Support", Interruption).
inline constexpr SimDuration kCapacityBlockDrainLead = 40 * kMicrosPerMinute;

struct CapacityReservation {
  std::string id;             // "cr-0123456789abcdef0"
  std::string instance_type;
  std::string zone;
  int instance_count = 0;
  std::string owner_id;       // the AWS account that owns it ("" when not given)
  Tags tags;
  ReservationType type = ReservationType::Default;
  SimTime begins = 0;                      // sim time it becomes active (<= 0: active from the start)
  std::optional<SimTime> ends;             // sim time it ends; nullopt: no end date (an ODCR kept open)
  std::optional<double> usd_per_instance_h;  // a Capacity Block's price; nullopt: the on-demand rate
};

/// One term of an EC2NodeClass's capacityReservationSelectorTerms: an id alone, or tags (all must
/// match) with an optional ownerID.
struct CapacityReservationTerm {
  std::optional<std::string> id;
  Tags tags;
  std::string owner_id;
};

/// Whether `term` selects `r` (terms of one list are alternatives: a reservation is selected when any
/// term selects it, as the docs' example "tagged application: foobar in addition to cr-56fac..." reads).
bool selects(const CapacityReservationTerm& term, const CapacityReservation& r);

/// Whether `r` can take new instances at `t`: active, and for a Capacity Block not yet drained
/// (capsim offers a block's capacity until Karpenter starts draining it, 40 minutes before its end).
bool reservation_offered_at(const CapacityReservation& r, SimTime t);

}  // namespace capsim
