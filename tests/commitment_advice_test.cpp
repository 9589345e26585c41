// Savings Plan advice on a toy forecast whose optimum is derived by hand, checked against the hourly
// billing and the P95 estimator compare reports use.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/error.hpp"
#include "capsim/cost/commitment_advice.hpp"
#include "capsim/cost/commitment_billing.hpp"
#include "capsim/report/statistics.hpp"

using namespace capsim;

namespace {

// One made-up type: $1.00/h on demand, Compute plan $0.625/h (37.5% off): a dollar of commitment
// covers $1.60 of on-demand usage.
SavingsPlanRates advice_rates() {
  SavingsPlanRates r;
  r.usd_per_h[{"a1.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 0.625;
  return r;
}

HourUsage instances(int n) {
  if (n == 0) return {};
  return {{"a1.xlarge", "a1", "us-east-1a", static_cast<double>(n), static_cast<double>(n)}};
}

// Two replicates of three hours. Quiet: 1 instance, then none. Busy: 3 instances throughout.
std::vector<RunUsage> toy_forecast() { return {{instances(1), instances(0), instances(0)}, {instances(3), instances(3), instances(3)}}; }

}  // namespace

TEST_CASE("advice on a two-replicate toy forecast, optimum derived by hand") {
  // Window cost at commitment c (USD/h), 3 hours:
  //   quiet(c) = 3c + max(0, 1 − 1.6c)   = 1 + 1.4c up to c = 0.625, then 3c
  //   busy(c)  = 3c + 3·max(0, 3 − 1.6c) = 9 − 1.8c up to c = 1.875, then 3c
  // Mean: 5 − 0.2c up to 0.625, then 4.5 + 0.6c: minimum at c = 0.625, 4.875 (costs 1.875 and 7.875).
  // P95 of two values a ≤ b is a + 0.95 (b − a): 8.6 − 1.64c up to 0.625, then 8.55 − 1.56c up to
  // 1.875 (quiet stays the lower), then 3c: minimum at c = 1.875, 5.625 (both cost 5.625).
  // No commitment: costs 1 and 9, mean 5, P95 8.6.
  // Coverage at 0.625: quiet's $1 and busy's 3 × 1.6 × 0.625 = $3 of $10: 0.4. Utilisation: used
  // 0.625 + 3 × 0.625 = 2.5 of 2 × 3 × 0.625 = 3.75: 2/3. At 1.875: coverage 1; used 0.625 + 5.625 =
  // 6.25 of 11.25: 5/9.
  const SavingsPlanOffer offer{SavingsPlanType::Compute, "", CommitmentTerm::OneYear, PaymentOption::NoUpfront};
  const CommitmentAdvice a = advise_savings_plan(toy_forecast(), offer, advice_rates());
  CHECK(a.replicates == 2);
  CHECK(a.no_commitment.expected_cost_usd == doctest::Approx(5.0));
  CHECK(a.no_commitment.p95_cost_usd == doctest::Approx(8.6));
  CHECK(a.no_commitment.coverage == 0);

  CHECK(a.min_expected_cost.usd_per_h == doctest::Approx(0.625));
  CHECK(a.min_expected_cost.expected_cost_usd == doctest::Approx(4.875));
  CHECK(a.min_expected_cost.p95_cost_usd == doctest::Approx(8.6 - 1.64 * 0.625));
  CHECK(a.min_expected_cost.coverage == doctest::Approx(0.4));
  CHECK(a.min_expected_cost.utilisation == doctest::Approx(2.0 / 3.0));

  CHECK(a.min_p95_cost.usd_per_h == doctest::Approx(1.875).epsilon(1e-4));
  CHECK(a.min_p95_cost.p95_cost_usd == doctest::Approx(5.625));
  CHECK(a.min_p95_cost.expected_cost_usd == doctest::Approx(5.625));
  CHECK(a.min_p95_cost.coverage == doctest::Approx(1.0));
  CHECK(a.min_p95_cost.utilisation == doctest::Approx(5.0 / 9.0));
  CHECK(a.search_upper_usd_per_h == doctest::Approx(1.875));
}

TEST_CASE("advice agrees with the hourly billing and with compare's P95") {
  // The same commitment billed hour by hour by apply_commitments, and the P95 by quantile_of.
  const SavingsPlanOffer offer{SavingsPlanType::Compute, "", CommitmentTerm::OneYear, PaymentOption::NoUpfront};
  const std::vector<RunUsage> forecast = toy_forecast();
  for (double c : {0.0, 0.3, 0.625, 1.0, 1.875, 2.5}) {
    Commitments held;
    held.savings_plans = {{SavingsPlanType::Compute, "", c, CommitmentTerm::OneYear, PaymentOption::NoUpfront}};
    std::vector<double> costs;
    for (const RunUsage& run : forecast) costs.push_back(bill_run(run, held, advice_rates(), {}).billed_usd);
    const CommitmentOutcome o = evaluate_savings_plan(forecast, offer, advice_rates(), c);
    CAPTURE(c);
    CHECK(o.expected_cost_usd == doctest::Approx(mean_of(costs)));
    CHECK(o.p95_cost_usd == doctest::Approx(quantile_of(costs, 0.95)));
  }
}

TEST_CASE("an EC2 Instance plan is advised on its family only; the rest stays on demand") {
  SavingsPlanRates rates = advice_rates();
  rates.usd_per_h[{"a1.xlarge", SavingsPlanType::Ec2Instance, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 0.5;
  // Every hour: 2 h of a1 ($2) and 1 h of b1 ($3, no rate at all). A steady forecast: the best
  // commitment covers a1 exactly, 2 × 0.5 = $1/h; the hour then costs $1 + $3.
  HourUsage hour = instances(2);
  hour.push_back({"b1.xlarge", "b1", "us-east-1a", 1, 3});
  const std::vector<RunUsage> forecast = {{hour, hour}};
  const SavingsPlanOffer offer{SavingsPlanType::Ec2Instance, "a1", CommitmentTerm::OneYear, PaymentOption::NoUpfront};
  const CommitmentAdvice a = advise_savings_plan(forecast, offer, rates);
  CHECK(a.min_expected_cost.usd_per_h == doctest::Approx(1.0));
  CHECK(a.min_expected_cost.expected_cost_usd == doctest::Approx(8.0));
  CHECK(a.min_expected_cost.coverage == doctest::Approx(0.4));
  CHECK(a.min_p95_cost.usd_per_h == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(a.usage_without_rate == 0);  // b1 is outside the offer, not missing a rate

  const SavingsPlanOffer no_family{SavingsPlanType::Ec2Instance, "", CommitmentTerm::OneYear, PaymentOption::NoUpfront};
  CHECK_THROWS_AS(advise_savings_plan(forecast, no_family, rates), Error);
  CHECK_THROWS_AS(advise_savings_plan({}, offer, rates), Error);
}

TEST_CASE("a forecast with no usage advises no commitment") {
  const SavingsPlanOffer offer{SavingsPlanType::Compute, "", CommitmentTerm::OneYear, PaymentOption::NoUpfront};
  const CommitmentAdvice a = advise_savings_plan({{{}, {}}}, offer, advice_rates());
  CHECK(a.min_expected_cost.usd_per_h == 0);
  CHECK(a.min_p95_cost.usd_per_h == 0);
  CHECK(a.min_expected_cost.expected_cost_usd == 0);
}

TEST_CASE("on a random forecast of three types, no commitment on a fine grid beats the advice") {
  // Three types with different discounts, 6 replicates of 48 hours, usage drawn by a fixed LCG. The
  // expected-cost optimum is exact, so no grid point may do better; the P95 search must do at least
  // as well as a 4001-point grid. The model also agrees with apply_commitments hour by hour.
  SavingsPlanRates rates;
  const struct {
    const char* type;
    double on_demand, rate;
  } types[] = {{"a1.xlarge", 1.0, 0.55}, {"b1.xlarge", 2.0, 1.5}, {"c1.xlarge", 4.0, 2.2}};
  for (const auto& t : types) rates.usd_per_h[{t.type, SavingsPlanType::Compute, CommitmentTerm::ThreeYears, PaymentOption::AllUpfront}] = t.rate;
  std::uint64_t state = 12345;
  auto draw = [&state](int n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
  };
  std::vector<RunUsage> forecast(6);
  for (RunUsage& run : forecast)
    for (int h = 0; h < 48; ++h) {
      HourUsage hour;
      for (const auto& t : types)
        if (const int n = draw(4); n > 0) hour.push_back({t.type, std::string(t.type).substr(0, 2), "us-east-1a", double(n), n * t.on_demand});
      run.push_back(hour);
    }
  const SavingsPlanOffer offer{SavingsPlanType::Compute, "", CommitmentTerm::ThreeYears, PaymentOption::AllUpfront};
  const CommitmentAdvice a = advise_savings_plan(forecast, offer, rates);
  double best_mean = a.no_commitment.expected_cost_usd, best_p95 = a.no_commitment.p95_cost_usd;
  for (int k = 0; k <= 4000; ++k) {
    const CommitmentOutcome o = evaluate_savings_plan(forecast, offer, rates, a.search_upper_usd_per_h * k / 4000.0);
    best_mean = std::min(best_mean, o.expected_cost_usd);
    best_p95 = std::min(best_p95, o.p95_cost_usd);
  }
  CHECK(a.min_expected_cost.usd_per_h > 0);
  CHECK(a.min_expected_cost.expected_cost_usd <= best_mean + 1e-9);
  CHECK(a.min_p95_cost.p95_cost_usd <= best_p95 + 1e-9);

  Commitments held;
  held.savings_plans = {{SavingsPlanType::Compute, "", a.min_expected_cost.usd_per_h, CommitmentTerm::ThreeYears, PaymentOption::AllUpfront}};
  std::vector<double> costs;
  double covered = 0, on_demand = 0;
  for (const RunUsage& run : forecast) {
    const CommitmentTotals t = bill_run(run, held, rates, {});
    costs.push_back(t.billed_usd);
    covered += t.covered_on_demand_equivalent_usd;
    on_demand += t.on_demand_equivalent_usd;
  }
  CHECK(a.min_expected_cost.expected_cost_usd == doctest::Approx(mean_of(costs)));
  CHECK(a.min_expected_cost.p95_cost_usd == doctest::Approx(quantile_of(costs, 0.95)));
  CHECK(a.min_expected_cost.coverage == doctest::Approx(covered / on_demand));
}

TEST_CASE("advice over a window holding part of its first clock hour") {
  // Hour 0: the window holds half of it, with 0.5 h of a1 ($0.50 on demand, $0.25 at the plan's rate);
  // hour 1: whole, 1 h of a1. A commitment c gives hour 0 c/2 to spend: its cost is c/2 + 0.5 - min(c, 0.5),
  // hour 1's c + 1 - min(2c, 1). The sum falls as 1.5 - 1.5c up to c = 0.5 (both hours covered), then
  // rises as 1.5c: 0.50 USD/h for 0.75 USD. Billing hour 0 whole would have made 0.25 to 0.50 equally good
  // (1.00 USD): the half hour's commitment would have covered it at c = 0.25.
  SavingsPlanRates rates;
  rates.usd_per_h[{"a1.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront}] = 0.50;
  const std::vector<RunUsage> forecast{{{{"a1.xlarge", "a1", "us-east-1a", 0.5, 0.5}}, {{"a1.xlarge", "a1", "us-east-1a", 1.0, 1.0}}}};
  const SavingsPlanOffer offer{SavingsPlanType::Compute, "", CommitmentTerm::OneYear, PaymentOption::NoUpfront};
  const HeldHours held_h{0.5, 1.0};
  const CommitmentAdvice a = advise_savings_plan(forecast, offer, rates, {}, held_h);
  CHECK(a.min_expected_cost.usd_per_h == doctest::Approx(0.5));
  CHECK(a.min_expected_cost.expected_cost_usd == doctest::Approx(0.75));
  CHECK(a.min_expected_cost.coverage == doctest::Approx(1.0));
  CHECK(a.min_expected_cost.utilisation == doctest::Approx(1.0));
  CHECK(a.no_commitment.expected_cost_usd == doctest::Approx(1.5));
  // The same as billing the plan hour by hour with the hours' parts.
  Commitments held;
  held.savings_plans = {{SavingsPlanType::Compute, "", 0.5, CommitmentTerm::OneYear, PaymentOption::NoUpfront}};
  CHECK(bill_run(forecast[0], held, rates, {}, held_h).billed_usd == doctest::Approx(0.75));
  for (double c : {0.1, 0.25, 0.4, 0.7})
    CHECK(evaluate_savings_plan(forecast, offer, rates, c, held_h).expected_cost_usd ==
          doctest::Approx(bill_run(forecast[0], {{{SavingsPlanType::Compute, "", c, CommitmentTerm::OneYear, PaymentOption::NoUpfront}}, {}},
                                   rates, {}, held_h).billed_usd));
}
