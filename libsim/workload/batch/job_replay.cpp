#include "capsim/workload/batch/job_replay.hpp"

#include "capsim/workload/batch/purchasing.hpp"

namespace capsim {

ReplayOutcome replay_job(PurchasingKind kind, const ReplayJob& job, const std::vector<std::uint8_t>& spot_available, double gap_s,
                         std::size_t first) {
  ReplayOutcome out;
  auto need = [&](double remaining) { return run_time_to_finish(remaining, 1, 0, job.checkpoints); };
  const double c0 = need(job.work_s);
  double base = 0;          // progress kept (checkpointed, or the run's when it ended by finishing)
  double run_elapsed = 0;   // time on the current instance
  Placement current = Placement::Idle;
  bool committed = false;
  auto run_now = [&] { return run_progress(run_elapsed, 1, job.changeover_s, job.checkpoints, job.work_s - base); };
  auto end_run = [&] {
    const RunProgress p = run_now();
    out.work_lost_s += p.done - p.checkpointed;
    base += p.checkpointed;
    current = Placement::Idle;
    run_elapsed = 0;
  };
  double t = 0;
  for (std::size_t i = first; i < spot_available.size(); ++i, t += gap_s) {
    const bool spot = spot_available[i] != 0;
    if (current == Placement::Spot && !spot) {
      ++out.preemptions;
      end_run();
    }
    const double done = base + (current == Placement::Idle ? 0 : run_now().done);
    JobClock clock{t, c0, need(job.work_s - done), job.deadline_s, job.changeover_s, gap_s, current, spot, committed};
    const PurchasingDecision d = decide_purchase(kind, clock);
    committed = committed || d.commit;
    if (d.placement != current) {
      if (current != Placement::Idle) end_run();
      current = d.placement;
      if (current != Placement::Idle) ++out.launches;
    }
    if (current == Placement::Idle) continue;
    // Runs this gap, or to its end if it finishes within it.
    const double to_finish = run_time_to_finish(job.work_s - base, 1, job.changeover_s, job.checkpoints) - run_elapsed;
    const double ran = std::min(gap_s, to_finish);
    (current == Placement::Spot ? out.spot_hours : out.on_demand_hours) += ran / 3600.0;
    run_elapsed += ran;
    if (to_finish <= gap_s) {
      out.finished = true;
      out.finish_s = t + to_finish;
      break;
    }
  }
  if (!out.finished) out.finish_s = t;
  out.lateness_s = out.finish_s - job.deadline_s;
  out.met = out.finished && out.lateness_s <= 1e-9;
  out.cost_usd = out.spot_hours * job.spot_usd_per_h + out.on_demand_hours * job.on_demand_usd_per_h;
  return out;
}

}  // namespace capsim
