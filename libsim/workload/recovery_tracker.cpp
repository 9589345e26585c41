#include "capsim/workload/recovery_tracker.hpp"

#include <algorithm>

namespace capsim {

void RecoveryTracker::ready_changed(SimTime now, int ready) {
  auto done = [&](const Open& o) {
    if (o.target > ready) return false;
    const double s = to_seconds(now - o.at);
    ++cuts_, ++recovered_;
    sum_s_ += s;
    max_s_ = std::max(max_s_, s);
    return true;
  };
  open_.erase(std::remove_if(open_.begin(), open_.end(), done), open_.end());
}

void RecoveryTracker::finish() {
  cuts_ += static_cast<int>(open_.size());
  unrecovered_ += static_cast<int>(open_.size());
  open_.clear();
}

}  // namespace capsim
