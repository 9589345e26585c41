#include "committed_spend.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include <date/date.h>

#include "capsim/report/billing_rollup.hpp"

namespace capsim::detail {

CommittedSpend committed_spend(const std::vector<LedgerLine>& lines, const std::vector<HourCharge>& charges,
                               const std::vector<CommitmentCharge>& items, UtcTime window_start) {
  CommittedSpend out{lines, charges};
  std::map<std::pair<std::size_t, std::int64_t>, std::size_t> charge_of;
  for (std::size_t k = 0; k < charges.size(); ++k) charge_of[{charges[k].line, charges[k].hour}] = k;
  std::map<std::string, std::size_t> fee_line_of;  // commitment id -> its line
  // Upfront, billed once per commitment and month, in the first hour of the month that holds it.
  std::map<std::pair<std::string, date::year_month>, std::size_t> upfront_charge_of;
  for (const CommitmentCharge& c : items) {
    if (c.line >= 0) {
      const auto it = charge_of.find({static_cast<std::size_t>(c.line), c.hour});
      if (it != charge_of.end()) {
        double& cost = out.charges[it->second].cost_usd;
        cost = std::max(0.0, cost - c.on_demand_usd);
      }
      continue;
    }
    auto [fee, fresh] = fee_line_of.try_emplace(c.commitment, out.lines.size());
    if (fresh) {
      LedgerLine l;
      l.resource = c.commitment;
      l.category = CostCategory::OtherInstances;
      out.lines.push_back(std::move(l));
    }
    if (c.recurring_fee_usd > 0) out.charges.push_back({fee->second, c.hour, 0.0, c.recurring_fee_usd});
    if (c.upfront_usd > 0) {
      const date::year_month_day day{date::floor<date::days>(billing_hour_start(window_start, c.hour))};
      auto [up, first] = upfront_charge_of.try_emplace({c.commitment, day.year() / day.month()}, out.charges.size());
      if (first) out.charges.push_back({fee->second, c.hour, 0.0, 0.0});
      out.charges[up->second].cost_usd += c.upfront_usd;
    }
  }
  for (std::size_t k = charges.size(); k < out.charges.size(); ++k) out.lines[out.charges[k].line].cost_usd += out.charges[k].cost_usd;
  return out;
}

}  // namespace capsim::detail
