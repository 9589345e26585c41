// Scenario variants by JSON pointer, sweep points, replicate blocks and the sweep table.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/sweep_table.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_patch.hpp"
#include "capsim/io/scenario/sweep_points.hpp"
#include "capsim/sim/replicate_blocks.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

const std::filesystem::path kScenarios = test::data_dir() / "scenarios";

}  // namespace

TEST_CASE("patch_document sets values at existing pointers, escaped tokens included") {
  const std::string text = R"({"a": {"b/c": 1, "d~e": [10, 20]}, "f": "x"})";
  const json out = json::parse(io::patch_document(text, {{"/a/b~1c", "2"}, {"/a/d~0e/1", "[3]"}, {"/f", "\"y\""}}, "doc.json"));
  CHECK(out == json::parse(R"({"a": {"b/c": 2, "d~e": [10, [3]]}, "f": "y"})"));
}

TEST_CASE("a pointer that does not exist names the closest pointers that do") {
  const std::string text = read(kScenarios / "hand.json");
  const std::string typo = error_of([&] { io::patch_document(text, {{"/services/0/replica/gpu", "2"}}, "hand.json"); });
  CHECK(typo.find("hand.json: /services/0/replica/gpu: expected a JSON pointer to a value the scenario sets") != std::string::npos);
  CHECK(typo.find("got nothing there (closest pointers that exist: /services/0/replica/gpus)") != std::string::npos);
  // Nothing close at that depth: what the deepest existing part holds (keys in JSON's sorted order).
  const std::string far = error_of([&] { io::patch_document(text, {{"/services/0/zzzzzzzzzzzz/qqqqqqqq", "2"}}, "hand.json"); });
  CHECK(far.find("'/services/0' exists and holds demand, name, replica, replicas, sla, tags, throughput_rps") != std::string::npos);
  const std::string index = error_of([&] { io::patch_document(text, {{"/services/5/replicas", "2"}}, "hand.json"); });
  CHECK(index.find("closest pointers that exist: /services/0/replicas") != std::string::npos);
  const std::string not_json = error_of([&] { io::patch_document(text, {{"/services/0/replicas", "two"}}, "hand.json"); });
  CHECK(not_json.find("hand.json: /services/0/replicas: expected a JSON value to set there, got 'two'") != std::string::npos);
  const std::string root = error_of([&] { io::patch_document(text, {{"", "{}"}}, "hand.json"); });
  CHECK(root.find("the document root") != std::string::npos);
}

TEST_CASE("a patched scenario is loaded and checked as a file, its errors naming the sweep point") {
  const Scenario sc = io::load_scenario(kScenarios / "compare_ladder.json");
  CHECK(sc.document.display_file == (kScenarios / "compare_ladder.json").string());
  CHECK(sc.document.files.size() == 1);  // the trace ../traces/five_minutes.csv
  CHECK(sc.document.files[0].filename() == "five_minutes.csv");
  // A value inside a policy's patch: policy 'three' (index 1) runs 4 replicas instead of 3.
  const Scenario four = io::patch_scenario(sc, {{"/policies/1/patch/services/0/replicas", "4"}});
  CHECK(four.policy("three").services[0].replicas == 4);
  CHECK(four.policy("two").services[0].replicas == 2);
  CHECK(sc.policy("three").services[0].replicas == 3);  // the original is unchanged
  // Patches chain: the patched scenario's document is the patched one.
  const Scenario both = io::patch_scenario(four, {{"/simulation/seed", "11"}});
  CHECK(both.simulation.seed == 11);
  CHECK(both.policy("three").services[0].replicas == 4);

  const std::string wrong = error_of([&] { io::patch_scenario(sc, {{"/services/0/replicas", "\"two\""}}, "sweep point 3: /services/0/replicas=\"two\""); });
  CHECK(wrong.find("compare_ladder.json (sweep point 3: /services/0/replicas=\"two\"): /services/0/replicas: expected an integer") !=
        std::string::npos);
  CHECK(wrong.find("got the string \"two\"") != std::string::npos);
}

TEST_CASE("a patched scenario runs as the edited file does") {
  const auto file = kScenarios / "compare_uncertain.json";
  const Scenario sc = io::load_scenario(file);
  const Scenario patched = io::patch_scenario(sc, {{"/simulation/seed", "99"}, {"/simulation/replicates", "3"}});
  json doc = json::parse(read(file));
  doc["simulation"]["seed"] = 99;
  doc["simulation"]["replicates"] = 3;
  const Scenario edited = io::load_scenario_text(doc.dump(), file.string(), kScenarios);
  CHECK(run_scenario(patched).policies == run_scenario(edited).policies);
}

TEST_CASE("--param values: JSON where it parses, strings otherwise, commas inside brackets and quotes kept") {
  const auto p = io::parse_sweep_param(R"(/a/b=1,on-demand,[1,2],"x,y",true,0.5)");
  CHECK(p.pointer == "/a/b");
  CHECK(p.values_json == std::vector<std::string>{"1", "\"on-demand\"", "[1,2]", "\"x,y\"", "true", "0.5"});
  CHECK(error_of([] { io::parse_sweep_param("/a/b"); }).find("expected /POINTER=VALUE,VALUE") != std::string::npos);
  CHECK(error_of([] { io::parse_sweep_param("a=1"); }).find("expected /POINTER=VALUE,VALUE") != std::string::npos);
  CHECK(error_of([] { io::parse_sweep_param("/a=1,,2"); }).find("an empty value") != std::string::npos);
  CHECK(io::value_cell("\"on-demand\"") == "on-demand");
  CHECK(io::value_cell("[1,2]") == "[1,2]");
}

TEST_CASE("the Cartesian product varies the first parameter slowest") {
  const auto points = io::cartesian_points({{"/a", {"1", "2"}}, {"/b", {"\"x\"", "\"y\"", "\"z\""}}});
  REQUIRE(points.size() == 6);
  CHECK(io::describe_values(points[0]) == "/a=1 /b=\"x\"");
  CHECK(io::describe_values(points[2]) == "/a=1 /b=\"z\"");
  CHECK(io::describe_values(points[3]) == "/a=2 /b=\"x\"");
  CHECK(error_of([] { io::cartesian_points({{"/a", {"1"}}, {"/a", {"2"}}}); }).find("--param /a is given twice") != std::string::npos);
  CHECK(error_of([] { io::cartesian_points({}); }).find("at least one --param") != std::string::npos);
}

TEST_CASE("a points file lists points; a bad one is refused with its place") {
  const auto dir = test::temp_dir() / "capsim_sweep_points_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ok.json") << R"([{"/b": 2, "/a": "x"}, {"/c": [1, 2]}])";
  const auto points = io::read_sweep_points(dir / "ok.json");
  REQUIRE(points.size() == 2);
  CHECK(io::describe_values(points[0]) == "/a=\"x\" /b=2");
  CHECK(io::sweep_pointers(points) == std::vector<std::string>{"/a", "/b", "/c"});
  std::ofstream(dir / "bad.json") << R"([{"/a": 1}, 7])";
  CHECK(error_of([&] { io::read_sweep_points(dir / "bad.json"); }).find("bad.json: /1: expected a point (an object of JSON pointer -> value), got 7") !=
        std::string::npos);
  std::ofstream(dir / "key.json") << R"([{"a": 1}])";
  CHECK(error_of([&] { io::read_sweep_points(dir / "key.json"); }).find("expected keys that are JSON pointers") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("replicate blocks run anywhere and gather into the run run_scenario makes") {
  const Scenario sc = io::patch_scenario(io::load_scenario(kScenarios / "compare_uncertain.json"), {{"/simulation/replicates", "5"}});
  const auto blocks = replicate_blocks(sc, 2);
  // 3 policies x ceil(5 / 2) blocks: 0-1, 2-3, 4.
  REQUIRE(blocks.size() == 3 * 3);
  CHECK(blocks[2] == ReplicateBlock{sc.policies[0].name, 4, 1});
  std::vector<std::vector<ReplicateResult>> pieces;
  for (const auto& b : blocks) pieces.push_back(run_block(sc, b));
  // In any order: reversed.
  std::vector<std::vector<ReplicateResult>> reversed(pieces.rbegin(), pieces.rend());
  std::vector<ReplicateBlock> reversed_blocks(blocks.rbegin(), blocks.rend());
  const RunResult gathered = gather_blocks(sc, reversed, reversed_blocks);
  const RunResult whole = run_scenario(sc);
  CHECK(gathered.policies == whole.policies);
  CHECK(gathered.warnings == whole.warnings);
  // With demand drawn once per replicate and shared by the policies' blocks: the same results.
  DemandDraws shared(sc, std::vector<std::size_t>(5, sc.policies.size()));
  std::vector<std::vector<ReplicateResult>> shared_pieces;
  for (const auto& b : blocks) shared_pieces.push_back(run_block(sc, b, &shared));
  CHECK(gather_blocks(sc, shared_pieces, blocks).policies == whole.policies);
  pieces.pop_back();
  auto fewer = blocks;
  fewer.pop_back();
  CHECK(error_of([&] { gather_blocks(sc, pieces, fewer); }).find("replicate 4 is missing among the blocks") != std::string::npos);
  CHECK(error_of([&] { replicate_blocks(sc, 0); }).find("at least 1") != std::string::npos);
}

TEST_CASE("the sweep table leads each row with its point and values, columns the union of the points'") {
  const std::vector<io::SweepPointRows> points{
      {0, {{"/a", "1"}, {"/b", "\"x,y\""}}, "policy,cost\np,1.5\nq,\"2,5\"\n"},
      {2, {{"/a", "2"}}, "policy,cost,extra\np,3,z\n"},
  };
  CHECK(io::sweep_table_csv({"/a", "/b"}, points) ==
        "point,/a,/b,policy,cost,extra\n"
        "0,1,\"x,y\",p,1.5,\n"
        "0,1,\"x,y\",q,\"2,5\",\n"
        "2,2,,p,3,z\n");
}
