// Savings Plan rate files, good and bad: each bad file under tests/data/bad/savings_plan_rates/ is
// rejected with a message naming the file, the line, what was expected and what was found.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "capsim/core/error.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/cost/savings_plan_rates.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"
#include "bad_input_check.hpp"

using namespace capsim;

namespace {
using test::catalog;
}  // namespace

namespace {
std::string rate_error(const std::string& name) {
  try {
    io::read_savings_plan_rates(test::data_dir() / "bad" / "savings_plan_rates" / name, name, catalog());
  } catch (const TraceError& e) {
    return e.what();
  }
  FAIL("expected " << name << " to be rejected");
  return {};
}

using test::check_parts;

const std::set<std::string> kBadRateFiles = {"unknown_column.csv", "unknown_type.csv",  "unknown_family.csv", "wrong_family.csv",
                                             "above_on_demand.csv", "zero_rate.csv",    "unknown_plan.csv",   "unknown_term.csv",
                                             "unknown_payment.csv", "duplicate.csv"};
}  // namespace

TEST_CASE("Savings Plan rate files: bad files name the file, the line, what was expected and what was found") {
  check_parts(rate_error("unknown_column.csv"), {"unknown_column.csv:2: expected the columns instance_type, family, plan, term, payment, usd_per_h",
                                                 "got an unknown column 'usd_per_hour'", "did you mean 'usd_per_h'?"});
  check_parts(rate_error("unknown_type.csv"), {"unknown_type.csv:3: expected an instance type of the catalog, got 'g5.xlarg'",
                                               "did you mean 'g5.xlarge'"});
  check_parts(rate_error("unknown_family.csv"), {"unknown_family.csv:2: expected an instance family of the catalog (", "g5, g6, g6e",
                                                 "got 'g7'"});
  check_parts(rate_error("wrong_family.csv"), {"wrong_family.csv:2: expected the family of g5.xlarge in the catalog, 'g5', got 'g6'"});
  check_parts(rate_error("above_on_demand.csv"), {"above_on_demand.csv:2: expected a rate at most the on-demand price of g5.xlarge (1.006 USD/h",
                                                  "got 1.2"});
  check_parts(rate_error("zero_rate.csv"), {"zero_rate.csv:2: expected a rate in USD per hour > 0 in column 'usd_per_h', got '0'"});
  check_parts(rate_error("unknown_plan.csv"), {"unknown_plan.csv:2: expected plan to be one of compute, ec2-instance, got 'compute-sp'",
                                               "did you mean 'compute'?"});
  check_parts(rate_error("unknown_term.csv"), {"unknown_term.csv:2: expected term to be one of 1y, 3y, got '1yr'", "did you mean '1y'"});
  check_parts(rate_error("unknown_payment.csv"), {"unknown_payment.csv:2: expected payment to be one of no-upfront, partial-upfront, all-upfront",
                                                  "got 'no_upfront'", "did you mean 'no-upfront'?"});
  check_parts(rate_error("duplicate.csv"), {"duplicate.csv:4: expected one rate per instance type, plan, term and payment",
                                            "got g5.xlarge compute 1y no-upfront again (first on line 2)"});
  try {
    io::read_savings_plan_rates(test::data_dir() / "bad" / "savings_plan_rates" / "nope.csv", "nope.csv", catalog());
    FAIL("expected an error");
  } catch (const TraceError& e) {
    check_parts(e.what(), {"nope.csv", "no such file"});
  }
}

TEST_CASE("every file under tests/data/bad/savings_plan_rates/ is exercised above") {
  std::set<std::string> present;
  for (const auto& e : std::filesystem::directory_iterator(test::data_dir() / "bad" / "savings_plan_rates"))
    present.insert(e.path().filename().string());
  CHECK(present == kBadRateFiles);
}

TEST_CASE("a rate file: comments, any column order, one rate per product") {
  const SavingsPlanRates r = io::parse_savings_plan_rates(
      "# source: a test\nusd_per_h,instance_type,family,plan,term,payment\n0.7,g5.xlarge,g5,compute,1y,no-upfront\n"
      "\n0.5,g5.xlarge,g5,ec2-instance,3y,all-upfront\n",
      "inline.csv", catalog());
  CHECK(r.usd_per_h.size() == 2);
  CHECK(r.rate("g5.xlarge", SavingsPlanType::Compute, CommitmentTerm::OneYear, PaymentOption::NoUpfront) == 0.7);
  CHECK(r.rate("g5.xlarge", SavingsPlanType::Ec2Instance, CommitmentTerm::ThreeYears, PaymentOption::AllUpfront) == 0.5);
  CHECK(!r.rate("g5.xlarge", SavingsPlanType::Compute, CommitmentTerm::ThreeYears, PaymentOption::NoUpfront));
  CHECK(r.source == "inline.csv");
  CHECK_THROWS_WITH_AS(io::parse_savings_plan_rates("instance_type,family,plan,term,payment,usd_per_h\n", "empty.csv", catalog()),
                       "empty.csv:1: expected rate rows after the header, got none", TraceError);
}
