#pragma once
// The Job controller: batch jobs arrive (cron, list or trace), their tasks are released in DAG
// order, and each task's pods (its parallelism) run through the cluster like any pod: pending, a
// node from the provisioners, start-up, then progress toward their share of the work, with
// checkpoints. Where a pod runs is its purchasing policy's: a spot or an on-demand pod (a
// karpenter.sh/capacity-type requirement), switched by deleting one pod and creating the other, as
// a controller would. A reclaim or eviction loses the progress since the last checkpoint and the
// pod restarts, paying the restart overhead. The decisions are workload/batch/purchasing's; this
// class wires them to the engine and the cluster.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/cluster/replica_controller.hpp"
#include "capsim/cluster/run_context.hpp"
#include "capsim/workload/batch/batch_spec.hpp"
#include "capsim/workload/batch/job_result.hpp"
#include "capsim/workload/batch/purchasing.hpp"
#include "capsim/workload/batch/task_graph.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

/// The pod templates batch work adds to the cluster: per job template, task and capacity type
/// (spot first, then on-demand), a spec the replica controller and provisioners read as they read
/// a service's. `first_index`: where they start among the cluster's templates.
std::vector<ServiceSpec> batch_pod_specs(const BatchSpec& batch);

/// Whether spot capacity is on offer now for a task's pods (any pool they may use).
using SpotAvailability = std::function<bool(const TaskSpec& task, SimTime now)>;

class JobController {
 public:
  /// `slots`: the index of the first batch pod template (see batch_pod_specs). `changeover_s`: per
  /// job template and task, the delay its policy plans for a new instance (d).
  JobController(RunContext& run, ClusterState& state, ReplicaController& replicas, const BatchSpec& batch, const InstanceCatalog& catalog,
                std::size_t first_slot, std::vector<std::vector<double>> changeover_s, SpotAvailability spot_available);
  ~JobController();
  JobController(const JobController&) = delete;
  JobController& operator=(const JobController&) = delete;

  /// Schedules every template's arrivals and decision looks.
  void start();

  // What the batch pod templates' services forward.
  void pod_ready(std::size_t pod, const InstanceType& type);
  void pod_stopped(std::size_t pod);

  /// The outcomes at `now` (the window's end): every job, then per template.
  std::vector<JobResult> jobs(SimTime now) const;
  std::vector<BatchResult> summaries(const std::vector<JobResult>& jobs) const;

 private:
  struct Shard;
  struct Job;
  void schedule_cron(std::size_t tmpl, UtcTime after);
  void arrive(std::size_t tmpl, SimTime at);
  void release(std::size_t job, std::size_t task);
  void decide(std::size_t shard);
  void look(std::size_t tmpl);
  void schedule_look(std::size_t tmpl);
  void end_run(Shard& s);
  void place(std::size_t shard, Placement where);
  void finished(std::size_t shard, std::uint64_t token);
  void unbound(std::size_t pod, std::size_t node, double seconds);
  void book(const Shard& s, std::size_t node, std::size_t pod, double seconds, Job& j) const;
  double done_now(const Shard& s) const;

  RunContext& run_;
  ClusterState& state_;
  ReplicaController& replicas_;
  const BatchSpec& batch_;
  SpotAvailability spot_available_;
  // Per job template, what its jobs are planned with.
  struct Plan {
    TaskGraph graph;
    std::vector<double> after_s;       // per task: what the tasks after it need on their fastest types
    std::vector<double> fastest_rate;  // per task: work/s of one pod on its fastest type
    std::vector<double> changeover_s;  // per task: the delay its policy plans a new instance with (d)
    std::size_t first_slot = 0;        // its first pod template's index
    SimDuration every = 0;             // its looks' interval (0: it has none: bought on-demand throughout)
    bool looking = false;              // a look is scheduled (looks stop while no task runs)
  };
  std::vector<Plan> plans_;
  std::vector<Job> jobs_;
  std::vector<Shard> shards_;
  std::vector<std::vector<std::size_t>> active_;  // per template: shards not known to be done
  std::vector<std::ptrdiff_t> shard_of_pod_;  // by pod id; -1: not a batch pod now
};

/// The Service a batch pod template presents to the cluster: it forwards its pods' starts and
/// stops to the Job controller and serves no requests.
std::unique_ptr<Service> make_batch_slot(JobController& jobs);

}  // namespace capsim
