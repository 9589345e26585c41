#include "capsim/report/summary.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "capsim/report/result_fields.hpp"
#include "report/text_table.hpp"

namespace capsim {

namespace {

using RowAdder = std::function<void(const std::string&, const std::function<std::string(const PolicyResult&)>&)>;

const BudgetOutcome* budget_of(const ReplicateResult& rep, const std::string& budget, const std::string& period) {
  for (const auto& b : rep.budgets)
    if (b.budget == budget && b.period_start_utc == period) return &b;
  return nullptr;
}

// Each budget period the window touches: its spend, its status and, per alert, when it fired
// (one replicate) or in how many replicates and first when (several).
void add_budget_rows(const RunResult& r, const RowAdder& row) {
  std::vector<std::pair<std::string, std::string>> periods;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& b : rep.budgets)
        if (std::find(periods.begin(), periods.end(), std::make_pair(b.budget, b.period_start_utc)) == periods.end())
          periods.emplace_back(b.budget, b.period_start_utc);
  for (const auto& [name, start] : periods) {
    const std::string label = fmt::format("Budget {} from {}", name, start.substr(0, 10));
    row(label, [](const PolicyResult&) { return std::string(); });
    row("  actual (USD)", [&, n = name, s = start](const PolicyResult& p) {
      double sum = 0;
      int k = 0;
      for (const auto& rep : p.replicates)
        if (const BudgetOutcome* b = budget_of(rep, n, s)) sum += b->actual_usd, ++k;
      return k ? fmt::format("{:.2f}", sum / k) : std::string("-");
    });
    row("  status", [&, n = name, s = start](const PolicyResult& p) {
      std::map<std::string, int> by;
      for (const auto& rep : p.replicates)
        if (const BudgetOutcome* b = budget_of(rep, n, s)) ++by[b->status];
      std::string out;
      for (const auto& [status, count] : by)
        out += (out.empty() ? "" : ", ") + (by.size() == 1 ? status : fmt::format("{} {}", status, count));
      return out.empty() ? std::string("-") : out;
    });
    const BudgetOutcome* first = nullptr;
    for (const auto& p : r.policies)
      if (!first) first = budget_of(p.replicates.front(), name, start);
    if (!first) continue;
    for (std::size_t k = 0; k < first->alerts.size(); ++k)
      row("  " + first->alerts[k].alert, [&, n = name, s = start, k](const PolicyResult& p) {
        int fired = 0, judged = 0;
        std::string earliest;
        bool evaluated = false;
        for (const auto& rep : p.replicates) {
          const BudgetOutcome* b = budget_of(rep, n, s);
          if (!b || k >= b->alerts.size()) continue;
          ++judged;
          evaluated = evaluated || b->alerts[k].evaluated;
          if (!b->alerts[k].fired) continue;
          ++fired;
          if (earliest.empty() || b->alerts[k].fired_at_utc < earliest) earliest = b->alerts[k].fired_at_utc;
        }
        if (!evaluated) return std::string("not evaluated");
        if (fired == 0) return std::string("no");
        return judged == 1 ? earliest : fmt::format("{}/{}, first {}", fired, judged, earliest);
      });
  }
}

using text::money;
using text::show;
using text::Table;

// Rows from a struct's field table, one column per policy (means over replicates): each shown
// field is a row, a map is a section of "key=value" rows, a field that joins the row above is
// printed there as "a / b", a nested struct's table follows in place. `get` finds the struct in a
// replicate (nullptr: counts 0); `after(name)` may add rows after a field.
template <class T, class Get, class After>
void table_rows(Table& t, const RunResult& r, Get get, After after) {
  auto mean = [&](const PolicyResult& p, auto value) {
    return replicate_mean(p, [&](const ReplicateResult& x) {
      const T* v = get(x);
      return v ? value(*v) : 0.0;
    });
  };
  // A policy none of whose replicates has the struct (an optional one absent) shows "-".
  auto has = [&](const PolicyResult& p) {
    return std::any_of(p.replicates.begin(), p.replicates.end(), [&](const ReplicateResult& x) { return get(x) != nullptr; });
  };
  for_each_field<T>([&](const auto& f) {
    using M = std::decay_t<decltype(f.of(std::declval<const T&>()))>;
    if constexpr (HasFieldTable<M>) {
      table_rows<M>(t, r, [get, f](const ReplicateResult& x) -> const M* {
        const T* v = get(x);
        return v ? &f.of(*v) : nullptr;
      }, after);
    } else if constexpr (is_optional_table<M>) {
      using V = typename M::value_type;
      auto get_v = [get, f](const ReplicateResult& x) -> const V* {
        const T* v = get(x);
        return v && f.of(*v) ? &*f.of(*v) : nullptr;
      };
      if (std::none_of(r.policies.begin(), r.policies.end(), [&](const PolicyResult& p) {
            return std::any_of(p.replicates.begin(), p.replicates.end(), [&](const ReplicateResult& x) { return get_v(x) != nullptr; });
          }))
        return;
      table_rows<V>(t, r, get_v, after);
    } else if constexpr (std::is_arithmetic_v<M>) {
      if (f.how.show == Show::Hidden) return;
      std::vector<std::string> cells{"  " + std::string(f.how.label)};
      for (const auto& p : r.policies)
        cells.push_back(has(p) ? show(f.how.show, mean(p, [&](const T& v) { return static_cast<double>(f.of(v)); })) : std::string("-"));
      if (f.how.joins_above && !t.rows.empty()) {
        for (std::size_t i = 1; i < cells.size() && i < t.rows.back().size(); ++i) t.rows.back()[i] += " / " + cells[i];
      } else {
        t.add(std::move(cells));
      }
    } else if constexpr (std::is_same_v<M, std::map<std::string, double>>) {
      if (f.how.show == Show::Hidden) return;
      std::set<std::string> keys;
      for (const auto& p : r.policies)
        for (const auto& rep : p.replicates)
          if (const T* v = get(rep))
            for (const auto& [k, _] : f.of(*v)) keys.insert(k);
      if (keys.empty()) return;
      t.add({std::string(f.how.label)});
      for (const auto& key : keys) {
        std::vector<std::string> cells{"  " + key};
        for (const auto& p : r.policies)
          cells.push_back(show(f.how.show, mean(p, [&](const T& v) {
                                 auto it = f.of(v).find(key);
                                 return it == f.of(v).end() ? 0.0 : it->second;
                               })));
        t.add(std::move(cells));
      }
    }
    after(f.name);
  });
}

}  // namespace

std::string format_comparison(const RunResult& r) {
  std::string out;
  const double hours = to_hours(r.duration);
  const std::string span = hours >= 48 ? fmt::format("{:g} days", hours / 24) : hours >= 2 ? fmt::format("{:g} h", hours)
                                                                                       : fmt::format("{:g} min", hours * 60);
  out += fmt::format("Scenario {}: {} for {}, period {:g} s, seed {}, {} replicate{}; baseline policy: {}\n",
                     r.scenario, format_utc(r.start), span, to_seconds(r.period), r.seed,
                     r.replicates, r.replicates == 1 ? "" : "s (means shown)", r.baseline);
  out += "\n";
  Table t;
  std::vector<std::string> header{""};
  for (const auto& p : r.policies) header.push_back(p.name);
  t.add(header);
  auto row = [&](const std::string& label, const std::function<std::string(const PolicyResult&)>& cell) {
    std::vector<std::string> cells{label};
    for (const auto& p : r.policies) cells.push_back(cell(p));
    t.add(cells);
  };
  auto mean = [](auto f) { return [f](const PolicyResult& p) { return replicate_mean(p, f); }; };
  const PolicyResult* base = nullptr;
  for (const auto& p : r.policies)
    if (p.name == r.baseline) base = &p;

  t.add({"Cost over the window (USD)"});
  table_rows<CostBreakdown>(t, r, [](const ReplicateResult& x) { return &x.cost; }, [&](std::string_view after) {
    if (after != "total_usd") return;
    row("  vs baseline", [&](auto& p) {
      if (!base || &p == base) return std::string("-");
      const double b = mean([](auto& x) { return x.cost.total_usd; })(*base);
      const double v = mean([](auto& x) { return x.cost.total_usd; })(p);
      return b > 0 ? fmt::format("{:+.1f}%", 100.0 * (v - b) / b) : std::string("-");
    });
  });
  const bool committed = std::any_of(r.policies.begin(), r.policies.end(), [](const PolicyResult& p) {
    return std::any_of(p.replicates.begin(), p.replicates.end(), [](const ReplicateResult& x) { return x.commitments.has_value(); });
  });
  if (committed) {
    t.add({"Commitments (Savings Plans, Reserved Instances) on eligible usage"});
    table_rows<CommitmentSummary>(t, r, [](const ReplicateResult& x) -> const CommitmentSummary* {
      return x.commitments ? &*x.commitments : nullptr;
    }, [](std::string_view) {});
  }
  add_budget_rows(r, row);
  const bool forecast = std::any_of(r.policies.begin(), r.policies.end(), [](const PolicyResult& p) { return p.replicates.front().forecast.has_value(); });
  if (forecast) {
    const auto& f = *std::find_if(r.policies.begin(), r.policies.end(), [](const PolicyResult& p) { return p.replicates.front().forecast.has_value(); })
                         ->replicates.front().forecast;
    t.add({fmt::format("Forecast of the {} days from {} ({:.0f}% interval, fitted on {} days)", f.horizon_days, f.first_day_utc.substr(0, 10),
                       100 * f.level, f.history_days)});
    table_rows<SpendForecastOutcome>(t, r, [](const ReplicateResult& x) -> const SpendForecastOutcome* {
      return x.forecast ? &*x.forecast : nullptr;
    }, [](std::string_view) {});
  }
  const bool watched = std::any_of(r.policies.begin(), r.policies.end(), [](const PolicyResult& p) {
    return std::any_of(p.replicates.begin(), p.replicates.end(), [](const ReplicateResult& x) { return !x.anomalies.empty(); });
  });
  if (watched) {
    t.add({"Spend anomalies (days outside the expected band)"});
    row("  days flagged, mean", [&](const PolicyResult& p) {
      double n = 0;
      for (const auto& x : p.replicates) n += static_cast<double>(x.anomalies.size());
      return fmt::format("{:.1f}", n / static_cast<double>(p.replicates.size()));
    });
    row("  largest (replicate " + std::to_string(r.policies.front().replicates.front().replicate) + ")", [](const PolicyResult& p) {
      const auto& a = p.replicates.front().anomalies;
      if (a.empty()) return std::string("-");
      const auto big = std::max_element(a.begin(), a.end(), [](const auto& x, const auto& y) { return std::fabs(x.impact_usd) < std::fabs(y.impact_usd); });
      return fmt::format("{} {:+.0f} USD {}", big->day_utc.substr(0, 10), big->impact_usd, big->root_cause);
    });
  }
  t.add({"Fleet"});
  table_rows<FleetSummary>(t, r, [](const ReplicateResult& x) { return &x.fleet; }, [](std::string_view) {});

  std::vector<std::string> services;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& s : rep.services)
        if (std::find(services.begin(), services.end(), s.name) == services.end()) services.push_back(s.name);
  for (const auto& name : services) {
    t.add({"Service " + name});
    table_rows<ServiceResult>(t, r, [&](const ReplicateResult& x) -> const ServiceResult* {
      for (const auto& s : x.services)
        if (s.name == name) return &s;
      return nullptr;
    }, [](std::string_view) {});
  }
  std::vector<std::string> templates;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& b : rep.batch)
        if (std::find(templates.begin(), templates.end(), b.job) == templates.end()) templates.push_back(b.job);
  for (const auto& name : templates) {
    t.add({"Batch job " + name});
    row("  purchasing", [&](const PolicyResult& p) {
      for (const auto& b : p.replicates.front().batch)
        if (b.job == name) return b.purchasing;
      return std::string("-");
    });
    table_rows<BatchResult>(t, r, [&](const ReplicateResult& x) -> const BatchResult* {
      for (const auto& b : x.batch)
        if (b.job == name) return &b;
      return nullptr;
    }, [](std::string_view) {});
  }
  out += t.render();
  out += format_run_notes(r);
  return out;
}

std::string format_run_notes(const RunResult& r) {
  std::string out;
  // Assumptions: each unsourced figure once, with the policies that use it.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> assumed;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& p : r.policies)
    for (const auto& a : p.assumptions) {
      auto key = std::make_pair(a.pointer, a.value);
      if (!assumed.count(key)) order.push_back(key);
      assumed[key].push_back(p.name);
    }
  out += "\n";
  if (order.empty()) {
    out += "Assumptions: none (every typed-in figure has a source)\n";
  } else {
    out += "Assumptions (figures typed into the scenario without a source):\n";
    for (const auto& key : order) {
      const auto& users = assumed[key];
      std::string who;
      if (users.size() == r.policies.size()) who = "all policies";
      else
        for (std::size_t i = 0; i < users.size(); ++i) who += (i ? ", " : "") + users[i];
      out += fmt::format("  {} = {}  [{}]\n", key.first, key.second, who);
    }
  }
  // Pods left pending are the run's own warning: say which and why, not only under --explain.
  std::string pending;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& svc : rep.services)
        if (svc.pending_at_end > 0 && rep.replicate == p.replicates.front().replicate)
          pending += fmt::format("  {} / {}: {} pod(s) pending at the end: {}\n", p.name, svc.name, svc.pending_at_end, svc.pending_reason);
  if (!pending.empty()) out += "Pending pods (replicate " + std::to_string(r.policies.front().replicates.front().replicate) + "):\n" + pending;
  // A forecast alert AWS could not have evaluated either (too little history) is said, not hidden.
  std::set<std::string> unevaluated;
  for (const auto& p : r.policies)
    for (const auto& b : p.replicates.front().budgets)
      for (const auto& a : b.alerts)
        if (!a.evaluated) unevaluated.insert(fmt::format("budget {}, {}: {}", b.budget, a.alert, a.message));
  for (const auto& w : unevaluated) out += "Warning: " + w + "\n";
  // Eligible usage the Savings Plan rate file has no rate for was billed on demand: the plan's
  // saving is understated, not wrong, but the user should add the rates.
  for (const auto& p : r.policies) {
    long unpriced = 0;
    for (const auto& rep : p.replicates) unpriced += rep.commitments ? rep.commitments->usage_without_rate : 0;
    if (unpriced > 0)
      out += fmt::format("Warning: policy {}: {} hour(s) of on-demand usage of types the Savings Plan rate file has no rate for were "
                         "billed on demand; add their rates to catalog.savings_plan_rates\n",
                         p.name, unpriced);
  }
  if (!r.warnings.empty()) {
    out += "Warnings (reading the inputs):\n";
    for (const auto& w : r.warnings) out += "  " + w + "\n";
  }
  out += fmt::format("Catalog: {}\n", r.catalog_source);
  return out;
}

}  // namespace capsim
