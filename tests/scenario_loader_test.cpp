#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
json inline_doc() {
  return json::parse(R"({
    "capsim": 1, "name": "s",
    "simulation": {"start": "2024-05-10T00:00:00Z", "duration": "5m"},
    "traces": {"t": {"format": "csv", "file": "traces/five_minutes.csv", "period_s": 60}},
    "services": [{"name": "api", "demand": {"trace": "t"}, "replica": {"gpus": 1}, "replicas": 2,
                  "throughput_rps": {"g5.xlarge": 1.5, "g5.12xlarge": 1.5}, "sla": {"max_wait_s": 10}}],
    "cluster": {"node_groups": [{"name": "gpu", "instance_type": "g5.xlarge", "count": 2}]}
  })");
}
Scenario load_inline(const json& doc) { return io::load_scenario_text(doc.dump(), "inline.json", test::data_dir()); }
}  // namespace

TEST_CASE("the bundled default scenario loads with its policies: a ladder, each step extending the one before") {
  Scenario sc = io::load_scenario(test::source_dir() / "scenarios" / "gpu-inference-eks.json");
  CHECK(sc.name == "gpu-inference-eks");
  CHECK(sc.simulation.periods() == 30u * 1440u);
  REQUIRE(sc.policies.size() == 8);
  CHECK(sc.baseline == "baseline");
  const std::vector<std::string> ladder{"baseline", "right-sized", "+hpa", "+karpenter", "+scheduled", "+spot", "+quantized", "+spot-batch"};
  for (std::size_t i = 0; i < ladder.size(); ++i) {
    CHECK(sc.policies[i].name == ladder[i]);
    CHECK(sc.policies[i].extends == (i == 0 ? "" : ladder[i - 1]));
  }
  // The objective and the uncertain world every step is compared in.
  CHECK(sc.policies[0].services[0].sla.target_served_share == doctest::Approx(0.999));
  // The last step serves the FP8 variant on L4 (g6) only, at the derived 1.89 req/s per replica.
  const std::map<std::string, double> l4{{"g6.12xlarge", 1.89}, {"g6.2xlarge", 1.89}, {"g6.4xlarge", 1.89}, {"g6.xlarge", 1.89}};
  CHECK(sc.policies[6].services[0].throughput_rps == l4);
  CHECK(sc.policies[6].services[0].sla.target_served_share == doctest::Approx(0.999));
  // Every policy runs the nightly batch job; only the last buys it by uniform progress.
  for (const PolicySpec& p : sc.policies) {
    REQUIRE(p.batch.jobs.size() == 1);
    CHECK(p.batch.jobs[0].name == "nightly-embeddings");
    CHECK(p.batch.jobs[0].purchasing.kind == (p.name == "+spot-batch" ? PurchasingKind::UniformProgress : PurchasingKind::OnDemand));
  }
  CHECK(sc.compare.risk_tolerance_given);
  CHECK(sc.uncertainty.demand_scale.has_value());
  CHECK(sc.market.uncertainty.interruption_rate_in_bucket);
  CHECK(sc.catalog.types().size() == 80);
  CHECK(sc.catalog.at("g5.12xlarge").gpus == 4);
  CHECK(sc.catalog.at("g5.12xlarge").ondemand_usd_per_h == doctest::Approx(5.672));
  CHECK(sc.traces.at("coding").trace.values.size() == 10080);
}

TEST_CASE("defaults: one policy named default, seed 1, period 60 s, drop on overload") {
  Scenario sc = load_inline(inline_doc());
  REQUIRE(sc.policies.size() == 1);
  CHECK(sc.policies[0].name == "default");
  CHECK(sc.baseline == "default");
  CHECK(sc.simulation.seed == 1);
  CHECK(sc.simulation.replicates == 1);
  CHECK(sc.simulation.period == seconds(60));
  const ServiceSpec& s = sc.policies[0].services[0];
  CHECK(s.sla.on_overload == OverloadAction::Drop);
  CHECK(s.demand.arrivals == ArrivalModel::Poisson);
  CHECK(sc.policies[0].cluster.eks_control_plane);
  CHECK(sc.policies[0].cluster.eks_control_plane_usd_per_h == doctest::Approx(0.10));
}

TEST_CASE("policies are merge patches applied parent first") {
  json doc = inline_doc();
  doc["policies"] = json::parse(R"([
    {"name": "base"},
    {"name": "bigger", "extends": "base", "patch": {"cluster": {"node_groups": [{"name": "gpu", "instance_type": "g5.12xlarge", "count": 3}]}}},
    {"name": "bigger-no-eks", "extends": "bigger", "patch": {"cluster": {"eks_control_plane": false, "tags": {"env": "dev"}}}}
  ])");
  Scenario sc = load_inline(doc);
  REQUIRE(sc.policies.size() == 3);
  CHECK(sc.policies[0].cluster.node_groups[0].instance_types.front() == "g5.xlarge");
  CHECK(sc.policies[1].cluster.node_groups[0].instance_types.front() == "g5.12xlarge");
  CHECK(sc.policies[1].cluster.eks_control_plane);
  CHECK(sc.policies[2].cluster.node_groups[0].count == 3);  // inherited from "bigger"
  CHECK_FALSE(sc.policies[2].cluster.eks_control_plane);
  CHECK(sc.policies[2].cluster.tags.at("env") == "dev");
  CHECK(sc.baseline == "base");
  json eff = json::parse(io::effective_document(doc.dump(), "bigger-no-eks", "inline.json"));
  CHECK(eff["cluster"]["node_groups"][0]["count"] == 3);
  CHECK_FALSE(eff.contains("policies"));
}

TEST_CASE("unsourced figures are assumptions; a source stops covering a figure a policy changed") {
  json doc = inline_doc();
  doc["sources"] = {{"/services/0/throughput_rps/g5.xlarge", "vendor benchmark X"}};
  doc["policies"] = json::parse(R"([
    {"name": "base"},
    {"name": "faster", "extends": "base", "patch": {"services": [
      {"name": "api", "demand": {"trace": "t"}, "replica": {"gpus": 1}, "replicas": 2,
       "throughput_rps": {"g5.xlarge": 3.0, "g5.12xlarge": 1.5}, "sla": {"max_wait_s": 10}}]}},
    {"name": "faster-sourced", "extends": "faster", "sources": {"/services/0/throughput_rps": "vLLM benchmark Y"}}
  ])");
  Scenario sc = load_inline(doc);
  auto pointers = [](const PolicySpec& p) {
    std::vector<std::string> out;
    for (const auto& a : p.assumptions) out.push_back(a.pointer);
    return out;
  };
  CHECK(pointers(sc.policies[0]) == std::vector<std::string>{"/services/0/throughput_rps/g5.12xlarge"});
  // g5.xlarge changed from 1.5 to 3.0: the base source no longer applies.
  CHECK(pointers(sc.policies[1]) ==
        std::vector<std::string>{"/services/0/throughput_rps/g5.12xlarge", "/services/0/throughput_rps/g5.xlarge"});
  CHECK(sc.policies[1].assumptions[1].value == "3.0");
  CHECK(pointers(sc.policies[2]).empty());
}

TEST_CASE("latency distributions parse into their kinds") {
  json doc = inline_doc();
  doc["services"][0]["replica"]["startup_s"] = {{"dist", "uniform"}, {"min", 30}, {"max", 90}};
  doc["cluster"]["node_ready_s"] = 45;
  doc["cluster"]["node_groups"][0]["initial_state"] = "launching";
  Scenario sc = load_inline(doc);
  const auto& p = sc.policies[0];
  REQUIRE(p.services[0].startup_s);
  CHECK(std::holds_alternative<Distribution::Uniform>(p.services[0].startup_s->spec));
  CHECK(p.services[0].startup_s->mean() == doctest::Approx(60));
  REQUIRE(p.cluster.node_ready_s);
  CHECK(p.cluster.node_ready_s->mean() == doctest::Approx(45));
  CHECK(p.cluster.node_groups[0].initial_state == InitialState::Launching);
}

TEST_CASE("a launching group needs both latencies") {
  json doc = inline_doc();
  doc["cluster"]["node_groups"][0]["initial_state"] = "launching";
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("inline.json: /cluster: expected the key 'node_ready_s'"), ScenarioError);
  doc["cluster"]["node_ready_s"] = 45;
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("inline.json: /services/0/replica: expected the key 'startup_s'"),
                       ScenarioError);
}

TEST_CASE("duration must be a whole number of periods") {
  json doc = inline_doc();
  doc["simulation"]["duration"] = "150s";
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("/simulation/duration: expected a whole number of periods of 60 s, got 150 s"),
                       ScenarioError);
}

TEST_CASE("price overrides replace catalog prices and are figures that need a source") {
  json doc = inline_doc();
  doc["catalog"] = {{"price_overrides", {{"g5.xlarge", {{"ondemand_usd_per_h", 0.8}}}}}};
  Scenario sc = load_inline(doc);
  CHECK(sc.catalog.at("g5.xlarge").ondemand_usd_per_h == doctest::Approx(0.8));
  bool listed = false;
  for (const auto& a : sc.policies[0].assumptions)
    if (a.pointer == "/catalog/price_overrides/g5.xlarge/ondemand_usd_per_h") listed = true;
  CHECK(listed);
  doc["catalog"]["price_overrides"] = {{"g5.xlargee", {{"ondemand_usd_per_h", 0.8}}}};
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("did you mean 'g5.xlarge'"), ScenarioError);
}

TEST_CASE("user catalogs, CSV and JSON, add and replace types") {
  json doc = inline_doc();
  doc["catalog"] = {{"files", {"catalog/discounted.csv", "catalog/lab.json"}}};
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 1.5}, {"lab.gpu8", 20}};
  Scenario sc = load_inline(doc);
  CHECK(sc.catalog.at("g5.xlarge").ondemand_usd_per_h == doctest::Approx(0.8));  // replaced
  CHECK(sc.catalog.at("lab.gpu8").gpus == 8);                                   // added
  CHECK(sc.catalog.types().size() == 81);
  CHECK(sc.catalog.source().find("user catalog lab.json (1 types added, 0 replaced)") != std::string::npos);
}

TEST_CASE("limits: a request left out defaults to its limit; usage may exceed a request, not a limit") {
  json doc = inline_doc();
  // (A g5.xlarge has 3,920m allocatable: the pod must fit it, so the limit is 3 CPUs.)
  doc["services"][0]["replica"]["limits"] = {{"cpu", "3"}, {"memory", "12Gi"}};
  doc["services"][0]["replica"]["memory"] = "8Gi";
  doc["services"][0]["replica"]["usage"] = {{"cpu", "2"}, {"memory", "10Gi"}};
  const Scenario sc = load_inline(doc);
  const ServiceSpec& svc = sc.policies[0].services[0];
  CHECK(svc.replica_cpu_millicores == 3000);  // from the cpu limit
  CHECK(svc.replica_memory_mib == 8192);      // its own request
  CHECK(svc.limit_memory_mib == 12288);
  CHECK(svc.usage_memory_mib == 10240);       // above the request, within the limit
  doc["services"][0]["replica"]["usage"]["cpu"] = "5";
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("/services/0/replica/usage/cpu: expected at most the cpu limit (3000m), got 5000m"),
                       ScenarioError);
}

TEST_CASE("an HPA target above what a replica can serve is a warning") {
  // This file's replica serves 1.5 req/s on g5.xlarge and g5.12xlarge; an HPA aiming at 2 req/s per
  // replica would let each replica take more than it can before scaling out.
  json doc = inline_doc();
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 2},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "2"}}}}}}}}}}};
  const Scenario sc = load_inline(doc);
  REQUIRE(sc.warnings.size() == 1);
  CHECK(sc.warnings[0] == "policy 'default': the HPA of service 'api' targets 2 requests/s per replica, more than a replica serves on any of its "
                          "types (1.5 at most): it scales out only once replicas are already overloaded");
  doc["cluster"]["hpa"]["api"]["metrics"][0]["pods"]["target"]["averageValue"] = "1.2";
  CHECK(load_inline(doc).warnings.empty());
}

TEST_CASE("a policy that makes replicas faster but keeps the HPA target is warned") {
  // The base serves 1.5 req/s per replica with an HPA target of 1.2; "faster" doubles the throughput
  // (a quantized variant) and keeps 1.2, so replicas would run at the old load; "retuned" also moves
  // the target to 2.4 and is not warned.
  json doc = inline_doc();
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"]["hpa"] = {{"api", {{"minReplicas", 1}, {"maxReplicas", 2},
                                    {"metrics", {{{"type", "Pods"}, {"pods", {{"metric", {{"name", "requests_per_second"}}},
                                                                            {"target", {{"type", "AverageValue"}, {"averageValue", "1.2"}}}}}}}}}}};
  json faster = doc["services"];
  faster[0]["throughput_rps"] = {{"g5.xlarge", 3.0}, {"g5.12xlarge", 3.0}};
  json retuned_hpa = doc["cluster"]["hpa"];
  retuned_hpa["api"]["metrics"][0]["pods"]["target"]["averageValue"] = "2.4";
  doc["policies"] = {{{"name", "base"}},
                     {{"name", "faster"}, {"patch", {{"services", faster}}}},
                     {{"name", "retuned"}, {"extends", "faster"}, {"patch", {{"cluster", {{"hpa", retuned_hpa}}}}}}};
  const Scenario sc = load_inline(doc);
  REQUIRE(sc.warnings.size() == 1);
  CHECK(sc.warnings[0] == "policy 'faster' changes the throughput of service 'api' but keeps its HPA target of 1.2 requests/s per replica: "
                          "its replicas stay at the old load");
}

TEST_CASE("tile_period goes with tile") {
  json doc = inline_doc();
  doc["traces"]["t"]["tile_period"] = "1d";
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("/traces/t/tile_period: expected tile_period only with \"tile\": true, got a trace that is not tiled"),
                       ScenarioError);
  doc["traces"]["t"]["tile"] = true;
  doc["traces"]["t"]["tile_period"] = "10m";  // the 5-minute trace, then 5 empty minutes
  doc["simulation"]["duration"] = "20m";
  const Scenario sc = load_inline(doc);
  CHECK(sc.traces.at("t").tile_period == 600 * kMicrosPerSecond);
  REQUIRE(sc.warnings.size() == 1);
  CHECK(sc.warnings[0] == "trace 't' is tiled every 10 min; the window starts at its instant 2024-05-10T00:00:00Z");
}

TEST_CASE("--data-root confines the files a scenario names to one folder") {
  io::LoadOptions inside;
  inside.data_root = test::data_dir();
  CHECK_NOTHROW(io::load_scenario_text(inline_doc().dump(), "inline.json", test::data_dir(), inside));

  // The same scenario read from a folder whose trace path climbs out of the root.
  io::LoadOptions confined;
  confined.data_root = test::data_dir() / "scenarios";
  json doc = inline_doc();
  doc["traces"]["t"]["file"] = "../traces/five_minutes.csv";
  const std::string outside = "/traces/t/file: expected a file inside the data root " + (test::data_dir() / "scenarios").string() +
                              ", got \"../traces/five_minutes.csv\", which resolves outside it";
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "inline.json", test::data_dir() / "scenarios", confined),
                       doctest::Contains(outside.c_str()), ScenarioError);
  // An absolute path is no way around it; without a root it is read.
  doc["traces"]["t"]["file"] = (test::data_dir() / "traces" / "five_minutes.csv").string();
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "inline.json", test::data_dir() / "scenarios", confined),
                       doctest::Contains("which resolves outside it"), ScenarioError);
  CHECK_NOTHROW(io::load_scenario_text(doc.dump(), "inline.json", test::data_dir() / "scenarios"));
  // A root that is no folder is said to be so, not left to refuse every file.
  io::LoadOptions nowhere;
  nowhere.data_root = test::data_dir() / "no-such-folder";
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "inline.json", test::data_dir(), nowhere),
                       doctest::Contains("expected --data-root naming an existing folder, got"), ScenarioError);
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "inline.json", test::data_dir(), nowhere),
                       doctest::Contains("no-such-folder\", which does not exist"), ScenarioError);

  // Nor is a symbolic link inside the root that points out of it.
  const auto root = test::temp_dir() / "capsim-data-root-test";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  std::filesystem::create_symlink(test::data_dir() / "traces" / "five_minutes.csv", root / "link.csv");
  io::LoadOptions linked;
  linked.data_root = root;
  doc["traces"]["t"]["file"] = "link.csv";
  CHECK_THROWS_WITH_AS(io::load_scenario_text(doc.dump(), "inline.json", root, linked),
                       doctest::Contains("/traces/t/file: expected a file inside the data root"), ScenarioError);
  std::filesystem::remove_all(root);
}

TEST_CASE("policies patch services, node groups and NodePools by name (strategic merge)") {
  json doc = inline_doc();
  doc["cluster"]["node_groups"].push_back({{"name", "spare"}, {"instance_type", "g5.12xlarge"}, {"count", 1}});
  doc["policies"] = json::parse(R"([
    {"name": "base"},
    {"name": "five", "patch": {"services": [{"name": "api", "replicas": 5}]}},
    {"name": "no-spare", "extends": "five",
     "patch": {"cluster": {"node_groups": [{"name": "spare", "$patch": "delete"}, {"name": "gpu", "count": 4},
                                           {"name": "extra", "instance_type": "g5.xlarge", "count": 1}]}}},
    {"name": "only-big", "patch": {"cluster": {"node_groups": [{"$patch": "replace"},
                                                               {"name": "big", "instance_type": "g5.12xlarge", "count": 1}]}}},
    {"name": "new-api", "patch": {"services": [{"name": "api", "$patch": "replace", "demand": {"trace": "t"}, "replica": {"gpus": 1},
                                                "replicas": 3, "throughput_rps": {"g5.xlarge": 2.0}, "sla": {"max_wait_s": 10}}]}}
  ])");
  const Scenario sc = load_inline(doc);
  REQUIRE(sc.policies.size() == 5);
  // One field of one service: the rest of the service is the base's.
  const ServiceSpec& five = sc.policies[1].services.at(0);
  CHECK(five.replicas == 5);
  CHECK(five.throughput_rps.at("g5.12xlarge") == 1.5);
  CHECK(sc.policies[1].cluster.node_groups.size() == 2);
  // Deleted by name, merged by name, added at the end; the parent's change carries on.
  const auto& groups = sc.policies[2].cluster.node_groups;
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].name == "gpu");
  CHECK(groups[0].count == 4);
  CHECK(groups[0].instance_types.front() == "g5.xlarge");
  CHECK(groups[1].name == "extra");
  CHECK(sc.policies[2].services.at(0).replicas == 5);
  // The whole list replaced.
  REQUIRE(sc.policies[3].cluster.node_groups.size() == 1);
  CHECK(sc.policies[3].cluster.node_groups[0].name == "big");
  // One element replaced whole: the base's g5.12xlarge throughput is gone.
  CHECK(sc.policies[4].services.at(0).throughput_rps.size() == 1);
  CHECK(sc.policies[4].services.at(0).replicas == 3);
}

TEST_CASE("a named patch element must carry its name, and delete only names the array has") {
  json doc = inline_doc();
  doc["policies"] = json::parse(R"([
    {"name": "base"},
    {"name": "nameless", "patch": {"services": [{"replicas": 5}]}},
    {"name": "typo", "patch": {"cluster": {"node_groups": [{"name": "gpus", "$patch": "delete"}]}}},
    {"name": "odd", "patch": {"cluster": {"node_groups": [{"name": "gpu", "$patch": "merge"}]}}}
  ])");
  CHECK_THROWS_WITH_AS(load_inline(doc),
                       doctest::Contains("/policies/1/patch/services/0: expected the element's name at /name, which says which element "
                                         "of /services it patches, got an element without it"),
                       ScenarioError);
  CHECK_THROWS_WITH_AS(load_inline(doc),
                       doctest::Contains("/policies/2/patch/cluster/node_groups/0: expected the name of an element of "
                                         "/cluster/node_groups to delete, got \"gpus\", which it does not have (did you mean 'gpu'?)"),
                       ScenarioError);
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("/policies/3/patch/cluster/node_groups/0/$patch: expected \"delete\" or \"replace\""),
                       ScenarioError);
}

TEST_CASE("an error in a value a named patch wrote is located in that patch") {
  json doc = inline_doc();
  doc["policies"] = json::parse(R"([
    {"name": "base"},
    {"name": "bad", "patch": {"cluster": {"node_groups": [{"name": "other", "instance_type": "g5.xlarge", "count": 1},
                                                          {"name": "gpu", "count": -1}]}}}
  ])");
  // The group is the first of the policy's document and the second of its patch.
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("/policies/1/patch/cluster/node_groups/1/count: expected an integer"), ScenarioError);
}

TEST_CASE("an HPA without behavior takes the older path; behavior fields left out take the defaults") {
  json doc = inline_doc();
  const json metric = json::parse(R"([{"type": "Pods", "pods": {"metric": {"name": "requests_per_second"},
                                      "target": {"type": "AverageValue", "averageValue": "1"}}}])");
  doc["cluster"]["hpa"] = {{"api", {{"maxReplicas", 4}, {"metrics", metric}}}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  CHECK_FALSE(load_inline(doc).policies[0].cluster.hpa.at("api").spec.behavior);
  doc["cluster"]["hpa"]["api"]["behavior"] = json::parse(R"({"scaleUp": {"tolerance": "50m"}, "scaleDown": {"tolerance": 0.2}})");
  const Scenario sc = load_inline(doc);
  const auto& b = sc.policies[0].cluster.hpa.at("api").spec.behavior;
  REQUIRE(b);
  CHECK(*b->scale_up.tolerance == doctest::Approx(0.05));
  CHECK(*b->scale_down.tolerance == doctest::Approx(0.2));
  CHECK(b->scale_up.policies.size() == 2);  // the documented defaults, filled in
  CHECK(b->scale_down.stabilization_window == seconds(300));
  REQUIRE(sc.warnings.size() == 1);
  CHECK(sc.warnings[0] == "the HPA of service 'api' sets behavior tolerances: Kubernetes reads them from 1.33 with the "
                          "HPAConfigurableTolerance feature gate (alpha in 1.33, on by default from 1.35)");
  doc["cluster"]["hpa"]["api"]["behavior"]["scaleUp"]["tolerance"] = "-1";
  CHECK_THROWS_WITH_AS(load_inline(doc), doctest::Contains("/cluster/hpa/api/behavior/scaleUp/tolerance: expected a quantity >= 0"), ScenarioError);
}
