#include "capsim/core/engine.hpp"

#include "capsim/core/error.hpp"

namespace capsim {

EventId Engine::reserve(SimTime t, std::int32_t priority) {
  if (t < now_) throw Error("event scheduled in the past (" + std::to_string(t) + " us < now " + std::to_string(now_) + " us)");
  EventId id = queue_.push(t, priority);
  if (id.slot >= actions_.size()) actions_.resize(id.slot + 1);
  return id;
}

bool Engine::cancel(EventId id) {
  if (!queue_.cancel(id)) return false;
  actions_[id.slot] = nullptr;
  return true;
}

void Engine::step(const Event& e) {
  if (e.time > now_) {
    SimTime old = now_;
    now_ = e.time;
    for (auto& cb : time_observers_) cb(old, now_);
  }
  Action action = std::move(actions_[e.id.slot]);  // leaves the slot empty
  ++processed_;
  action();
}

void Engine::finish() {
  for (auto& cb : end_observers_) cb(now_);
}

void Engine::run() {
  while (auto e = queue_.pop()) step(*e);
  finish();
}

void Engine::run_until(SimTime t) {
  Event e;
  while (queue_.pop_until(t, e)) step(e);
  if (t > now_) {
    SimTime old = now_;
    now_ = t;
    for (auto& cb : time_observers_) cb(old, now_);
  }
  finish();
}

}  // namespace capsim
