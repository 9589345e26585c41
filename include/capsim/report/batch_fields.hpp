#pragma once
// The field tables of batch work's results (workload/batch/job_result.hpp), for result.json, the
// CSV files, the summary and the Python binding.
#include "capsim/report/field.hpp"
#include "capsim/report/service_fields.hpp"
#include "capsim/workload/batch/job_result.hpp"

namespace capsim {

constexpr auto fields_of(std::type_identity<JobResult>) {
  using T = JobResult;
  return std::tuple{
      field("job", &T::job, "its job template"),
      field("index", &T::index, "its arrival's ordinal within the template"),
      field("arrival_s", &T::arrival_s, "arrived, seconds from the window's start"),
      field("deadline_s", &T::deadline_s, "its deadline, seconds from the window's start"),
      field("finish_s", &T::finish_s, "finished, seconds from the window's start (-1: unfinished at the end)"),
      field("lateness_s", &T::lateness_s, "finish (or the window's end) minus the deadline; negative: early"),
      field("deadline_met", &T::deadline_met, "finished by its deadline"),
      field("open", &T::open, "unfinished with its deadline after the window's end: not judged"),
      field("spot_gpu_hours", &T::spot_gpu_hours, "GPU-hours its pods held on spot nodes (start-up included)"),
      field("on_demand_gpu_hours", &T::on_demand_gpu_hours, "GPU-hours its pods held on on-demand nodes"),
      field("restarts", &T::restarts, "pod runs cut short: reclaimed, evicted or moved by its purchasing policy"),
      field("work_lost_gpu_hours", &T::work_lost_gpu_hours, "reference GPU-hours of progress lost since the last checkpoints"),
      field("cost_usd", &T::cost_usd, "its pods' share of their nodes' price while bound"),
  };
}

constexpr auto fields_of(std::type_identity<BatchResult>) {
  using T = BatchResult;
  return std::tuple{
      field("job", &T::job, "job template"),
      field("purchasing", &T::purchasing, "its purchasing policy: on-demand, spot, greedy or uniform-progress"),
      field("jobs", &T::jobs, "jobs that arrived in the window", {.label = "jobs arrived / missed / open", .show = Show::Count}),
      field("missed", &T::missed, "finished after the deadline, or unfinished past it", {.show = Show::Count, .joins_above = true}),
      field("open", &T::open, "unfinished with the deadline after the window's end (not judged)", {.show = Show::Count, .joins_above = true}),
      field("miss_share", &T::miss_share, "missed / judged jobs", {.label = "deadline-miss share", .show = Show::Percent}),
      field("cost_usd", &T::cost_usd, "what its jobs' pods cost", {.label = "cost / per job (USD)", .show = Show::Money}),
      field("cost_per_job_usd", &T::cost_per_job_usd, "over the jobs that arrived", {.show = Show::Money, .joins_above = true}),
      field("lateness_p95_s", &T::lateness_p95_s, "95th percentile of finish minus deadline over judged jobs, s (negative: early)",
            {.label = "lateness P95 (s)", .show = Show::Fixed0}),
      field("completion_mean_s", &T::completion_mean_s, "arrival to finish, mean over finished jobs, s",
            {.label = "completion time, mean (s)", .show = Show::Fixed0}),
      field("spot_gpu_hours", &T::spot_gpu_hours, "GPU-hours on spot", {.label = "GPU-hours spot / on-demand", .show = Show::Fixed1}),
      field("on_demand_gpu_hours", &T::on_demand_gpu_hours, "GPU-hours on-demand", {.show = Show::Fixed1, .joins_above = true}),
      field("restarts", &T::restarts, "pod runs cut short", {.label = "restarts", .show = Show::Count}),
      field("work_lost_gpu_hours", &T::work_lost_gpu_hours, "reference GPU-hours lost since checkpoints",
            {.label = "work lost (GPU-hours)", .show = Show::Fixed1}),
      field("objective", &T::objective, "breached when a judged job missed its deadline"),
  };
}

}  // namespace capsim
