// Plain Auto Scaling groups under EC2 target tracking, and the Cluster Autoscaler's
// max-node-provision-time, in runs worked out by hand.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
// One hour at a constant `rps`; the service runs 1 req/s per g5.xlarge replica (1 GPU).
json asg_doc(double rps, int count, json target_tracking) {
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", rps}}}};
  doc["services"][0]["demand"]["arrivals"] = "expected";
  doc["services"][0]["replicas"] = 0;
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"] = {{"eks_control_plane", false}, {"node_ready_s", 60},
                    {"node_groups", {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", count}, {"min_size", 1},
                                      {"max_size", 10}, {"target_tracking", target_tracking}}}}};
  return doc;
}
json gpu_target(double target) {
  return {{"service", "api"}, {"TargetValue", target}, {"CustomizedMetricSpecification", {{"MetricName", "DCGM_FI_DEV_GPU_UTIL"}}}};
}
RunResult run_groups(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  return run_scenario(io::load_scenario_text(doc.dump(), "asg.json", test::data_dir() / "scenarios"), opt);
}
}  // namespace

TEST_CASE("target tracking scales a GPU group out after three datapoints above the target") {
  // Two g5.xlarge, 1.6 req/s against 2 req/s of capacity: GPU utilization 80% > 50. The alarm needs
  // three datapoints (60, 120, 180 s); at 180 s capacity becomes ceil(2 × 80 / 50) = ceil(3.2) = 4.
  // The two new instances are ready at 240 s and warm up for 300 s; meanwhile the utilization, still
  // 80% until their replicas serve at 300 s, asks for ceil((4 − 2) × 80 / 50) = 4: no second
  // scale-out. With 4 req/s, 1.6 is 40%: between the AlarmLow threshold (0.7 × 50 = 35) and 50,
  // nothing more. Billed: 2 × 3,600 s + 2 × (3,600 − 180) s at 1.006/h.
  RunResult r = run_groups(asg_doc(1.6, 2, gpu_target(50)));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.target_tracking_scale_outs == 2);
  CHECK(rep.fleet.target_tracking_scale_ins == 0);
  CHECK(rep.ready_nodes.back() == 4);
  CHECK(rep.services[0].replicas_placed == 4);
  CHECK(rep.service_series[0].ready_replicas[2] == 2);   // 180 s
  CHECK(rep.service_series[0].ready_replicas[5] == 4);   // 360 s
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(1.006 * (2 * 3600 + 2 * 3420) / 3600.0));
}

TEST_CASE("target tracking scales in only after fifteen datapoints below 0.7 x target") {
  // Four g5.xlarge, 0.5 req/s: 12.5% < 35. The fifteenth datapoint comes at 900 s: capacity
  // max(1, ceil(4 × 12.5 / 50)) = 1, so three instances end at 900 s. Billed: 3 × 900 + 3,600 s.
  RunResult r = run_groups(asg_doc(0.5, 4, gpu_target(50)));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.target_tracking_scale_ins == 3);
  CHECK(rep.ready_nodes[13] == 4);  // 840 s
  CHECK(rep.ready_nodes.back() == 1);
  CHECK(rep.services[0].replicas_placed == 1);
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(1.006 * (3 * 900 + 3600) / 3600.0));
  // DisableScaleIn keeps all four.
  json doc = asg_doc(0.5, 4, gpu_target(50));
  doc["cluster"]["node_groups"][0]["target_tracking"]["DisableScaleIn"] = true;
  CHECK(run_groups(doc).policies[0].replicates[0].ready_nodes.back() == 4);
}

TEST_CASE("target tracking on ALBRequestCountPerTarget") {
  // 3 req/s over two instances: 90 requests per target per minute against a target of 60: after
  // three datapoints, ceil(2 × 90 / 60) = 3 instances.
  json tt = {{"service", "api"}, {"TargetValue", 60}, {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ALBRequestCountPerTarget"}}}};
  RunResult r = run_groups(asg_doc(3.0, 2, tt));
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.target_tracking_scale_outs >= 1);
  CHECK(rep.ready_nodes[4] == 3);  // 300 s: the instance launched at 180 s is ready at 240 s
}

TEST_CASE("bad target tracking specs say what was expected") {
  auto message = [](const json& doc) {
    try {
      io::load_scenario_text(doc.dump(), "asg.json", test::data_dir() / "scenarios");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json cpu = asg_doc(1, 2, {{"service", "api"}, {"TargetValue", 50},
                            {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ASGAverageCPUUtilization"}}}});
  CHECK(message(cpu).find("/cluster/node_groups/0/target_tracking/PredefinedMetricSpecification/PredefinedMetricType") != std::string::npos);
  CHECK(message(cpu).find("capsim simulates requests and GPUs, not CPU or network") != std::string::npos);
  json mem = asg_doc(1, 2, {{"service", "api"}, {"TargetValue", 50}, {"CustomizedMetricSpecification", {{"MetricName", "DCGM_FI_DEV_FB_USED"}}}});
  CHECK(message(mem).find("expected a GPU utilization metric capsim computes") != std::string::npos);
  json with_replicas = asg_doc(1, 2, gpu_target(50));
  with_replicas["services"][0]["replicas"] = 2;
  CHECK(message(with_replicas).find("/services/0/replicas: expected 0: the replicas of a service on a target-tracked group follow its instances") !=
        std::string::npos);
  json unknown = asg_doc(1, 2, gpu_target(50));
  unknown["cluster"]["node_groups"][0]["target_tracking"]["service"] = "chat";
  CHECK(message(unknown).find("/cluster/node_groups/0/target_tracking/service: expected the name of a service, got \"chat\"") !=
        std::string::npos);
}

TEST_CASE("the Cluster Autoscaler deletes a node not ready within max-node-provision-time and backs the group off") {
  // Nodes take 20 minutes to become ready; the limit is 15. The first scan (10 s) adds a node; at
  // 910 s it is deleted and the group backed off 5 minutes, to 1,210 s, when the next one is added;
  // it is deleted at 2,110 s, the backoff doubling to 10 minutes (failures less than 3 h apart): the
  // third node comes at 2,710 s and would be deleted at 3,610 s, after the hour. Billed
  // 900 + 900 + 890 s of g5.xlarge; the replica never runs.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 0.5}}}};
  doc["services"][0]["replicas"] = 1;
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"] = {{"provisioner", "cluster-autoscaler"}, {"eks_control_plane", false}, {"node_ready_s", 1200},
                    {"node_groups", {{{"name", "gpu"}, {"instance_type", "g5.xlarge"}, {"count", 0}, {"min_size", 0}, {"max_size", 3}}}}};
  RunResult r = run_groups(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.scale_ups == 3);
  CHECK(rep.fleet.provision_timeouts == 2);
  REQUIRE(rep.nodes.size() == 3);
  CHECK(rep.nodes[0].end_reason == "provision-timeout");
  CHECK(rep.nodes[0].ready_s == -1);
  CHECK(rep.nodes[0].terminated_s == doctest::Approx(910));
  CHECK(rep.nodes[1].launched_s == doctest::Approx(1210));
  CHECK(rep.services[0].replicas_placed == 1);  // bound to the third node, still launching
  CHECK(rep.service_series[0].ready_replicas.back() == 0);
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(1.006 * (900 + 900 + 890) / 3600.0));
}

TEST_CASE("scheduled actions set a node group's size at cron times, in the group's time zone") {
  // A static group of 2 g5.xlarge; "0 1 * * *" in UTC sets DesiredCapacity 4 at 01:00 of the
  // 2-hour run, "30 1 * * *" sets MaxSize 3 at 01:30, which brings the group down to 3. Billed:
  // 2 × 7,200 s + 1 × (7,200 − 3,600) + 1 × (5,400 − 3,600) s at 1.006/h.
  json doc = asg_doc(0.5, 2, gpu_target(50));
  doc["simulation"]["duration"] = "2h";
  doc["cluster"]["node_groups"][0].erase("target_tracking");
  doc["services"][0]["replicas"] = 2;
  doc["cluster"]["schedules"] = json::parse(R"([{"schedule": "0 1 * * *", "node_group": "gpu", "DesiredCapacity": 4},
                                                {"schedule": "30 1 * * *", "node_group": "gpu", "MaxSize": 3}])");
  RunResult r = run_groups(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.scheduled_actions == 2);
  REQUIRE(rep.nodes.size() == 4);
  CHECK(rep.nodes[3].end_reason == "scale-in");  // the newest goes first
  CHECK(rep.nodes[3].terminated_s == doctest::Approx(5400));
  CHECK(rep.ready_nodes[70] == 4);  // 01:11
  CHECK(rep.ready_nodes.back() == 3);
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(1.006 * (2 * 7200 + 3600 + 1800) / 3600.0));
  // A schedule for a group that does not exist names it and the close match.
  doc["cluster"]["schedules"][0]["node_group"] = "gpus";
  try {
    run_groups(doc);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("/cluster/schedules/0/node_group: expected the name of a node group, got \"gpus\" (did you mean 'gpu'?)") !=
          std::string::npos);
  }
}

TEST_CASE("a scheduled MinSize lifts a target-tracked group's floor; its service follows") {
  // Four g5.xlarge at 0.5 req/s would shrink to 1 at 900 s (fifteen datapoints below 35%); a
  // scheduled action at 00:10 sets MinSize 3, so target tracking stops at 3 and so do the replicas.
  json doc = asg_doc(0.5, 4, gpu_target(50));
  doc["cluster"]["schedules"] = json::parse(R"([{"schedule": "10 0 * * *", "node_group": "gpu", "MinSize": 3}])");
  RunResult r = run_groups(doc);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.scheduled_actions == 1);
  CHECK(rep.fleet.target_tracking_scale_ins == 1);
  CHECK(rep.ready_nodes.back() == 3);
  CHECK(rep.services[0].replicas_placed == 3);
}

TEST_CASE("the Cluster Autoscaler does not grow a group whose template node cannot hold the pod") {
  // One replica asking 4 vCPU; a g5.xlarge has 3,920m allocatable (the catalog), a g5.2xlarge
  // 7,910m. With only a g5.xlarge group the pod can never run: a load error naming the closest type
  // and the resource. With a g5.2xlarge group tainted nvidia.com/gpu=true:NoSchedule as well (the pod
  // has no toleration), the Cluster Autoscaler's simulation on each group's template node fails, so
  // it adds nothing: no node, no cost, the pod pending for the whole hour, counted once as
  // unschedulable with both reasons. Without the taint it adds one g5.2xlarge (ready at 70 s: scan at
  // 10 s + 60 s) and nothing of the g5.xlarge group.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 0.5}}}};
  doc["services"][0]["replicas"] = 1;
  doc["services"][0]["replica"]["cpu"] = "4";
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 1.0}, {"g5.2xlarge", 1.0}};
  doc["cluster"] = {{"provisioner", "cluster-autoscaler"}, {"eks_control_plane", false}, {"node_ready_s", 60},
                    {"node_groups", {{{"name", "small"}, {"instance_type", "g5.xlarge"}, {"count", 0}, {"min_size", 0}, {"max_size", 3}}}}};
  try {
    io::load_scenario_text(doc.dump(), "ca.json", test::data_dir() / "scenarios");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("/services/0/replica: expected a replica that fits an instance type policy 'default' can launch with a "
                                     "throughput for it, got a pod of service 'api' that fits none; closest: g5.xlarge (fit: cpu 4000m > "
                                     "3920m allocatable)") != std::string::npos);
  }
  doc["cluster"]["node_groups"].push_back({{"name", "large"}, {"instance_type", "g5.2xlarge"}, {"count", 0}, {"min_size", 0}, {"max_size", 3},
                                           {"taints", {{{"key", "nvidia.com/gpu"}, {"value", "true"}, {"effect", "NoSchedule"}}}}});
  RunOptions opt;
  opt.keep_series = true;
  opt.explain = true;
  RunResult r = run_scenario(io::load_scenario_text(doc.dump(), "ca.json", test::data_dir() / "scenarios"), opt);
  const auto& rep = r.policies[0].replicates[0];
  CHECK(rep.fleet.scale_ups == 0);
  CHECK(rep.fleet.launches == 0);
  CHECK(rep.cost.total_usd == 0);
  CHECK(rep.services[0].replicas_placed == 0);
  CHECK(rep.fleet.unschedulable == 1);
  const std::string why = "no node group can run it: small (g5.xlarge): fit: cpu 4000m > 3920m allocatable; "
                          "large (g5.2xlarge): taint: nvidia.com/gpu=true:NoSchedule not tolerated";
  REQUIRE(rep.explanations.size() == 1);
  CHECK(rep.explanations[0] == "2024-05-10T00:00:10Z pod api#0 could not be scheduled: " + why);
  // The record behind the words: the pod, when (the first scan, 10 s) and why.
  REQUIRE(rep.decisions.unschedulable.size() == 1);
  CHECK(rep.decisions.unschedulable[0].pod == "api#0");
  CHECK(rep.decisions.unschedulable[0].at_s == 10);
  CHECK(rep.decisions.unschedulable[0].reason == why);
  // Without --explain too: the service result carries the pending pod and the reason.
  CHECK(rep.services[0].pending_at_end == 1);
  CHECK(rep.services[0].pending_reason == why);

  doc["cluster"]["node_groups"][1].erase("taints");
  r = run_scenario(io::load_scenario_text(doc.dump(), "ca.json", test::data_dir() / "scenarios"), opt);
  const auto& rep2 = r.policies[0].replicates[0];
  CHECK(rep2.fleet.scale_ups == 1);
  CHECK(rep2.fleet.unschedulable == 0);
  REQUIRE(rep2.nodes.size() == 1);
  CHECK(rep2.nodes[0].instance_type == "g5.2xlarge");
  CHECK(rep2.nodes[0].ready_s == doctest::Approx(70));
  CHECK(rep2.services[0].replicas_placed == 1);
  CHECK(rep2.fleet.nodes_at_end == 1);
  CHECK(rep2.fleet.gpus_at_end == 1);
  CHECK(rep2.fleet.peak_nodes == 1);
  CHECK(rep2.fleet.gpus_launched == 1);
}
