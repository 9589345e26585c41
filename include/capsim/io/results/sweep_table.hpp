#pragma once
// A sweep's tidy tables: the per-point CSVs of compare (replicates.csv, summary.csv) stacked, each
// row led by its point's number and parameter values, one column per swept pointer.
#include <string>
#include <vector>

#include "capsim/io/scenario/scenario_patch.hpp"

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

}  // namespace capsim::io
