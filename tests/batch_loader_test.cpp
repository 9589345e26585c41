// The scenario's `batch` section as the loader reads it: tests/data/scenarios/batch_loader.json's
// three job templates (cron, instants, a trace of submissions) with every value checked against
// figures worked out by hand, the defaults and figures that become assumptions, what a policy may
// patch, and the refusals that need more than one file (bad files are in bad_input_test.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/market/availability_trace.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
json batch_doc() { return json::parse(std::ifstream(test::data_dir() / "scenarios" / "batch_loader.json")); }
Scenario load(const json& doc) { return io::load_scenario_text(doc.dump(), "batch.json", test::data_dir() / "scenarios"); }
std::string load_error(const json& doc) {
  try {
    load(doc);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  FAIL("expected the document to be rejected");
  return {};
}
bool has_assumption(const PolicySpec& p, const std::string& pointer) {
  return std::any_of(p.assumptions.begin(), p.assumptions.end(), [&](const Assumption& a) { return a.pointer == pointer; });
}
const Assumption* assumption(const PolicySpec& p, const std::string& pointer) {
  for (const auto& a : p.assumptions)
    if (a.pointer == pointer) return &a;
  return nullptr;
}
}  // namespace

TEST_CASE("batch: a job with cron arrivals, a DAG of three tasks, pod shapes, checkpoints and per-task purchasing") {
  const Scenario sc = load(batch_doc());
  REQUIRE(sc.policies.size() == 2);
  const BatchSpec& batch = sc.policies[0].batch;
  REQUIRE(batch.jobs.size() == 3);
  const JobTemplate& job = batch.jobs[0];
  CHECK(job.name == "nightly-embeddings");
  REQUIRE(job.arrivals.cron.has_value());
  CHECK(job.arrivals.cron->expression() == "0 1 * * *");
  CHECK(job.arrivals.cron->time_zone() == "America/New_York");
  CHECK(job.arrivals.at.empty());
  CHECK(job.deadline == seconds(43200));
  CHECK(job.purchasing.kind == PurchasingKind::UniformProgress);
  CHECK(job.purchasing.decision_interval == seconds(60));  // the default
  REQUIRE(job.task_purchasing.count("index") == 1);
  CHECK(job.purchasing_of("index").kind == PurchasingKind::OnDemand);
  CHECK(job.purchasing_of("index").decision_interval == seconds(60));  // the job's
  CHECK(job.purchasing_of("embed").kind == PurchasingKind::UniformProgress);
  CHECK(job.namespace_name == "batch-ml");
  CHECK(job.tags == Tags{{"team", "search"}});

  REQUIRE(job.tasks.size() == 3);
  const TaskSpec& prepare = job.tasks[0];
  CHECK(prepare.name == "prepare");
  CHECK(prepare.after.empty());
  CHECK(prepare.gpus == 1);                 // the default
  CHECK(prepare.cpu_millicores == 2000);    // "2"
  CHECK(prepare.memory_mib == 8 * 1024);    // "8Gi"
  CHECK(prepare.parallelism == 1);          // the default
  CHECK(prepare.checkpoint_interval == 0);  // none
  REQUIRE(prepare.startup_s.has_value());
  CHECK(prepare.startup_s->mean() == 30);  // required: a number is a constant

  const TaskSpec& embed = job.tasks[1];
  CHECK(embed.name == "embed");
  CHECK(embed.after == std::vector<std::string>{"prepare"});
  CHECK(embed.gpus == 1);
  CHECK(embed.cpu_millicores == 4000);
  CHECK(embed.memory_mib == 16384);
  CHECK(!embed.requirements.empty());
  CHECK(embed.requirements.keys().count("karpenter.k8s.aws/instance-gpu-name") == 1);
  REQUIRE(embed.tolerations.size() == 1);
  CHECK(embed.tolerations[0].key == "nvidia.com/gpu");
  CHECK(embed.work_gpu_hours == doctest::Approx(32));
  CHECK(embed.speed == std::map<std::string, double>{{"g5.12xlarge", 1.25}, {"g5.xlarge", 1.0}});
  CHECK(embed.parallelism == 4);
  CHECK(embed.checkpoint_interval == seconds(1800));
  CHECK(embed.checkpoint_cost == seconds(60));
  CHECK(embed.restart_overhead == seconds(120));
  REQUIRE(embed.startup_s.has_value());
  REQUIRE(std::holds_alternative<Distribution::Lognormal>(embed.startup_s->spec));
  CHECK(std::get<Distribution::Lognormal>(embed.startup_s->spec).median == doctest::Approx(90));
  CHECK(std::get<Distribution::Lognormal>(embed.startup_s->spec).sigma == doctest::Approx(0.3));

  const TaskSpec& index = job.tasks[2];
  CHECK(index.after == std::vector<std::string>{"embed"});
  CHECK(index.speed == std::map<std::string, double>{{"g5.xlarge", 1.0}, {"g6.xlarge", 0.5}});
}

TEST_CASE("batch: instants in any order and a trace of submissions become sorted offsets from the window's start") {
  const Scenario sc = load(batch_doc());
  const BatchSpec& batch = sc.policies[0].batch;
  REQUIRE(batch.jobs.size() == 3);
  // "2024-05-10T02:30:00Z" = 9000 s, 600 s as written, "2024-05-10T01:20:00+01:00" = 00:20Z = 1200 s.
  const JobTemplate& backfill = batch.jobs[1];
  CHECK(!backfill.arrivals.cron.has_value());
  CHECK(backfill.arrivals.at == std::vector<SimTime>{seconds(600), seconds(1200), seconds(9000)});
  CHECK(backfill.deadline == seconds(7200));
  CHECK(backfill.purchasing.kind == PurchasingKind::Spot);
  CHECK(backfill.purchasing.decision_interval == seconds(30));
  CHECK(backfill.namespace_name == "batch");  // the default
  REQUIRE(backfill.tasks.size() == 1);
  CHECK(backfill.tasks[0].gpus == 4);
  CHECK(backfill.tasks[0].restart_overhead == seconds(60));
  REQUIRE(backfill.tasks[0].startup_s.has_value());
  CHECK(std::holds_alternative<Distribution::Constant>(backfill.tasks[0].startup_s->spec));

  // job_submissions.csv: 2, 0, 3 jobs in the window's three hours (the file's period, though the
  // simulation's is a minute), the k-th of n at the hour's start + (k + 0.5) / n × 3600 s:
  // 900 and 2700; none; 7200 + 600, 1800 and 3000.
  const JobTemplate& reports = batch.jobs[2];
  CHECK(reports.arrivals.at == std::vector<SimTime>{seconds(900), seconds(2700), seconds(7800), seconds(9000), seconds(10200)});
  CHECK(reports.purchasing.kind == PurchasingKind::Greedy);
}

TEST_CASE("batch: a policy patches a job's purchasing and a task's speeds by name; the rest is the base's") {
  const Scenario sc = load(batch_doc());
  const JobTemplate& base = sc.policies[0].batch.jobs[0];
  const JobTemplate& spot = sc.policies[1].batch.jobs[0];
  CHECK(base.purchasing.kind == PurchasingKind::UniformProgress);
  CHECK(spot.purchasing.kind == PurchasingKind::Spot);
  CHECK(spot.purchasing.decision_interval == seconds(120));
  CHECK(spot.purchasing_of("index").kind == PurchasingKind::OnDemand);  // the base's override stays
  CHECK(spot.tasks[2].speed == std::map<std::string, double>{{"g5.xlarge", 1.0}, {"g6.xlarge", 0.6}});
  CHECK(spot.tasks[1].speed == base.tasks[1].speed);
  CHECK(spot.deadline == base.deadline);
  CHECK(sc.policies[1].batch.jobs.size() == 3);
}

TEST_CASE("batch: unsourced work, speeds and costs are assumptions, and so are the defaults in force") {
  const Scenario sc = load(batch_doc());
  const PolicySpec& p = sc.policies[0];
  // Figures as written.
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/0/work_gpu_hours"));
  CHECK(!has_assumption(p, "/batch/jobs/0/tasks/1/work_gpu_hours"));  // sourced
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/1/speed/g5.12xlarge"));
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/2/speed/g6.xlarge"));
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/1/checkpoint_cost_s"));
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/1/restart_overhead_s"));
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/1/startup_s"));
  CHECK(has_assumption(p, "/batch/jobs/1/tasks/0/startup_s"));
  REQUIRE(assumption(p, "/batch/jobs/0/tasks/1/speed/g5.12xlarge"));
  CHECK(assumption(p, "/batch/jobs/0/tasks/1/speed/g5.12xlarge")->value == "1.25");
  // Defaults: the look interval of a policy that decides (not on-demand), and no restart overhead
  // for a task that may run on spot.
  REQUIRE(assumption(p, "/batch/jobs/0/purchasing/decision_interval_s"));
  CHECK(assumption(p, "/batch/jobs/0/purchasing/decision_interval_s")->value.find("capsim's default look interval") != std::string::npos);
  CHECK(!has_assumption(p, "/batch/jobs/1/purchasing/decision_interval_s"));  // given: 30
  CHECK(has_assumption(p, "/batch/jobs/2/purchasing/decision_interval_s"));   // greedy, left out
  CHECK(has_assumption(p, "/batch/jobs/0/tasks/0/restart_overhead_s"));      // uniform-progress
  CHECK(!has_assumption(p, "/batch/jobs/0/tasks/2/restart_overhead_s"));     // on-demand: never restarted by a reclaim
  // The policy that sets the interval has no default to report.
  CHECK(!has_assumption(sc.policies[1], "/batch/jobs/0/purchasing/decision_interval_s"));
}

TEST_CASE("batch: a policy may not change the jobs, nor add a batch section the scenario lacks") {
  json doc = batch_doc();
  doc["policies"][1]["patch"]["batch"]["jobs"][0]["tasks"][0]["work_gpu_hours"] = 0.5;  // "index"
  std::string msg = load_error(doc);
  CHECK(msg.find("batch.json: /policies/1/patch/batch/jobs/0/tasks/0/work_gpu_hours: expected the work_gpu_hours of task 'index' of job "
                 "'nightly-embeddings' as the scenario gives it (2)") != std::string::npos);
  CHECK(msg.find("got 0.5 (policy 'spot'): a change to the world: every policy must run the same jobs") != std::string::npos);

  doc = batch_doc();
  doc["policies"][1]["patch"]["batch"]["jobs"][0]["arrivals"] = json::parse(R"({"cron": "0 3 * * *"})");
  msg = load_error(doc);
  CHECK(msg.find("/policies/1/patch/batch/jobs/0/arrivals: expected the arrivals of job 'nightly-embeddings' as the scenario gives it") !=
        std::string::npos);

  // A job deleted: the set of jobs differs.
  doc = batch_doc();
  doc["policies"][1]["patch"]["batch"]["jobs"].push_back(json::parse(R"({"name": "backfill", "$patch": "delete"})"));
  msg = load_error(doc);
  CHECK(msg.find("/policies/1/patch/batch/jobs: expected the jobs as the scenario gives them (nightly-embeddings, backfill, "
                 "hourly-reports), in its order, got nightly-embeddings, hourly-reports (policy 'spot')") != std::string::npos);

  // The scenario has no batch section: a policy's would be demand the others lack.
  doc = batch_doc();
  const json jobs = doc["batch"];
  doc.erase("batch");
  doc["sources"].erase("/batch/jobs/0/tasks/1/work_gpu_hours");
  doc["policies"][1]["patch"]["batch"] = jobs;
  msg = load_error(doc);
  CHECK(msg.find("/policies/1/patch/batch: expected no batch section, as the scenario has none, got a batch section (policy 'spot'): a "
                 "change to the world") != std::string::npos);

  // Requirements, tolerations, namespace and tags are choices.
  doc = batch_doc();
  doc["policies"][1]["patch"]["batch"]["jobs"][0]["namespace"] = "spot-batch";
  doc["policies"][1]["patch"]["batch"]["jobs"][0]["tasks"][0]["requirements"] =
      json::parse(R"([{"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["g5", "g6"]}])");
  const Scenario sc = load(doc);
  CHECK(sc.policies[1].batch.jobs[0].namespace_name == "spot-batch");
  CHECK(!sc.policies[1].batch.jobs[0].tasks[2].requirements.empty());
}

TEST_CASE("batch: the DAG's names, the arrivals and the purchasing are checked where they are written") {
  json doc = batch_doc();
  doc["batch"]["jobs"][0]["tasks"][2]["after"] = {"embedd"};
  std::string msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/tasks/2/after/0: expected the name of another task of job 'nightly-embeddings', got \"embedd\" (did you mean "
                 "'embed'?)") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][0]["tasks"][2]["after"] = {"index"};
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/tasks/2/after/0: expected the name of another task (a task cannot wait for itself), got \"index\", the task "
                 "itself") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][0]["tasks"][2]["name"] = "embed";
  doc["batch"]["jobs"][1]["name"] = "nightly-embeddings";
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/tasks/2/name: expected a task name used once in job 'nightly-embeddings', got \"embed\" again") != std::string::npos);
  CHECK(msg.find("/batch/jobs/1/name: expected a job name used once, got \"nightly-embeddings\" again") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][0]["task_purchasing"] = json::parse(R"({"indx": {"policy": "spot"}})");
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/task_purchasing/indx: expected the name of a task of job 'nightly-embeddings', got \"indx\" (did you mean "
                 "'index'?)") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][0]["purchasing"]["policy"] = "spott";
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/purchasing/policy: expected one of \"on-demand\", \"spot\", \"greedy\", \"uniform-progress\"") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][0]["arrivals"] = json::parse(R"({"cron": "0 25 * * *"})");
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/arrivals/cron: cron '0 25 * * *': hour") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][1]["arrivals"]["at"] = {"2024-05-10T03:00:00Z", 10800};  // the window ends at 03:00
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/1/arrivals/at/0: expected an instant inside the simulation window (2024-05-10T00:00:00Z to "
                 "2024-05-10T03:00:00Z, its end excluded), got the string \"2024-05-10T03:00:00Z\"") != std::string::npos);
  CHECK(msg.find("/batch/jobs/1/arrivals/at/1: expected an offset in seconds from the window's start, from 0 to below 10800") !=
        std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][1]["arrivals"]["trace"] = "submissions";
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/1/arrivals: expected exactly one of 'cron' (with an optional 'time_zone'), 'at' (instants) and 'trace'") !=
        std::string::npos);

  // 2, 0, 3 jobs × 1.25: 2.5 jobs in the first hour.
  doc = batch_doc();
  doc["traces"]["submissions"]["scale"] = 1.25;
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/2/arrivals/trace: expected a trace of whole numbers >= 0 of jobs per period (trace 'submissions' counts per "
                 "3600 s), got 2.5 jobs in the period from 2024-05-10T00:00:00Z") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][2]["arrivals"]["trace"] = "submission";
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/2/arrivals/trace: expected the name of a trace under /traces, got \"submission\" (did you mean "
                 "'submissions'?)") != std::string::npos);
}

TEST_CASE("batch: speeds name catalog types with enough GPUs; work, parallelism and costs are bounded") {
  json doc = batch_doc();
  doc["batch"]["jobs"][0]["tasks"][2]["speed"] = json::parse(R"({"g5.xlarg": 1.0})");
  std::string msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/tasks/2/speed/g5.xlarg: expected an instance type of the catalog, got 'g5.xlarg' (did you mean "
                 "'g5.xlarge'") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][1]["tasks"][0]["speed"] = json::parse(R"({"g5.xlarge": 1.0})");  // a 4-GPU pod
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/1/tasks/0/speed/g5.xlarge: expected an instance type with at least 4 NVIDIA GPU(s) for one pod, got g5.xlarge "
                 "with 1 GPU(s)") != std::string::npos);

  doc = batch_doc();
  doc["batch"]["jobs"][0]["tasks"][0]["work_gpu_hours"] = 0;
  doc["batch"]["jobs"][0]["tasks"][1]["parallelism"] = 0;
  doc["batch"]["jobs"][0]["tasks"][2]["checkpoint_cost_s"] = 30;
  doc["batch"]["jobs"][1]["tasks"][0]["restart_overhead_s"] = -1;
  doc["batch"]["jobs"][1]["deadline_s"] = 0;
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/tasks/0/work_gpu_hours: expected a number > 0, got the number 0") != std::string::npos);
  CHECK(msg.find("/batch/jobs/0/tasks/1/parallelism: expected an integer from 1 to 100000, got the number 0") != std::string::npos);
  CHECK(msg.find("/batch/jobs/0/tasks/2/checkpoint_cost_s: expected checkpoint_cost_s only with checkpoint_interval_s") != std::string::npos);
  CHECK(msg.find("/batch/jobs/1/tasks/0/restart_overhead_s: expected a number >= 0 of seconds") != std::string::npos);
  CHECK(msg.find("/batch/jobs/1/deadline_s: expected a number > 0 of seconds from each arrival, got the number 0") != std::string::npos);

  // A pod too large for every type it may run on.
  doc = batch_doc();
  doc["batch"]["jobs"][0]["tasks"][0]["memory"] = "64Gi";
  msg = load_error(doc);
  CHECK(msg.find("/batch/jobs/0/tasks/0: expected a pod that fits the allocatable resources of an instance type it may run on, got a pod of "
                 "task 'prepare' (2000m CPU, 65536 MiB) that fits none; the largest: g5.xlarge (3920m, 14162 MiB allocatable)") !=
        std::string::npos);
}

TEST_CASE("availability traces: \"tile\": true repeats a trace shorter than the window") {
  // availability_counts.json: [3, 2, 0, 5] every 600 s (40 minutes) in a 3-hour window.
  json doc = batch_doc();
  doc["market"] = json::parse(R"({"availability": [{"instance_type": "g5.xlarge", "zone": "us-east-1a",
                                  "file": "../market/availability_counts.json", "values": "available_count", "tile": true}]})");
  const Scenario sc = load(doc);
  REQUIRE(sc.market.availability.size() == 1);
  const AvailabilityTrace& t = sc.market.availability[0].trace;
  CHECK(t.tile);
  CHECK(t.data.size() == 20);  // whole repetitions of 4 values up to 3 h: 5 × 40 min = 200 min
  CHECK(t.capacity_at(seconds(0)) == 3);
  CHECK(t.capacity_at(seconds(1800)) == 5);
  CHECK(t.capacity_at(seconds(2400)) == 3);   // the second repetition
  CHECK(t.capacity_at(seconds(3600)) == 0);   // 3600 / 600 = 6 → 6 mod 4 = 2: the third value
  CHECK(t.capacity_at(hours(10)) == 3);       // past the window it still repeats: 60 mod 4 = 0

  // Tiled without the copies, a trace reads the same.
  AvailabilityTrace raw;
  raw.gap = seconds(600);
  raw.data = {3, 2, 0, 5};
  raw.tile = true;
  for (double s : {0.0, 599.0, 1800.0, 2400.0, 3600.0, 36000.0}) CHECK(raw.capacity_at(seconds(s)) == t.capacity_at(seconds(s)));
  raw.tile = false;
  CHECK(raw.capacity_at(seconds(3600)) == 5);  // not tiled: past the end the last value holds
}

TEST_CASE("batch: a task without a start-up latency is refused") {
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(test::data_dir() / "scenarios" / "batch_loader.json"));
  doc["batch"]["jobs"][2]["tasks"][0].erase("startup_s");
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "nostart.json", test::data_dir() / "scenarios"),
                       doctest::Contains("nostart.json: /batch/jobs/2/tasks/0/startup_s: expected the pod's start-up latency in seconds"),
                       ScenarioError);
}

TEST_CASE("batch: a deadline at a cron time is the first firing after each arrival") {
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(test::data_dir() / "scenarios" / "batch_loader.json"));
  auto& job = doc["batch"]["jobs"][0];
  job["arrivals"] = {{"cron", "0 1 * * *"}};  // 01:00Z, inside the three-hour window
  job.erase("deadline_s");
  job["deadline_at"] = {{"cron", "0 13 * * *"}, {"time_zone", "America/New_York"}};
  const Scenario sc = io::load_scenario_text(doc.dump(), "at.json", test::data_dir() / "scenarios");
  const JobTemplate& t = sc.policies[0].batch.jobs[0];
  REQUIRE(t.deadline_at.has_value());
  // Arrival 2024-05-10T01:00Z (3,600 s from the start); due 13:00 EDT = 17:00Z = 61,200 s.
  CHECK(t.deadline_for(3'600 * kMicrosPerSecond, sc.simulation.start) == 61'200 * kMicrosPerSecond);
  // An arrival after 13:00 local is due the next day.
  CHECK(t.deadline_for(62'000 * kMicrosPerSecond, sc.simulation.start) == (61'200 + 86'400) * kMicrosPerSecond);

  // Due at 02:00 EDT = 06:00Z, 5 h after the arrival: shorter than the critical path (about 9.6 h).
  job["deadline_at"] = {{"cron", "0 2 * * *"}, {"time_zone", "America/New_York"}};
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "at.json", test::data_dir() / "scenarios"),
                       doctest::Contains("at.json: /batch/jobs/0/deadline_at: expected a deadline at least the critical path prepare → embed → index"),
                       ScenarioError);
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "at.json", test::data_dir() / "scenarios"),
                       doctest::Contains("got 5 h after the arrival at 2024-05-10T01:00:00Z"), ScenarioError);
  job["deadline_s"] = 3600;
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "at.json", test::data_dir() / "scenarios"),
                       doctest::Contains("at.json: /batch/jobs/0: expected exactly one of 'deadline_s' (seconds after each arrival) and 'deadline_at'"),
                       ScenarioError);
}
