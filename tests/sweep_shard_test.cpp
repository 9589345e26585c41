// A sweep cut into shards (capsim sweep --shard i/n) and merged back (capsim merge): the same runs.
#include <doctest/doctest.h>

#include <filesystem>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/comparison_files.hpp"
#include "capsim/io/results/sweep_shard_file.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_patch.hpp"
#include "capsim/report/comparison.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;

namespace {

std::string shard_error_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::size_t runs_held(const RunResult& r) {
  std::size_t n = 0;
  for (const auto& p : r.policies) n += p.replicates.size();
  return n;
}

}  // namespace

TEST_CASE("a sweep point's shard holds the runs whose number in the whole sweep falls to the sweep's shard") {
  // Sweep shard 0 of 3, a point whose runs start at run 7 of the sweep: its run k is run 7 + k, held
  // when (7 + k) mod 3 == 0, i.e. k = 2, 5, 8: k mod 3 == 2, the point's own shard 2 of 3.
  const Shard s = io::sweep_point_shard({0, 3}, 7);
  CHECK(s.index == 2);
  CHECK(s.count == 3);
  CHECK(io::sweep_point_shard({1, 3}, 7).index == 0);  // (7 + 0) mod 3 == 1
  CHECK(io::sweep_point_shard({2, 4}, 0).index == 2);  // the first point is numbered as compare numbers it
  CHECK(io::sweep_point_shard({0, 1}, 12).index == 0);
}

TEST_CASE("sweep shards written, read back and merged make every point's run, and a bad set is refused") {
  const Scenario base = io::load_scenario(test::data_dir() / "scenarios" / "compare_uncertain.json");
  // Two points (seeds 7 and 8), 3 policies x 2 replicates each: 6 runs a point, 12 in the sweep.
  const std::vector<std::vector<io::PointerValue>> values{{{"/simulation/seed", "7"}}, {{"/simulation/seed", "8"}}};
  std::vector<Scenario> points;
  for (const auto& v : values) points.push_back(io::patch_scenario(base, {v[0], {"/simulation/replicates", "2"}}));
  const std::size_t n = 5;
  const auto dir = test::temp_dir() / "capsim-sweep-shard-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<io::SweepShard> shards;
  for (std::size_t i = 0; i < n; ++i) {
    io::SweepShard s{{i, n}, "", "digest", base.name, {}};
    std::size_t offset = 0;
    for (std::size_t p = 0; p < points.size(); ++p) {
      RunOptions o;
      o.shard = io::sweep_point_shard(s.shard, offset);
      offset += 6;
      s.points.push_back({values[p], ShardedRun{o.shard, "", "digest", run_scenario(points[p], o)}, ""});
    }
    // 12 runs over 5 shards: runs 0..11, shard i holds those equal to i mod 5, three for shards 0
    // and 1 (0, 5, 10 and 1, 6, 11), two for the others.
    CHECK(runs_held(s.points[0].run->run) + runs_held(s.points[1].run->run) == (i < 2 ? 3u : 2u));
    const auto file = dir / io::sweep_shard_file_name(s.shard);
    io::write_file_atomically(file, io::sweep_shard_to_json(s));
    shards.push_back(io::read_sweep_shard(file));
  }
  CHECK(shards[3].source == (dir / "sweep-shard-3-of-5.json").string());
  const auto merged = io::merge_sweep_shards({shards.rbegin(), shards.rend()});  // in any order
  REQUIRE(merged.size() == 2);
  for (std::size_t p = 0; p < 2; ++p) {
    const RunResult whole = run_scenario(points[p]);
    REQUIRE(merged[p].run);
    CHECK(merged[p].values == values[p]);
    CHECK(merged[p].error.empty());
    CHECK(io::comparison_to_json(*merged[p].run, compare_policies(*merged[p].run)) == io::comparison_to_json(whole, compare_policies(whole)));
  }

  auto without = shards;
  without.erase(without.begin() + 3);
  CHECK(shard_error_of([&] { io::merge_sweep_shards(without); }) == "sweep shard 3 of 5 missing: merge needs all of them");
  auto twice = shards;
  twice[4] = shards[1];
  twice[4].source = "again.json";
  CHECK(shard_error_of([&] { io::merge_sweep_shards(twice); }).find("sweep shard 1 of 5 is given twice") != std::string::npos);
  auto other = shards;
  other[2].identity = "another";
  CHECK(shard_error_of([&] { io::merge_sweep_shards(other); }).find("are of different sweeps (digest another against digest)") != std::string::npos);
  // A point that failed in one shard is failed in the merge, with that shard's message.
  auto failed = shards;
  failed[2].points[1].run.reset();
  failed[2].points[1].error = "point 1 ran out of luck";
  const auto with_failure = io::merge_sweep_shards(failed);
  CHECK(with_failure[0].run);
  CHECK(!with_failure[1].run);
  CHECK(with_failure[1].error == "point 1 ran out of luck");
  // A compare shard is not a sweep shard.
  io::write_file_atomically(dir / "not-a-sweep.json", R"({"format": "capsim-shard", "format_version": 1})");
  CHECK(shard_error_of([&] { io::read_sweep_shard(dir / "not-a-sweep.json"); }).find("not a capsim sweep shard file (written by capsim sweep --shard") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}
