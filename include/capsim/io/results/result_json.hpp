#pragma once
// result.json: format version, scenario name, seed, and each policy's results.
#include <filesystem>
#include <string>

#include "capsim/report/result.hpp"

namespace capsim::io {

// 2: fleet.nodes / fleet.gpus (only the nodes launched at the start) became nodes_at_end, gpus_at_end,
// peak_nodes, peak_gpus and gpus_launched.
// 3: cost_usd gained on_demand, spot and reserved; services an objective outcome; policies their
// 'extends'; the document the risk tolerance; cost lines their capacity_type.
// 4: cost_usd gained commitment_savings (total_usd after it); replicates of a policy holding Savings
// Plans or Reserved Instances a 'commitments' object, and of a scenario with budgets a 'budgets' array.
inline constexpr int kResultFormatVersion = 4;

/// The result document as text (stable key order, so equal results give equal bytes).
std::string result_to_json(const RunResult& result);
/// Writes it atomically.
void write_result_json(const std::filesystem::path& path, const RunResult& result);
/// Per-period series as CSV: a row per period of each service (arrivals, capacity, missed, backlog,
/// ready replicas) and a row per period of the cluster (empty service: ready nodes, cost rate).
std::string series_to_csv(const RunResult& result);
/// The node log (kept with the series): one row per node launched, with its lifecycle times.
std::string nodes_to_csv(const RunResult& result);
/// The bill's lines (kept with the series): one row per line, a "tag:<key>" column per tag key (as
/// AWS cost reports give resource tags).
std::string cost_lines_to_csv(const RunResult& result);

}  // namespace capsim::io
