// The `batch` section: job templates (a DAG of tasks each, with a pod shape, an amount of work, a
// parallelism, checkpoints and a restart overhead), when jobs of each arrive, their deadline and how
// their pods are bought. The jobs (arrivals, deadlines, work, DAG) are the world every policy runs;
// the purchasing policy and where the pods may go (requirements, tolerations, speeds) are choices.
#include <algorithm>
#include <limits>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "capsim/catalog/labels.hpp"
#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/trace/align.hpp"
#include "capsim/workload/batch/task_graph.hpp"
#include "capsim/workload/batch/task_timing.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

namespace {

// More jobs of one template than any window needs; a larger count is a typo in a trace or a list.
constexpr std::size_t kMaxJobArrivals = 1'000'000;
constexpr std::int64_t kMaxParallelism = 100'000;
constexpr std::int64_t kMaxTaskGpus = 1'024;

const std::vector<std::string> kJobKeys = {"name",      "description", "arrivals", "deadline_s", "deadline_at", "purchasing",
                                           "task_purchasing", "namespace", "tags", "tasks"};
const std::vector<std::string> kTaskKeys = {"name",  "after",  "gpus",           "cpu",         "memory",
                                            "requirements", "tolerations", "work_gpu_hours", "speed", "parallelism",
                                            "checkpoint_interval_s", "checkpoint_cost_s", "restart_overhead_s", "startup_s"};
// What a policy may change in a job, and in a task: how its pods are bought and where they may go.
const std::vector<std::string> kJobChoices = {"purchasing", "task_purchasing", "namespace", "tags", "description"};
const std::vector<std::string> kTaskChoices = {"requirements", "tolerations", "speed"};

bool is_one_of(const std::string& key, const std::vector<std::string>& keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// A length of time as people read it: "9.6 h", "45 min", "30 s".
std::string human(double s) {
  if (s >= 3600) return fmt::format("{:.4g} h", s / 3600);
  if (s >= 60) return fmt::format("{:.4g} min", s / 60);
  return fmt::format("{:.4g} s", s);
}

// Two lengths that must read differently when they differ (a deadline a few seconds short).
std::pair<std::string, std::string> human_pair(double a, double b) {
  std::string x = human(a), y = human(b);
  if (x == y && a != b) x += fmt::format(" ({:.0f} s)", a), y += fmt::format(" ({:.0f} s)", b);
  return {x, y};
}

// A number > 0 of seconds as a SimDuration (a number of seconds up to 100 years).
std::optional<SimDuration> positive_seconds(Checker& ck, const json& obj, const std::string& p, const char* key, const char* what) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::optional<SimDuration> d;
  if (it->is_number()) d = checked_seconds(it->get<double>());
  if (!d || *d <= 0) {
    ck.fail(ptr_join(p, key), what, describe(*it));
    return std::nullopt;
  }
  return d;
}

// A number ≥ 0 of seconds as a SimDuration.
std::optional<SimDuration> nonnegative_seconds(Checker& ck, const json& obj, const std::string& p, const char* key, const char* what) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::optional<SimDuration> d;
  if (it->is_number()) d = checked_seconds(it->get<double>());
  if (!d || *d < 0) {
    ck.fail(ptr_join(p, key), what, describe(*it));
    return std::nullopt;
  }
  return d;
}

std::string list_of(const std::vector<std::string>& names, std::size_t shown = 6) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += fmt::format(", ... {} in all", names.size());
  return out;
}

std::string describe_requirements(const std::vector<Requirement>& rs) {
  std::vector<std::string> parts;
  for (const Requirement& r : rs)
    parts.push_back(r.values.empty() ? fmt::format("{} {}", r.key, to_string(r.op))
                                     : fmt::format("{} {} [{}]", r.key, to_string(r.op), fmt::join(r.values, ", ")));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::optional<PurchasingSpec> Loader::parse_purchasing(const json& j, const std::string& p, const PurchasingSpec& defaults) {
  if (!ck_.object(j, p, {"policy", "decision_interval_s"}, {"policy"})) return std::nullopt;
  PurchasingSpec out = defaults;
  const std::size_t before = ck_.errors();
  if (auto k = ck_.one_of(j, p, "policy", {"on-demand", "spot", "greedy", "uniform-progress"}))
    out.kind = *k == "on-demand" ? PurchasingKind::OnDemand
               : *k == "spot"    ? PurchasingKind::Spot
               : *k == "greedy"  ? PurchasingKind::Greedy
                                 : PurchasingKind::UniformProgress;
  if (auto d = ck_.seconds(j, p, "decision_interval_s", kMicrosPerSecond)) out.decision_interval = *d;
  if (ck_.errors() != before) return std::nullopt;
  return out;
}

std::optional<JobArrivals> Loader::parse_job_arrivals(const json& j, const std::string& p) {
  if (!ck_.object(j, p, {"cron", "time_zone", "at", "trace"})) return std::nullopt;
  const int given = static_cast<int>(j.contains("cron")) + static_cast<int>(j.contains("at")) + static_cast<int>(j.contains("trace"));
  if (given != 1) {
    ck_.fail(p, "exactly one of 'cron' (with an optional 'time_zone'), 'at' (instants) and 'trace' (jobs submitted per period)",
             given == 0 ? "none" : fmt::format("{} of them", given));
    return std::nullopt;
  }
  if (j.contains("time_zone") && !j.contains("cron"))
    ck_.fail(p + "/time_zone", "'time_zone' only with 'cron'", j.contains("at") ? "instants ('at'), which carry their zone" : "a trace");
  JobArrivals out;
  const std::size_t before = ck_.errors();
  const SimulationSpec& sim = sc_.simulation;
  const UtcTime window_end = sim.start + std::chrono::microseconds{sim.duration};
  if (j.contains("cron")) {
    auto expr = ck_.string(j, p, "cron");
    auto tz = ck_.string(j, p, "time_zone");
    if (!expr || ck_.errors() != before) return std::nullopt;
    try {
      out.cron = CronSchedule::parse(*expr, tz.value_or("UTC"));
    } catch (const Error& e) {
      ck_.fail_message(p + "/cron", e.what());
      return std::nullopt;
    }
    return out;
  }
  if (auto at = j.find("at"); at != j.end()) {
    const std::string ap = p + "/at";
    if (!at->is_array() || at->empty()) {
      ck_.fail(ap, "a non-empty array of instants (\"2024-05-10T01:00:00Z\") or offsets in seconds from the window's start", describe(*at));
      return std::nullopt;
    }
    if (at->size() > kMaxJobArrivals) {
      ck_.fail(ap, fmt::format("at most {} arrivals of one job", kMaxJobArrivals), fmt::format("{}", at->size()));
      return std::nullopt;
    }
    const std::string window = simulation_ok_ ? fmt::format("{} to {}", format_utc(sim.start), format_utc(window_end)) : "";
    for (std::size_t k = 0; k < at->size(); ++k) {
      const json& v = (*at)[k];
      const std::string vp = ptr_join(ap, k);
      if (v.is_string()) {
        auto t = parse_iso8601(v.get<std::string>());
        if (!t) {
          ck_.fail(vp, "an ISO 8601 time with a zone, such as \"2024-05-10T01:00:00Z\"", describe(v));
          continue;
        }
        if (simulation_ok_ && (*t < sim.start || *t >= window_end)) {
          ck_.fail(vp, fmt::format("an instant inside the simulation window ({}, its end excluded)", window), describe(v));
          continue;
        }
        out.at.push_back((*t - sim.start).count());
      } else if (v.is_number()) {
        auto d = checked_seconds(v.get<double>());
        if (!d || *d < 0 || (simulation_ok_ && *d >= sim.duration)) {
          ck_.fail(vp,
                   simulation_ok_ ? fmt::format("an offset in seconds from the window's start, from 0 to below {:g} (the window: {})",
                                                to_seconds(sim.duration), window)
                                  : std::string("an offset in seconds >= 0 from the window's start"),
                   describe(v));
          continue;
        }
        out.at.push_back(*d);
      } else {
        ck_.fail(vp, "an instant (\"2024-05-10T01:00:00Z\") or an offset in seconds from the window's start", describe(v));
      }
    }
    std::sort(out.at.begin(), out.at.end());
    if (ck_.errors() != before) return std::nullopt;
    return out;
  }
  // A trace of submissions: each period's value is a whole number of jobs, placed evenly in it.
  auto name = ck_.string(j, p, "trace");
  if (!name) return std::nullopt;
  const std::string tp = p + "/trace";
  if (!declared_traces_.count(*name)) {
    std::vector<std::string> names(declared_traces_.begin(), declared_traces_.end());
    ck_.fail(tp, "the name of a trace under /traces", "\"" + *name + "\"", did_you_mean(*name, names));
    return std::nullopt;
  }
  auto tr = sc_.traces.find(*name);
  if (tr == sc_.traces.end() || !simulation_ok_) return std::nullopt;  // its own error is reported
  const TraceInput& input = tr->second;
  if (input.trace.unit != TraceUnit::Requests) {
    ck_.fail(tp, "a trace of counts per period (unit \"requests\", the default): the jobs submitted in each period",
             fmt::format("trace '{}', which measures {}", *name, to_string(input.trace.unit)));
    return std::nullopt;
  }
  std::vector<double> values;
  try {
    values = align_to_window(input.trace, {sim.start, sim.period, sim.periods(), input.tile, input.tile_period});
  } catch (const Error& e) {
    ck_.fail_message(tp, e.what());
    return std::nullopt;
  }
  // The trace was resampled to the simulation's period; its file's own periods are what hold whole
  // numbers of jobs, so consecutive simulation periods are summed back into them.
  SimDuration file_period = sim.period;
  if (auto fp = trace_periods_.find(*name); fp != trace_periods_.end() && fp->second > sim.period && fp->second % sim.period == 0)
    file_period = fp->second;
  const std::int64_t k = file_period / sim.period;
  // Simulation periods from the trace's own grid to the window's start, within one file period.
  const SimDuration since = (sim.start - input.trace.start).count();
  const std::int64_t offset = ((since / sim.period) % k + k) % k;
  std::size_t i = 0;
  while (i < values.size()) {
    const std::size_t first = i;
    const std::size_t last = std::min(values.size(), i + static_cast<std::size_t>(k - (i == 0 ? offset : 0)));
    double jobs = 0;
    for (; i < last; ++i) jobs += values[i];
    const SimTime from = static_cast<SimTime>(first) * sim.period, to = static_cast<SimTime>(last) * sim.period;
    const double whole = std::round(jobs);
    if (!(jobs >= -1e-9) || std::fabs(jobs - whole) > 1e-6 * std::max(1.0, std::fabs(jobs))) {
      ck_.fail(tp,
               fmt::format("a trace of whole numbers >= 0 of jobs per period (trace '{}' counts per {:g} s)", *name, to_seconds(file_period)),
               fmt::format("{:g} jobs in the period from {}", jobs, format_utc(to_utc(sim.start, from))));
      return std::nullopt;
    }
    if (whole > static_cast<double>(kMaxJobArrivals - out.at.size())) {
      ck_.fail(tp, fmt::format("at most {} arrivals of one job in the window", kMaxJobArrivals), fmt::format("more in trace '{}'", *name));
      return std::nullopt;
    }
    const auto n = static_cast<std::size_t>(whole);
    for (std::size_t m = 0; m < n; ++m)
      out.at.push_back(from + static_cast<SimTime>(std::llround((static_cast<double>(m) + 0.5) / static_cast<double>(n) *
                                                                static_cast<double>(to - from))));
  }
  return out;
}

std::optional<TaskSpec> Loader::parse_batch_task(const json& t, const std::string& p) {
  if (!ck_.object(t, p, kTaskKeys, {"name", "work_gpu_hours", "speed"})) return std::nullopt;
  TaskSpec task;
  const std::size_t before = ck_.errors();
  task.name = ck_.string(t, p, "name").value_or("");
  if (auto a = t.find("after"); a != t.end()) {
    if (!a->is_array()) {
      ck_.fail(p + "/after", "an array of names of the tasks that must finish first", describe(*a));
    } else {
      for (std::size_t k = 0; k < a->size(); ++k) {
        if (!(*a)[k].is_string() || (*a)[k].get<std::string>().empty()) ck_.fail(ptr_join(p + "/after", k), "a task name", describe((*a)[k]));
        else task.after.push_back((*a)[k].get<std::string>());
      }
    }
  }
  if (auto g = ck_.integer(t, p, "gpus", 1, kMaxTaskGpus)) task.gpus = static_cast<int>(*g);
  task.cpu_millicores = k8s::cpu_quantity(ck_, t, p, "cpu").value_or(0);
  task.memory_mib = k8s::memory_quantity(ck_, t, p, "memory").value_or(0);
  std::vector<Requirement> reqs;
  if (auto rq = t.find("requirements"); rq != t.end()) {
    const std::size_t at = ck_.errors();
    reqs = k8s::requirements(ck_, *rq, p + "/requirements");
    if (ck_.errors() == at) task.requirements = Requirements(reqs);
  }
  if (auto tl = t.find("tolerations"); tl != t.end()) task.tolerations = k8s::tolerations(ck_, *tl, p + "/tolerations");
  if (auto w = ck_.number(t, p, "work_gpu_hours", Bound::Positive)) task.work_gpu_hours = *w;
  if (auto s = t.find("speed"); s != t.end()) {
    const std::string sp = p + "/speed";
    if (!s->is_object() || s->empty()) {
      ck_.fail(sp, "an object of instance type → speed per GPU relative to the work's reference type (1), with at least one type",
               describe(*s));
    } else {
      for (const auto& [type, v] : s->items()) {
        const std::string tp = ptr_join(sp, type);
        auto it = sc_.catalog.find(type);
        if (!it) {
          ck_.fail(tp, "an instance type of the catalog", "'" + type + "'", did_you_mean(type, sc_.catalog.closest(type)));
          continue;
        }
        if (const int gpus = device_count(*it, DeviceResource::NvidiaGpu); gpus < task.gpus) {
          ck_.fail(tp, fmt::format("an instance type with at least {} NVIDIA GPU(s) for one pod", task.gpus),
                   fmt::format("{} with {} GPU(s)", type, gpus));
          continue;
        }
        if (auto x = ck_.number(*s, sp, type.c_str(), Bound::Positive)) task.speed[type] = *x;
      }
    }
  }
  if (auto n = ck_.integer(t, p, "parallelism", 1, kMaxParallelism)) task.parallelism = static_cast<int>(*n);
  if (auto d = positive_seconds(ck_, t, p, "checkpoint_interval_s",
                                "> 0 s of compute between checkpoints; leave it out for none"))
    task.checkpoint_interval = *d;
  if (auto d = nonnegative_seconds(ck_, t, p, "checkpoint_cost_s", "a number >= 0 of seconds to write one checkpoint"))
    task.checkpoint_cost = *d;
  if (t.contains("checkpoint_cost_s") && !t.contains("checkpoint_interval_s"))
    ck_.fail(p + "/checkpoint_cost_s", "checkpoint_cost_s only with checkpoint_interval_s (the compute time between checkpoints)",
             "a cost of checkpoints that are never taken");
  if (auto d = nonnegative_seconds(ck_, t, p, "restart_overhead_s",
                                   "a number >= 0 of seconds from a restart to progress (reloading the last checkpoint)"))
    task.restart_overhead = *d;
  task.startup_s = ck_.distribution(t, p, "startup_s");
  // Every task pod starts on a node after the window opens: how long that takes is not something
  // to assume (services ask for it the same way).
  if (!t.contains("startup_s"))
    ck_.fail(p + "/startup_s", "the pod's start-up latency in seconds (bound to running: image pull, container start), a number or a distribution",
             "nothing");
  if (ck_.errors() != before) return std::nullopt;

  // Somewhere to run: a type with a speed that the requirements allow, and that holds the pod.
  const std::vector<std::string> allowed = allowed_types(task, sc_.catalog);
  if (allowed.empty()) {
    std::vector<std::string> listed, why, offered;
    for (const auto& [type, _] : task.speed) {
      listed.push_back(type);
      if (auto it = sc_.catalog.find(type)) why.push_back(fmt::format("{}: {}", type, task.requirements.why_not(labels_of(*it))));
    }
    for (const InstanceType& type : sc_.catalog.types())
      if (device_count(type, DeviceResource::NvidiaGpu) >= task.gpus && task.requirements.matches(labels_of(type)))
        offered.push_back(type.name);
    ck_.fail(p,
             fmt::format("an instance type in the catalog with a speed here that satisfies the requirements: {} (the speed lists {})",
                         describe_requirements(reqs), list_of(listed)),
             fmt::format("none ({}); the catalog's types the requirements allow: {}", fmt::join(why, "; "),
                         offered.empty() ? "none" : list_of(offered)));
    return std::nullopt;
  }
  if (task.cpu_millicores > 0 || task.memory_mib > 0) {
    const InstanceType* closest = nullptr;
    bool fits = false;
    for (const auto& name : allowed) {
      const InstanceType& type = sc_.catalog.at(name);
      fits = fits || (task.cpu_millicores <= type.alloc_cpu_millicores && task.memory_mib <= type.alloc_memory_mib);
      if (!closest || type.alloc_cpu_millicores + type.alloc_memory_mib > closest->alloc_cpu_millicores + closest->alloc_memory_mib)
        closest = &type;
    }
    if (!fits)
      ck_.fail(p, "a pod that fits the allocatable resources of an instance type it may run on",
               fmt::format("a pod of task '{}' ({}m CPU, {} MiB) that fits none; the largest: {} ({}m, {} MiB allocatable)", task.name,
                           task.cpu_millicores, task.memory_mib, closest->name, closest->alloc_cpu_millicores, closest->alloc_memory_mib));
  }
  if (ck_.errors() != before) return std::nullopt;
  return task;
}

std::optional<JobTemplate> Loader::parse_job(const json& j, const std::string& p) {
  if (!ck_.object(j, p, kJobKeys, {"name", "arrivals", "tasks"})) return std::nullopt;
  JobTemplate job;
  const std::size_t before = ck_.errors();
  job.name = ck_.string(j, p, "name").value_or("");
  (void)ck_.string(j, p, "description", false);
  if (auto a = j.find("arrivals"); a != j.end())
    if (auto arrivals = parse_job_arrivals(*a, p + "/arrivals")) job.arrivals = std::move(*arrivals);
  if (j.contains("deadline_s") == j.contains("deadline_at"))
    ck_.fail(p, "exactly one of 'deadline_s' (seconds after each arrival) and 'deadline_at' (a cron time: the first firing after each arrival)",
             j.contains("deadline_s") ? "both" : "neither");
  if (auto d = positive_seconds(ck_, j, p, "deadline_s", "a number > 0 of seconds from each arrival")) job.deadline = *d;
  if (auto da = j.find("deadline_at"); da != j.end() && ck_.object(*da, p + "/deadline_at", {"cron", "time_zone"}, {"cron"})) {
    auto expr = ck_.string(*da, p + "/deadline_at", "cron");
    auto tz = ck_.string(*da, p + "/deadline_at", "time_zone");
    if (expr) {
      try {
        job.deadline_at = CronSchedule::parse(*expr, tz.value_or("UTC"));
      } catch (const Error& e) {
        ck_.fail_message(p + "/deadline_at/cron", e.what());
      }
    }
  }
  if (auto pu = j.find("purchasing"); pu != j.end())
    if (auto spec = parse_purchasing(*pu, p + "/purchasing", PurchasingSpec{})) job.purchasing = *spec;
  job.namespace_name = ck_.string(j, p, "namespace").value_or("batch");
  job.tags = ck_.string_map(j, p, "tags");

  const std::string tsp = p + "/tasks";
  const json& tasks = j["tasks"];
  if (!tasks.is_array() || tasks.empty()) {
    ck_.fail(tsp, "a non-empty array of tasks", describe(tasks));
    return std::nullopt;
  }
  std::vector<std::string> names;
  bool tasks_ok = true;
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    auto task = parse_batch_task(tasks[k], ptr_join(tsp, k));
    if (!task) {
      tasks_ok = false;
      // Keep its name, so the others' 'after' lists still resolve.
      if (const json* n = find_pointer(tasks[k], "/name"); n && n->is_string()) names.push_back(n->get<std::string>());
      continue;
    }
    if (std::find(names.begin(), names.end(), task->name) != names.end()) {
      ck_.fail(ptr_join(ptr_join(tsp, k), "name"), fmt::format("a task name used once in job '{}'", job.name), "\"" + task->name + "\" again");
      tasks_ok = false;
    }
    names.push_back(task->name);
    job.tasks.push_back(std::move(*task));
  }
  // The DAG: every 'after' names another task of the job, and the edges form no cycle.
  bool edges_ok = true;
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    const json* after = find_pointer(tasks[k], "/after");
    const json* self = find_pointer(tasks[k], "/name");
    if (!after || !after->is_array()) continue;
    for (std::size_t m = 0; m < after->size(); ++m) {
      const json& a = (*after)[m];
      if (!a.is_string()) continue;
      const std::string ap = ptr_join(ptr_join(ptr_join(tsp, k), "after"), m);
      const std::string name = a.get<std::string>();
      if (self && *self == a) {
        ck_.fail(ap, "the name of another task (a task cannot wait for itself)", fmt::format("\"{}\", the task itself", name));
        edges_ok = false;
      } else if (std::find(names.begin(), names.end(), name) == names.end()) {
        ck_.fail(ap, fmt::format("the name of another task of job '{}'", job.name), "\"" + name + "\"", did_you_mean(name, names));
        edges_ok = false;
      }
    }
  }
  if (tasks_ok && edges_ok)
    if (auto cycle = find_task_cycle(job.tasks); !cycle.empty()) {
      ck_.fail(tsp, "tasks whose 'after' lists form no cycle", fmt::format("a cycle: {}", fmt::join(cycle, " → ")));
      edges_ok = false;
    }

  if (auto tp = j.find("task_purchasing"); tp != j.end()) {
    const std::string pp = p + "/task_purchasing";
    if (!tp->is_object()) {
      ck_.fail(pp, "an object of task name → purchasing ({\"policy\", \"decision_interval_s\"})", describe(*tp));
    } else {
      for (const auto& [task, v] : tp->items()) {
        if (std::find(names.begin(), names.end(), task) == names.end()) {
          ck_.fail(ptr_join(pp, task), fmt::format("the name of a task of job '{}'", job.name), "\"" + task + "\"", did_you_mean(task, names));
          continue;
        }
        // Left out, the decision interval is the job's.
        PurchasingSpec defaults;
        defaults.decision_interval = job.purchasing.decision_interval;
        if (auto spec = parse_purchasing(v, ptr_join(pp, task), defaults)) job.task_purchasing[task] = *spec;
      }
    }
  }
  if (ck_.errors() != before) return std::nullopt;

  // The deadline leaves room for the critical path with every task on its fastest type.
  try {
    const TaskGraph graph = TaskGraph::build(job.tasks, p);
    const TaskSchedule fastest = fastest_schedule(job, graph, sc_.catalog);
    // With a cron deadline, the tightest of the window's arrivals (the first ten thousand).
    double deadline_s = to_seconds(job.deadline);
    std::string after;
    if (job.deadline_at) {
      const UtcTime start = sc_.simulation.start;
      std::vector<SimTime> arrivals = job.arrivals.at;
      if (job.arrivals.cron)
        for (UtcTime t = job.arrivals.cron->next_after(start - std::chrono::seconds(1));
             (t - start).count() < sc_.simulation.duration && arrivals.size() < 10'000; t = job.arrivals.cron->next_after(t))
          arrivals.push_back((t - start).count());
      deadline_s = std::numeric_limits<double>::infinity();
      for (SimTime a : arrivals) {
        const double gap = to_seconds(job.deadline_for(a, start) - a);
        if (gap < deadline_s) deadline_s = gap, after = format_utc(start + std::chrono::microseconds{a});
      }
    }
    if (deadline_s < fastest.length_s) {
      std::vector<std::string> path, on;
      for (std::size_t t : fastest.critical_path) {
        path.push_back(job.tasks[t].name);
        on.push_back(fmt::format("{} on {}", job.tasks[t].name, fastest_timing(job.tasks[t], sc_.catalog).fastest_type));
      }
      const auto [length, deadline] = human_pair(fastest.length_s, deadline_s);
      ck_.fail(p + (job.deadline_at ? "/deadline_at" : "/deadline_s"),
               fmt::format("a deadline at least the critical path {}: {} with each task on its fastest type ({})", fmt::join(path, " → "),
                           length, fmt::join(on, ", ")),
               job.deadline_at ? fmt::format("{} after the arrival at {}", deadline, after) : deadline);
      return std::nullopt;
    }
  } catch (const Error& e) {
    ck_.fail_message(tsp, e.what());
    return std::nullopt;
  }
  return job;
}

BatchSpec Loader::parse_batch(const json& doc) {
  BatchSpec out;
  auto it = doc.find("batch");
  if (it == doc.end()) return out;
  const std::string p = "/batch";
  if (!ck_.object(*it, p, {"jobs"}, {"jobs"})) return out;
  const json& jobs = (*it)["jobs"];
  if (!jobs.is_array() || jobs.empty()) {
    ck_.fail(p + "/jobs", "a non-empty array of job templates", describe(jobs));
    return out;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const std::string jp = ptr_join(p + "/jobs", i);
    if (const json* n = find_pointer(jobs[i], "/name"); n && n->is_string() && !n->get<std::string>().empty() &&
                                                        !names.insert(n->get<std::string>()).second)
      ck_.fail(jp + "/name", "a job name used once", "\"" + n->get<std::string>() + "\" again");
    if (auto job = parse_job(jobs[i], jp)) out.jobs.push_back(std::move(*job));
  }
  return out;
}

void Loader::check_batch_is_the_world(const json& base, const json& doc, const std::string& policy) {
  // The jobs are the demand of the batch side: a policy that ran fewer, later, shorter or easier jobs
  // would look cheaper for changing the work, not how it is bought.
  const std::string world = "a change to the world: every policy must run the same jobs";
  const std::string choices = "a policy may change only purchasing, task_purchasing, namespace, tags and the tasks' requirements, "
                              "tolerations and speed";
  const json* before = find_pointer(base, "/batch");
  const json* after = find_pointer(doc, "/batch");
  if (!before && !after) return;
  if (!before || !after) {
    ck_.fail("/batch", before ? "the batch section as the scenario gives it" : "no batch section, as the scenario has none",
             fmt::format("{} (policy '{}'): {}", before ? "none" : "a batch section", policy, world));
    return;
  }
  const json none = json::array();
  const json* bj = find_pointer(*before, "/jobs");
  const json* aj = find_pointer(*after, "/jobs");
  const json& bjobs = bj && bj->is_array() ? *bj : none;
  const json& ajobs = aj && aj->is_array() ? *aj : none;
  auto names = [](const json& arr) {
    std::vector<std::string> out;
    for (const auto& e : arr) out.push_back(e.is_object() && e.contains("name") && e["name"].is_string() ? e["name"].get<std::string>() : "?");
    return out;
  };
  if (names(bjobs) != names(ajobs)) {
    ck_.fail("/batch/jobs", fmt::format("the jobs as the scenario gives them ({}), in its order", fmt::join(names(bjobs), ", ")),
             fmt::format("{} (policy '{}'): {}", fmt::join(names(ajobs), ", "), policy, world));
    return;
  }
  auto differ = [&](const json& b, const json& a, const std::string& ptr, const std::vector<std::string>& allowed, const std::string& what) {
    std::set<std::string> keys;
    for (const auto& [k, _] : b.items()) keys.insert(k);
    for (const auto& [k, _] : a.items()) keys.insert(k);
    for (const auto& k : keys) {
      if (is_one_of(k, allowed) || k == "tasks") continue;
      const json missing;
      const json& x = b.contains(k) ? b[k] : missing;
      const json& y = a.contains(k) ? a[k] : missing;
      if (x != y)
        ck_.fail(ptr_join(ptr, k),
                 fmt::format("the {} of {} as the scenario gives it ({}); {}", k, what, x.is_null() ? "none" : x.dump(), choices),
                 fmt::format("{} (policy '{}'): {}", y.is_null() ? "none" : y.dump(), policy, world));
    }
  };
  for (std::size_t i = 0; i < ajobs.size(); ++i) {
    const json& b = bjobs[i];
    const json& a = ajobs[i];
    if (!b.is_object() || !a.is_object()) continue;
    const std::string jp = ptr_join("/batch/jobs", i);
    const std::string job = a.value("name", "");
    differ(b, a, jp, kJobChoices, fmt::format("job '{}'", job));
    const json& bt = b.contains("tasks") && b["tasks"].is_array() ? b["tasks"] : none;
    const json& at = a.contains("tasks") && a["tasks"].is_array() ? a["tasks"] : none;
    if (names(bt) != names(at)) {
      ck_.fail(jp + "/tasks", fmt::format("the tasks of job '{}' as the scenario gives them ({}), in its order", job, fmt::join(names(bt), ", ")),
               fmt::format("{} (policy '{}'): {}", fmt::join(names(at), ", "), policy, world));
      continue;
    }
    for (std::size_t k = 0; k < at.size(); ++k)
      if (bt[k].is_object() && at[k].is_object())
        differ(bt[k], at[k], ptr_join(jp + "/tasks", k), kTaskChoices,
               fmt::format("task '{}' of job '{}'", at[k].value("name", ""), job));
  }
}

void batch_assumptions(const json& doc, std::vector<std::string>& figures, std::vector<Assumption>& out) {
  const json* jobs = find_pointer(doc, "/batch/jobs");
  if (!jobs || !jobs->is_array()) return;
  auto looks = [](const json* purchasing) {
    const json* kind = purchasing ? find_pointer(*purchasing, "/policy") : nullptr;
    return kind && kind->is_string() && *kind != "on-demand";
  };
  const std::string interval = "60 (capsim's default look interval: how often the purchasing policy looks at its job between the "
                               "events that make it look at once)";
  for (std::size_t i = 0; i < jobs->size(); ++i) {
    const json& job = (*jobs)[i];
    if (!job.is_object()) continue;
    const std::string jp = ptr_join("/batch/jobs", i);
    const json* purchasing = find_pointer(job, "/purchasing");
    const bool job_interval = purchasing && find_pointer(*purchasing, "/decision_interval_s");
    if (looks(purchasing) && !job_interval) out.push_back({jp + "/purchasing/decision_interval_s", interval});
    if (const json* tp = find_pointer(job, "/task_purchasing"); tp && tp->is_object())
      for (const auto& [task, v] : tp->items())
        if (looks(&v) && !find_pointer(v, "/decision_interval_s") && !job_interval)
          out.push_back({ptr_join(jp + "/task_purchasing", task) + "/decision_interval_s", interval});
    const json* tasks = find_pointer(job, "/tasks");
    if (!tasks || !tasks->is_array()) continue;
    for (std::size_t k = 0; k < tasks->size(); ++k) {
      const json& t = (*tasks)[k];
      if (!t.is_object()) continue;
      const std::string tp = ptr_join(jp + "/tasks", k);
      // What the task is measured to need and how fast each type runs it: typed-in figures.
      if (t.contains("work_gpu_hours")) figures.push_back(tp + "/work_gpu_hours");
      if (const json* s = find_pointer(t, "/speed"); s && s->is_object())
        for (const auto& [type, _] : s->items()) figures.push_back(ptr_join(tp + "/speed", type));
      for (const char* k2 : {"checkpoint_cost_s", "restart_overhead_s", "startup_s"})
        if (t.contains(k2)) figures.push_back(ptr_join(tp, k2));
      if (t.contains("checkpoint_interval_s") && !t.contains("checkpoint_cost_s"))
        out.push_back({tp + "/checkpoint_cost_s", "0 (capsim's default: writing a checkpoint takes no time)"});
      // A task that may run on spot restarts after a reclaim: the overhead left out is none.
      const json* own = nullptr;
      if (const json* tpu = find_pointer(job, "/task_purchasing"); tpu && tpu->is_object() && t.contains("name") && t["name"].is_string())
        if (auto f = tpu->find(t["name"].get<std::string>()); f != tpu->end()) own = &*f;
      if (looks(own ? own : purchasing) && !t.contains("restart_overhead_s"))
        out.push_back({tp + "/restart_overhead_s", "0 (capsim's default: progress resumes from the last checkpoint at once after a restart)"});
    }
  }
}

}  // namespace capsim::io::detail
