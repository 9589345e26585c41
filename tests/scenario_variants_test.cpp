#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_variants.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {
const char* kLadder = R"({
  "capsim": 1, "name": "s",
  "simulation": {"start": "2024-05-10T00:00:00Z", "duration": "5m", "seed": 7},
  "traces": {"t": {"format": "csv", "file": "traces/five_minutes.csv", "period_s": 60}},
  "services": [{"name": "api", "demand": {"trace": "t"}, "replica": {"gpus": 1}, "replicas": 2,
                "throughput_rps": {"g5.xlarge": 1.0}, "sla": {"max_wait_s": 10}}],
  "cluster": {"node_groups": [{"name": "gpu", "instance_type": "g5.xlarge", "count": 2}]},
  "policies": [{"name": "two"},
               {"name": "one", "extends": "two", "patch": {"services": [{"name": "api", "replicas": 1}]}}]
})";

std::vector<std::string> messages(const ScenarioError& e) {
  std::vector<std::string> out;
  for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
  return out;
}
}  // namespace

TEST_CASE("a loaded scenario keeps its document; copies with another seed or replicate count give theirs") {
  Scenario sc = io::load_scenario_text(kLadder, "ladder.json", test::data_dir());
  CHECK(sc.document.display_file == "ladder.json");
  CHECK(sc.document.base_dir == test::data_dir());
  // The document as written, with the replicate count it left to the default (1) spelled out.
  json expected = json::parse(kLadder);
  expected["simulation"]["replicates"] = 1;
  CHECK(json::parse(io::current_document(sc)) == expected);
  Scenario copy = sc;
  copy.simulation.seed = 11;
  copy.simulation.replicates = 3;
  const json doc = json::parse(io::current_document(copy));
  CHECK(doc["simulation"]["seed"] == 11);
  CHECK(doc["simulation"]["replicates"] == 3);
  // Loaded again, the document gives the copy's scenario.
  Scenario again = io::load_scenario_text(io::current_document(copy), "again.json", copy.document.base_dir);
  CHECK(again.simulation.seed == 11);
  CHECK(again.simulation.replicates == 3);
  CHECK_THROWS_WITH_AS(io::current_document(Scenario{}), doctest::Contains("not loaded from a document"), Error);
}

TEST_CASE("with_policy adds a policy after the others or replaces one in place, validated as a file") {
  Scenario sc = io::load_scenario_text(kLadder, "ladder.json", test::data_dir());
  Scenario three = io::with_policy(sc, {"three", R"({"services": [{"name": "api", "replicas": 3}]})", "two", "three replicas"});
  REQUIRE(three.policies.size() == 3);
  CHECK(three.policies[2].name == "three");
  CHECK(three.policies[2].extends == "two");
  CHECK(three.policies[2].description == "three replicas");
  CHECK(three.policies[2].services[0].replicas == 3);
  CHECK(three.policies[1].services[0].replicas == 1);
  // Replacing "one" keeps its place.
  Scenario five = io::with_policy(sc, {"one", R"({"services": [{"name": "api", "replicas": 5}]})", "two", ""});
  REQUIRE(five.policies.size() == 2);
  CHECK(five.policies[1].name == "one");
  CHECK(five.policies[1].services[0].replicas == 5);
  // A bad value is reported at the new policy's patch, naming the variant.
  try {
    io::with_policy(sc, {"bad", R"({"services": [{"name": "api", "replicas": "x"}]})", "two", ""});
    FAIL("no error");
  } catch (const ScenarioError& e) {
    REQUIRE(messages(e).size() == 1);
    CHECK(messages(e)[0] == "ladder.json with policy 'bad': /policies/2/patch/services/0/replicas: expected an integer from 0 to 1000000, "
                            "got the string \"x\"");
  }
  CHECK_THROWS_WITH_AS(io::with_policy(sc, {"bad", "{", std::nullopt, ""}), doctest::Contains("ladder.json with policy 'bad': /patch"),
                       ScenarioError);
}
