#pragma once
// Batch work as the scenario gives it: job templates, each a DAG of tasks with a pod shape, an
// amount of work, a parallelism, checkpoints and a restart overhead; when jobs of the template
// arrive and by when each must finish; and how its pods are bought (the purchasing policy). The
// jobs' arrivals and work are the world; the purchasing policy and the batch pods' placement are
// choices a policy may patch.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/requirements.hpp"
#include "capsim/catalog/taints.hpp"
#include "capsim/core/cron.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/core/tags.hpp"

namespace capsim {

/// How a task's pods are bought while its job runs toward its deadline.
enum class PurchasingKind {
  OnDemand,         // on-demand only
  Spot,             // spot only: waits while spot is unavailable
  Greedy,           // spot while available; on-demand for the rest once the slack runs out
  UniformProgress,  // Wu et al., NSDI 2024: on-demand while behind a uniform pace to the deadline
};

struct PurchasingSpec {
  PurchasingKind kind = PurchasingKind::OnDemand;
  // How often the policy looks at its job (and at spot availability) between the events that
  // make it look at once (a pod ready, a reclaim, a task's end).
  SimDuration decision_interval = 60 * kMicrosPerSecond;
};

struct TaskSpec {
  std::string name;
  std::vector<std::string> after;  // tasks that must finish first (the DAG's edges)
  // The pod shape: devices of the replica's kind, CPU, memory, node affinity and tolerations.
  int gpus = 1;
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_mib = 0;
  Requirements requirements;
  std::vector<Toleration> tolerations;
  // Work in GPU-hours on the reference type; a pod on another type runs `speed[type]` times as
  // fast per GPU. A type without a speed cannot run the task.
  double work_gpu_hours = 0;
  std::map<std::string, double> speed;  // by instance type (the reference type is 1)
  int parallelism = 1;                  // pods, each with an equal share of the work
  SimDuration checkpoint_interval = 0;  // compute time between checkpoints; 0: none are taken
  SimDuration checkpoint_cost = 0;      // writing one (no progress meanwhile)
  SimDuration restart_overhead = 0;     // after a restart, before progress resumes (reloading the last checkpoint)
  std::optional<Distribution> startup_s;  // pod bound → running (image pull, container start)
};

/// When jobs of a template arrive: a cron schedule in a time zone, or listed instants.
struct JobArrivals {
  std::optional<CronSchedule> cron;
  std::vector<SimTime> at;  // seconds from the window's start (a list, or a submissions trace)
};

struct JobTemplate {
  std::string name;
  std::vector<TaskSpec> tasks;
  JobArrivals arrivals;
  SimDuration deadline = 0;  // after each arrival...
  std::optional<CronSchedule> deadline_at;  // ...or the schedule's next firing after it ("by 07:00 New York time")
  PurchasingSpec purchasing;
  std::map<std::string, PurchasingSpec> task_purchasing;  // per task, overriding the job's
  Tags tags;
  std::string namespace_name = "batch";

  /// The deadline of a job arriving at `arrival` (from the window's start at `start`).
  SimTime deadline_for(SimTime arrival, UtcTime start) const {
    if (!deadline_at) return arrival + deadline;
    return (deadline_at->next_after(start + std::chrono::microseconds{arrival}) - start).count();
  }

  const PurchasingSpec& purchasing_of(const std::string& task) const {
    auto it = task_purchasing.find(task);
    return it == task_purchasing.end() ? purchasing : it->second;
  }
};

struct BatchSpec {
  std::vector<JobTemplate> jobs;
  bool empty() const { return jobs.empty(); }
};

}  // namespace capsim
