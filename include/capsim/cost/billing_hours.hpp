#pragma once
// The bill hour by hour, as AWS reports it: each line's billed time cut at UTC clock hours, with
// the usage and the cost that fall in each hour (the input of CUR-like and FOCUS exports, budgets,
// forecasts and Savings Plans, which all work on hourly or daily spend).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/cost/ledger.hpp"

namespace capsim {

struct HourCharge {
  std::size_t line = 0;  // the ledger line
  std::int64_t hour = 0;  // UTC clock hours after the one that holds the window's start (0: that hour)
  double usage_h = 0;     // instance-hours billed in this hour (a reservation: its size × the time)
  double cost_usd = 0;
};

/// The billed span of every line (`start` to `start + billed_s`: a line's 60-second minimum is
/// billed in the hour it started) cut at clock hours; `start_in_hour` is how far into its UTC hour
/// the window starts. A spot line's price follows its schedule within the hour. Ordered by line,
/// then hour; each line's charges sum to its cost.
std::vector<HourCharge> charges_by_hour(const std::vector<LedgerLine>& lines, SimDuration start_in_hour);

/// How far into its UTC clock hour an instant is.
SimDuration offset_in_hour(UtcTime t);

/// Total spend per UTC day from the charges (day 0: the day that holds the window's start, which
/// starts `start_in_day` before it); as many days as the charges reach.
std::vector<double> spend_by_day(const std::vector<HourCharge>& charges, SimDuration start_in_day, SimDuration start_in_hour);

}  // namespace capsim
