#pragma once
// A sweep's tidy tables: the per-point CSVs of compare (replicates.csv, summary.csv) stacked, each
// row led by its point's number and parameter values, one column per swept pointer.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "capsim/io/scenario/scenario_patch.hpp"
#include "capsim/report/comparison.hpp"
#include "capsim/report/result.hpp"

namespace capsim::io {

/// One point's rows: its number in the sweep, its values, and a CSV text with a header line.
struct SweepPointRows {
  int point = 0;
  std::vector<PointerValue> values;
  std::string csv;
};

/// "point,<pointer>...,<columns>": the points' rows in the given order. Columns are the union of
/// the points' headers in order of first appearance (points that vary the services have different
/// per-service columns); a cell a point lacks is empty, and so is a pointer a point does not set.
std::string sweep_table_csv(const std::vector<std::string>& pointers, const std::vector<SweepPointRows>& points);

/// One point of a sweep as run: its values and its comparison, or why it failed.
struct SweepPointOutcome {
  std::vector<PointerValue> values;
  std::optional<RunResult> run;
  std::optional<Comparison> comparison;
  std::string error;
};

/// Writes a sweep's files into `dir` together (atomically): sweep.csv (point x policy x replicate),
/// sweep_summary.csv (point x policy), summary.txt, and points/N/summary.csv and replicates.csv as
/// `capsim compare` writes them for the point alone. Returns summary.txt's text. The command line
/// and Python write through here, so their files are the same bytes.
std::string write_sweep(const std::filesystem::path& dir, const std::string& scenario_name, const std::vector<SweepPointOutcome>& points);

}  // namespace capsim::io
