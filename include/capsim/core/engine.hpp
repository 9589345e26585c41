#pragma once
// The event kernel: a clock, the event queue and the callbacks the events run. Components hold a
// reference to the engine and schedule timers for themselves and events for each other; observers
// attach through callbacks rather than subclassing (as SimGrid's s4u::Engine does).
#include <cstdint>
#include <functional>
#include <vector>

#include "capsim/core/event_queue.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

class Engine {
 public:
  using Action = std::function<void()>;

  SimTime now() const { return now_; }

  /// Runs `action` at time `t` (>= now). Lower `priority` runs first among events at the same time.
  EventId schedule_at(SimTime t, Action action, std::int32_t priority = 0);
  EventId schedule_in(SimDuration d, Action action, std::int32_t priority = 0) {
    return schedule_at(now_ + d, std::move(action), priority);
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
