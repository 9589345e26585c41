#pragma once
// How long a service takes to recover from each abrupt stop (a replica reclaimed under its
// requests): from the cut until as many replicas are ready as just before it. A recovery still open
// when the window closes is counted apart (unrecovered), not as a time: if the service scaled down
// meanwhile, it may never be back to its earlier count.
#include <cstdint>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim {

class RecoveryTracker {
 public:
  /// A replica stopped abruptly at `now` with `ready_before` replicas ready just before.
  void cut(SimTime now, int ready_before) { open_.push_back({now, ready_before}); }
  /// `ready` replicas are ready at `now` (after a change).
  void ready_changed(SimTime now, int ready);
  /// The window closed: the recoveries still open count as unrecovered.
  void finish();

  int cuts() const { return cuts_; }
  int unrecovered() const { return unrecovered_; }
  double mean_s() const { return recovered_ > 0 ? sum_s_ / recovered_ : 0.0; }
  double max_s() const { return max_s_; }

 private:
  struct Open {
    SimTime at;
    int target;
  };
  std::vector<Open> open_;
  int cuts_ = 0, recovered_ = 0, unrecovered_ = 0;
  double sum_s_ = 0, max_s_ = 0;
};

}  // namespace capsim
