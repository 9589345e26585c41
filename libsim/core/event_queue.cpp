#include "capsim/core/event_queue.hpp"

#include <string>

#include "capsim/core/error.hpp"

// The per-event operations (push, pop, the sifts) are inline in the header.

namespace capsim {

void EventQueue::bad_priority(std::int32_t priority) {
  throw Error("event priority " + std::to_string(priority) + " is outside [" + std::to_string(kMinPriority) + ", " +
              std::to_string(kMaxPriority) + "]");
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

SimTime EventQueue::next_time() {
  drop_dead_top();
  return heap_.empty() ? kTimeMax : heap_.front().time;
}

std::optional<Event> EventQueue::pop() {
  drop_dead_top();
  if (heap_.empty()) return std::nullopt;
  return take_top();
}

}  // namespace capsim
