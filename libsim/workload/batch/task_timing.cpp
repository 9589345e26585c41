#include "capsim/workload/batch/task_timing.hpp"

#include "capsim/catalog/labels.hpp"
#include "capsim/workload/batch/shard_progress.hpp"

namespace capsim {

double shard_work(const TaskSpec& task) { return task.work_gpu_hours * 3600.0 / std::max(1, task.parallelism); }

double shard_rate(const TaskSpec& task, const std::string& type) {
  auto it = task.speed.find(type);
  return it == task.speed.end() ? 0.0 : it->second * task.gpus;
}

std::vector<std::string> allowed_types(const TaskSpec& task, const InstanceCatalog& catalog) {
  std::vector<std::string> out;
  for (const auto& [name, _] : task.speed) {
    const auto t = catalog.find(name);
    if (t && task.requirements.matches(labels_of(*t), is_offering_label)) out.push_back(name);
  }
  return out;
}

TaskTiming fastest_timing(const TaskSpec& task, const InstanceCatalog& catalog) {
  TaskTiming best;
  double rate = 0;
  for (const std::string& type : allowed_types(task, catalog))
    if (shard_rate(task, type) > rate) rate = shard_rate(task, type), best.fastest_type = type;
  if (rate > 0)
    best.duration_s = run_time_to_finish(shard_work(task), rate, 0,
                                         {to_seconds(task.checkpoint_interval), to_seconds(task.checkpoint_cost)});
  return best;
}

TaskSchedule fastest_schedule(const JobTemplate& job, const TaskGraph& graph, const InstanceCatalog& catalog) {
  std::vector<double> durations;
  for (const TaskSpec& t : job.tasks) durations.push_back(fastest_timing(t, catalog).duration_s);
  return graph.schedule(durations);
}

}  // namespace capsim
