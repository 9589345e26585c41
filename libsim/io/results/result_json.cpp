#include "capsim/io/results/result_json.hpp"

#include <iterator>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/io/atomic_write.hpp"
#include "capsim/report/result_fields.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io {

using ojson = nlohmann::ordered_json;

using detail::table_json;
using detail::value_json;

ojson detail::result_document(const RunResult& r) {
  ojson j;
  j["format"] = "capsim-result";
  j["format_version"] = kResultFormatVersion;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["replicates"] = r.replicates;
  j["window"] = {{"start", format_utc(r.start)}, {"duration_s", to_seconds(r.duration)}, {"period_s", to_seconds(r.period)}};
  j["baseline"] = r.baseline;
  j["risk_tolerance"] = {{"value", r.risk_tolerance}, {"given", r.risk_tolerance_given}};
  j["catalog_source"] = r.catalog_source;
  j["warnings"] = r.warnings;
  if (!r.uncertain.empty()) j["uncertain"] = r.uncertain;
  ojson policies = ojson::array();
  for (const auto& p : r.policies) {
    ojson pj;
    pj["name"] = p.name;
    pj["description"] = p.description;
    pj["extends"] = p.extends;
    ojson reps = ojson::array();
    for (const auto& rep : p.replicates) {
      ojson rj;
      rj["replicate"] = rep.replicate;
      if (!r.uncertain.empty()) rj["world"] = table_json(rep.world);
      // The cost's figures under cost_usd; its breakdowns (tag, pod label) beside it.
      rj["cost_usd"] = ojson::object();
      for_each_field<CostBreakdown>([&](const auto& f) {
        ojson v = value_json(f.of(rep.cost));
        ojson& into = v.is_object() ? rj : rj["cost_usd"];
        into[std::string(f.json_key())] = std::move(v);
      });
      rj["fleet"] = table_json(rep.fleet);
      ojson svcs = ojson::array();
      for (const auto& s : rep.services) svcs.push_back(table_json(s));
      rj["services"] = svcs;
      // Batch work's outcomes, when the scenario has batch jobs.
      if (!rep.batch.empty()) {
        ojson batch = ojson::array(), jobs = ojson::array();
        for (const auto& b : rep.batch) batch.push_back(table_json(b));
        for (const auto& job : rep.jobs) jobs.push_back(table_json(job));
        rj["batch"] = batch;
        rj["jobs"] = jobs;
      }
      if (rep.commitments) rj["commitments"] = table_json(*rep.commitments);
      if (!rep.budgets.empty()) rj["budgets"] = value_json(rep.budgets);
      if (rep.forecast) rj["forecast"] = table_json(*rep.forecast);
      if (!rep.anomalies.empty()) rj["anomalies"] = value_json(rep.anomalies);
      reps.push_back(rj);
    }
    pj["replicates"] = reps;
    if (p.savings_plan_advice) pj["savings_plan_advice"] = table_json(*p.savings_plan_advice);
    ojson as = ojson::array();
    for (const auto& a : p.assumptions) {
      // A figure as written is JSON; a default in force is described in words.
      ojson value = !a.value.empty() && ojson::accept(a.value) ? ojson::parse(a.value) : ojson(a.value);
      as.push_back({{"pointer", a.pointer}, {"value", value}});
    }
    pj["assumptions"] = as;
    policies.push_back(pj);
  }
  j["policies"] = policies;
  ojson src = ojson::object();
  for (const auto& [k, v] : r.sources) src[k] = v;
  j["sources"] = src;
  return j;
}

std::string result_to_json(const RunResult& r) { return detail::result_document(r).dump(2) + "\n"; }

std::string detail::rows_to_csv(const std::vector<FlatRow>& rows) {
  std::vector<std::string> columns;
  std::map<std::string, std::size_t> index;
  for (const auto& row : rows)
    for (const auto& [k, _] : row)
      if (index.emplace(k, columns.size()).second) columns.push_back(k);
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_cell(columns[i]);
  out += "\n";
  for (const auto& row : rows) {
    std::vector<std::string> cells(columns.size());
    for (const auto& [k, v] : row) cells[index.at(k)] = v;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    out += "\n";
  }
  return out;
}

void write_result_json(const std::filesystem::path& path, const RunResult& result) {
  write_file_atomically(path, result_to_json(result));
}

std::string nodes_to_csv(const RunResult& r) {
  std::string out = "policy,replicate";
  for_each_field<NodeRecord>([&](const auto& f) { out += fmt::format(",{}", f.json_key()); });
  out += "\n";
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& n : rep.nodes) {
        out += fmt::format("{},{}", p.name, rep.replicate);
        for_each_field<NodeRecord>([&](const auto& f) { out += fmt::format(",{}", f.of(n)); });
        out += "\n";
      }
  return out;
}

std::string cost_lines_to_csv(const RunResult& r) {
  std::set<std::string> keys;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& l : rep.cost_lines)
        for (const auto& [k, _] : l.tags) keys.insert(k);
  std::string out = "policy,replicate";
  for_each_field<CostLine>([&](const auto& f) {
    if constexpr (std::is_same_v<std::decay_t<decltype(f.of(CostLine{}))>, std::map<std::string, std::string>>)
      for (const auto& k : keys) out += fmt::format(",{}{}", f.json_key(), k);
    else out += fmt::format(",{}", f.json_key());
  });
  out += "\n";
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& l : rep.cost_lines) {
        out += fmt::format("{},{}", p.name, rep.replicate);
        for_each_field<CostLine>([&](const auto& f) {
          const auto& v = f.of(l);
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::map<std::string, std::string>>) {
            for (const auto& k : keys) {
              auto it = v.find(k);
              out += "," + (it == v.end() ? std::string() : it->second);
            }
          } else {
            out += fmt::format(",{}", v);
          }
        });
        out += "\n";
      }
  return out;
}

std::string series_to_csv(const RunResult& r) {
  // Long format, one row per period of each service and one per period of the cluster: a service
  // row leaves the cluster's columns empty and a cluster row (empty service) the services', so a
  // column summed over rows counts each figure once. Written into one buffer (a month of minutes is
  // hundreds of thousands of rows; a string per cell was most of a comparison's writing time).
  fmt::memory_buffer out;
  auto put = [&out](std::string_view x) { out.append(x.data(), x.data() + x.size()); };
  put("policy,replicate,period_start_utc");
  for_each_field<ServiceSeries>([&](const auto& f) { fmt::format_to(std::back_inserter(out), ",{}", f.json_key()); });
  put(",ready_nodes,cost_rate_usd_per_h\n");
  const std::size_t service_columns = std::tuple_size_v<decltype(field_table<ServiceSeries>())>;
  // Period starts, formatted once per run: every policy and replicate shares the window.
  std::size_t longest = 0;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates) {
      longest = std::max(longest, rep.ready_nodes.size());
      for (const auto& ser : rep.service_series) longest = std::max(longest, ser.arrivals.size());
    }
  std::vector<std::string> starts(longest);
  for (std::size_t k = 0; k < longest; ++k) starts[k] = format_utc(r.start + std::chrono::microseconds{r.period * static_cast<SimDuration>(k)});
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates) {
      for (const auto& ser : rep.service_series)
        for (std::size_t k = 0; k < ser.arrivals.size(); ++k) {
          fmt::format_to(std::back_inserter(out), "{},{},{}", p.name, rep.replicate, starts[k]);
          for_each_field<ServiceSeries>([&](const auto& f) {
            const auto& v = f.of(ser);
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
              put(",");
              put(v);
            } else {
              fmt::format_to(std::back_inserter(out), ",{}", v[k]);
            }
          });
          put(",,\n");
        }
      for (std::size_t k = 0; k < rep.ready_nodes.size(); ++k) {
        fmt::format_to(std::back_inserter(out), "{},{},{}", p.name, rep.replicate, starts[k]);
        put(std::string(service_columns, ','));
        fmt::format_to(std::back_inserter(out), ",{},{}\n", rep.ready_nodes[k], k < rep.cost_rate_usd_per_h.size() ? rep.cost_rate_usd_per_h[k] : 0.0);
      }
    }
  return fmt::to_string(out);
}

}  // namespace capsim::io
