#pragma once
// The field tables of a service's results (result.hpp): its SLA measures, latency, SLO outcome, use
// and series. Part of the one declaration of result fields (result_fields.hpp includes it).
#include "capsim/report/field.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

constexpr auto fields_of(std::type_identity<SlaSummary>) {
  using T = SlaSummary;
  return std::tuple{
      field("requests", &T::requests, "requests that arrived", {.label = "requests", .show = Show::Count}),
      field("served", &T::served, "requests served"),
      field("missed", &T::missed, "dropped, served later than max_wait_s, or cut off in service", {.label = "missed", .show = Show::Count}),
      field("interrupted", &T::interrupted, "cut off in service by an abrupt stop (counted in missed)",
            {.label = "of which cut off in service", .show = Show::Count}),
      field("missed_share", &T::missed_share, "missed / requests (0 without requests)", {.label = "missed share", .show = Show::Percent}),
      field("abrupt_stops", &T::abrupt_stops, "replicas reclaimed under their requests", {.label = "abrupt replica stops", .show = Show::Count}),
      field("recovery_mean_s", &T::recovery_mean_s, "after each abrupt stop, the time until as many replicas were ready as before it (mean)",
            {.label = "recovery after a stop, mean / max (s)", .show = Show::Fixed1}),
      field("recovery_max_s", &T::recovery_max_s, "...the longest", {.show = Show::Fixed1, .joins_above = true}),
      field("unrecovered_at_end", &T::unrecovered_at_end, "abrupt stops not recovered from when the window closed (the service may have scaled down)"),
      field("minutes_under_provisioned", &T::minutes_under_provisioned, "time with capacity below the arrival rate",
            {.label = "minutes under-provisioned", .show = Show::Fixed1}),
      field("availability", &T::availability, "share of periods whose capacity covered their arrivals",
            {.label = "availability (periods)", .show = Show::Percent}),
      field("backlog_p95", &T::backlog_p95, "95th percentile of the backlog at period ends", {.label = "backlog p95 / max", .show = Show::Count}),
      field("backlog_max", &T::backlog_max, "largest backlog", {.show = Show::Count, .joins_above = true}),
      field("backlog_end", &T::backlog_end, "backlog when the window closed"),
      field("ready_replica_hours", &T::ready_replica_hours, "ready replicas integrated over the window"),
      field("busy_replica_hours", &T::busy_replica_hours, "of which serving requests"),
  };
}

constexpr auto fields_of(std::type_identity<LatencySummary>) {
  using T = LatencySummary;
  return std::tuple{
      field("e2e_mean_s", &T::e2e_mean_s, "served requests: arrival to response, mean (s)", {.label = "latency mean / p50 (s)", .show = Show::Fixed3}),
      field("e2e_p50_s", &T::e2e_p50_s, "...median", {.show = Show::Fixed3, .joins_above = true}),
      field("e2e_p90_s", &T::e2e_p90_s, "...90th percentile", {.label = "latency p90 / p95 / p99 (s)", .show = Show::Fixed3}),
      field("e2e_p95_s", &T::e2e_p95_s, "...95th percentile", {.show = Show::Fixed3, .joins_above = true}),
      field("e2e_p99_s", &T::e2e_p99_s, "...99th percentile", {.show = Show::Fixed3, .joins_above = true}),
      field("e2e_max_s", &T::e2e_max_s, "...largest", {.label = "latency max (s)", .show = Show::Fixed3}),
      field("wait_mean_s", &T::wait_mean_s, "served requests: arrival to service start, mean (s)", {.label = "wait mean / p95 / p99 (s)", .show = Show::Fixed3}),
      field("wait_p50_s", &T::wait_p50_s, "...median"),
      field("wait_p95_s", &T::wait_p95_s, "...95th percentile", {.show = Show::Fixed3, .joins_above = true}),
      field("wait_p99_s", &T::wait_p99_s, "...99th percentile", {.show = Show::Fixed3, .joins_above = true}),
      field("wait_max_s", &T::wait_max_s, "...largest"),
      field("served_late", &T::served_late, "served after waiting longer than max_wait_s (on_overload: late)",
            {.label = "served late / timed out", .show = Show::Count}),
      field("timed_out", &T::timed_out, "gave up after waiting max_wait_s (on_overload: drop)", {.show = Show::Count, .joins_above = true}),
      field("retried", &T::retried, "resent to another replica after theirs was reclaimed under them",
            {.label = "retried / lost to interruptions", .show = Show::Count}),
      field("lost", &T::lost, "failed because their replica was reclaimed (on_interruption: lose)", {.show = Show::Count, .joins_above = true}),
      field("mean_in_system", &T::mean_in_system, "requests waiting or in service, time-averaged (Little's L)"),
      field("mean_time_in_system_s", &T::mean_time_in_system_s, "per arrival, to completion, give-up or the window's end (W)"),
      field("arrival_rate_rps", &T::arrival_rate_rps, "arrivals per second over the window (lambda; L = lambda W)"),
  };
}

constexpr auto fields_of(std::type_identity<LlmSummary>) {
  using T = LlmSummary;
  return std::tuple{
      field("ttft_mean_s", &T::ttft_mean_s, "time to first token (queueing + prefill), mean (s)", {.label = "TTFT mean / p50 (s)", .show = Show::Fixed3}),
      field("ttft_p50_s", &T::ttft_p50_s, "...median", {.show = Show::Fixed3, .joins_above = true}),
      field("ttft_p90_s", &T::ttft_p90_s, "...90th percentile", {.label = "TTFT p90 / p95 / p99 (s)", .show = Show::Fixed3}),
      field("ttft_p95_s", &T::ttft_p95_s, "...95th percentile", {.show = Show::Fixed3, .joins_above = true}),
      field("ttft_p99_s", &T::ttft_p99_s, "...99th percentile", {.show = Show::Fixed3, .joins_above = true}),
      field("ttft_max_s", &T::ttft_max_s, "...largest", {.label = "TTFT max (s)", .show = Show::Fixed3}),
      field("tpot_mean_s", &T::tpot_mean_s, "time per output token after the first, mean (s)", {.label = "TPOT mean / p50 (ms)", .show = Show::Millis}),
      field("tpot_p50_s", &T::tpot_p50_s, "...median", {.show = Show::Millis, .joins_above = true}),
      field("tpot_p90_s", &T::tpot_p90_s, "...90th percentile", {.label = "TPOT p90 / p95 / p99 / max (ms)", .show = Show::Millis}),
      field("tpot_p95_s", &T::tpot_p95_s, "...95th percentile", {.show = Show::Millis, .joins_above = true}),
      field("tpot_p99_s", &T::tpot_p99_s, "...99th percentile", {.show = Show::Millis, .joins_above = true}),
      field("tpot_max_s", &T::tpot_max_s, "...largest", {.show = Show::Millis, .joins_above = true}),
      field("input_tokens", &T::input_tokens, "prompt tokens of served requests", {.label = "tokens in / out", .show = Show::Count}),
      field("output_tokens", &T::output_tokens, "output tokens of served requests", {.show = Show::Count, .joins_above = true}),
      field("output_tokens_per_s", &T::output_tokens_per_s, "output tokens per second over the window", {.label = "output tokens/s", .show = Show::Fixed1}),
      field("mean_batch", &T::mean_batch, "sequences decoding at once per ready replica, time-averaged", {.label = "mean decode batch", .show = Show::Fixed2}),
  };
}

constexpr auto fields_of(std::type_identity<SloSummary>) {
  using T = SloSummary;
  return std::tuple{
      field("windows_failed", &T::windows_failed, "windows whose latency percentile was above target or availability below",
            {.label = "SLO windows failed / of", .show = Show::Count}),
      field("windows", &T::windows, "SLO windows in the run", {.show = Show::Count, .joins_above = true}),
      field("violation_minutes", &T::violation_minutes, "the failed windows' length", {.label = "SLO violation minutes", .show = Show::Fixed1}),
      field("requests_over_target_share", &T::requests_over_target_share, "of served requests, those slower than the latency target",
            {.label = "requests over the latency target", .show = Show::Percent}),
      field("latency_budget_burn", &T::latency_budget_burn, "that share / (1 - percentile): above 1 spends more than the SLO allows",
            {.label = "latency error budget burn", .show = Show::Fixed2}),
      field("availability", &T::availability, "served / (served + timed out + lost)", {.label = "SLO availability (requests)", .show = Show::Percent}),
      field("availability_budget_burn", &T::availability_budget_burn, "(1 - availability) / (1 - target); 0 without a target",
            {.label = "availability error budget burn", .show = Show::Fixed2}),
      field("goodput_rps", &T::goodput_rps, "requests served within the latency target, per second", {.label = "goodput (requests/s)", .show = Show::Fixed2}),
  };
}

constexpr auto fields_of(std::type_identity<ObjectiveOutcome>) {
  using T = ObjectiveOutcome;
  return std::tuple{
      field("breached", &T::breached, "the replicate broke the SLA's target served share or overspent an SLO error budget",
            {.label = "objective breached (share of replicates)", .show = Show::Percent}),
      field("reason", &T::reason, "what broke first, in words (empty when kept)"),
  };
}

constexpr auto fields_of(std::type_identity<ServiceUsage>) {
  using T = ServiceUsage;
  return std::tuple{
      field("allocated_usd", &T::allocated_usd, "its pods' share of their nodes' cost (by requested GPUs)",
            {.label = "cost allocated (USD)", .show = Show::Money}),
      field("gpu_hours_requested", &T::gpu_hours_requested, "GPU-hours requested while bound to nodes, starting up included",
            {.label = "GPU-hours requested / busy", .show = Show::Fixed0}),
      field("gpu_hours_busy", &T::gpu_hours_busy, "GPU-hours spent serving", {.show = Show::Fixed0, .joins_above = true}),
      field("idle_requested_usd", &T::idle_requested_usd, "allocated cost of requested GPUs not serving",
            {.label = "requested GPUs not serving (USD)", .show = Show::Money}),
      field("cpu_hours_requested", &T::cpu_hours_requested, "vCPU-hours requested", {.label = "vCPU-hours requested / used", .show = Show::Fixed0}),
      field("cpu_hours_used", &T::cpu_hours_used, "vCPU-hours used (the usage parameter)", {.show = Show::Fixed0, .joins_above = true}),
      field("memory_gib_hours_requested", &T::memory_gib_hours_requested, "GiB-hours requested"),
      field("memory_gib_hours_used", &T::memory_gib_hours_used, "GiB-hours used (the usage parameter)"),
  };
}

constexpr auto fields_of(std::type_identity<ServiceResult>) {
  using T = ServiceResult;
  return std::tuple{
      field("name", &T::name, "service name"),
      field("replicas_requested", &T::replicas_requested, "replicas desired at the end of the window (the HPA's last decision, or the spec)",
            {.label = "replicas at the end: desired / placed", .show = Show::Count}),
      field("replicas_placed", &T::replicas_placed, "replicas on a node at the end of the window", {.show = Show::Count, .joins_above = true}),
      field("replica_minutes_lost", &T::replica_minutes_lost, "replicas down between a disruption (spot reclaim, scale-down) and their restart",
            {.label = "replica-minutes lost to disruptions", .show = Show::Fixed1}),
      field("quota_refused", &T::quota_refused, "pod creations its namespace's ResourceQuota refused",
            {.label = "pod creations refused by quota", .show = Show::Count}),
      field("pending_at_end", &T::pending_at_end, "pods still pending when the window closed",
            {.label = "pods pending at the end", .show = Show::Count}),
      field("pending_reason", &T::pending_reason, "why they were pending: a provisioner's reason, or that no node had room"),
      field("sla", &T::sla, "SLA measures"),
      field("usage", &T::usage, "requests, use and allocated cost"),
      field("latency", &T::latency, "latency and request outcomes (request-level model; null with the fluid model)"),
      field("slo", &T::slo, "the SLO's outcome (null without an SLO)"),
      field("llm", &T::llm, "token latencies of an LLM service (null otherwise)"),
      field("objective", &T::objective, "whether the replicate kept the service's objectives (null when it declares none)"),
  };
}

constexpr auto fields_of(std::type_identity<ServiceSeries>) {
  using T = ServiceSeries;
  return std::tuple{
      field("name", &T::name, "service name", {.json = "service"}),
      field("arrivals", &T::arrivals, "requests that arrived"),
      field("capacity_requests", &T::capacity_requests, "capacity integrated over the period"),
      field("missed", &T::missed, "requests missed"),
      field("backlog_end", &T::backlog_end, "backlog at the period end"),
      field("ready_replicas", &T::ready_replicas, "ready replicas at the period end"),
  };
}

}  // namespace capsim
