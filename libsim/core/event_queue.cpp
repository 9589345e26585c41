#include "capsim/core/event_queue.hpp"

#include <string>
#include <utility>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {
constexpr std::size_t kArity = 4;  // a 4-ary heap: shallower than binary, same O(log n)
constexpr int kSeqBits = 48;
constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kSeqBits) - 1;

[[noreturn, gnu::noinline]] void bad_priority(std::int32_t priority) {
  throw Error("event priority " + std::to_string(priority) + " is outside [" + std::to_string(EventQueue::kMinPriority) + ", " +
              std::to_string(EventQueue::kMaxPriority) + "]");
}
}  // namespace

// Both sifts move a hole rather than swap, and take the entry to place, inlined so that it stays in
// registers: an entry written to memory and read back at once with wider loads stalls on store
// forwarding (about a third of a push's time when the heap was read back, or the entry passed on
// the stack).
[[gnu::always_inline]] inline void EventQueue::sift_up(std::size_t i, const Entry e) {
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

[[gnu::always_inline]] inline void EventQueue::sift_down(std::size_t i, const Entry e) {
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t last = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < last; ++c)
      if (before(heap_[c], heap_[best])) best = c;
    if (!before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

std::uint32_t EventQueue::take_slot() {
  if (!free_slots_.empty()) {
    std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

EventId EventQueue::push(SimTime time, std::int32_t priority) {
  if (priority < kMinPriority || priority > kMaxPriority) bad_priority(priority);
  std::uint32_t slot = take_slot();
  slots_[slot].live = true;
  const EventId id{slot, slots_[slot].generation};
  const std::uint64_t order = (static_cast<std::uint64_t>(priority - kMinPriority) << kSeqBits) | (next_seq_++ & kSeqMask);
  heap_.emplace_back();
  sift_up(heap_.size() - 1, Entry{time, order, slot});
  ++live_;
  return id;
}

bool EventQueue::pending(EventId id) const {
  return id.slot < slots_.size() && slots_[id.slot].live && slots_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it surfaces; clearing `live` marks it dead, and bumping the
  // generation retires the handle. The slot is only reused after the entry left the heap, so a
  // stale entry never matches a new event.
  slots_[id.slot].live = false;
  ++slots_[id.slot].generation;
  --live_;
  return true;
}

void EventQueue::drop_dead_top() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (slots_[top.slot].live) return;
    free_slots_.push_back(top.slot);
    remove_top();
  }
}

SimTime EventQueue::next_time() {
  drop_dead_top();
  return heap_.empty() ? kTimeMax : heap_.front().time;
}

std::optional<Event> EventQueue::pop() {
  drop_dead_top();
  if (heap_.empty()) return std::nullopt;
  return take_top();
}

bool EventQueue::pop_until(SimTime t, Event& out) {
  drop_dead_top();
  if (heap_.empty() || heap_.front().time > t) return false;
  out = take_top();
  return true;
}

Event EventQueue::take_top() {
  const Entry top = heap_.front();
  Slot& slot = slots_[top.slot];
  const Event e{top.time, static_cast<std::int32_t>(top.order >> kSeqBits) + kMinPriority, top.order & kSeqMask,
                EventId{top.slot, slot.generation}};
  slot.live = false;
  ++slot.generation;
  free_slots_.push_back(top.slot);
  --live_;
  remove_top();
  return e;
}

void EventQueue::remove_top() {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

}  // namespace capsim
