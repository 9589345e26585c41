#pragma once
// The event kernel: a clock, the event queue and the callbacks the events run. Components hold a
// reference to the engine and schedule timers for themselves and events for each other; observers
// attach through callbacks rather than subclassing (as SimGrid's s4u::Engine does).
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "capsim/core/action.hpp"
#include "capsim/core/event_queue.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

class Engine {
 public:
  using Action = capsim::Action;  // any callable, kept in place up to 32 bytes

  SimTime now() const { return now_; }

  /// Runs `action` (anything an Action holds) at time `t` (>= now). Lower `priority` runs first
  /// among events at the same time.
  template <class F>
  EventId schedule_at(SimTime t, F&& action, std::int32_t priority = 0) {
    const EventId id = reserve(t, priority);
    // The action is built in its (empty) slot: built elsewhere and moved in, a small lambda is
    // written and read back at once, which stalls on store forwarding, and a month of 15-second
    // HPA syncs schedules half a million events a run.
    Action* slot = &actions_[id.slot];
    std::destroy_at(slot);
    try {
      std::construct_at(slot, std::forward<F>(action));
    } catch (...) {  // no event without its action
      std::construct_at(slot);
      cancel(id);
      throw;
    }
    return id;
  }
  template <class F>
  EventId schedule_in(SimDuration d, F&& action, std::int32_t priority = 0) {
    return schedule_at(now_ + d, std::forward<F>(action), priority);
  }
  /// Cancels a pending event; false when it already ran or was cancelled.
  bool cancel(EventId id);

  /// Runs events until the queue is empty.
  void run();
  /// Runs every event with time <= t, then sets the clock to t.
  void run_until(SimTime t);

  /// Called with (old, new) whenever the clock moves forward, before the events at the new time run.
  void on_time_advance(std::function<void(SimTime, SimTime)> cb) { time_observers_.push_back(std::move(cb)); }
  /// Called once when run()/run_until() finishes.
  void on_simulation_end(std::function<void(SimTime)> cb) { end_observers_.push_back(std::move(cb)); }

  std::uint64_t events_processed() const { return processed_; }
  std::size_t pending() const { return queue_.size(); }

 private:
  /// Queues an event at `t` and makes room for its action (throws capsim::Error before `now`).
  EventId reserve(SimTime t, std::int32_t priority);
  void step(const Event& e);
  void finish();

  SimTime now_ = 0;
  EventQueue queue_;
  std::vector<Action> actions_;  // by event slot
  std::vector<std::function<void(SimTime, SimTime)>> time_observers_;
  std::vector<std::function<void(SimTime)>> end_observers_;
  std::uint64_t processed_ = 0;
};

}  // namespace capsim
