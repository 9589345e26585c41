#pragma once
// The replicas a request-level service can send work to: each with its slots (requests it serves at
// once), its FIFO queue and its speed; which are routable (ready, not stopping) with their loads
// for the router; and the service's ready capacity.
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/workload/request/continuous_batch.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

/// One request as the request-level model follows it.
struct QueuedRequest {
  SimTime arrival = 0;
  double size = 1;  // service time / its type's mean
  float input_tokens = 0, output_tokens = 0;  // LLM services
};

struct ServingReplica {
  struct Slot {
    QueuedRequest request;
    SimTime start = 0;
    SimTime first_token = 0;  // LLM services
    bool busy = false;
  };
  ReplicaId id = 0;
  double rate_rps = 0;         // its type's throughput_rps
  double mean_service_us = 0;  // concurrency / throughput
  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;
  std::deque<QueuedRequest> queue;
  std::uint32_t epoch = 0;       // completions of an older epoch were cut off (or rescheduled)
  std::optional<ContinuousBatch> batch;  // an LLM replica's engine
  SimTime busy_since = 0;                // an LLM replica: since when it has had a request
  SimTime grace_end = kTimeMax;          // a stopping replica: when its termination grace period ends
  int in_flight() const { return static_cast<int>(slots.size() - free_slots.size()); }
  std::int64_t active_pos = -1;  // its place among the routable replicas (-1: stopping or stopped)
  bool live = false;
  int load() const { return static_cast<int>(slots.size() - free_slots.size() + queue.size()); }
};

class ReplicaSet {
 public:
  /// A replica `id` became ready: routable, with `slots` free slots (an LLM engine with `llm`); its index.
  std::uint32_t add(ReplicaId id, double rate_rps, double mean_service_us, std::uint32_t slots, const LlmRates* llm = nullptr);
  /// The replica the cluster calls `id`, while it is ready.
  std::optional<std::uint32_t> find(ReplicaId id) const;
  /// It is no longer ready (the cluster forgets it; it may still finish requests).
  void stop(std::uint32_t x);
  /// No more requests go to it.
  void deactivate(std::uint32_t x);
  /// It is gone: its index may be reused.
  void release(std::uint32_t x);
  /// Its load or free slots changed.
  void touch(std::uint32_t x);
  /// A slot of `x` was taken (-1) or freed (+1).
  void slot_change(std::uint32_t x, int delta);

  ServingReplica& operator[](std::uint32_t x) { return replicas_[x]; }
  std::vector<ServingReplica>& all() { return replicas_; }
  /// Routable replicas and their loads (same order).
  const std::vector<std::uint32_t>& active() const { return active_; }
  std::span<const int> loads() const { return loads_; }
  /// Free slots over the routable replicas.
  std::int64_t free_slots() const { return free_slots_; }
  double capacity_rps() const { return capacity_rps_; }
  int ready() const { return ready_; }

 private:
  std::vector<ServingReplica> replicas_;
  std::vector<std::uint32_t> unused_;
  std::unordered_map<ReplicaId, std::uint32_t> by_id_;
  std::vector<std::uint32_t> active_;
  std::vector<int> loads_;
  std::int64_t free_slots_ = 0;
  double capacity_rps_ = 0;
  int ready_ = 0;
};

}  // namespace capsim
