#include <doctest/doctest.h>

#include <date/date.h>

#include "capsim/cost/budget.hpp"
#include "capsim/io/text_parse.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {

InstanceType one_dollar() {
  InstanceType t;
  t.name = "g5.xlarge";
  t.gpus = 1;
  t.ondemand_usd_per_h = 1.0;
  return t;
}

using test::at;

struct Run {
  std::vector<LedgerLine> lines;
  std::vector<HourCharge> charges;
};

// An instance at 1 USD/h tagged team=ml for the whole window (24 USD a day), one tagged team=web
// and the EKS control plane: only the first is in the budgets' scope.
Run run_of(UtcTime start, SimDuration duration) {
  Ledger ledger(duration);
  ledger.open_instance("node/gpu/0", one_dollar(), CapacityType::OnDemand, 1.0, 0, {{"team", "ml"}});
  ledger.open_instance("node/web/0", one_dollar(), CapacityType::OnDemand, 1.0, 0, {{"team", "web"}});
  ledger.add_control_plane(0.10, {{"team", "ml"}});
  Run r;
  r.lines = ledger.close();
  r.charges = charges_by_hour(r.lines, offset_in_hour(start));
  return r;
}

BudgetSpec ml_budget(double amount) {
  BudgetSpec b;
  b.name = "ml";
  b.amount_usd = amount;
  b.scope.tags["team"] = {"ml"};
  b.scope.aws_services = {"AmazonEC2"};
  return b;
}

}  // namespace

TEST_CASE("an ACTUAL alert fires when the scope's spend crosses its threshold, worked by hand") {
  const UtcTime start = at("2024-05-10T00:00:00Z");
  const Run r = run_of(start, hours(20 * 24));
  BudgetSpec b = ml_budget(500);
  b.alerts = {{BudgetAlertType::Actual, 80, false}, {BudgetAlertType::Actual, 1000, true}};
  const auto out = evaluate_budgets({b}, r.lines, r.charges, start, hours(20 * 24));
  REQUIRE(out.size() == 1);
  const BudgetOutcome& o = out[0];
  CHECK(o.period_start_utc == "2024-05-01T00:00:00Z");
  CHECK(o.period_end_utc == "2024-06-01T00:00:00Z");
  CHECK_FALSE(o.period_in_window);
  // Only node/gpu/0 counts (team=ml, EC2): 24 USD a day for 20 days.
  CHECK(o.actual_usd == doctest::Approx(480));
  // 80% of 500 = 400 USD: reached after 400 hours, 16 days and 16 hours in.
  REQUIRE(o.alerts.size() == 2);
  CHECK(o.alerts[0].alert == "ACTUAL > 80%");
  CHECK(o.alerts[0].fired);
  CHECK(o.alerts[0].fired_at_s == doctest::Approx(400 * 3600.0));
  CHECK(o.alerts[0].fired_at_utc == "2024-05-26T16:00:00Z");
  CHECK(o.alerts[0].message == "budget 'ml', 2024-05: ACTUAL spend of 400.00 USD passed 80% (400.00 USD) of the 500.00 USD budget at "
                               "2024-05-26T16:00:00Z");
  CHECK(o.alerts[1].alert == "ACTUAL > 1,000.00 USD");
  CHECK_FALSE(o.alerts[1].fired);
  CHECK(o.alerts[1].fired_at_s == -1);
  // The month ends after the window, and nothing can be forecast from 20 days: judged on the spend so far.
  CHECK(o.status == "under so far");
  CHECK(o.forecast_usd == -1);
}

TEST_CASE("a FORECASTED alert waits for five weeks of history, then fires on actual plus forecast, worked by hand") {
  const UtcTime start = at("2024-05-10T00:00:00Z");
  const Run r = run_of(start, hours(5 * 24));
  SUBCASE("without history it is not evaluated, and says why") {
    BudgetSpec b = ml_budget(700);
    b.alerts = {{BudgetAlertType::Forecasted, 100, false}};
    const auto out = evaluate_budgets({b}, r.lines, r.charges, start, hours(5 * 24));
    REQUIRE(out.size() == 1);
    CHECK_FALSE(out[0].alerts[0].evaluated);
    CHECK_FALSE(out[0].alerts[0].fired);
    CHECK(out[0].alerts[0].message.find("not evaluated: AWS Budgets forecasts once it has about five weeks (35 days) of usage data") == 0);
    CHECK(out[0].alerts[0].message.find("this period had at most 5 day(s)") != std::string::npos);
  }
  SUBCASE("with 40 days of history at the same 24 USD a day") {
    // A flat history and a flat run: the forecast is exactly 24 USD a day with a zero-wide band.
    // At the window's start (May 10, 00:00): May 1-9 from the history, 9 x 24 = 216, and 22 days
    // to come at 24 = 528: 744 USD forecast for May.
    BudgetSpec fires = ml_budget(700), stays = ml_budget(750);
    fires.name = "fires";
    stays.name = "stays";
    fires.history_usd.assign(40, 24.0);
    stays.history_usd.assign(40, 24.0);
    fires.alerts = stays.alerts = {{BudgetAlertType::Forecasted, 100, false}};
    const auto out = evaluate_budgets({fires, stays}, r.lines, r.charges, start, hours(5 * 24));
    REQUIRE(out.size() == 2);
    CHECK(out[0].actual_usd == doctest::Approx(216 + 5 * 24));
    CHECK(out[0].alerts[0].evaluated);
    CHECK(out[0].alerts[0].fired);
    CHECK(out[0].alerts[0].fired_at_utc == "2024-05-10T00:00:00Z");
    CHECK(out[0].alerts[0].message.find("FORECASTED spend of 744.00 USD passed 100% (700.00 USD)") != std::string::npos);
    CHECK(out[0].status == "forecast over");
    CHECK(out[0].forecast_usd == doctest::Approx(744));
    CHECK(out[0].forecast_lower_usd == doctest::Approx(744));
    CHECK(out[1].alerts[0].evaluated);
    CHECK_FALSE(out[1].alerts[0].fired);
    CHECK(out[1].status == "forecast under");
  }
}

TEST_CASE("a quarterly budget, and a window across two months") {
  const UtcTime start = at("2024-06-25T00:00:00Z");
  const Run r = run_of(start, hours(10 * 24));
  BudgetSpec month = ml_budget(1000), quarter = ml_budget(1000);
  month.name = "month";
  quarter.name = "quarter";
  quarter.period = BudgetPeriod::Quarter;
  const auto out = evaluate_budgets({month, quarter}, r.lines, r.charges, start, hours(10 * 24));
  REQUIRE(out.size() == 4);
  // June 25-30 (6 days) and July 1-4 (4 days); Q2 ends June 30, Q3 begins July 1.
  CHECK(out[0].period_start_utc == "2024-06-01T00:00:00Z");
  CHECK(out[0].actual_usd == doctest::Approx(6 * 24));
  CHECK(out[0].status == "under");
  CHECK(out[1].period_start_utc == "2024-07-01T00:00:00Z");
  CHECK(out[1].actual_usd == doctest::Approx(4 * 24));
  CHECK(out[2].period_start_utc == "2024-04-01T00:00:00Z");
  CHECK(out[2].period_end_utc == "2024-07-01T00:00:00Z");
  CHECK(out[3].period_start_utc == "2024-07-01T00:00:00Z");
  CHECK(out[3].period_end_utc == "2024-10-01T00:00:00Z");
}
