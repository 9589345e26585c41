// Batch work's pure parts: the task DAG (critical path, slack, cycles), a run's progress with
// checkpoints, and the purchasing policies replayed on hand-built availability patterns. Every
// expected value is worked out by hand in the comments beside it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capsim/core/error.hpp"
#include "capsim/workload/batch/job_replay.hpp"
#include "capsim/workload/batch/purchasing.hpp"
#include "capsim/workload/batch/shard_progress.hpp"
#include "capsim/workload/batch/task_graph.hpp"

using namespace capsim;

namespace {

TaskSpec task(std::string name, std::vector<std::string> after = {}) {
  TaskSpec t;
  t.name = std::move(name);
  t.after = std::move(after);
  return t;
}

constexpr double kH = 3600;

}  // namespace

TEST_CASE("a DAG's critical path, starts and slack") {
  // prepare(2h) → embed(3h) → index(1h); prepare → stats(1h) → index.
  // Earliest starts: prepare 0, embed 2, stats 2, index max(5, 3) = 5; length 6 h.
  // Latest starts: index 5, embed 2, stats 5 − 1 = 4, prepare min(2, 4) − 2 = 0; stats' slack 2 h.
  const std::vector<TaskSpec> tasks{task("prepare"), task("embed", {"prepare"}), task("stats", {"prepare"}),
                                    task("index", {"embed", "stats"})};
  const TaskGraph g = TaskGraph::build(tasks);
  const TaskSchedule s = g.schedule({2 * kH, 3 * kH, 1 * kH, 1 * kH});
  CHECK(s.length_s == doctest::Approx(6 * kH));
  CHECK(s.earliest_start_s == std::vector<double>{0, 2 * kH, 2 * kH, 5 * kH});
  CHECK(s.latest_start_s == std::vector<double>{0, 2 * kH, 4 * kH, 5 * kH});
  CHECK(s.slack_s == std::vector<double>{0, 0, 2 * kH, 0});
  CHECK(s.critical_path == std::vector<std::size_t>{0, 1, 3});
  // Every task comes after its parents in the order.
  std::vector<std::size_t> pos(4);
  for (std::size_t i = 0; i < g.order().size(); ++i) pos[g.order()[i]] = i;
  CHECK(pos[0] < pos[1]);
  CHECK(pos[0] < pos[2]);
  CHECK(pos[1] < pos[3]);
  CHECK(pos[2] < pos[3]);
}

TEST_CASE("a cycle among the tasks is named") {
  const std::vector<TaskSpec> tasks{task("load", {"write"}), task("shard", {"load"}), task("write", {"shard"}), task("report")};
  const auto cycle = find_task_cycle(tasks);
  REQUIRE(cycle.size() == 4);
  CHECK(cycle.front() == cycle.back());
  // The cycle's order follows the edges: load → shard → write → load, starting anywhere.
  const std::string ring = "load → shard → write → load → shard → write";
  std::string named = cycle[0] + " → " + cycle[1] + " → " + cycle[2] + " → " + cycle[3];
  CHECK(ring.find(named) != std::string::npos);
  CHECK_THROWS_WITH_AS(TaskGraph::build(tasks, "job 'nightly'"), doctest::Contains("job 'nightly': the tasks' 'after' lists form a cycle: "),
                       Error);
  CHECK_THROWS_WITH_AS(TaskGraph::build({task("a", {"a"})}), "task 'a' comes after itself", Error);
  CHECK_THROWS_WITH_AS(TaskGraph::build({task("embed"), task("index", {"embedd"})}),
                       doctest::Contains("task 'index' comes after 'embedd', which is no task of this job (did you mean 'embed'"), Error);
  CHECK(find_task_cycle({task("a"), task("b", {"a"})}).empty());
}

TEST_CASE("a run loses the work since its last checkpoint") {
  // Rate 1, overhead 120 s, a checkpoint every 1,800 s of compute costing 60 s. Reclaimed 2,980 s
  // after ready: 120 overhead + 1,800 compute + 60 checkpoint + 1,000 compute → done 2,800,
  // checkpointed 1,800, lost 1,000.
  const CheckpointPlan plan{1800, 60};
  const RunProgress p = run_progress(2980, 1, 120, plan, 1e9);
  CHECK(p.done == doctest::Approx(2800));
  CHECK(p.checkpointed == doctest::Approx(1800));
  // During the checkpoint itself nothing moves and nothing is yet kept: 120 + 1,800 + 30.
  const RunProgress mid = run_progress(1950, 1, 120, plan, 1e9);
  CHECK(mid.done == doctest::Approx(1800));
  CHECK(mid.checkpointed == doctest::Approx(0));
  // 5,400 s of work at rate 2 is 2,700 s of compute: checkpoints at 1,800 only (none at the end):
  // 120 + 2,700 + 60 = 2,880 s.
  CHECK(run_time_to_finish(5400, 2, 120, plan) == doctest::Approx(2880));
  // Exactly two intervals of compute take one checkpoint between them: 3,600 + 60.
  CHECK(run_time_to_finish(3600, 1, 0, plan) == doctest::Approx(3660));
}

TEST_CASE("greedy and uniform progress on a hand-built availability pattern") {
  // 4 h of work, deadline 8 h, changeover 0.5 h, checkpoints every hour of compute (free), looks
  // every hour; spot for the first two hours only. Spot 0.3 USD/h, on-demand 1 USD/h.
  ReplayJob job{4 * kH, 8 * kH, 0.5 * kH, {kH, 0}, 0.3, 1.0};
  const std::vector<std::uint8_t> avail{1, 1, 0, 0, 0, 0, 0, 0, 0, 0};

  SUBCASE("greedy") {
    // t=0: R − look = 7 ≥ C + d = 4.5, spot → spot; 0.5 h changeover, 0.5 h compute. t=1: 1 h more
    // (1.5 h done, 1 h checkpointed). t=2: preempted, 0.5 h lost; R − look = 5 ≥ 3 + 0.5 → idle.
    // t=3: 4 ≥ 3.5 → idle. t=4: 3 < 3.5 → on-demand for good: 0.5 + 3 h → done at 7.5 h.
    const ReplayOutcome r = replay_job(PurchasingKind::Greedy, job, avail, kH);
    CHECK(r.finished);
    CHECK(r.finish_s == doctest::Approx(7.5 * kH));
    CHECK(r.met);
    CHECK(r.spot_hours == doctest::Approx(2));
    CHECK(r.on_demand_hours == doctest::Approx(3.5));
    CHECK(r.launches == 2);
    CHECK(r.preemptions == 1);
    CHECK(r.work_lost_s == doctest::Approx(0.5 * kH));
    CHECK(r.cost_usd == doctest::Approx(2 * 0.3 + 3.5 * 1.0));
  }
  SUBCASE("uniform progress") {
    // C(0) = 4, R(0) = 8: ep(t) = t / 2. t=0..2 as greedy (spot, then preempted at 2 with 1 h kept).
    // t=2: cp = 1, ep(2) = 1: not behind → idle (safety: R − look = 5 ≥ C + 2d = 4). t=3: cp 1 <
    // ep(3) = 1.5 → on-demand (safety: 4 ≥ 4 holds). 0.5 h changeover, 0.5 h compute. t=4: on
    // on-demand, safety 3 < 2.5 + 1 → for good. Done at 3 + 0.5 + 3 = 6.5 h.
    const ReplayOutcome r = replay_job(PurchasingKind::UniformProgress, job, avail, kH);
    CHECK(r.finish_s == doctest::Approx(6.5 * kH));
    CHECK(r.met);
    CHECK(r.spot_hours == doctest::Approx(2));
    CHECK(r.on_demand_hours == doctest::Approx(3.5));
    CHECK(r.launches == 2);
    CHECK(r.work_lost_s == doctest::Approx(0.5 * kH));
    CHECK(r.cost_usd == doctest::Approx(2 * 0.3 + 3.5));
  }
}

TEST_CASE("uniform progress's hysteresis keeps on-demand until ahead of ep(t + 2d)") {
  // 4 h of work, deadline 16 h (ep(t) = t/4), d = 0.5 h, checkpoints every 0.5 h, looks every hour.
  // Spot: hour 0 only, then none until hour 6, then always.
  // t=0 spot (0.5 changeover + 0.5 compute). t=1 preempted: 0.5 h was checkpointed at compute 0.5
  // (no loss: the checkpoint landed at the hour). cp = 0.5 ≥ ep(1) = 0.25 → idle. t=2: 0.5 ≥ 0.5 →
  // idle. t=3: 0.5 < 0.75 → on-demand; 0.5 changeover + 0.5 → cp 1.0 at t=4.
  // t=4: hysteresis: ep(4 + 1) = 1.25 > 1.0, and no spot anyway → stay. t=5: cp 2.0, ep(6) = 1.5,
  // but no spot → stay. t=6: spot; cp 3.0 ≥ ep(7) = 1.75 → spot (a new changeover): 0.5 + 0.5 →
  // cp 3.5 at t=7; t=7: spot → 1.0 h more: done at 7.5 h.
  ReplayJob job{4 * kH, 16 * kH, 0.5 * kH, {0.5 * kH, 0}, 0.3, 1.0};
  const std::vector<std::uint8_t> avail{1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const ReplayOutcome r = replay_job(PurchasingKind::UniformProgress, job, avail, kH);
  CHECK(r.finish_s == doctest::Approx(7.5 * kH));
  CHECK(r.launches == 3);
  CHECK(r.preemptions == 1);
  CHECK(r.work_lost_s == doctest::Approx(0));
  CHECK(r.spot_hours == doctest::Approx(1 + 1.5));
  CHECK(r.on_demand_hours == doctest::Approx(3));
}

TEST_CASE("spot always there: spot-only never misses and costs the spot price times the work") {
  ReplayJob job{10 * kH, 12 * kH, 0, {}, 0.35, 1.2};
  const std::vector<std::uint8_t> avail(100, 1);
  for (auto kind : {PurchasingKind::Spot, PurchasingKind::Greedy, PurchasingKind::UniformProgress}) {
    const ReplayOutcome r = replay_job(kind, job, avail, 600);
    CHECK(r.met);
    CHECK(r.finish_s == doctest::Approx(10 * kH));
    CHECK(r.cost_usd == doctest::Approx(10 * 0.35));
    CHECK(r.on_demand_hours == 0);
  }
}

TEST_CASE("spot never there: greedy and uniform progress fall back and meet every deadline on-demand could") {
  const std::vector<std::uint8_t> none(400, 0);
  for (double gap : {600.0, 3600.0})
    for (double c : {3.5 * kH, 4 * kH})
      for (double d : {0.0, 0.25 * kH, 0.5 * kH})
        for (double extra : {0.0, 0.3 * kH, 1.0 * kH, 2.5 * kH, 9 * kH}) {
          // On-demand alone from the start finishes at d + C.
          ReplayJob job{c, c + d + extra, d, {}, 0.3, 1.0};
          for (auto kind : {PurchasingKind::Greedy, PurchasingKind::UniformProgress}) {
            CAPTURE(gap);
            CAPTURE(c);
            CAPTURE(d);
            CAPTURE(extra);
            const ReplayOutcome r = replay_job(kind, job, none, gap);
            CHECK(r.met);
            CHECK(r.spot_hours == 0);
            CHECK(r.on_demand_hours == doctest::Approx((c + d) / kH));
          }
          // Spot-only waits for ever.
          CHECK_FALSE(replay_job(PurchasingKind::Spot, job, none, gap).finished);
        }
}
