#pragma once
// How long a batch task takes where it may run: the instance types its pods may use (a speed is
// given and its node affinity allows them), the fastest of them, and each task's shortest duration
// there (checkpoints included), which the DAG turns into the job's critical path.
#include <string>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/workload/batch/batch_spec.hpp"
#include "capsim/workload/batch/task_graph.hpp"

namespace capsim {

/// Work of one of the task's pods (its share), in reference GPU-seconds.
double shard_work(const TaskSpec& task);
/// Work per second of one pod of `task` on `type` (its GPUs × the type's speed); 0 without a speed.
double shard_rate(const TaskSpec& task, const std::string& type);

/// The types of `catalog` a pod of `task` may run on: a speed is given, its requirements allow the
/// type (zone and capacity type, an offering's, are left to the market).
std::vector<std::string> allowed_types(const TaskSpec& task, const InstanceCatalog& catalog);

struct TaskTiming {
  std::string fastest_type;  // "" when no type is allowed
  double duration_s = 0;     // one pod's share on it, checkpoints included, from its start
};
TaskTiming fastest_timing(const TaskSpec& task, const InstanceCatalog& catalog);

/// The job's shortest makespan: its critical path with every task on its fastest type.
TaskSchedule fastest_schedule(const JobTemplate& job, const TaskGraph& graph, const InstanceCatalog& catalog);

}  // namespace capsim
