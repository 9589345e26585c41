#include <doctest/doctest.h>

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/ledger.hpp"

using namespace capsim;

namespace {
InstanceType ledger_gpu_type() {
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
  auto a = ledger.open_instance("node/gpu/0", ledger_gpu_type(), CapacityType::OnDemand, 1.006, 0, {{"team", "ml"}});
  auto b = ledger.open_instance("node/gpu/1", ledger_gpu_type(), CapacityType::OnDemand, 1.006, seconds(100), {{"team", "ml"}});
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

TEST_CASE("the bill cut at UTC clock hours, worked by hand") {
  // The window starts 20 minutes into a clock hour.
  const SimDuration into_hour = minutes(20);
  Ledger ledger(hours(3));
  // On demand from the start to 100 minutes: 40 min in hour 0, 60 min in hour 1.
  auto a = ledger.open_instance("node/gpu/0", ledger_gpu_type(), CapacityType::OnDemand, 1.006, 0, {}, {"gpu", "us-east-1a"});
  ledger.close_instance(a, minutes(100));
  // Stopped after 10 s at 50 minutes in: billed the 60-second minimum, in the hour it started.
  auto b = ledger.open_instance("node/gpu/1", ledger_gpu_type(), CapacityType::OnDemand, 1.006, minutes(50), {});
  ledger.close_instance(b, minutes(50) + seconds(10));
  // Spot at 0.30 $/h, then 0.60 $/h from 70 minutes in (30 minutes into clock hour 1), still running at the end.
  auto schedule = std::make_shared<const PriceSchedule>(PriceSchedule{{0, minutes(70)}, {0.30, 0.60}});
  ledger.open_instance("node/spot/0", ledger_gpu_type(), CapacityType::Spot, schedule, minutes(40), {});
  // A reservation of three.
  ledger.open_reservation("reservation/r", ledger_gpu_type(), 3, 0, {}, {"r", "us-east-1a"});
  const auto lines = ledger.close();
  CHECK(lines[0].owner == "gpu");
  CHECK(lines[0].zone == "us-east-1a");
  const auto charges = charges_by_hour(lines, into_hour);

  auto of = [&](std::size_t line) {
    std::vector<HourCharge> out;
    for (const auto& c : charges)
      if (c.line == line) out.push_back(c);
    return out;
  };
  const auto ca = of(0);
  REQUIRE(ca.size() == 2);
  CHECK(ca[0].hour == 0);
  CHECK(ca[0].usage_h == doctest::Approx(40.0 / 60));
  CHECK(ca[0].cost_usd == doctest::Approx(40.0 / 60 * 1.006));
  CHECK(ca[1].hour == 1);
  CHECK(ca[1].usage_h == doctest::Approx(1.0));
  const auto cb = of(1);
  REQUIRE(cb.size() == 1);
  CHECK(cb[0].hour == 1);  // 50 minutes in is 10 past clock hour 1
  CHECK(cb[0].usage_h == doctest::Approx(60.0 / 3600));
  // Spot from 40 minutes in (clock hour 1 starts at 40) to the end at 180 minutes (clock hour 3, 20 past):
  // hour 1: 30 min at 0.30 + 30 min at 0.60 = 0.15 + 0.30; hour 2: 0.60; hour 3: 20 min at 0.60 = 0.20.
  const auto cs = of(2);
  REQUIRE(cs.size() == 3);
  CHECK(cs[0].hour == 1);
  CHECK(cs[0].cost_usd == doctest::Approx(0.45));
  CHECK(cs[1].cost_usd == doctest::Approx(0.60));
  CHECK(cs[2].hour == 3);
  CHECK(cs[2].usage_h == doctest::Approx(20.0 / 60));
  CHECK(cs[2].cost_usd == doctest::Approx(0.20));
  // The reservation: three instance-hours an hour, at three times the price.
  const auto cr = of(3);
  REQUIRE(cr.size() == 4);
  CHECK(cr[0].usage_h == doctest::Approx(3 * 40.0 / 60));
  CHECK(cr[1].cost_usd == doctest::Approx(3 * 1.006));
  // Each line's hours add up to its cost.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    double sum = 0;
    for (const auto& c : of(i)) sum += c.cost_usd;
    CHECK(sum == doctest::Approx(lines[i].cost_usd));
  }
  // By UTC day, with the window starting at 23:20: the first 40 minutes are day 0, the rest day 1.
  const auto days = spend_by_day(charges, hours(23) + minutes(20), into_hour);
  REQUIRE(days.size() == 2);
  CHECK(days[0] == doctest::Approx(40.0 / 60 * 1.006 + 3 * 40.0 / 60 * 1.006));
  CHECK(days[0] + days[1] == doctest::Approx(lines[0].cost_usd + lines[1].cost_usd + lines[2].cost_usd + lines[3].cost_usd));
}
