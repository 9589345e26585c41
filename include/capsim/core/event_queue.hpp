#pragma once
// Pending events ordered by (time, priority, insertion sequence), so ties always break the same way
// (as in OMNeT++ and ns-3). Cancellation is O(1): a cancelled event stays in the heap and is skipped
// when it reaches the top.
#include <cstdint>
#include <optional>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

/// Handle of a scheduled event: a slot and the slot's generation when the event was pushed.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
  friend bool operator==(const EventId&, const EventId&) = default;
};

/// What the queue holds and hands back: lower priority values run first at equal times.
struct Event {
  SimTime time = 0;
  std::int32_t priority = 0;
  std::uint64_t seq = 0;
  EventId id;
};

/// Strict "runs earlier" order of events.
inline bool runs_before(const Event& a, const Event& b) {
  if (a.time != b.time) return a.time < b.time;
  if (a.priority != b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

class EventQueue {
 public:
  /// Adds an event; O(log n). `priority` must lie in [kMinPriority, kMaxPriority] (capsim::Error otherwise).
  EventId push(SimTime time, std::int32_t priority = 0);
  /// Removes a pending event; false when it already ran or was cancelled. O(1).
  bool cancel(EventId id);
  /// Whether `id` is still pending.
  bool pending(EventId id) const;
  /// The next event to run, removed from the queue; nullopt when empty. O(log n) amortised.
  std::optional<Event> pop();
  /// Like pop(), but only an event at or before `t`: false (and nothing removed) when there is none.
  bool pop_until(SimTime t, Event& out);
  /// Time of the next live event (kTimeMax when empty).
  SimTime next_time();
  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // A priority and the insertion sequence share one 64-bit key (16 and 48 bits), so the heap
  // compares two integers per entry rather than three fields: 2^48 pushes is more than any run makes.
  static constexpr std::int32_t kMinPriority = -32768;
  static constexpr std::int32_t kMaxPriority = 32767;

 private:
  /// A heap entry: the time, then (priority, seq) as one key, and the slot it holds. A slot stays
  /// with its entry until the entry leaves the heap, so the slot's liveness alone says whether the
  /// entry was cancelled.
  struct Entry {
    SimTime time;
    std::uint64_t order;  // (priority + 32768) << 48 | seq
    std::uint32_t slot;
  };
  static bool before(const Entry& a, const Entry& b) { return a.time < b.time || (a.time == b.time && a.order < b.order); }
  void sift_up(std::size_t hole, Entry e);    // places e at or above the hole
  void sift_down(std::size_t hole, Entry e);  // places e at or below the hole
  void remove_top();
  void drop_dead_top();
  Event take_top();  // removes the top event (known live) and returns it
  std::uint32_t take_slot();

  struct Slot {
    std::uint32_t generation = 0;  // current generation of the slot
    bool live = false;             // it holds a pending event
  };
  std::vector<Entry> heap_;  // 4-ary min-heap by before(), which is runs_before's order
  std::vector<Slot> slots_;  // what a slot's generation and liveness are, side by side (read together)
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace capsim
