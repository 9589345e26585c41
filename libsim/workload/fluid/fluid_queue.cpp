#include "capsim/workload/fluid/fluid_queue.hpp"

#include <algorithm>

namespace capsim {

void FluidQueue::advance(double d, double a, double c) {
  if (d <= 0) return;
  const double b0 = backlog_;
  const double limit = c * max_wait_s_;  // the backlog a new arrival can have ahead of it and still make it
  const double net = a - c;
  totals_.arrived += a * d;
  if (c < a) totals_.under_provisioned_s += d;

  if (on_overload_ == OverloadAction::Drop) {
    double b = b0;
    // Capacity fell: queued work beyond what can finish within max_wait_s times out now.
    if (b > limit) {
      totals_.missed += b - limit;
      b = limit;
    }
    const double start = b;
    double dropped = 0;
    if (net > 0) {
      const double t_full = (limit - b) / net;
      if (t_full >= d) {
        b += net * d;
      } else {
        dropped = net * (d - t_full);
        b = limit;
      }
    } else {
      b = std::max(0.0, b + net * d);
    }
    totals_.missed += dropped;
    totals_.served += start + a * d - dropped - b;
    totals_.backlog_max = std::max({totals_.backlog_max, b0, b});
    backlog_ = b;
    return;
  }

  // Late: nothing is dropped; arrivals while the backlog exceeds the limit are late.
  double late;
  if (c <= 0) {
    late = a * d;
  } else if (net > 0) {
    const double t_star = std::clamp((limit - b0) / net, 0.0, d);
    late = a * (d - t_star);
  } else if (net < 0) {
    const double t_star = std::clamp((b0 - limit) / -net, 0.0, d);
    late = a * t_star;
  } else {
    late = b0 > limit ? a * d : 0.0;
  }
  const double b = std::max(0.0, b0 + net * d);
  totals_.missed += late;
  totals_.served += b0 + a * d - b;
  totals_.backlog_max = std::max({totals_.backlog_max, b0, b});
  backlog_ = b;
}

}  // namespace capsim
