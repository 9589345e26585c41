#pragma once
// How a request-level service is modelled (a policy's choice): how requests are routed to replicas,
// the shape of their service times, and what happens to requests a reclaimed replica was holding.
// Its SLO (service level objective) is declared here too, since only this model measures latency.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/assumption.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/workload/request/continuous_batch.hpp"

namespace capsim {

/// Which model turns a service's demand and ready replicas into its SLA measures.
enum class ServiceModelKind {
  Fluid,    // per-period fluid backlog (fast, for year-long runs)
  Request,  // every request an event: queues, concurrency, latency percentiles
};

/// How a request picks a replica.
enum class RouterKind {
  RoundRobin,        // each ready replica in turn (kube-proxy's ipvs rr, Envoy ROUND_ROBIN)
  LeastOutstanding,  // the replica with the fewest requests in flight or queued (NGINX least_conn)
  PowerOfTwo,        // the less loaded of two replicas drawn at random (Envoy LEAST_REQUEST's default)
  SharedQueue,       // one FIFO queue every replica pulls from (workers reading a message queue)
};

/// The shape of service times around the mean the instance type gives (concurrency / throughput_rps).
enum class ServiceTimeShape { Fixed, Exponential, Lognormal, Empirical };

struct ServiceTimeSpec {
  ServiceTimeShape shape = ServiceTimeShape::Fixed;
  double sigma = 0;                    // lognormal: the log's standard deviation
  std::vector<double> relative_sizes;  // empirical: measured times divided by their mean (mean 1)
  std::string source;                  // empirical: the file they came from
};

/// What happens to requests a replica was serving or holding when it was reclaimed under them.
enum class OnInterruption {
  Retry,  // the client retries them at another replica (latency counts from the first arrival)
  Lose,   // they fail
};

/// Prompt and output lengths of a request log's requests, drawn in pairs.
struct TokenPairs {
  std::vector<double> input, output;
};

/// An LLM served with continuous batching: the model variant's speed on each instance type, and where
/// requests' token counts come from.
struct LlmSpec {
  std::string model;    // as the model file names it
  std::string variant;  // "fp16", "fp8", ...
  std::map<std::string, LlmRates> rates;  // by instance type, resolved by the loader
  std::optional<Distribution> input_tokens, output_tokens;  // distributions, or...
  std::shared_ptr<const TokenPairs> token_pairs;            // ...the demand's request log
  std::vector<Assumption> derived;  // figures the model file derived, and defaults in force
};

struct RequestModelSpec {
  RouterKind router = RouterKind::LeastOutstanding;
  ServiceTimeSpec service_time;
  OnInterruption on_interruption = OnInterruption::Retry;
  std::optional<LlmSpec> llm;  // set: replicas batch continuously (service_time does not apply)
};

/// Which latency an SLO bounds.
enum class LatencyKind {
  EndToEnd,         // arrival → response complete
  Wait,             // arrival → service starts (queueing)
  TimeToFirstToken, // arrival → first output token (LLM services)
};

/// A service level objective: in every window, the latency percentile at most the target, and the
/// share of requests that did not fail at least the availability target.
struct SloSpec {
  LatencyKind latency = LatencyKind::EndToEnd;
  double percentile = 95;         // in (0, 100)
  double latency_target_s = 0;    // > 0
  double window_s = 300;          // windows start at the window's start
  double availability = 0;        // share of requests served (not timed out or lost); 0: not set
};

}  // namespace capsim
