// Commitments billed hour by hour in AWS's order, worked by hand, and the usage a ledger makes
// eligible.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capsim/cost/commitment_billing.hpp"
#include "capsim/cost/commitments.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {

// Two made-up types with round prices. a1: $1.00/h on demand, Compute plan $0.50 (50% off).
// b1: $2.00/h on demand, Compute plan $1.40 (30% off), EC2 Instance plan (family b1) $1.20 (40% off).
SavingsPlanRates toy_rates() {
  SavingsPlanRates r;
  r.usd_per_h[{"a1.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 0.50;
  r.usd_per_h[{"b1.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 1.40;
  r.usd_per_h[{"b1.xlarge", SavingsPlanType::Ec2Instance, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 1.20;
  return r;
}

EligibleUsage usage(const std::string& type, double hours, double od_usd_per_h, const std::string& zone = "us-east-1a") {
  return {type, type.substr(0, type.find('.')), zone, hours, hours * od_usd_per_h};
}

SavingsPlan compute_plan(double usd_per_h) { return {SavingsPlanType::Compute, "", usd_per_h, CommitmentTerm::OneYear, PaymentOption::NoUpfront}; }

using test::catalog;

}  // namespace

TEST_CASE("a Compute Savings Plan covers the higher-discount usage first, then part of the other") {
  // Usage: 2 h of a1 ($2.00 on demand), 1 h of b1 ($2.00). Commitment $1.50/h.
  // a1 (50% off) first: 2 h × $0.50 = $1.00, fully covered; $0.50 left.
  // b1 (30% off): $0.50 / $1.40 = 0.357143 h covered (on-demand equivalent $0.714286);
  // 0.642857 h left on demand = $1.285714.
  // Bill: $1.50 commitment + $1.285714 = $2.785714, against $4.00 on demand: $1.214286 saved.
  // Coverage: ($2.00 + $0.714286) / $4.00 = 0.678571. Utilisation: 1.
  Commitments held;
  held.savings_plans = {compute_plan(1.50)};
  const HourBilling bill = apply_commitments({usage("a1.xlarge", 2, 1.0), usage("b1.xlarge", 1, 2.0)}, held, toy_rates(), {});
  REQUIRE(bill.entries.size() == 2);
  REQUIRE(bill.entries[0].covered.size() == 1);
  CHECK(bill.entries[0].covered[0].usage_h == doctest::Approx(2.0));
  CHECK(bill.entries[0].covered[0].cost_usd == doctest::Approx(1.0));
  CHECK(bill.entries[0].on_demand_usd == doctest::Approx(0.0));
  REQUIRE(bill.entries[1].covered.size() == 1);
  CHECK(bill.entries[1].covered[0].usage_h == doctest::Approx(0.5 / 1.4));
  CHECK(bill.entries[1].covered[0].on_demand_equivalent_usd == doctest::Approx(1.0 / 1.4));
  CHECK(bill.entries[1].on_demand_usage_h == doctest::Approx(1 - 0.5 / 1.4));
  CHECK(bill.entries[1].on_demand_usd == doctest::Approx(2 - 1.0 / 1.4));
  CHECK(bill.sp_used_usd == doctest::Approx(1.5));
  CHECK(bill.sp_unused_usd() == doctest::Approx(0.0));
  CHECK(bill.billed_usd() == doctest::Approx(1.5 + 2 - 1.0 / 1.4));
  CommitmentTotals t;
  t.add(bill);
  CHECK(t.savings_usd() == doctest::Approx(4 - 1.5 - 2 + 1.0 / 1.4));
  CHECK(t.coverage() == doctest::Approx((2 + 1.0 / 1.4) / 4));
  CHECK(t.sp_utilisation() == doctest::Approx(1.0));
}

TEST_CASE("an unused commitment is billed anyway, and does not carry over to the next hour") {
  // Hour 1: the same usage under $3.00/h: a1 $1.00 + b1 $1.40 = $2.40 used, $0.60 unused; nothing on
  // demand; billed $3.00. Hour 2: no usage; billed $3.00, all unused. Utilisation 2.40 / 6.00 = 0.4.
  Commitments held;
  held.savings_plans = {compute_plan(3.0)};
  const CommitmentTotals t = bill_run({{usage("a1.xlarge", 2, 1.0), usage("b1.xlarge", 1, 2.0)}, {}}, held, toy_rates(), {});
  CHECK(t.hours == 2);
  CHECK(t.billed_usd == doctest::Approx(6.0));
  CHECK(t.on_demand_usd == doctest::Approx(0.0));
  CHECK(t.sp_used_usd == doctest::Approx(2.4));
  CHECK(t.sp_utilisation() == doctest::Approx(0.4));
  CHECK(t.coverage() == doctest::Approx(1.0));
  CHECK(t.savings_usd() == doctest::Approx(4.0 - 6.0));  // committed more than it covered
}

TEST_CASE("EC2 Instance Savings Plans apply before Compute Savings Plans") {
  // b1's Compute rate is set to $1.00 (50% off) so that a Compute plan would prefer it over a1
  // ($0.60 here: 40% off). Usage: 1 h of a1 ($1), 1 h of b1 ($2). Plans: EC2 Instance b1 $1.20/h
  // (rate $1.20), Compute $1.00/h.
  // AWS's order: the EC2 Instance plan covers b1 in full ($1.20); the Compute plan then covers a1
  // ($0.60, $0.40 unused). Billed $2.20, nothing on demand.
  // The other order would spend the Compute plan on b1 ($1.00), leave the EC2 Instance plan nothing it
  // may cover (a1 is another family) and a1 on demand: $2.20 + $1.00.
  SavingsPlanRates rates = toy_rates();
  rates.usd_per_h[{"a1.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 0.60;
  rates.usd_per_h[{"b1.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 1.00;
  Commitments held;
  held.savings_plans = {compute_plan(1.0), {SavingsPlanType::Ec2Instance, "b1", 1.20, CommitmentTerm::OneYear, PaymentOption::NoUpfront}};
  const HourBilling bill = apply_commitments({usage("a1.xlarge", 1, 1.0), usage("b1.xlarge", 1, 2.0)}, held, rates, {});
  CHECK(bill.billed_usd() == doctest::Approx(2.2));
  CHECK(bill.on_demand_usd == doctest::Approx(0.0));
  REQUIRE(bill.entries[1].covered.size() == 1);
  CHECK(bill.entries[1].covered[0].commitment == 1);  // the EC2 Instance plan
  REQUIRE(bill.entries[0].covered.size() == 1);
  CHECK(bill.entries[0].covered[0].commitment == 0);  // the Compute plan
  CHECK(bill.sp_unused_usd() == doctest::Approx(0.4));
}

TEST_CASE("a regional Reserved Instance covers smaller sizes of its family by normalization factor") {
  // One g5.2xlarge regional reservation (factor 16, $0.75/h effective) and two g5.xlarge (factor 8)
  // running an hour each in different zones: 8 + 8 = 16 units, both covered. Billed: the fee, $0.75.
  const NormalizationFactors nf = NormalizationFactors::aws_table();
  Commitments held;
  held.reserved_instances = {{"g5.2xlarge", 1, "", 0.75}};
  const HourBilling two = apply_commitments({usage("g5.xlarge", 1, 1.006, "us-east-1a"), usage("g5.xlarge", 1, 1.006, "us-east-1b")}, held, {}, nf);
  CHECK(two.on_demand_usd == doctest::Approx(0.0));
  CHECK(two.billed_usd() == doctest::Approx(0.75));
  CHECK(two.ri_units == doctest::Approx(16));
  CHECK(two.ri_units_used == doctest::Approx(16));
  CHECK(two.entries[0].covered[0].cost_usd == doctest::Approx(0.375));  // half the units, half the fee

  // Smallest first: a g5.xlarge (8 units) and a g5.4xlarge (32): the xlarge in full, then 8 units for
  // a quarter of the 4xlarge's hour; 0.75 h of it ($1.624/h) left on demand.
  const HourBilling mixed = apply_commitments({usage("g5.4xlarge", 1, 1.624), usage("g5.xlarge", 1, 1.006)}, held, {}, nf);
  CHECK(mixed.entries[1].on_demand_usd == doctest::Approx(0.0));
  CHECK(mixed.entries[0].on_demand_usage_h == doctest::Approx(0.75));
  CHECK(mixed.billed_usd() == doctest::Approx(0.75 + 0.75 * 1.624));

  // Another family is not covered; utilisation is what was used.
  const CommitmentTotals other = bill_run({{usage("g6.xlarge", 1, 0.8048)}}, held, {}, nf);
  CHECK(other.ri_utilisation() == doctest::Approx(0.0));
  CHECK(other.billed_usd == doctest::Approx(0.75 + 0.8048));
}

TEST_CASE("a zonal Reserved Instance covers its type in its zone only, and goes before a regional one") {
  const NormalizationFactors nf = NormalizationFactors::aws_table();
  Commitments held;
  held.reserved_instances = {{"g5.xlarge", 1, "us-east-1a", 0.6}};
  // Another zone, a bigger size of the family: neither is covered.
  const HourBilling miss = apply_commitments({usage("g5.xlarge", 1, 1.006, "us-east-1b"), usage("g5.2xlarge", 1, 1.212, "us-east-1a")}, held, {}, nf);
  CHECK(miss.covered_on_demand_equivalent_usd == doctest::Approx(0.0));
  CHECK(miss.billed_usd() == doctest::Approx(0.6 + 1.006 + 1.212));
  // With a regional g5.xlarge listed first, the zonal one still covers the us-east-1a instance and
  // the regional one the other.
  held.reserved_instances.insert(held.reserved_instances.begin(), ReservedInstance{"g5.xlarge", 1, "", 0.6});
  // (Regional first would take the us-east-1a instance, listed first, and leave the zonal one idle.)
  const HourBilling both = apply_commitments({usage("g5.xlarge", 1, 1.006, "us-east-1a"), usage("g5.xlarge", 1, 1.006, "us-east-1b")}, held, {}, nf);
  REQUIRE(both.entries[0].covered.size() == 1);
  CHECK(both.entries[0].covered[0].commitment == 1);  // the zonal one
  REQUIRE(both.entries[1].covered.size() == 1);
  CHECK(both.entries[1].covered[0].commitment == 0);
  CHECK(both.on_demand_usd == doctest::Approx(0.0));
}

TEST_CASE("reservations apply before Savings Plans") {
  // A regional b1.xlarge reservation covers the b1 hour; the Compute plan then has only a1 to cover.
  Commitments held;
  held.reserved_instances = {{"b1.xlarge", 1, "", 1.1}};
  held.savings_plans = {compute_plan(1.0)};
  const HourBilling bill = apply_commitments({usage("a1.xlarge", 1, 1.0), usage("b1.xlarge", 1, 2.0)}, held, toy_rates(), {});
  CHECK(bill.entries[1].covered[0].kind == CommitmentKind::ReservedInstance);
  CHECK(bill.sp_used_usd == doctest::Approx(0.5));
  CHECK(bill.billed_usd() == doctest::Approx(1.1 + 1.0));
}

TEST_CASE("spot instances and capacity reservations are not eligible usage") {
  // Window of 2 h. An on-demand g5.xlarge from 0:30 to 2:00 in us-east-1a; a spot g5.xlarge and a
  // capacity reservation throughout; the control plane.
  const InstanceType& g5 = catalog().at("g5.xlarge");
  Ledger ledger(2 * kMicrosPerHour);
  ledger.open_instance("node/od/0", g5, CapacityType::OnDemand, g5.ondemand_usd_per_h, kMicrosPerHour / 2, {}, {"od", "us-east-1a"});
  ledger.open_instance("node/spot/0", g5, CapacityType::Spot, 0.4, 0, {});
  ledger.open_instance("reservation/r", g5, CapacityType::Reserved, g5.ondemand_usd_per_h, 0, {});
  ledger.add_control_plane(0.10, {});
  const auto lines = ledger.close();
  const RunUsage run = hourly_eligible_usage(lines, charges_by_hour(lines, 0), catalog());
  REQUIRE(run.size() == 2);
  REQUIRE(run[0].size() == 1);
  CHECK(run[0][0] == EligibleUsage{"g5.xlarge", "g5", "us-east-1a", 0.5, 0.5 * g5.ondemand_usd_per_h});
  REQUIRE(run[1].size() == 1);
  CHECK(run[1][0].usage_h == doctest::Approx(1.0));
}

TEST_CASE("plan, term and payment names read back") {
  for (auto t : {SavingsPlanType::Compute, SavingsPlanType::Ec2Instance}) CHECK(savings_plan_type_named(to_string(t)) == t);
  for (auto t : {CommitmentTerm::OneYear, CommitmentTerm::ThreeYears}) CHECK(commitment_term_named(to_string(t)) == t);
  for (auto p : {PaymentOption::NoUpfront, PaymentOption::PartialUpfront, PaymentOption::AllUpfront}) CHECK(payment_option_named(to_string(p)) == p);
  CHECK(!savings_plan_type_named("Compute"));
  CHECK(NormalizationFactors::aws_table().of("g5.48xlarge") == 384);
  CHECK(!NormalizationFactors::aws_table().of("g4dn.metal"));
}

TEST_CASE("a window holding half of a clock hour holds half of each commitment's hour") {
  // a1.xlarge: 1 h of usage ($1.00 on demand, $0.50 at the plan's rate) in the half of the hour the
  // window holds. A $1.00/h plan commits $0.50 of it, all taken by the usage; billing the whole hour
  // would charge $1.00 and leave $0.50 unused.
  Commitments held;
  held.savings_plans = {compute_plan(1.00)};
  const HourBilling half = apply_commitments({usage("a1.xlarge", 1, 1.0)}, held, toy_rates(), {}, 0.5);
  CHECK(half.held_h == 0.5);
  CHECK(half.sp_committed_usd == doctest::Approx(0.5));
  CHECK(half.sp_used_usd == doctest::Approx(0.5));
  CHECK(half.on_demand_usd == doctest::Approx(0.0));
  CHECK(half.billed_usd() == doctest::Approx(0.5));
  // Two g5.xlarge reserved (regional, $0.70 each): over half an hour, 1 instance-hour of cover for $0.70.
  Commitments ri;
  ri.reserved_instances = {{"g5.xlarge", 2, "", 0.70}};
  const HourBilling r = apply_commitments({usage("g5.xlarge", 1.5, 1.006)}, ri, {}, NormalizationFactors::aws_table(), 0.5);
  CHECK(r.ri_fee_usd == doctest::Approx(0.70));
  REQUIRE(r.entries[0].covered.size() == 1);
  CHECK(r.entries[0].covered[0].usage_h == doctest::Approx(1.0));
  CHECK(r.entries[0].on_demand_usage_h == doctest::Approx(0.5));
  CHECK(r.ri_units == doctest::Approx(8.0));
  // Over a run, each hour with its part: half an hour then a whole one.
  const CommitmentTotals t = bill_run({{usage("a1.xlarge", 1, 1.0)}, {usage("a1.xlarge", 2, 1.0)}}, held, toy_rates(), {}, {0.5, 1.0});
  CHECK(t.hours == doctest::Approx(1.5));
  CHECK(t.sp_committed_usd == doctest::Approx(1.5));
  CHECK(t.billed_usd == doctest::Approx(1.5));  // $0.50 then $1.00, both fully used
}
