#include "capsim/cluster/job_controller.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "capsim/catalog/labels.hpp"
#include "capsim/workload/batch/shard_progress.hpp"
#include "capsim/workload/batch/task_timing.hpp"

namespace capsim {

namespace {

constexpr std::array<Placement, 2> kSlotKinds{Placement::Spot, Placement::OnDemand};

CheckpointPlan plan_of(const TaskSpec& t) { return {to_seconds(t.checkpoint_interval), to_seconds(t.checkpoint_cost)}; }

class BatchSlot final : public Service {
 public:
  explicit BatchSlot(JobController& jobs) : jobs_(jobs) {}
  void replica_ready(SimTime, ReplicaId id, const InstanceType& type) override { jobs_.pod_ready(id, type); }
  void replica_stopped(SimTime, ReplicaId id, const InstanceType&) override { jobs_.pod_stopped(id); }
  void replica_cut_off(SimTime, ReplicaId) override {}  // its stop follows; the loss is the same
  void period_boundary(SimTime) override {}
  double arrival_rate_at(SimTime) const override { return 0; }
  double capacity_rps() const override { return 0; }
  const std::vector<ServicePeriod>& periods() const override { return none_; }
  SlaSummary summary() const override { return {}; }

 private:
  JobController& jobs_;
  std::vector<ServicePeriod> none_;
};

}  // namespace

std::unique_ptr<Service> make_batch_slot(JobController& jobs) { return std::make_unique<BatchSlot>(jobs); }

std::vector<ServiceSpec> batch_pod_specs(const BatchSpec& batch) {
  std::vector<ServiceSpec> out;
  for (const JobTemplate& job : batch.jobs)
    for (const TaskSpec& task : job.tasks)
      for (Placement kind : kSlotKinds) {
        ServiceSpec s;
        s.name = fmt::format("{}/{}@{}", job.name, task.name, placement_name(kind));
        s.replica_gpus = task.gpus;
        s.replica_cpu_millicores = task.cpu_millicores;
        s.replica_memory_mib = task.memory_mib;
        s.replica_requirements = task.requirements.intersect(Requirements(
            {{std::string(label::kCapacityType), Operator::In, {kind == Placement::Spot ? "spot" : "on-demand"}}}));
        // The types it may run on are those it has a speed for (pod templates read the keys).
        for (const auto& [type, speed] : task.speed) s.throughput_rps[type] = speed;
        s.startup_s = task.startup_s;
        s.tolerations = task.tolerations;
        s.namespace_name = job.namespace_name;
        s.tags = job.tags;
        s.replicas = 0;
        out.push_back(std::move(s));
      }
  return out;
}

struct JobController::Shard {
  std::size_t job = 0, task = 0;
  double work = 0;       // reference GPU-seconds
  double base = 0;       // progress kept (checkpointed)
  SimTime released = 0, deadline = 0;  // the task's window (its deadline leaves room for the tasks after it)
  std::ptrdiff_t pod = -1;
  Placement slot = Placement::Idle;  // its pod's capacity type; Idle: no pod
  bool running = false;  // its pod is ready: progress accrues
  SimTime run_start = 0;
  double rate = 0;        // work per second where it runs
  double overhead_s = 0;  // this run's restart overhead
  int runs = 0;
  bool committed = false, done = false;
  std::uint64_t token = 0;  // bumps when a run ends, so its finish event goes stale
};

struct JobController::Job {
  std::size_t tmpl = 0;
  int index = 0;
  SimTime arrival = 0, deadline = 0, finish = -1;
  std::vector<int> shards_left, parents_left;
  int tasks_left = 0;
  double spot_gpu_s = 0, on_demand_gpu_s = 0, lost = 0, cost = 0;
  int restarts = 0;
};

JobController::~JobController() = default;

JobController::JobController(RunContext& run, ClusterState& state, ReplicaController& replicas, const BatchSpec& batch,
                             const InstanceCatalog& catalog, std::size_t first_slot, std::vector<std::vector<double>> changeover_s,
                             SpotAvailability spot_available)
    : run_(run),
      state_(state),
      replicas_(replicas),
      batch_(batch),
      spot_available_(std::move(spot_available)) {
  std::size_t slot = first_slot;
  for (std::size_t i = 0; i < batch_.jobs.size(); ++i) {
    const JobTemplate& t = batch_.jobs[i];
    TaskGraph graph = TaskGraph::build(t.tasks, "job '" + t.name + "'");
    // Each task on its fastest type: its rate, and the critical path's tail after it (a task must
    // end by the job's deadline less that tail).
    std::vector<double> durations, rates;
    for (const TaskSpec& task : t.tasks) {
      const TaskTiming timing = fastest_timing(task, catalog);
      durations.push_back(timing.duration_s);
      rates.push_back(timing.fastest_type.empty() ? 0.0 : shard_rate(task, timing.fastest_type));
    }
    const TaskSchedule fastest = graph.schedule(durations);
    std::vector<double> after;
    for (std::size_t k = 0; k < t.tasks.size(); ++k) after.push_back(fastest.length_s - (fastest.latest_start_s[k] + durations[k]));
    plans_.push_back({std::move(graph), std::move(after), std::move(rates), std::move(changeover_s.at(i)), slot});
    slot += 2 * t.tasks.size();
  }
  active_.resize(batch_.jobs.size());
  state_.on_unbound([this](std::size_t pod, std::size_t node, double seconds) { unbound(pod, node, seconds); });
}

void JobController::start() {
  for (std::size_t t = 0; t < batch_.jobs.size(); ++t) {
    const JobTemplate& tmpl = batch_.jobs[t];
    for (SimTime at : tmpl.arrivals.at)
      if (at >= 0 && at < run_.window_end) run_.engine.schedule_at(at, [this, t, at] { arrive(t, at); }, kPriorityCluster);
    if (tmpl.arrivals.cron) schedule_cron(t, run_.start - std::chrono::seconds(1));
    // Looks at the shortest interval any of its tasks' policies asks for; a template bought
    // on-demand throughout has nothing to look at (its pods stay where they are put).
    SimDuration every = tmpl.purchasing.decision_interval;
    bool all_on_demand = tmpl.purchasing.kind == PurchasingKind::OnDemand;
    for (const auto& [_, p] : tmpl.task_purchasing) {
      every = std::min(every, p.decision_interval);
      all_on_demand = all_on_demand && p.kind == PurchasingKind::OnDemand;
    }
    plans_[t].every = all_on_demand ? 0 : every;
  }
}

void JobController::schedule_look(std::size_t t) {
  Plan& plan = plans_[t];
  if (plan.every <= 0 || plan.looking) return;
  // On the grid of multiples of the interval from the window's start, wherever the chain resumes.
  const SimTime next = (run_.now() / plan.every + 1) * plan.every;
  if (next >= run_.window_end) return;
  plan.looking = true;
  run_.engine.schedule_at(next, [this, t] { look(t); }, kPriorityCluster);
}

void JobController::schedule_cron(std::size_t t, UtcTime after) {
  const UtcTime next = batch_.jobs[t].arrivals.cron->next_after(after);
  const SimTime at = (next - run_.start).count();
  if (at >= run_.window_end) return;
  run_.engine.schedule_at(at, [this, t, at, next] {
    arrive(t, at);
    schedule_cron(t, next);
  }, kPriorityCluster);
}

void JobController::arrive(std::size_t t, SimTime at) {
  const JobTemplate& tmpl = batch_.jobs[t];
  Job j;
  j.tmpl = t;
  j.index = static_cast<int>(std::count_if(jobs_.begin(), jobs_.end(), [&](const Job& o) { return o.tmpl == t; }));
  j.arrival = at;
  j.deadline = tmpl.deadline_for(at, run_.start);
  j.tasks_left = static_cast<int>(tmpl.tasks.size());
  j.shards_left.assign(tmpl.tasks.size(), 0);
  for (std::size_t k = 0; k < tmpl.tasks.size(); ++k) j.parents_left.push_back(static_cast<int>(plans_[t].graph.parents(k).size()));
  jobs_.push_back(std::move(j));
  const std::size_t id = jobs_.size() - 1;
  for (std::size_t k = 0; k < tmpl.tasks.size(); ++k)
    if (jobs_[id].parents_left[k] == 0) release(id, k);
}

void JobController::release(std::size_t job, std::size_t task) {
  const Job& j = jobs_[job];
  const TaskSpec& spec = batch_.jobs[j.tmpl].tasks[task];
  const double after_s = plans_[j.tmpl].after_s[task];
  jobs_[job].shards_left[task] = std::max(1, spec.parallelism);
  for (int i = 0; i < std::max(1, spec.parallelism); ++i) {
    Shard s;
    s.job = job;
    s.task = task;
    s.work = shard_work(spec);
    s.released = run_.now();
    s.deadline = j.deadline - seconds(after_s);
    shards_.push_back(s);
    active_[j.tmpl].push_back(shards_.size() - 1);
    decide(shards_.size() - 1);
  }
  schedule_look(j.tmpl);
}

double JobController::done_now(const Shard& s) const {
  if (!s.running) return s.base;
  const TaskSpec& task = batch_.jobs[jobs_[s.job].tmpl].tasks[s.task];
  return s.base + run_progress(to_seconds(run_.now() - s.run_start), s.rate, s.overhead_s, plan_of(task), s.work - s.base).done;
}

void JobController::decide(std::size_t id) {
  Shard& s = shards_[id];
  if (s.done) return;
  const Job& j = jobs_[s.job];
  const JobTemplate& tmpl = batch_.jobs[j.tmpl];
  const TaskSpec& task = tmpl.tasks[s.task];
  const PurchasingSpec& how = tmpl.purchasing_of(task.name);
  if (how.kind == PurchasingKind::OnDemand) {  // nothing to weigh
    place(id, Placement::OnDemand);
    return;
  }
  const double fast = plans_[j.tmpl].fastest_rate[s.task];
  const CheckpointPlan plan = plan_of(task);
  JobClock clock;
  clock.t = to_seconds(run_.now() - s.released);
  clock.c0 = run_time_to_finish(s.work, fast, 0, plan);
  clock.c = run_time_to_finish(s.work - done_now(s), fast, 0, plan);
  clock.r0 = to_seconds(s.deadline - s.released);
  clock.d = plans_[j.tmpl].changeover_s[s.task];
  clock.look = to_seconds(how.decision_interval);
  // A pod still pending holds no instance: the paper's idle.
  const bool on_node = s.pod >= 0 && state_.pods()[static_cast<std::size_t>(s.pod)].node >= 0;
  clock.current = on_node ? s.slot : Placement::Idle;
  // On-demand never asks (the market's pools are scanned only for a policy that reads the answer).
  clock.spot_available = how.kind != PurchasingKind::OnDemand && spot_available_(task, run_.now());
  clock.committed = s.committed;
  const PurchasingDecision d = decide_purchase(how.kind, clock);
  s.committed = s.committed || d.commit;
  // Waiting for spot is a pending spot pod: it starts the moment a spot node can be had.
  place(id, d.placement == Placement::OnDemand ? Placement::OnDemand : Placement::Spot);
}

void JobController::place(std::size_t id, Placement where) {
  Shard& s = shards_[id];
  if (s.pod >= 0 && s.slot == where) return;
  if (s.pod >= 0) {
    end_run(s);
    const auto pod = static_cast<std::size_t>(s.pod);
    replicas_.delete_pod(pod);  // books its node time (unbound) while still mapped
    shard_of_pod_[pod] = -1;
    s.pod = -1;
  }
  const Job& j = jobs_[s.job];
  const std::size_t slot = plans_[j.tmpl].first_slot + 2 * s.task + (where == Placement::Spot ? 0 : 1);
  const auto pod = replicas_.add_pod(slot);
  s.slot = pod ? where : Placement::Idle;  // a quota refusal: tried again at the next look
  if (!pod) return;
  s.pod = static_cast<std::ptrdiff_t>(*pod);
  if (shard_of_pod_.size() <= *pod) shard_of_pod_.resize(*pod + 1, -1);
  shard_of_pod_[*pod] = static_cast<std::ptrdiff_t>(id);
  replicas_.place();
}

void JobController::end_run(Shard& s) {
  if (!s.running) return;
  const TaskSpec& task = batch_.jobs[jobs_[s.job].tmpl].tasks[s.task];
  const RunProgress p = run_progress(to_seconds(run_.now() - s.run_start), s.rate, s.overhead_s, plan_of(task), s.work - s.base);
  Job& j = jobs_[s.job];
  j.lost += p.done - p.checkpointed;
  ++j.restarts;
  s.base += p.checkpointed;
  s.running = false;
  ++s.token;
}

void JobController::pod_ready(std::size_t pod, const InstanceType& type) {
  if (pod >= shard_of_pod_.size() || shard_of_pod_[pod] < 0) return;
  const auto id = static_cast<std::size_t>(shard_of_pod_[pod]);
  Shard& s = shards_[id];
  const TaskSpec& task = batch_.jobs[jobs_[s.job].tmpl].tasks[s.task];
  s.running = true;
  s.run_start = run_.now();
  s.rate = shard_rate(task, type.name);
  s.overhead_s = s.runs > 0 ? to_seconds(task.restart_overhead) : 0;
  ++s.runs;
  const std::uint64_t token = ++s.token;
  const double left = run_time_to_finish(s.work - s.base, s.rate, s.overhead_s, plan_of(task));
  run_.engine.schedule_at(run_.now() + seconds(left), [this, id, token] { finished(id, token); }, kPriorityCluster);
}

void JobController::pod_stopped(std::size_t pod) {
  if (pod >= shard_of_pod_.size() || shard_of_pod_[pod] < 0) return;
  const auto id = static_cast<std::size_t>(shard_of_pod_[pod]);
  end_run(shards_[id]);
  // Reclaimed or evicted: the pod is pending again. Its policy looks once the cluster has settled
  // (not inside the eviction that is under way).
  run_.engine.schedule_at(run_.now(), [this, id] { decide(id); }, kPriorityCluster);
}

void JobController::finished(std::size_t id, std::uint64_t token) {
  Shard& s = shards_[id];
  if (s.token != token || !s.running || s.done) return;
  s.running = false;
  s.done = true;
  s.base = s.work;
  ++s.token;
  const auto pod = static_cast<std::size_t>(s.pod);
  replicas_.delete_pod(pod);
  shard_of_pod_[pod] = -1;
  s.pod = -1;
  s.slot = Placement::Idle;
  replicas_.place();  // its room may take a pending pod
  Job& j = jobs_[s.job];
  if (--j.shards_left[s.task] > 0) return;
  const std::size_t job = s.job, task = s.task;
  if (--jobs_[job].tasks_left == 0) {
    jobs_[job].finish = run_.now();
    return;
  }
  for (std::size_t child : plans_[jobs_[job].tmpl].graph.children(task))
    if (--jobs_[job].parents_left[child] == 0) release(job, child);
}

void JobController::look(std::size_t t) {
  plans_[t].looking = false;
  auto& active = active_[t];
  active.erase(std::remove_if(active.begin(), active.end(), [&](std::size_t id) { return shards_[id].done; }), active.end());
  // Nothing runs: the looks stop until a task is released (a quiet night costs no events).
  if (active.empty()) return;
  // A copy: a decision may release nothing, but keeps the loop independent of the list.
  const std::vector<std::size_t> now = active;
  for (std::size_t id : now) decide(id);
  schedule_look(t);
}

void JobController::unbound(std::size_t pod, std::size_t node, double seconds_bound) {
  if (pod >= shard_of_pod_.size() || shard_of_pod_[pod] < 0) return;
  const Shard& s = shards_[static_cast<std::size_t>(shard_of_pod_[pod])];
  book(s, node, pod, seconds_bound, jobs_[s.job]);
}

void JobController::book(const Shard& s, std::size_t node, std::size_t pod, double seconds_bound, Job& j) const {
  const Node& n = state_.nodes()[node];
  const TaskSpec& task = batch_.jobs[j.tmpl].tasks[s.task];
  const bool spot = run_.market.at(n.pool).offering.capacity_type == CapacityType::Spot;
  (spot ? j.spot_gpu_s : j.on_demand_gpu_s) += seconds_bound * task.gpus;
  j.cost += seconds_bound / 3600.0 * state_.request_share(n, state_.pods()[pod].service) * run_.ledger.line(n.ledger_line).price_usd_per_h;
}

std::vector<JobResult> JobController::jobs(SimTime now) const {
  // Pods still bound at the end are booked up to it, on copies.
  std::vector<Job> js = jobs_;
  for (const Shard& s : shards_) {
    if (s.pod < 0) continue;
    const Pod& p = state_.pods()[static_cast<std::size_t>(s.pod)];
    if (p.node < 0 || p.bound_since < 0) continue;
    book(s, static_cast<std::size_t>(p.node), static_cast<std::size_t>(s.pod), to_seconds(now - p.bound_since), js[s.job]);
  }
  std::vector<JobResult> out;
  for (const Job& j : js) {
    JobResult r;
    r.job = batch_.jobs[j.tmpl].name;
    r.index = j.index;
    r.arrival_s = to_seconds(j.arrival);
    r.deadline_s = to_seconds(j.deadline);
    r.finish_s = j.finish >= 0 ? to_seconds(j.finish) : -1;
    r.lateness_s = to_seconds((j.finish >= 0 ? j.finish : now) - j.deadline);
    r.deadline_met = j.finish >= 0 && j.finish <= j.deadline;
    r.open = j.finish < 0 && j.deadline > now;
    r.spot_gpu_hours = j.spot_gpu_s / 3600.0;
    r.on_demand_gpu_hours = j.on_demand_gpu_s / 3600.0;
    r.restarts = j.restarts;
    r.work_lost_gpu_hours = j.lost / 3600.0;
    r.cost_usd = j.cost;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<BatchResult> JobController::summaries(const std::vector<JobResult>& jobs) const {
  std::vector<BatchResult> out;
  for (const JobTemplate& tmpl : batch_.jobs) {
    BatchResult b;
    b.job = tmpl.name;
    b.purchasing = purchasing_name(tmpl.purchasing.kind);
    std::vector<double> lateness;
    double completion = 0;
    int finished = 0;
    for (const JobResult& r : jobs) {
      if (r.job != tmpl.name) continue;
      ++b.jobs;
      b.cost_usd += r.cost_usd;
      b.spot_gpu_hours += r.spot_gpu_hours;
      b.on_demand_gpu_hours += r.on_demand_gpu_hours;
      b.restarts += r.restarts;
      b.work_lost_gpu_hours += r.work_lost_gpu_hours;
      if (r.finish_s >= 0) completion += r.finish_s - r.arrival_s, ++finished;
      if (r.open) {
        ++b.open;
        continue;
      }
      lateness.push_back(r.lateness_s);
      if (!r.deadline_met) ++b.missed;
    }
    const int judged = b.jobs - b.open;
    b.miss_share = judged > 0 ? static_cast<double>(b.missed) / judged : 0;
    b.cost_per_job_usd = b.jobs > 0 ? b.cost_usd / b.jobs : 0;
    b.completion_mean_s = finished > 0 ? completion / finished : 0;
    if (!lateness.empty()) {
      // Nearest rank: the smallest value with at least 95% of the judged jobs at or below it.
      std::sort(lateness.begin(), lateness.end());
      const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(lateness.size())));
      b.lateness_p95_s = lateness[std::max<std::size_t>(rank, 1) - 1];
    }
    if (b.missed > 0) {
      b.objective.breached = true;
      b.objective.reason = fmt::format("{} of {} '{}' job{} missed {} deadline", b.missed, judged, tmpl.name, judged == 1 ? "" : "s",
                                       judged == 1 ? "its" : "their");
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace capsim
