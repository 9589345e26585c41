#pragma once
// One job replayed on a recorded spot availability series, stepped at the series' gap as the
// Can't Be Late authors' simulator steps it: at each step a spot instance whose capacity is gone is
// preempted, the purchasing policy decides, and the job runs to the next step. Every new instance
// (spot or on-demand) pays the changeover delay before progress resumes; a preempted or stopped
// instance loses the progress since its last checkpoint. Both kinds are equally fast here (the
// cluster model has per-type speeds); instances are billed per second. This is the fast path for
// sweeping policies over many traces; the cluster model runs jobs as pods through the provisioners.
#include <cstdint>
#include <vector>

#include "capsim/workload/batch/batch_spec.hpp"
#include "capsim/workload/batch/shard_progress.hpp"

namespace capsim {

struct ReplayJob {
  double work_s = 0;        // compute time it needs
  double deadline_s = 0;    // after its start
  double changeover_s = 0;  // d
  CheckpointPlan checkpoints;
  double spot_usd_per_h = 0;
  double on_demand_usd_per_h = 0;
};

struct ReplayOutcome {
  bool finished = false;
  double finish_s = 0;      // from its start (the series' end when unfinished)
  double lateness_s = 0;    // finish − deadline (negative: early)
  bool met = false;
  double spot_hours = 0;    // instance hours billed, changeovers included
  double on_demand_hours = 0;
  int launches = 0;         // instances started
  int preemptions = 0;
  double work_lost_s = 0;   // compute lost since checkpoints
  double cost_usd = 0;
};

/// Replays `job` under `kind` on `spot_available` (one flag per `gap_s`, from `first` on) until it
/// finishes or the series ends.
ReplayOutcome replay_job(PurchasingKind kind, const ReplayJob& job, const std::vector<std::uint8_t>& spot_available, double gap_s,
                         std::size_t first = 0);

}  // namespace capsim
