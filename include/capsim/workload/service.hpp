#pragma once
// The Service interface: what the cluster tells a service model and what the model publishes.
// The cluster says which replica became ready or stopped, on which instance type, and whether it
// stopped abruptly; the model turns that and its demand into the metrics autoscalers read and the
// SLA summary. The fluid model (workload/fluid/) and the request-level model (workload/request/)
// implement it; another model is another folder and one line in workload/service_models.cpp.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

struct ServiceSpec;

/// Per-period record of one service (what the recorder keeps).
struct ServicePeriod {
  double arrivals = 0;           // requests that arrived
  double capacity_requests = 0;  // ∫ capacity dt over the period
  double missed = 0;
  double backlog_end = 0;
  int ready_replicas_end = 0;
};

/// The SLA measures of one service over the window.
struct SlaSummary {
  double requests = 0;
  double served = 0;
  double missed = 0;
  double missed_share = 0;               // missed / requests (0 without requests)
  double minutes_under_provisioned = 0;  // time with capacity below the arrival rate
  double availability = 1;               // share of periods whose capacity covered their arrivals
  double backlog_p95 = 0;                // over the backlog at each period end
  double backlog_max = 0;
  double backlog_end = 0;                // still queued when the window closed
  double ready_replica_hours = 0;        // replicas ready to serve, integrated over the window
  double busy_replica_hours = 0;         // ...of which spent serving requests
  double interrupted = 0;                // requests cut off in service by an abrupt stop (counted in missed)
  int abrupt_stops = 0;                  // replicas reclaimed under their requests
  double recovery_mean_s = 0;            // after each: until as many replicas were ready as before it
  double recovery_max_s = 0;
  int unrecovered_at_end = 0;            // stops not recovered from when the window closed

  friend bool operator==(const SlaSummary&, const SlaSummary&) = default;
};

/// Latency and request outcomes, from a model that follows every request (the request-level one).
struct LatencySummary {
  double e2e_mean_s = 0, e2e_p50_s = 0, e2e_p90_s = 0, e2e_p95_s = 0, e2e_p99_s = 0, e2e_max_s = 0;  // served requests
  double wait_mean_s = 0, wait_p50_s = 0, wait_p95_s = 0, wait_p99_s = 0, wait_max_s = 0;           // ...before service
  double served_late = 0;  // served after waiting longer than max_wait_s (on_overload: late)
  double timed_out = 0;    // gave up after waiting max_wait_s (on_overload: drop)
  double retried = 0;      // resent to another replica after theirs was reclaimed under them
  double lost = 0;         // failed because their replica was reclaimed (on_interruption: lose)
  double mean_in_system = 0;         // requests waiting or in service, time-averaged (Little's L)
  double mean_time_in_system_s = 0;  // per arrival, to completion, give-up or the window's end (W)
  double arrival_rate_rps = 0;       // arrivals / window (λ): L = λ W

  friend bool operator==(const LatencySummary&, const LatencySummary&) = default;
};

/// Token-level latency of an LLM service (continuous batching).
struct LlmSummary {
  double ttft_mean_s = 0, ttft_p50_s = 0, ttft_p90_s = 0, ttft_p95_s = 0, ttft_p99_s = 0, ttft_max_s = 0;  // time to first token
  double tpot_mean_s = 0, tpot_p50_s = 0, tpot_p90_s = 0, tpot_p95_s = 0, tpot_p99_s = 0, tpot_max_s = 0;  // per output token after the first
  double input_tokens = 0, output_tokens = 0;  // of served requests
  double output_tokens_per_s = 0;              // over the window
  double mean_batch = 0;                       // sequences decoding at once, time-averaged over ready replicas

  friend bool operator==(const LlmSummary&, const LlmSummary&) = default;
};

/// A service level objective's outcome over the window (see SloSpec).
struct SloSummary {
  int windows = 0;
  int windows_failed = 0;                // latency percentile above target, or availability below
  double violation_minutes = 0;          // the failed windows' length
  double requests_over_target_share = 0;  // of served requests, those slower than the target
  double latency_budget_burn = 0;        // that share / (1 − percentile): above 1 spends more than allowed
  double availability = 1;               // served / (served + timed out + lost)
  double availability_budget_burn = 0;   // (1 − availability) / (1 − target); 0 without a target
  double goodput_rps = 0;                // requests served within the latency target, per second

  friend bool operator==(const SloSummary&, const SloSummary&) = default;
};

/// Whether one replicate kept a service's objectives: its SLA's target share of requests served
/// within max_wait_s, and its SLO's error budgets over the window (spent when a burn exceeds 1).
struct ObjectiveOutcome {
  bool breached = false;
  std::string reason;  // what broke first, in words ("" when kept)

  friend bool operator==(const ObjectiveOutcome&, const ObjectiveOutcome&) = default;
};

/// A request-level service's queue at one instant (what a metrics exporter would publish).
struct QueueState {
  double in_service = 0;  // requests being served
  double waiting = 0;     // requests queued at replicas or held for want of one
  double kv_cache_usage_percent = 0;  // LLM services: KV cache in use, averaged over ready replicas
};

/// Which replica the cluster speaks of: its pod's index (unique among the replicas alive at once).
using ReplicaId = std::size_t;

class Service {
 public:
  virtual ~Service() = default;

  // What the cluster tells it (times never go back).
  /// Replica `id` on an instance of `type` became ready to serve.
  virtual void replica_ready(SimTime now, ReplicaId id, const InstanceType& type) = 0;
  /// Ready replica `id` on `type` stopped serving (drained, evicted, scaled away or reclaimed).
  virtual void replica_stopped(SimTime now, ReplicaId id, const InstanceType& type) = 0;
  /// Ready replica `id` stopped abruptly (its instance reclaimed under it): the requests it was
  /// serving are cut off. Told before the replica_stopped of the same stop.
  virtual void replica_cut_off(SimTime now, ReplicaId id) = 0;
  /// Closes the period that ends at `now` and opens the next one.
  virtual void period_boundary(SimTime now) = 0;

  // What autoscalers read (a metrics pipeline's view).
  /// The arrival rate (requests/s) of the period holding `t`.
  virtual double arrival_rate_at(SimTime t) const = 0;
  /// Requests/s its ready replicas can serve now.
  virtual double capacity_rps() const = 0;

  // What the report reads.
  virtual const std::vector<ServicePeriod>& periods() const = 0;
  virtual SlaSummary summary() const = 0;
  /// Latency measures, from models that follow requests (none from the fluid model).
  virtual std::optional<LatencySummary> latency() const { return std::nullopt; }
  /// The SLO's outcome, when the service declares one.
  virtual std::optional<SloSummary> slo() const { return std::nullopt; }
  /// Its queue at `now` (>= every earlier call), from models that follow requests; reading it plays
  /// the model up to `now`.
  virtual std::optional<QueueState> queue_state(SimTime) { return std::nullopt; }
  /// Token latencies, from LLM services.
  virtual std::optional<LlmSummary> llm() const { return std::nullopt; }
};

/// Fills the measures every model reads off its periods: availability (share of periods whose
/// capacity covered their arrivals) and the 95th percentile (nearest rank) of period-end backlogs.
void summarize_periods(const std::vector<ServicePeriod>& periods, SlaSummary& into);

/// What a service model is built from besides its spec: its demand and where its random draws come from.
struct ServiceInputs {
  SimDuration period = 0;
  std::vector<double> arrivals_per_period;  // requests in each period (the world's draw)
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  UtcTime start{};  // the window's start (a replayed request log's times are instants)
};

/// The model `spec` asks for.
std::unique_ptr<Service> make_service(const ServiceSpec& spec, ServiceInputs inputs);

}  // namespace capsim
