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

void EventQueue::refill() {
  // Every far event due by the new horizon moves to the near heap, so all the near events stay
  // earlier than all the far ones and the near heap's top is the queue's. The horizon moves past
  // the earliest far event, so at least that one moves (at the end of time, all of them).
  const SimTime first = far_.front().time;
  near_until_ = first <= kTimeMax - kHorizonStep ? first + kHorizonStep - 1 : kTimeMax;
  while (!far_.empty() && far_.front().time <= near_until_) {
    const Entry e = far_.front();
    remove_top(far_);
    if (slots_[e.slot].live) add(near_, e);
    else free_slots_.push_back(e.slot);  // cancelled while far: its slot is free again
  }
}

SimTime EventQueue::next_time() {
  settle();
  return near_.empty() ? kTimeMax : near_.front().time;
}

std::optional<Event> EventQueue::pop() {
  settle();
  if (near_.empty()) return std::nullopt;
  return take_top();
}

}  // namespace capsim
