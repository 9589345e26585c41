#include "capsim/io/results/sweep_table.hpp"

#include <algorithm>
#include <map>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/comparison_files.hpp"
#include "capsim/report/sweep_text.hpp"
#include "capsim/io/scenario/sweep_points.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io {

namespace {

// A CSV text's records, each a list of fields kept as written (quotes included), so cells are
// copied byte for byte.
std::vector<std::vector<std::string>> raw_records(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> record(1);
  bool quoted = false;
  for (char c : csv) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == ',') {
      record.emplace_back();
    } else if (!quoted && c == '\n') {
      if (!(record.size() == 1 && record[0].empty())) out.push_back(std::move(record));
      record.assign(1, "");
    } else if (quoted || c != '\r') {
      record.back() += c;
    }
  }
  if (!(record.size() == 1 && record[0].empty())) out.push_back(std::move(record));
  return out;
}

}  // namespace

std::string sweep_table_csv(const std::vector<std::string>& pointers, const std::vector<SweepPointRows>& points) {
  std::vector<std::vector<std::vector<std::string>>> tables;
  std::vector<std::string> columns;
  for (const auto& p : points) {
    tables.push_back(raw_records(p.csv));
    if (tables.back().empty()) throw Error("a sweep point's table has no header line");
    for (const auto& c : tables.back().front())
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  }
  std::string out = "point";
  for (const auto& ptr : pointers) out += "," + detail::csv_cell(ptr);
  for (const auto& c : columns) out += "," + c;
  out += "\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::vector<std::string> lead{std::to_string(points[i].point)};
    for (const auto& ptr : pointers) {
      const auto v = std::find_if(points[i].values.begin(), points[i].values.end(), [&](const PointerValue& x) { return x.pointer == ptr; });
      lead.push_back(v == points[i].values.end() ? "" : detail::csv_cell(value_cell(v->value_json)));
    }
    const auto& header = tables[i].front();
    std::vector<std::size_t> at;
    for (const auto& c : columns) at.push_back(static_cast<std::size_t>(std::find(header.begin(), header.end(), c) - header.begin()));
    for (std::size_t r = 1; r < tables[i].size(); ++r) {
      std::string line;
      for (const auto& cell : lead) line += (line.empty() ? "" : ",") + cell;
      for (const std::size_t k : at) line += "," + (k < tables[i][r].size() ? tables[i][r][k] : std::string());
      out += line + "\n";
    }
  }
  return out;
}

std::string write_sweep(const std::filesystem::path& dir, const std::string& scenario_name, const std::vector<SweepPointOutcome>& points) {
  std::vector<SweepPointRows> replicate_rows, summary_rows;
  std::vector<SweepPointSummary> summaries;
  std::vector<std::vector<PointerValue>> values;
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPointOutcome& p = points[i];
    const int n = static_cast<int>(i);
    values.push_back(p.values);
    summaries.push_back({n, describe_values(p.values), p.comparison, p.error});
    if (!p.run || !p.comparison) continue;
    const std::string reps = replicates_csv(*p.run, p.comparison->month_factor);
    const std::string summary = comparison_summary_csv(*p.comparison);
    replicate_rows.push_back({n, p.values, reps});
    summary_rows.push_back({n, p.values, summary});
    const auto point_dir = dir / "points" / std::to_string(i);
    std::filesystem::create_directories(point_dir);
    files.emplace_back(point_dir / "replicates.csv", reps);
    files.emplace_back(point_dir / "summary.csv", summary);
  }
  const auto pointers = sweep_pointers(values);
  const std::string text = format_sweep(scenario_name, summaries);
  files.emplace_back(dir / "sweep.csv", sweep_table_csv(pointers, replicate_rows));
  files.emplace_back(dir / "sweep_summary.csv", sweep_table_csv(pointers, summary_rows));
  files.emplace_back(dir / "summary.txt", text);
  write_files_atomically(files);
  return text;
}

}  // namespace capsim::io
