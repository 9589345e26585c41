// Batch jobs run as pods through the cluster: a DAG on a static on-demand group finishes at its
// critical path; a spot reclaim at a known instant loses the work since the last checkpoint; with
// no spot capacity, greedy and uniform progress move their pods to on-demand in time. Expected
// values are worked out by hand in the comments.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using json = nlohmann::json;

namespace {

json base_doc(const std::string& duration) {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-01T00:00:00Z"}, {"duration", duration}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"]["tile"] = true;
  doc["catalog"] = {{"zones", {"us-east-1a", "us-east-1b"}}};
  doc["market"] = {{"interruption_rate_by_bucket", {0, 0, 0, 0, 0}}};
  doc["cluster"]["node_ready_s"] = 60;
  doc["services"][0]["replica"]["startup_s"] = 120;
  return doc;
}

json batch_group(const std::string& name, const std::string& type, const std::string& capacity, int count) {
  return {{"name", name}, {"instance_type", type}, {"capacity_type", capacity}, {"count", count},
          {"taints", {{{"key", "batch"}, {"value", "true"}, {"effect", "NoSchedule"}}}}};
}

json task_doc(const std::string& name, std::vector<std::string> after, double work, int parallelism, const std::string& type) {
  return {{"name", name},
          {"after", after},
          {"gpus", 1},
          {"work_gpu_hours", work},
          {"parallelism", parallelism},
          {"speed", {{type, 1.0}}},
          {"startup_s", 0},
          {"tolerations", {{{"key", "batch"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}}}};
}

RunResult run_batch(const json& doc) { return run_scenario(io::load_scenario_text(doc.dump(), "batch.json", test::data_dir() / "scenarios")); }

}  // namespace

TEST_CASE("a DAG with no interruption finishes at its critical path, billed by its pods' share") {
  // prepare (1 GPU-h) → embed (8 GPU-h over 4 pods, a checkpoint every 30 min costing 60 s) and
  // prepare → stats (0.5 GPU-h); embed, stats → index (1 GPU-h). On two g5.12xlarge (8 GPUs) every
  // pod is placed at once and starts at once (start-up 0). Durations: prepare 3,600 s; embed
  // 2 h of compute per pod with ceil(7,200 / 1,800) − 1 = 3 checkpoints: 7,380 s; stats 1,800 s;
  // index 3,600 s. Critical path prepare → embed → index = 14,580 s from the arrival at 3,600 s.
  json doc = base_doc("12h");
  doc["cluster"]["node_groups"].push_back(batch_group("batch", "g5.12xlarge", "on-demand", 2));
  json embed = task_doc("embed", {"prepare"}, 8, 4, "g5.12xlarge");
  embed["checkpoint_interval_s"] = 1800;
  embed["checkpoint_cost_s"] = 60;
  doc["batch"] = {{"jobs",
                   {{{"name", "nightly"},
                     {"arrivals", {{"at", {3600}}}},
                     {"deadline_s", 6 * 3600},
                     {"purchasing", {{"policy", "on-demand"}}},
                     {"tasks",
                      {task_doc("prepare", {}, 1, 1, "g5.12xlarge"), embed, task_doc("stats", {"prepare"}, 0.5, 1, "g5.12xlarge"),
                       task_doc("index", {"embed", "stats"}, 1, 1, "g5.12xlarge")}}}}}};
  const Scenario sc = io::load_scenario_text(doc.dump(), "batch.json", test::data_dir() / "scenarios");
  const RunResult r = run_scenario(sc);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  REQUIRE(rep.jobs.size() == 1);
  const JobResult& j = rep.jobs[0];
  const double critical = 3600 + (7200 + 3 * 60) + 3600;
  CHECK(j.arrival_s == 3600);
  CHECK(j.finish_s == doctest::Approx(3600 + critical));
  CHECK(j.deadline_met);
  CHECK(j.lateness_s == doctest::Approx(3600 + critical - (3600 + 6 * 3600)));
  CHECK(j.restarts == 0);
  CHECK(j.work_lost_gpu_hours == 0);
  // Pod-hours: 1 + 4 × 7,380 / 3,600 + 0.5 + 1 = 10.7 GPU-hours, each a quarter of a g5.12xlarge.
  const double gpu_hours = 1 + 4 * 7380.0 / 3600 + 0.5 + 1;
  CHECK(j.on_demand_gpu_hours == doctest::Approx(gpu_hours));
  CHECK(j.spot_gpu_hours == 0);
  CHECK(j.cost_usd == doctest::Approx(gpu_hours * sc.catalog.at("g5.12xlarge").ondemand_usd_per_h / 4));
  REQUIRE(rep.batch.size() == 1);
  CHECK(rep.batch[0].jobs == 1);
  CHECK(rep.batch[0].missed == 0);
  CHECK_FALSE(rep.batch[0].objective.breached);
}

TEST_CASE("a spot reclaim at a known instant loses the work since the last checkpoint") {
  // One g5.xlarge spot node in us-east-1a, whose recorded capacity drops to 0 at 10 min: notice at
  // 8 min, the group's replacement launched in us-east-1b then, Ready at 9 min. The job arrives at
  // 0 and its pod starts at once on the warm node; 1 GPU-h of work, a free checkpoint every 240 s.
  // At the reclaim (600 s) 600 s were done and 480 s checkpointed: 120 s lost. The pod restarts on
  // the replacement: start-up 20 s (ready at 620 s), restart overhead 30 s, then the 3,120 s left
  // (its checkpoints free): done at 620 + 30 + 3,120 = 3,770 s.
  json doc = base_doc("2h");
  json g = batch_group("batch-spot", "g5.xlarge", "spot", 1);
  g["allocation_strategy"] = "lowest-price";
  doc["cluster"]["node_groups"].push_back(g);
  doc["market"]["availability"] = {{{"instance_type", "g5.xlarge"}, {"zone", "us-east-1a"},
                                    {"file", "../market/availability_drop.json"}, {"values", "available_count"}, {"tile", true}}};
  json t = task_doc("embed", {}, 1, 1, "g5.xlarge");
  t["checkpoint_interval_s"] = 240;
  t["restart_overhead_s"] = 30;
  t["startup_s"] = 20;
  doc["batch"] = {{"jobs",
                   {{{"name", "embed"}, {"arrivals", {{"at", {0}}}}, {"deadline_s", 7000}, {"purchasing", {{"policy", "spot"}}}, {"tasks", {t}}}}}};
  const RunResult r = run_batch(doc);
  const JobResult& j = r.policies[0].replicates[0].jobs.at(0);
  CHECK(j.restarts == 1);
  CHECK(j.work_lost_gpu_hours == doctest::Approx(120.0 / 3600));
  CHECK(j.finish_s == doctest::Approx(3770));
  CHECK(j.deadline_met);
  // Bound 0–600 s on the first node, 600–3,770 s on the replacement.
  CHECK(j.spot_gpu_hours == doctest::Approx(3770.0 / 3600));
  CHECK(j.cost_usd == doctest::Approx(1.006 * (1 - 0.59) * 3770.0 / 3600));
}

TEST_CASE("with no spot capacity, greedy and uniform progress move to on-demand in time") {
  // Spot pools supply nothing; an on-demand g5.xlarge waits (tainted for batch). 1 GPU-h of work,
  // deadline 2 h, start-up 20 s, restart overhead 30 s; the policies plan a changeover of
  // d = node Ready 60 + start-up 20 + overhead 30 = 110 s and look every 60 s.
  json doc = base_doc("3h");
  doc["market"]["spot_pool_capacity"] = 0;
  doc["cluster"]["node_groups"].push_back(batch_group("batch-od", "g5.xlarge", "on-demand", 1));
  json t = task_doc("embed", {}, 1, 1, "g5.xlarge");
  t["restart_overhead_s"] = 30;
  t["startup_s"] = 20;
  auto job = [&](const std::string& policy) {
    return json{{"jobs",
                 {{{"name", "embed"}, {"arrivals", {{"at", {0}}}}, {"deadline_s", 7200}, {"purchasing", {{"policy", policy}}}, {"tasks", {t}}}}}};
  };
  SUBCASE("greedy") {
    // On-demand for good at the first look with R − 60 < C + d: 7,200 − t − 60 < 3,600 + 110, t >
    // 3,430 → t = 3,480. The on-demand pod binds then, is ready 20 s later and runs 3,600 s (its
    // first run: no restart overhead): done at 7,100 s, by the deadline. Bound 3,480–7,100 s.
    doc["batch"] = job("greedy");
    const RunResult r = run_batch(doc);
    const JobResult& j = r.policies[0].replicates[0].jobs.at(0);
    CHECK(j.finish_s == doctest::Approx(7100));
    CHECK(j.deadline_met);
    CHECK(j.spot_gpu_hours == 0);
    CHECK(j.on_demand_gpu_hours == doctest::Approx((7100 - 3480) / 3600.0));
    CHECK(j.cost_usd == doctest::Approx(1.006 * (7100 - 3480) / 3600.0));
  }
  SUBCASE("uniform progress") {
    // At 0: cp = 0 = ep(0), not behind → idle. At 60: cp 0 < ep(60) = 30 s → on-demand; ready at
    // 80, done at 3,680 s. Bound 60–3,680 s.
    doc["batch"] = job("uniform-progress");
    const RunResult r = run_batch(doc);
    const JobResult& j = r.policies[0].replicates[0].jobs.at(0);
    CHECK(j.finish_s == doctest::Approx(3680));
    CHECK(j.on_demand_gpu_hours == doctest::Approx(3620 / 3600.0));
  }
}

TEST_CASE("uniform progress on recorded spot availability: reclaimed, it waits while ahead, then catches up on-demand") {
  // One zone; Karpenter NodePools for spot and on-demand g5.xlarge; the spot pool's recorded
  // availability: available for 20 min, then none for 100 min. 1 GPU-h of work, deadline 3 h,
  // a free checkpoint every 300 s, start-up 20 s, restart overhead 30 s, node Ready 60 s.
  // ep(t) = t × 3,600 / 10,800 = t/3.
  // - 0: spot on offer → a spot pod; Karpenter launches at 1 s (its batch window), Ready at 61 s,
  //   the pod running at 81 s.
  // - 1,080 s: the notice of the drop at 1,200 s; Karpenter drains the node: 999 s done, 900 s
  //   checkpointed, 99 s lost. The pool is avoided; the pod waits pending (cp 900 ≥ ep).
  // - Looks every 60 s: cp = 900 < ep(t) first at 2,760 s → on-demand: launched 2,761 s, Ready
  //   2,821 s, running 2,841 s; 30 s overhead and the 2,700 s left: done at 5,571 s.
  // Spot held 1–1,080 s, on-demand 2,761–5,571 s.
  json doc = base_doc("3h");
  doc["catalog"] = {{"zones", {"us-east-1a"}}};
  doc["cluster"]["provisioner"] = "karpenter";
  auto pool = [](const std::string& name, const std::string& capacity) {
    json p = json::parse(R"({"spec": {"template": {"spec": {"requirements": [
        {"key": "karpenter.sh/capacity-type", "operator": "In"},
        {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["g5.xlarge"]}]}},
        "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "60s"}}})");
    p["metadata"] = {{"name", name}};
    p["spec"]["template"]["spec"]["requirements"][0]["values"] = {capacity};
    return p;
  };
  doc["cluster"]["node_pools"] = {pool("batch-spot", "spot"), pool("batch-on-demand", "on-demand")};
  doc["market"]["availability"] = {{{"instance_type", "g5.xlarge"}, {"zone", "us-east-1a"},
                                    {"file", "../market/spot_gap_flags.json"}, {"values", "available_flag"}}};
  json t = task_doc("embed", {}, 1, 1, "g5.xlarge");
  t["checkpoint_interval_s"] = 300;
  t["restart_overhead_s"] = 30;
  t["startup_s"] = 20;
  doc["batch"] = {{"jobs",
                   {{{"name", "embed"}, {"arrivals", {{"at", {0}}}}, {"deadline_s", 10800}, {"purchasing", {{"policy", "uniform-progress"}}},
                     {"tasks", {t}}}}}};
  const RunResult r = run_batch(doc);
  const JobResult& j = r.policies[0].replicates[0].jobs.at(0);
  CHECK(j.restarts == 1);
  CHECK(j.work_lost_gpu_hours == doctest::Approx(99.0 / 3600));
  CHECK(j.finish_s == doctest::Approx(5571));
  CHECK(j.deadline_met);
  CHECK(j.spot_gpu_hours == doctest::Approx(1079.0 / 3600));
  CHECK(j.on_demand_gpu_hours == doctest::Approx(2810.0 / 3600));
  CHECK(j.cost_usd == doctest::Approx(1.006 * (1 - 0.59) * 1079.0 / 3600 + 1.006 * 2810.0 / 3600));
}
