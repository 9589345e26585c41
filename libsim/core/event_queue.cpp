#include "capsim/core/event_queue.hpp"

#include <utility>

namespace capsim {

namespace {
constexpr std::size_t kArity = 4;  // a 4-ary heap: shallower than binary, same O(log n)
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
  std::uint32_t slot = take_slot();
  slots_[slot].live = true;
  EventId id{slot, slots_[slot].generation};
  heap_.push_back(Event{time, priority, next_seq_++, id});
  sift_up(heap_.size() - 1);
  ++live_;
  return id;
}

bool EventQueue::pending(EventId id) const {
  return id.slot < slots_.size() && slots_[id.slot].live && slots_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it surfaces; bumping the generation marks it dead. The slot is only
  // reused after the entry left the heap, so a stale entry never matches a new event.
  slots_[id.slot].live = false;
  ++slots_[id.slot].generation;
  --live_;
  return true;
}

void EventQueue::drop_dead_top() {
  while (!heap_.empty()) {
    const Event& top = heap_.front();
    const Slot& slot = slots_[top.id.slot];
    if (slot.live && slot.generation == top.id.generation) return;
    free_slots_.push_back(top.id.slot);
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
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
  Event e = heap_.front();
  slots_[e.id.slot].live = false;
  ++slots_[e.id.slot].generation;
  free_slots_.push_back(e.id.slot);
  --live_;
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
  return e;
}

void EventQueue::sift_up(std::size_t i) {
  Event e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (!runs_before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Event e = heap_[i];
  for (;;) {
    std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t last = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < last; ++c)
      if (runs_before(heap_[c], heap_[best])) best = c;
    if (!runs_before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

}  // namespace capsim
