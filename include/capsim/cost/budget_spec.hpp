#pragma once
// An organisation's cost budgets (the world: every policy is held to the same ones), with AWS Budgets'
// semantics: a cost budget per calendar month or quarter (UTC), optionally scoped by cost-allocation
// tags and AWS services, with alerts on ACTUAL or FORECASTED spend above a threshold given as a
// percentage of the amount or as an absolute amount.
#include <map>
#include <string>
#include <vector>

namespace capsim {

enum class BudgetPeriod { Month, Quarter };
enum class BudgetAlertType { Actual, Forecasted };

// AWS Budgets accepts alert thresholds up to 1,000% of the budgeted amount; above it, a typo.
inline constexpr double kMaxBudgetThresholdPercent = 1000;
// AWS Budgets needs about five weeks of usage data before it forecasts a budget; until then a
// forecast-based alert is not triggered (docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/
// budgets-best-practices.html).
inline constexpr int kBudgetForecastHistoryDays = 35;

struct BudgetAlertSpec {
  BudgetAlertType type = BudgetAlertType::Actual;
  double threshold = 0;       // percent of the amount, or USD when absolute
  bool absolute = false;

  double threshold_usd(double amount_usd) const { return absolute ? threshold : amount_usd * threshold / 100.0; }
};

/// Which spend a budget counts: lines carrying one of the listed values of every listed tag key,
/// billed under one of the listed AWS services ("AmazonEC2", "AmazonEKS"); empty: no filter.
struct BudgetScope {
  std::map<std::string, std::vector<std::string>> tags;
  std::vector<std::string> aws_services;
};

struct BudgetSpec {
  std::string name;
  double amount_usd = 0;
  BudgetPeriod period = BudgetPeriod::Month;
  BudgetScope scope;
  std::vector<BudgetAlertSpec> alerts;
  // The scope's real daily spend before the window (USD per UTC day, the last entry the day before
  // the window starts): the history a forecast needs and the month-to-date before the window.
  std::vector<double> history_usd;
};

std::string to_string(const BudgetAlertSpec& alert);  // "ACTUAL > 80%", "FORECASTED > 20,000 USD"

}  // namespace capsim
