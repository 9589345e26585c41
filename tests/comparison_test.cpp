// compare's conclusions: a hand-built run whose figures are worked out below, and the hand-worked
// five minutes (tests/data/scenarios/compare_ladder.json) end to end.
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "capsim/io/results/comparison_files.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/comparison.hpp"
#include "capsim/report/comparison_text.hpp"
#include "capsim/report/shards.hpp"
#include "capsim/sim/compare.hpp"
#include "test_paths.hpp"

using namespace capsim;

namespace {

// A replicate whose window cost is `total`: 5 of it the control plane, 15 capacity no pod
// requested, the rest allocated to service "api", 30 of that requested but not serving; 10
// GPU-hours served.
ReplicateResult replicate(int r, double total, std::optional<bool> breached) {
  ReplicateResult x;
  x.replicate = r;
  x.cost.total_usd = total;
  x.cost.eks_control_plane_usd = 5;
  x.cost.gpu_instances_usd = total - 5;
  x.cost.on_demand_usd = total - 5;
  x.cost.unallocated_usd = 15;
  x.cost.allocated_usd = total - 20;
  ServiceResult s;
  s.name = "api";
  s.usage.idle_requested_usd = 30;
  s.usage.gpu_hours_busy = 10;
  s.sla.missed_share = breached && *breached ? 0.1 : 0.0;
  if (breached) s.objective = ObjectiveOutcome{*breached, *breached ? "served too few" : ""};
  x.services.push_back(s);
  return x;
}

PolicyResult policy(std::string name, std::string extends, std::vector<double> totals, std::vector<bool> breached) {
  PolicyResult p;
  p.name = std::move(name);
  p.extends = std::move(extends);
  for (std::size_t r = 0; r < totals.size(); ++r) p.replicates.push_back(replicate(static_cast<int>(r), totals[r], breached[r]));
  return p;
}

RunResult ladder_run() {
  RunResult run;
  run.scenario = "hand";
  run.duration = 15 * 86400 * kMicrosPerSecond;  // 15 days: monthly = twice the window
  run.baseline = "base";
  run.risk_tolerance = 0.4;
  run.risk_tolerance_given = true;
  run.policies.push_back(policy("base", "", {100, 110, 120}, {false, false, false}));
  run.policies.push_back(policy("hpa", "base", {60, 70, 65}, {false, true, false}));
  run.policies.push_back(policy("spot", "hpa", {40, 42, 44}, {true, false, true}));
  return run;
}

}  // namespace

TEST_CASE("compare: monthly spread, paired savings, risk, ladder and recommendation worked out by hand") {
  const Comparison c = compare_policies(ladder_run());
  CHECK(c.month_factor == doctest::Approx(2));
  REQUIRE(c.policies.size() == 3);
  const auto &base = c.policies[0], &hpa = c.policies[1], &spot = c.policies[2];
  // Monthly: base 200, 220, 240; hpa 120, 140, 130; spot 80, 84, 88.
  CHECK(base.monthly_cost.mean_usd == doctest::Approx(220));
  CHECK(base.monthly_cost.p50_usd == doctest::Approx(220));
  CHECK(base.monthly_cost.p95_usd == doctest::Approx(238));  // 220 + 0.9 × 20
  CHECK(base.monthly_cost.cvar95_usd == doctest::Approx(240));
  CHECK(hpa.monthly_cost.mean_usd == doctest::Approx(130));
  // hpa against base, per replicate: 80, 80, 110 → mean 90, sd √300, se 10, t(0.975, 2) = 4.302653.
  CHECK(hpa.vs_baseline.usd == doctest::Approx(90));
  CHECK(hpa.vs_baseline.usd_ci_low == doctest::Approx(90 - 43.02653).epsilon(1e-6));
  CHECK(hpa.vs_baseline.usd_ci_high == doctest::Approx(90 + 43.02653).epsilon(1e-6));
  CHECK(hpa.vs_baseline.pct == doctest::Approx(100 * 90.0 / 220));
  CHECK(base.vs_baseline.usd == 0);
  // Where the base's money goes: 60 requested not serving, 30 unallocated, 10 control plane a month;
  // 330 USD over 30 GPU-hours served in the window.
  CHECK(base.split.requested_not_serving_usd == doctest::Approx(60));
  CHECK(base.split.unallocated_usd == doctest::Approx(30));
  CHECK(base.split.eks_control_plane_usd == doctest::Approx(10));
  CHECK(base.split.gpu_hours_served == doctest::Approx(20));
  CHECK(base.split.usd_per_gpu_hour_served == doctest::Approx(11));
  // Risk: 0, 1 and 2 breaches of 3.
  CHECK(base.risk.p_breach == 0);
  CHECK(hpa.risk.p_breach == doctest::Approx(1.0 / 3));
  CHECK(spot.risk.p_breach == doctest::Approx(2.0 / 3));
  CHECK(spot.risk.example == "api (replicate 0): served too few");
  CHECK(hpa.services[0].breach_share == doctest::Approx(1.0 / 3));
  // Tolerance 0.4: base and hpa within; hpa is cheaper.
  CHECK(hpa.rank == 1);
  CHECK(base.rank == 2);
  CHECK(spot.rank == 3);
  CHECK((base.pareto && hpa.pareto && spot.pareto));
  CHECK(c.recommendation.policy == "hpa");
  CHECK(c.recommendation.reason.find("cheaper but over the tolerance: 'spot'") != std::string::npos);
  // The ladder: spot against hpa, per replicate 40, 56, 42 → mean 46, sd √76, t half-width 21.656.
  REQUIRE(c.ladder.size() == 2);
  CHECK(c.ladder[1].policy == "spot");
  CHECK(c.ladder[1].parent == "hpa");
  CHECK(c.ladder[1].saving.usd == doctest::Approx(46));
  CHECK(c.ladder[1].saving.usd_ci_high - c.ladder[1].saving.usd == doctest::Approx(4.302653 * std::sqrt(76.0 / 3)).epsilon(1e-6));
  CHECK(c.ladder[1].saving.pct == doctest::Approx(100 * 46.0 / 130));
  CHECK(c.ladder[1].p_breach_change == doctest::Approx(1.0 / 3));
  // The base's drivers add up to its total, largest first: serving 180 − 60 = 120.
  REQUIRE(c.baseline_drivers.size() == 4);
  CHECK(c.baseline_drivers[0].usd == doctest::Approx(120));
  CHECK(c.baseline_drivers[1].usd == doctest::Approx(60));
  double sum = 0;
  for (const auto& d : c.baseline_drivers) sum += d.usd;
  CHECK(sum == doctest::Approx(220));
  // Three replicates cannot tell "no breach" from 40%: Wilson's bound for 0 of 3 is 56%.
  REQUIRE_FALSE(c.warnings.empty());
  CHECK(c.warnings[0].find("with 3 replicates") != std::string::npos);
  // The text shows the recommendation and the ladder.
  const std::string text = format_compare(c, ladder_run(), 100);
  CHECK(text.find("Recommendation: hpa") != std::string::npos);
  CHECK(text.find("spot vs hpa") != std::string::npos);
}

TEST_CASE("compare: no objective, no recommendation; the reason says why") {
  RunResult run = ladder_run();
  for (auto& p : run.policies)
    for (auto& r : p.replicates) r.services[0].objective.reset();
  const Comparison c = compare_policies(run);
  CHECK(c.recommendation.policy.empty());
  CHECK(c.recommendation.reason.find("no service declares an objective") != std::string::npos);
  CHECK(c.recommendation.reason.find("the cheapest is 'spot'") != std::string::npos);
  CHECK(std::isnan(c.policies[0].risk.p_breach));
}

TEST_CASE("compare: no policy within the tolerance") {
  RunResult run = ladder_run();
  run.policies.erase(run.policies.begin() + 1);  // base and spot; spot's parent is gone from the ladder
  run.policies[0].replicates[1].services[0].objective = ObjectiveOutcome{true, "x"};
  run.risk_tolerance = 0.1;
  const Comparison c = compare_policies(run);
  CHECK(c.recommendation.policy.empty());
  CHECK(c.recommendation.reason.find("no policy keeps P(SLO breach) within the 10% tolerance; the least risky is 'base'") != std::string::npos);
  CHECK(c.ladder.empty());
  bool noted = false;
  for (const auto& w : c.warnings) noted |= w.find("the ladder leaves out 'spot'") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("compare: replicates that do not pair are refused") {
  RunResult run = ladder_run();
  run.policies[1].replicates.pop_back();
  CHECK_THROWS_WITH(compare_policies(run), doctest::Contains("policies 'hpa' and 'base' have 2 and 3 replicates"));
}

TEST_CASE("compare end to end: the hand-worked five minutes as a ladder") {
  // Monthly = window × 8640 (30 days / 300 s). A g5.xlarge at 1.006 USD/h for 300 s, the control
  // plane at 0.10 USD/h: two nodes 1520.64, three 2244.96, one 796.32 USD a month.
  // Served shares: two 380/480 (hand.json's golden), three all (180/min capacity), one 250/480
  // (1 req/s, 10 queued: 110 dropped in minute 2, 120 in minute 3) — under the 0.75 target.
  const Scenario sc = io::load_scenario(test::data_dir() / "scenarios" / "compare_ladder.json");
  CompareOptions opt;
  const CompareResult r = compare_scenario(sc, opt);
  const Comparison& c = r.comparison;
  REQUIRE(c.policies.size() == 3);
  CHECK(c.policies[0].monthly_cost.mean_usd == doctest::Approx(1520.64));
  CHECK(c.policies[1].monthly_cost.mean_usd == doctest::Approx(2244.96));
  CHECK(c.policies[2].monthly_cost.mean_usd == doctest::Approx(796.32));
  CHECK(c.policies[2].services[0].missed_share_mean == doctest::Approx(230.0 / 480));
  CHECK(c.policies[0].risk.p_breach == 0);
  CHECK(c.policies[2].risk.p_breach == 1);
  CHECK(c.recommendation.policy == "two");
  CHECK(c.ladder[0].saving.usd == doctest::Approx(-724.32));
  // The same bytes whatever the thread count.
  opt.run.threads = 2;
  const CompareResult r2 = compare_scenario(sc, opt);
  CHECK(io::comparison_to_json(r2.run, r2.comparison) == io::comparison_to_json(r.run, r.comparison));
  // Narrowing: chosen policies, another baseline, more replicates.
  opt.policies = {"one", "three"};
  opt.baseline = "three";
  opt.replicates = 3;
  const CompareResult r3 = compare_scenario(sc, opt);
  REQUIRE(r3.comparison.policies.size() == 2);
  CHECK(r3.comparison.policies[0].name == "three");  // the scenario's order
  CHECK(r3.comparison.replicates == 3);
  CHECK(r3.comparison.policies[1].vs_baseline.usd == doctest::Approx(2244.96 - 796.32));
}

TEST_CASE("compare: choices that name no policy are refused, with close matches") {
  const Scenario sc = io::load_scenario(test::data_dir() / "scenarios" / "compare_ladder.json");
  CompareOptions opt;
  opt.policies = {"thre"};
  CHECK_THROWS_WITH(scenario_to_compare(sc, opt), doctest::Contains("policy 'thre' is not in scenario 'compare-ladder' (did you mean 'three'?)"));
  opt.policies = {"one", "one"};
  CHECK_THROWS_WITH(scenario_to_compare(sc, opt), doctest::Contains("policy 'one' is named twice"));
  opt.policies = {"one", "three"};
  CHECK_THROWS_WITH(scenario_to_compare(sc, opt), doctest::Contains("the baseline 'two' is not among the policies to compare (one, three)"));
  opt.policies = {};
  opt.baseline = "tow";
  CHECK_THROWS_WITH(scenario_to_compare(sc, opt), doctest::Contains("the baseline 'tow' is not a policy of scenario 'compare-ladder' (did you mean 'two'?)"));
  opt.baseline = "";
  opt.replicates = -1;
  CHECK_THROWS_WITH(scenario_to_compare(sc, opt), doctest::Contains("replicates must be at least 1"));
}

TEST_CASE("shards: each run in exactly one; merged, the shards give the single run") {
  // Runs are numbered policy × replicates + replicate; shard i of n holds those leaving i mod n.
  const Shard s{1, 3};
  CHECK(s.holds(0, 1, 4));   // run 1
  CHECK(s.holds(1, 0, 4));   // run 4
  CHECK_FALSE(s.holds(0, 0, 4));
  const Scenario sc = io::load_scenario(test::data_dir() / "scenarios" / "compare_ladder.json");
  RunOptions whole;
  const RunResult single = run_scenario(sc, whole);
  std::vector<ShardedRun> shards;
  for (std::size_t i = 0; i < 2; ++i) {
    RunOptions o;
    o.shard = {i, 2};
    shards.push_back({o.shard, "shard" + std::to_string(i), "same", run_scenario(sc, o)});
  }
  // compare_ladder: 3 policies × 2 replicates = runs 0-5; shard 0 holds 0, 2, 4: replicate 0 of
  // "two", 0 of "three", 0 of "one".
  CHECK(shards[0].run.policies[1].replicates.size() == 1);
  CHECK(shards[0].run.policies[1].replicates[0].replicate == 0);
  const RunResult merged = merge_shards(shards);
  CHECK(io::comparison_to_json(merged, compare_policies(merged)) == io::comparison_to_json(single, compare_policies(single)));
  auto twice = shards;
  twice[1] = twice[0];
  twice[1].source = "copy";
  CHECK_THROWS_WITH(merge_shards(twice), doctest::Contains("shard 0 of 2 is given twice (copy among them)"));
  auto other = shards;
  other[1].identity = "different";
  CHECK_THROWS_WITH(merge_shards(other), doctest::Contains("shards do not belong together: shard1 is of scenario file or choices (digest) different"));
}
