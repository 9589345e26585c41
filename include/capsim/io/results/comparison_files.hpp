#pragma once
// The files `capsim compare` writes besides the text: result.json with a "comparison" section,
// summary.csv (one row per policy) and replicates.csv (one row per policy and replicate).
#include <string>

#include "capsim/report/comparison.hpp"
#include "capsim/report/result.hpp"

namespace capsim::io {

/// result.json of a comparison: every replicate's results (as `capsim run` writes them) and the
/// comparison drawn from them.
std::string comparison_to_json(const RunResult& run, const Comparison& comparison);
/// One row per policy: every comparison field, nested ones as "monthly_cost.p95_usd",
/// services' as "services.<name>.missed_share_p95".
std::string comparison_summary_csv(const Comparison& comparison);
/// One row per policy and replicate: its window's results flattened ("cost.total",
/// "fleet.launches", "services.<name>.sla.missed_share", ...) and its cost per 30-day month.
std::string replicates_csv(const RunResult& run, double month_factor);

}  // namespace capsim::io
