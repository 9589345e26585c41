// The loader's reports on spend, all of them the world (shared by every policy): the organisation's
// cost budgets and alerts (as AWS Budgets holds them), the forecast of the days after the window and
// anomaly detection; budgets and the forecast may start from a history of real daily spend.
#include <date/date.h>
#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/io/cost/daily_spend.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

std::optional<std::vector<double>> Loader::read_spend_history(const json& name, const std::string& ptr) {
  if (!name.is_string() || name.get<std::string>().empty()) {
    ck_.fail(ptr, "the path of a CSV of daily spend (date,usd)", describe(name));
    return std::nullopt;
  }
  const auto in = input_file(name.get<std::string>(), ptr);
  if (!in) return std::nullopt;
  try {
    const DailySpend d = read_daily_spend(in->path, in->display);
    // The history must end the day before the window's first day: a gap or an overlap would
    // count spend twice or not at all.
    const UtcTime want_last = date::floor<date::days>(sc_.simulation.start) - date::days{1};
    const UtcTime last = d.first_day + date::days{static_cast<long>(d.usd.size()) - 1};
    if (!simulation_ok_) return std::nullopt;
    if (last == want_last) return d.usd;
    ck_.fail(ptr, fmt::format("daily spend ending {} (the day before the window's first day)", format_utc(want_last).substr(0, 10)),
             fmt::format("{} ending {}", in->display, format_utc(last).substr(0, 10)));
  } catch (const TraceError& e) {
    ck_.fail_message(ptr, e.what());
  }
  return std::nullopt;
}

void Loader::parse_budgets(const json& root) {
  auto it = root.find("budgets");
  if (it == root.end()) return;
  const std::string p = "/budgets";
  if (!it->is_array() || it->empty()) {
    ck_.fail(p, "a non-empty array of budgets", describe(*it));
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& j = (*it)[i];
    const std::string bp = ptr_join(p, i);
    if (!ck_.object(j, bp, {"name", "amount_usd", "period", "scope", "alerts", "history"}, {"name", "amount_usd", "period", "alerts"}))
      continue;
    BudgetSpec b;
    const auto name = ck_.string(j, bp, "name");
    const auto amount = ck_.number(j, bp, "amount_usd", Bound::Positive);
    const auto period = ck_.one_of(j, bp, "period", {"month", "quarter"});
    if (name && !names.insert(*name).second) ck_.fail(bp + "/name", "a budget name used once", "\"" + *name + "\" again");
    if (!name || !amount || !period) continue;
    b.name = *name;
    b.amount_usd = *amount;
    b.period = *period == "quarter" ? BudgetPeriod::Quarter : BudgetPeriod::Month;
    if (auto s = j.find("scope"); s != j.end()) {
      const std::string sp = bp + "/scope";
      if (ck_.object(*s, sp, {"tags", "aws_services"})) {
        if (auto t = s->find("tags"); t != s->end()) {
          if (!t->is_object() || t->empty()) {
            ck_.fail(sp + "/tags", "an object of tag key → array of values, such as {\"team\": [\"ml\"]}", describe(*t));
          } else {
            for (const auto& [key, values] : t->items()) {
              const std::string tp = ptr_join(sp + "/tags", key);
              if (!values.is_array() || values.empty() ||
                  !std::all_of(values.begin(), values.end(), [](const json& v) { return v.is_string() && !v.get<std::string>().empty(); })) {
                ck_.fail(tp, "a non-empty array of tag values (strings)", describe(values));
                continue;
              }
              for (const auto& v : values) b.scope.tags[key].push_back(v.get<std::string>());
            }
          }
        }
        if (auto a = s->find("aws_services"); a != s->end()) {
          const std::vector<std::string> services{"AmazonEC2", "AmazonEKS"};
          if (!a->is_array() || a->empty()) {
            ck_.fail(sp + "/aws_services", "a non-empty array of AWS services (AmazonEC2, AmazonEKS)", describe(*a));
          } else {
            for (std::size_t k = 0; k < a->size(); ++k) {
              const json& v = (*a)[k];
              const std::string got = v.is_string() ? v.get<std::string>() : std::string();
              if (std::find(services.begin(), services.end(), got) == services.end())
                ck_.fail(ptr_join(sp + "/aws_services", k), "AmazonEC2 or AmazonEKS (the services capsim bills)", describe(v),
                         did_you_mean(got, services));
              else b.scope.aws_services.push_back(got);
            }
          }
        }
      }
    }
    const json& alerts = j["alerts"];
    const std::string ap = bp + "/alerts";
    if (!alerts.is_array() || alerts.empty()) {
      ck_.fail(ap, "a non-empty array of alerts, such as [{\"type\": \"actual\", \"threshold\": 80}]", describe(alerts));
      continue;
    }
    for (std::size_t k = 0; k < alerts.size(); ++k) {
      const json& a = alerts[k];
      const std::string kp = ptr_join(ap, k);
      if (!ck_.object(a, kp, {"type", "threshold", "threshold_type"}, {"type", "threshold"})) continue;
      const auto type = ck_.one_of(a, kp, "type", {"actual", "forecasted"});
      const auto kind = a.contains("threshold_type") ? ck_.one_of(a, kp, "threshold_type", {"percentage", "absolute"})
                                                     : std::optional<std::string>("percentage");
      const auto threshold = ck_.number(a, kp, "threshold", Bound::Positive);
      if (!type || !kind || !threshold) continue;
      BudgetAlertSpec alert;
      alert.type = *type == "forecasted" ? BudgetAlertType::Forecasted : BudgetAlertType::Actual;
      alert.absolute = *kind == "absolute";
      alert.threshold = *threshold;
      if (!alert.absolute && alert.threshold > kMaxBudgetThresholdPercent) {
        ck_.fail(kp + "/threshold", fmt::format("a percentage of the budget up to {:g} (AWS Budgets' limit)", kMaxBudgetThresholdPercent),
                 fmt::format("{:g}", alert.threshold), "for an amount in USD, set \"threshold_type\": \"absolute\"");
        continue;
      }
      b.alerts.push_back(alert);
    }
    if (auto h = j.find("history"); h != j.end())
      if (auto usd = read_spend_history(*h, bp + "/history")) b.history_usd = std::move(*usd);
    // Spend before the window in its first period is unknown without a history: the budget then
    // counts from the window's start, which understates the period's spend; say so.
    if (simulation_ok_ && b.history_usd.empty()) {
      const date::year_month_day ymd{date::floor<date::days>(sc_.simulation.start)};
      const unsigned first_month = b.period == BudgetPeriod::Quarter ? (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1 : static_cast<unsigned>(ymd.month());
      const UtcTime period_start{date::sys_days{ymd.year() / date::month{first_month} / 1}};
      if (period_start < sc_.simulation.start)
        sc_.warnings.push_back(fmt::format("budget '{}': its {} from {} begins before the window ({}) and no history is given: its spend "
                                           "counts from the window's start",
                                           b.name, b.period == BudgetPeriod::Quarter ? "quarter" : "month", format_utc(period_start).substr(0, 10),
                                           format_utc(sc_.simulation.start)));
    }
    sc_.budgets.push_back(std::move(b));
  }
}

}  // namespace capsim::io::detail

namespace capsim::io::detail {

void Loader::parse_spend_reports(const json& root) {
  if (auto f = root.find("forecast"); f != root.end()) {
    const std::string p = "/forecast";
    if (ck_.object(*f, p, {"days", "history"}, {"days"})) {
      if (auto h = f->find("history"); h != f->end())
        if (auto usd = read_spend_history(*h, p + "/history")) sc_.forecast.history_usd = std::move(*usd);
      if (auto days = ck_.integer(*f, p, "days", 1, 3660)) {
        sc_.forecast.days = static_cast<int>(*days);
        if (simulation_ok_) {
          const int have = static_cast<int>(sc_.forecast.history_usd.size()) + sc_.simulation.whole_days();
          if (have < kMinimumForecastHistoryDays || sc_.forecast.days > have)
            ck_.fail(p + "/days",
                     fmt::format("a horizon of at most the days of spend it is fitted on ({}: {} of history and the window's {} whole days), "
                                 "and at least {} of them",
                                 have, sc_.forecast.history_usd.size(), sc_.simulation.whole_days(), kMinimumForecastHistoryDays),
                     fmt::format("{} days", sc_.forecast.days), "a trend is not extrapolated further ahead than the span it was fitted on");
        }
      }
    }
  }
  if (auto a = root.find("anomaly_detection"); a != root.end()) {
    const std::string p = "/anomaly_detection";
    if (!ck_.object(*a, p, {"dimensions", "threshold", "min_impact_usd", "min_impact_percent"})) return;
    sc_.anomaly_detection.enabled = true;
    if (auto t = ck_.number(*a, p, "threshold", Bound::Positive); t && a->contains("threshold")) sc_.anomaly_detection.options.threshold = *t;
    if (a->contains("min_impact_usd"))
      if (auto v = ck_.number(*a, p, "min_impact_usd", Bound::NonNegative)) sc_.anomaly_detection.options.min_impact_usd = *v;
    if (a->contains("min_impact_percent"))
      if (auto v = ck_.number(*a, p, "min_impact_percent", Bound::NonNegative)) sc_.anomaly_detection.options.min_impact_fraction = *v / 100;
    if (auto d = a->find("dimensions"); d != a->end()) {
      const std::vector<std::string> keys{"node_pool", "capacity_type", "instance_type", "zone", "aws_service", "tag:<key>"};
      if (!d->is_array()) {
        ck_.fail(p + "/dimensions", "an array of dimensions such as [\"node_pool\", \"tag:team\"]", describe(*d));
      } else {
        for (std::size_t k = 0; k < d->size(); ++k) {
          const json& v = (*d)[k];
          const std::string s = v.is_string() ? v.get<std::string>() : std::string();
          const bool ok = (s.starts_with("tag:") && s.size() > 4) || std::find(keys.begin(), keys.end() - 1, s) != keys.end() - 1;
          if (!ok) ck_.fail(ptr_join(p + "/dimensions", k), "one of node_pool, capacity_type, instance_type, zone, aws_service, tag:<key>",
                            describe(v), did_you_mean(s, keys));
          else sc_.anomaly_detection.dimensions.push_back(s);
        }
      }
    }
  }
}

}  // namespace capsim::io::detail
