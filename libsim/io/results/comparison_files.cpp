#include "capsim/io/results/comparison_files.hpp"

#include "capsim/report/comparison_fields.hpp"
#include "capsim/report/result_fields.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io {

using namespace detail;

std::string comparison_to_json(const RunResult& run, const Comparison& comparison) {
  ojson j = result_document(run);
  j["comparison"] = table_json(comparison);
  return j.dump(2) + "\n";
}

std::string comparison_summary_csv(const Comparison& comparison) {
  std::vector<FlatRow> rows;
  for (const auto& p : comparison.policies) {
    FlatRow row;
    flatten("", p, row);
    rows.push_back(std::move(row));
  }
  return rows_to_csv(rows);
}

std::string replicates_csv(const RunResult& run, double month_factor) {
  std::vector<FlatRow> rows;
  for (const auto& p : run.policies)
    for (const auto& r : p.replicates) {
      FlatRow row{{"policy", csv_cell(p.name)}, {"replicate", std::to_string(r.replicate)}};
      flatten_value("monthly_cost_usd", r.cost.total_usd * month_factor, row);
      if (!run.uncertain.empty()) flatten_value("world", r.world, row);
      flatten_value("cost", r.cost, row);
      flatten_value("fleet", r.fleet, row);
      flatten_value("services", r.services, row);
      if (!r.batch.empty()) flatten_value("batch", r.batch, row);
      if (r.commitments) flatten_value("commitments", *r.commitments, row);
      for (const auto& b : r.budgets)
        for (const auto& a : b.alerts)
          flatten_value("budget:" + b.budget + ":" + b.period_start_utc.substr(0, 10) + ":" + a.alert + ":fired_at_s", a.fired_at_s, row);
      rows.push_back(std::move(row));
    }
  return rows_to_csv(rows);
}

}  // namespace capsim::io
