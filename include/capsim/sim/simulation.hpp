#pragma once
// Runs a scenario: every policy, every replicate, each on its own event engine. Replicates run in
// parallel when asked; results are the same whatever the thread count.
#include <atomic>
#include <functional>

#include "capsim/report/result.hpp"
#include "capsim/report/shards.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/sim/demand_draws.hpp"

namespace capsim {

struct RunOptions {
  int threads = 1;           // worker threads for (policy, replicate) runs; 0 = hardware concurrency
  bool keep_series = false;  // keep the per-period recorder series in the results
  bool series_of_first_replicate_only = false;  // ...of replicate 0 only (compare: memory stays flat in replicates)
  bool explain = false;      // keep Karpenter's reasons for every node it launched
  bool explain_every_replicate = false;  // ...in every replicate, not only replicate 0 (capsim diff)
  // Called after each (policy, replicate) run with how many are done and of how many, from the
  // worker that finished it, one call at a time.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Checked before each (policy, replicate) run: when set, the run stops and throws Interrupted.
  const std::atomic<bool>* cancel = nullptr;
  // Run only this shard's (policy, replicate) runs; each policy's result holds only those.
  Shard shard;
  // "compute:1y:no-upfront": each policy's Savings Plan advice from its replicates' hourly usage.
  std::string advise_savings_plan;
};

/// Requests arriving in each period of the window for one service, drawn from the service's
/// arrival substreams (seed, replicate, "arrivals", service, period): independent of the policy's
/// fleet, so every policy sees the same demand.
std::vector<double> draw_arrivals(const Scenario& scenario, const ServiceSpec& service, int replicate);

/// Throws Error when the scenario's forecast horizon is longer than the days of spend it can be
/// fitted on (history and the window's whole days), or those are too few; run_scenario checks it
/// before running.
void check_forecast_horizon(const Scenario& scenario);

/// One policy, one replicate.
/// With `explain`, Karpenter's reasons for every node it launched are kept (RunOptions::explain keeps
/// them for replicate 0). `draws`: the replicate's demand shared with other policies' runs (none:
/// drawn for this run).
/// `eligible_usage`: when given, receives the run's hourly on-demand usage (for commitment advice).
ReplicateResult run_replicate(const Scenario& scenario, const PolicySpec& policy, int replicate, bool keep_series = false,
                              bool explain = false, DemandDraws* draws = nullptr,
                              std::vector<std::vector<EligibleUsage>>* eligible_usage = nullptr);

/// Throws capsim::Error unless every policy saw the same requests for every service in every
/// replicate (policies are compared on the same traffic).
void check_same_demand(const RunResult& result);

/// Every policy of the scenario, `simulation.replicates` times each; checks that they saw the same demand.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace capsim
