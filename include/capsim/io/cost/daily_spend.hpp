#pragma once
// A history of real daily spend (a budget's or a forecast's history before the window): CSV with a
// header "date,usd", one row per UTC day "2024-04-01,1234.56", consecutive days, oldest first;
// '#' lines are comments (Cost Explorer's daily unblended cost exports to it). Or a FOCUS export
// (AWS Data Exports' FOCUS 1.2, or capsim's --focus): known by its BilledCost and ChargePeriodStart
// columns, BilledCost summed by ChargePeriodStart's UTC day, a day without rows counting 0.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/sim_time.hpp"

namespace capsim::io {

struct DailySpend {
  UtcTime first_day{};      // midnight UTC of the first row's day
  std::vector<double> usd;  // one per day from first_day
};

/// Parses the text; throws TraceError naming `display` and the line: a missing or other header, a
/// date not YYYY-MM-DD, a day that does not follow the previous one, an amount that is not a finite
/// number >= 0, no rows.
DailySpend parse_daily_spend(std::string_view text, const std::string& display);
DailySpend read_daily_spend(const std::filesystem::path& path, const std::string& display);

}  // namespace capsim::io
