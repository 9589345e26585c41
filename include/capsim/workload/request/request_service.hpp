#pragma once
// The request-level service model: every request is followed from arrival to response. Requests
// arrive at their times within each period (ArrivalStream), a router sends each to a ready replica
// (or one shared queue), a replica serves up to `concurrency` requests at once and queues the rest in
// FIFO order, and a request's service time is its size times the mean its replica's instance type
// gives (concurrency / throughput_rps). Requests that wait longer than max_wait_s give up
// (on_overload: drop) or are served late; those a reclaimed replica held are retried elsewhere or
// lost. Latencies go into mergeable sketches; an SLO is judged window by window.
//
// The model plays its own events lazily: whenever the cluster tells it something at `now`, it first
// plays every arrival and completion before `now`, so the engine sees no per-request events.
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <vector>

#include "capsim/workload/request/arrival_stream.hpp"
#include "capsim/workload/request/replica_picker.hpp"
#include "capsim/workload/request/replica_set.hpp"
#include "capsim/workload/request/request_tally.hpp"
#include "capsim/workload/request/slo_tracker.hpp"
#include "capsim/workload/recovery_tracker.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

class RequestService final : public Service {
 public:
  RequestService(const ServiceSpec& spec, ServiceInputs inputs);

  void replica_ready(SimTime now, ReplicaId id, const InstanceType& type) override;
  void replica_stopped(SimTime now, ReplicaId id, const InstanceType& type) override;
  void replica_cut_off(SimTime now, ReplicaId id) override;
  void period_boundary(SimTime now) override;
  double arrival_rate_at(SimTime t) const override;
  double capacity_rps() const override { return replicas_.capacity_rps(); }
  const std::vector<ServicePeriod>& periods() const override { return tally_.periods; }
  SlaSummary summary() const override;
  std::optional<LatencySummary> latency() const override;
  std::optional<SloSummary> slo() const override;
  std::optional<LlmSummary> llm() const override;
  std::optional<QueueState> queue_state(SimTime now) override;

  /// Plays every arrival and completion before `now`.
  void advance_to(SimTime now);
  /// Requests waiting (at replicas or in the shared queue) and in service, as of the last advance.
  std::int64_t waiting() const { return waiting_; }
  std::int64_t in_service() const { return in_system_ - waiting_; }

 private:
  struct Completion {
    SimTime at;
    std::uint64_t seq;
    std::uint32_t replica, slot, epoch;
    bool operator>(const Completion& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  // Completion::slot of an LLM replica's engine event (its requests finish inside the engine).
  static constexpr std::uint32_t kEngineEvent = UINT32_MAX;
  // Completion::slot of the end of a stopping replica's termination grace period.
  static constexpr std::uint32_t kGraceEnd = UINT32_MAX - 1;

  void integrate_to(SimTime t);
  void integrate_capacity_to(SimTime t);
  void complete(const Completion& c);
  void cut_requests(std::uint32_t x, SimTime now);
  void finish(std::uint32_t x, std::uint32_t slot, SimTime at);
  void refill(std::uint32_t x, SimTime t);
  void reschedule(std::uint32_t x);
  bool has_room(const ServingReplica& rep, const QueuedRequest& r) const;
  void drop_expired_head(std::deque<QueuedRequest>& q, SimTime t);
  void dispatch(const QueuedRequest& r, SimTime t);
  void enqueue(std::deque<QueuedRequest>& q, const QueuedRequest& r);
  void start(std::uint32_t x, const QueuedRequest& r, SimTime t);
  /// The next request of `q` still waiting at `t` (those past max_wait_s give up on the way).
  std::optional<QueuedRequest> next_waiting(std::deque<QueuedRequest>& q, SimTime t);
  void give_up(const QueuedRequest& r, SimTime t);
  void fail(const QueuedRequest& r, SimTime t);
  void purge_expired(SimTime t);
  void close(SimTime end);
  bool shared() const { return spec_.request.router == RouterKind::SharedQueue; }

  ServiceSpec spec_;
  SimDuration max_wait_;
  ArrivalStream demand_;
  std::size_t current_ = 0;  // the open period
  double current_rate_rps_ = 0;  // its arrival rate
  ReplicaSet replicas_;
  ReplicaPicker picker_;
  std::deque<QueuedRequest> shared_;  // the shared queue, or requests held while no replica is ready
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> completions_;
  std::uint64_t seq_ = 0;
  std::int64_t in_system_ = 0, waiting_ = 0;
  RequestTally tally_;
  std::optional<SloTracker> slo_;
  std::vector<ContinuousBatch::Event> engine_events_;  // reused
  RecoveryTracker recovery_;
};

}  // namespace capsim
