#pragma once
// Internal to sim/: a run's bill with the policy's Savings Plans and Reserved Instances applied.
#include <vector>

#include "capsim/cost/ledger.hpp"
#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim::detail {

/// The commitments applied hour by hour to the run's eligible usage (every UTC clock hour the
/// window touches, so an hour without usage still pays its commitment).
CommitmentSummary bill_commitments(const Scenario& scenario, const PolicySpec& policy, const std::vector<LedgerLine>& lines);

}  // namespace capsim::detail
