#pragma once
// One pod's run on one instance, in closed form: after its restart overhead it computes at a
// constant rate, pausing every checkpoint interval (of compute) to write a checkpoint. Progress made
// since the last finished checkpoint is lost when the run is cut short. Being closed-form, a run
// needs no events until it ends, is reclaimed or its policy looks at it.
#include <algorithm>
#include <cmath>

namespace capsim {

struct CheckpointPlan {
  double interval_s = 0;  // compute between checkpoints; 0: none
  double cost_s = 0;      // writing one
};

struct RunProgress {
  double done = 0;          // work done since the run began (reference GPU-seconds)
  double checkpointed = 0;  // ...of which a finished checkpoint holds
};

/// A run's progress `elapsed_s` after its pod became ready, computing at `rate` (work per second)
/// after `overhead_s`, on a shard with `remaining` work left (progress stops there).
inline RunProgress run_progress(double elapsed_s, double rate, double overhead_s, CheckpointPlan plan, double remaining) {
  const double e = elapsed_s - overhead_s;
  if (e <= 0 || rate <= 0) return {};
  RunProgress p;
  if (plan.interval_s > 0) {
    const double cycle = plan.interval_s + plan.cost_s;
    const double cycles = std::floor(e / cycle);
    p.done = rate * (cycles * plan.interval_s + std::min(e - cycles * cycle, plan.interval_s));
    p.checkpointed = rate * cycles * plan.interval_s;
  } else {
    p.done = rate * e;
  }
  if (p.done >= remaining) p = {remaining, remaining};  // finished: its output is written
  p.checkpointed = std::min(p.checkpointed, remaining);
  return p;
}

/// Checkpoints written while computing `compute_s` seconds (none after the last piece).
inline double checkpoints_within(double compute_s, double interval_s) {
  if (interval_s <= 0 || compute_s <= 0) return 0;
  // A relative tolerance, so work that is an exact multiple of the interval takes no extra one.
  return std::max(0.0, std::ceil(compute_s / interval_s * (1 - 1e-12)) - 1);
}

/// Seconds from the pod's ready to the shard's end, for `remaining` work at `rate`.
inline double run_time_to_finish(double remaining, double rate, double overhead_s, CheckpointPlan plan) {
  const double compute = remaining / rate;
  return overhead_s + compute + checkpoints_within(compute, plan.interval_s) * plan.cost_s;
}

}  // namespace capsim
