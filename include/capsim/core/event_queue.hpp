#pragma once
// Pending events ordered by (time, priority, insertion sequence), so ties always break the same way
// (as in OMNeT++ and ns-3). Cancellation is O(1): a cancelled event stays in the heap and is skipped
// when it reaches the top. Two heaps split the pending events at a horizon: those due by it, which
// a run pops and pushes all the time (syncs, scans, period ends), and the far ones (a month of spot
// reclaims and pool events, scheduled up front), so the busy heap stays a few entries deep; the
// near heap is refilled from the far one when it runs dry.
#include <cstdint>
#include <limits>
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
  /// How far past the earliest far event a refill moves the horizon: an hour of syncs and scans
  /// stays near, days-away reclaims stay far.
  static constexpr SimDuration kHorizonStep = 3600 * kMicrosPerSecond;

 private:
  /// A heap entry: the time, then (priority, seq) as one key, and the slot it holds. A slot stays
  /// with its entry until the entry leaves the queue, so the slot's liveness alone says whether the
  /// entry was cancelled.
  struct Entry {
    SimTime time;
    std::uint64_t order;  // (priority + 32768) << 48 | seq
    std::uint32_t slot;
  };
  using Heap = std::vector<Entry>;  // 4-ary min-heap by before(), which is runs_before's order
  static constexpr std::size_t kArity = 4;  // a 4-ary heap: shallower than binary, same O(log n)
  static constexpr int kSeqBits = 48;
  static constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kSeqBits) - 1;

  static bool before(const Entry& a, const Entry& b) { return a.time < b.time || (a.time == b.time && a.order < b.order); }
  static void sift_up(Heap& h, std::size_t hole, Entry e);    // places e at or above the hole
  static void sift_down(Heap& h, std::size_t hole, Entry e);  // places e at or below the hole
  static void add(Heap& h, const Entry& e);
  static void remove_top(Heap& h);
  /// Drops cancelled entries from the top of the near heap, refilling it from the far one when it
  /// runs dry, until a live event is on top or nothing is left.
  void settle();
  void refill();
  Event take_top();  // removes the near heap's top event (known live) and returns it
  std::uint32_t take_slot();
  [[noreturn]] static void bad_priority(std::int32_t priority);

  struct Slot {
    std::uint32_t generation = 0;  // current generation of the slot
    bool live = false;             // it holds a pending event
  };
  Heap near_;  // events due at or before near_until_
  Heap far_;   // events due after it
  SimTime near_until_ = std::numeric_limits<SimTime>::min();  // only moves forward; nothing near before the first refill
  std::vector<Slot> slots_;  // what a slot's generation and liveness are, side by side (read together)
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

// The operations every event goes through are defined here, so that the engine's loop inlines them:
// as calls they were a good part of the per-event cost (a run has hundreds of thousands of events).
// The sifts move a hole and keep the entry to place in registers: an entry written to memory and
// read back at once with wider loads stalls on store forwarding.

inline void EventQueue::sift_up(Heap& h, std::size_t i, const Entry e) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(e, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

inline void EventQueue::sift_down(Heap& h, std::size_t i, const Entry e) {
  const std::size_t n = h.size();
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    const std::size_t last = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < last; ++c)
      if (before(h[c], h[best])) best = c;
    if (!before(h[best], e)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = e;
}

inline void EventQueue::add(Heap& h, const Entry& e) {
  h.emplace_back();
  sift_up(h, h.size() - 1, e);
}

inline void EventQueue::remove_top(Heap& h) {
  const Entry last = h.back();
  h.pop_back();
  if (!h.empty()) sift_down(h, 0, last);
}

inline std::uint32_t EventQueue::take_slot() {
  if (!free_slots_.empty()) {
    const std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

inline EventId EventQueue::push(SimTime time, std::int32_t priority) {
  if (priority < kMinPriority || priority > kMaxPriority) bad_priority(priority);
  const std::uint32_t slot = take_slot();
  slots_[slot].live = true;
  const EventId id{slot, slots_[slot].generation};
  const std::uint64_t order = (static_cast<std::uint64_t>(priority - kMinPriority) << kSeqBits) | (next_seq_++ & kSeqMask);
  add(time <= near_until_ ? near_ : far_, Entry{time, order, slot});
  ++live_;
  return id;
}

inline void EventQueue::settle() {
  for (;;) {
    while (!near_.empty() && !slots_[near_.front().slot].live) {
      free_slots_.push_back(near_.front().slot);
      remove_top(near_);
    }
    if (!near_.empty() || far_.empty()) return;
    refill();
  }
}

inline Event EventQueue::take_top() {
  const Entry top = near_.front();
  Slot& slot = slots_[top.slot];
  const Event e{top.time, static_cast<std::int32_t>(top.order >> kSeqBits) + kMinPriority, top.order & kSeqMask,
                EventId{top.slot, slot.generation}};
  slot.live = false;
  ++slot.generation;
  free_slots_.push_back(top.slot);
  --live_;
  remove_top(near_);
  return e;
}

inline bool EventQueue::pop_until(SimTime t, Event& out) {
  settle();
  if (near_.empty() || near_.front().time > t) return false;
  out = take_top();
  return true;
}

}  // namespace capsim
