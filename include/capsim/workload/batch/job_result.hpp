#pragma once
// What a run reports of its batch work: every job's outcome, and per job template the share of
// deadlines missed, the cost per job and the lateness. Jobs whose deadline falls after the window
// closes, still running, are open: counted, not judged.
#include <string>

#include "capsim/workload/service.hpp"

namespace capsim {

struct JobResult {
  std::string job;              // its template
  int index = 0;                // its arrival's ordinal within the template
  double arrival_s = 0;         // from the window's start
  double deadline_s = 0;        // from the window's start
  double finish_s = -1;         // -1: unfinished when the window closed
  double lateness_s = 0;        // finish (or the window's end) − deadline; negative: early
  bool deadline_met = false;
  bool open = false;            // unfinished with its deadline after the window's end: not judged
  double spot_gpu_hours = 0;    // GPUs its pods held on spot nodes, start-up included
  double on_demand_gpu_hours = 0;
  int restarts = 0;             // pod runs cut short (reclaimed, evicted or moved by its policy)
  double work_lost_gpu_hours = 0;  // reference GPU-hours of progress lost since checkpoints
  double cost_usd = 0;          // its pods' share of their nodes' price, while bound

  friend bool operator==(const JobResult&, const JobResult&) = default;
};

/// The jobs of one template in one replicate.
struct BatchResult {
  std::string job;
  std::string purchasing;  // its purchasing policy
  int jobs = 0;            // arrived in the window
  int missed = 0;          // finished late, or unfinished past the deadline
  int open = 0;            // not judged (see JobResult::open)
  double miss_share = 0;   // missed / (jobs − open)
  double cost_usd = 0;
  double cost_per_job_usd = 0;  // over the jobs that arrived
  double lateness_p95_s = 0;    // of the judged jobs (nearest rank)
  double completion_mean_s = 0;  // arrival to finish, finished jobs
  double spot_gpu_hours = 0, on_demand_gpu_hours = 0;
  int restarts = 0;
  double work_lost_gpu_hours = 0;
  ObjectiveOutcome objective;  // breached when a judged job missed its deadline

  friend bool operator==(const BatchResult&, const BatchResult&) = default;
};

}  // namespace capsim
