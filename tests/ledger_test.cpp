#include <doctest/doctest.h>

#include "capsim/cost/ledger.hpp"

using namespace capsim;

namespace {
InstanceType gpu_type() {
  InstanceType t;
  t.name = "g5.xlarge";
  t.gpus = 1;
  t.ondemand_usd_per_h = 1.006;
  return t;
}
InstanceType cpu_type() {
  InstanceType t;
  t.name = "m5.large";
  t.ondemand_usd_per_h = 0.096;
  return t;
}
}  // namespace

TEST_CASE("per-second billing with a 60-second minimum, worked by hand") {
  // An instance stopped mid-minute after 30.5 s is billed the 60-second minimum.
  CHECK(billed_seconds(0, seconds(30.5), true) == 60.0);
  // After 90.2 s: per second, a started second counts whole: 91 s.
  CHECK(billed_seconds(0, seconds(90.2), true) == 91.0);
  CHECK(billed_seconds(seconds(10), seconds(130), true) == 120.0);
  // Still running when the window closes 20 s after launch: only the 20 s inside the window.
  CHECK(billed_seconds(seconds(280), seconds(300), false) == 20.0);

  Ledger ledger(seconds(3600));
  auto a = ledger.open_instance("node/gpu/0", gpu_type(), CapacityType::OnDemand, 1.006, 0, {{"team", "ml"}});
  auto b = ledger.open_instance("node/gpu/1", gpu_type(), CapacityType::OnDemand, 1.006, seconds(100), {{"team", "ml"}});
  ledger.open_instance("node/sys/0", cpu_type(), CapacityType::Spot, 0.096, 0, {});
  CHECK(ledger.running_usd_per_h() == doctest::Approx(1.006 * 2 + 0.096));
  ledger.close_instance(a, seconds(30.5));
  ledger.close_instance(b, seconds(100 + 1800));
  CHECK(ledger.running_usd_per_h() == doctest::Approx(0.096));
  CHECK_THROWS(ledger.close_instance(a, seconds(40)));
  ledger.add_control_plane(0.10, {{"team", "platform"}});

  const auto lines = ledger.close();
  REQUIRE(lines.size() == 4);
  // a: 60 s × 1.006/3600; b: 1800 s × 1.006/3600; sys: 3600 s × 0.096/3600; EKS: 1 h × 0.10.
  const double a_usd = 60 * 1.006 / 3600, b_usd = 1800 * 1.006 / 3600, sys_usd = 0.096, eks_usd = 0.10;
  CHECK(lines[0].cost_usd == doctest::Approx(a_usd));
  CHECK(lines[1].cost_usd == doctest::Approx(b_usd));
  CHECK(lines[2].cost_usd == doctest::Approx(sys_usd));
  CHECK(lines[3].cost_usd == doctest::Approx(eks_usd));

  const CostSplit split = split_costs(lines);
  CHECK(split.gpu_instances_usd == doctest::Approx(a_usd + b_usd));
  CHECK(split.other_instances_usd == doctest::Approx(sys_usd));
  CHECK(split.eks_control_plane_usd == doctest::Approx(eks_usd));
  CHECK(split.total_usd == doctest::Approx(a_usd + b_usd + sys_usd + eks_usd));
  // By how the instances were bought: the two GPU nodes on demand, the system node on spot; the
  // control plane is bought in none of these ways.
  CHECK(split.on_demand_usd == doctest::Approx(a_usd + b_usd));
  CHECK(split.spot_usd == doctest::Approx(sys_usd));
  CHECK(split.reserved_usd == 0);

  const auto by_tag = costs_by_tag(lines);
  CHECK(by_tag.at("team=ml") == doctest::Approx(a_usd + b_usd));
  CHECK(by_tag.at("team=platform") == doctest::Approx(eks_usd));
  CHECK(by_tag.at("team=(untagged)") == doctest::Approx(sys_usd));
}
