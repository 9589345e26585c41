#pragma once
// Which commitment covered which cost line's usage in each clock hour, at what amortised cost, and
// what each commitment was billed and left unused in the hour (results, declared once; Python
// mirrors). cost/commitment_charges.hpp builds them.
#include <string>

namespace capsim {

/// One commitment's part of one UTC clock hour: either the usage of one cost line it covered
/// (line >= 0), or its own charge for the hour (line -1: the fee and the commitment left unused).
struct CommitmentCharge {
  std::string commitment;  // "savings-plan/0", "reserved-instance/0": the policy's commitments, in order
  std::string type;        // "Compute Savings Plan", "EC2 Instance Savings Plan", "Reserved Instance"
  std::string name;        // the product bought: "compute 1y no-upfront", "g5.xlarge us-east-1a", "g5.xlarge regional"
  int hour = 0;            // UTC clock hours after the one that holds the window's start
  int line = -1;           // the cost line whose usage it covered; -1: the commitment's own charge
  double usage_h = 0;      // covered instance-hours (line >= 0)
  double on_demand_usd = 0;   // what the covered usage costs on demand (line >= 0)
  double effective_usd = 0;   // line >= 0: the commitment's amortised cost of that usage; -1: its unused part
  double held_h = 0;          // line -1: the part of the clock hour held (1; less at the window's edges)
  double committed = 0;       // line -1: what that part commits, in USD for a plan, instance-hours for a reservation
  double recurring_fee_usd = 0;  // line -1: billed in the hour (the commitment less its upfront part)
  double upfront_usd = 0;        // line -1: the hour's share of the upfront payment

  friend bool operator==(const CommitmentCharge&, const CommitmentCharge&) = default;
};

}  // namespace capsim
