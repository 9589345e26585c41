#pragma once
// Internal to report/: the compare page's cost management charts and tables (budgets, the spend
// forecast, anomalies), each a whole <section> or nothing when no policy has what it shows.
#include <string>

#include "report/html_charts.hpp"

namespace capsim::html {

/// Each budget period's spend to date under each policy against the budget and its alerts'
/// thresholds, with when each alert fired, from replicate 0's budget_spend and budgets.
std::string budget_alerts(const Page& pg);
/// Each policy's daily spend over the window and the forecast of the days after it with its
/// prediction interval, from replicate 0's bill and forecast.
std::string spend_forecast(const Page& pg);
/// The days of unexpected spend each policy's replicate 0 had, with their impact and root cause.
std::string anomalies_table(const Page& pg);

}  // namespace capsim::html
