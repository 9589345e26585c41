#pragma once
// A job template's tasks as a DAG (a Boost.Graph adjacency list): its topological order, and for
// given task durations the earliest and latest starts, each task's slack and the critical path (the
// longest chain, which bounds how soon the job can finish however many nodes it gets).
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/workload/batch/batch_spec.hpp"

namespace capsim {

struct TaskSchedule {
  std::vector<double> earliest_start_s;  // by task, with every predecessor done as early as it can be
  std::vector<double> latest_start_s;    // by task, without delaying the job's end
  std::vector<double> slack_s;           // latest − earliest: 0 on the critical path
  double length_s = 0;                   // the critical path's length: the job's shortest makespan
  std::vector<std::size_t> critical_path;  // its tasks, first to last
};

class TaskGraph {
 public:
  /// The graph of `tasks` (their `after` lists). Throws capsim::Error for a task after itself, a
  /// name no task has (with close matches) or a cycle (named: "a → b → a"); `where` prefixes the message.
  static TaskGraph build(const std::vector<TaskSpec>& tasks, const std::string& where = "");

  std::size_t size() const { return parents_.size(); }
  /// Tasks in an order where each comes after every task it depends on (Boost's depth-first order).
  const std::vector<std::size_t>& order() const { return order_; }
  const std::vector<std::size_t>& parents(std::size_t task) const { return parents_[task]; }
  const std::vector<std::size_t>& children(std::size_t task) const { return children_[task]; }

  /// Starts, slack and the critical path for `duration_s` (by task, seconds).
  TaskSchedule schedule(const std::vector<double>& duration_s) const;

 private:
  std::vector<std::vector<std::size_t>> parents_, children_;
  std::vector<std::size_t> order_;
};

/// The cycle among `tasks`' dependencies as task names, first repeated last ("a", "b", "a"); empty
/// when they form a DAG. Names every `after` must resolve (unknown names are ignored here).
std::vector<std::string> find_task_cycle(const std::vector<TaskSpec>& tasks);

}  // namespace capsim
