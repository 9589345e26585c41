// A run's commitments itemised per cost line and hour, worked by hand.
#include <doctest/doctest.h>

#include <vector>

#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/commitment_charges.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"

using namespace capsim;

TEST_CASE("commitments itemised: covered usage shared among the lines by usage, each fee with its unused part") {
  // A 2 h window. Two on-demand g5.xlarge in us-east-1a: node/a/0 throughout, node/a/1 from 0:30;
  // a spot g5.xlarge (never covered). Held: a regional g5.xlarge Reserved Instance at 0.70 USD/h
  // and a partial-upfront Compute Savings Plan of 0.50 USD/h at a (made-up) 0.60 rate.
  const InstanceCatalog catalog = io::builtin_catalog("aws-us-east-1");
  const InstanceType& g5 = catalog.at("g5.xlarge");
  Ledger ledger(2 * kMicrosPerHour);
  ledger.open_instance("node/a/0", g5, CapacityType::OnDemand, g5.ondemand_usd_per_h, 0, {}, {"a", "us-east-1a"});
  ledger.open_instance("node/a/1", g5, CapacityType::OnDemand, g5.ondemand_usd_per_h, kMicrosPerHour / 2, {}, {"a", "us-east-1a"});
  ledger.open_instance("node/s/0", g5, CapacityType::Spot, 0.4, 0, {}, {"s", "us-east-1a"});
  const auto lines = ledger.close();
  const auto charges = charges_by_hour(lines, 0);
  const RunUsage usage = hourly_eligible_usage(lines, charges, catalog);
  Commitments held;
  held.reserved_instances = {{"g5.xlarge", 1, "", 0.70}};
  held.savings_plans = {{SavingsPlanType::Compute, "", 0.50, CommitmentTerm::OneYear, PaymentOption::PartialUpfront}};
  SavingsPlanRates rates;
  rates.usd_per_h[{"g5.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::PartialUpfront}] = 0.60;
  const auto got = itemise_commitments(usage, lines, charges, held, rates, NormalizationFactors::aws_table());

  // Hour 0: 1.5 instance-hours (node/a/0 1 h, node/a/1 0.5 h: shares 2/3 and 1/3). The reservation
  // covers 1 h for 0.70; the plan the other 0.5 h at 0.60 = 0.30, leaving 0.20 of it unused.
  // Hour 1: 2 h (halves). The reservation 1 h; the plan 0.50 / 0.60 = 5/6 h, all of it used.
  const double od = g5.ondemand_usd_per_h;
  struct Want {
    int hour, line;
    const char* commitment;
    double usage_h, effective_usd;
  };
  const std::vector<Want> covered{
      {0, 0, "reserved-instance/0", 2.0 / 3, 0.70 * 2 / 3}, {0, 0, "savings-plan/0", 0.5 * 2 / 3, 0.30 * 2 / 3},
      {0, 1, "reserved-instance/0", 1.0 / 3, 0.70 / 3},     {0, 1, "savings-plan/0", 0.5 / 3, 0.30 / 3},
      {1, 0, "reserved-instance/0", 0.5, 0.35},             {1, 0, "savings-plan/0", 5.0 / 12, 0.25},
      {1, 1, "reserved-instance/0", 0.5, 0.35},             {1, 1, "savings-plan/0", 5.0 / 12, 0.25},
  };
  REQUIRE(got.size() == covered.size() + 4);
  std::size_t k = 0;
  for (int hour = 0; hour < 2; ++hour) {
    for (int i = 0; i < 4; ++i, ++k) {
      const Want& w = covered[static_cast<std::size_t>(hour * 4 + i)];
      CAPTURE(k);
      CHECK(got[k].hour == w.hour);
      CHECK(got[k].line == w.line);
      CHECK(got[k].commitment == w.commitment);
      CHECK(got[k].usage_h == doctest::Approx(w.usage_h));
      CHECK(got[k].on_demand_usd == doctest::Approx(w.usage_h * od));
      CHECK(got[k].effective_usd == doctest::Approx(w.effective_usd));
    }
    // Then each commitment's own charge: the reservation, then the plan (half its 0.50 paid upfront).
    const CommitmentCharge& ri = got[k++];
    CHECK(ri.line == -1);
    CHECK(ri.type == "Reserved Instance");
    CHECK(ri.name == "g5.xlarge regional");
    CHECK(ri.committed == 1);
    CHECK(ri.recurring_fee_usd == doctest::Approx(0.70));
    CHECK(ri.upfront_usd == 0);
    CHECK(ri.effective_usd == doctest::Approx(0.0));
    const CommitmentCharge& sp = got[k++];
    CHECK(sp.line == -1);
    CHECK(sp.type == "Compute Savings Plan");
    CHECK(sp.name == "compute 1y partial-upfront");
    CHECK(sp.committed == doctest::Approx(0.50));
    CHECK(sp.recurring_fee_usd == doctest::Approx(0.25));
    CHECK(sp.upfront_usd == doctest::Approx(0.25));
    CHECK(sp.effective_usd == doctest::Approx(hour == 0 ? 0.20 : 0.0));
  }
  // Each hour, the covered parts and the unused ones add up to the fees (0.70 + 0.50).
  for (int hour = 0; hour < 2; ++hour) {
    double sum = 0;
    for (const CommitmentCharge& c : got)
      if (c.hour == hour) sum += c.effective_usd;
    CHECK(sum == doctest::Approx(1.20));
  }
}

TEST_CASE("upfront shares: all, half for partial upfront, none") {
  CHECK(upfront_share(PaymentOption::AllUpfront) == 1.0);
  CHECK(upfront_share(PaymentOption::PartialUpfront) == 0.5);
  CHECK(upfront_share(PaymentOption::NoUpfront) == 0.0);
}
