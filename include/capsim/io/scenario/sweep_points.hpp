#pragma once
// A sweep's points: the Cartesian product of parameters (`--param /pointer=v1,v2,...`) or a list
// of points from a file. Each point is a list of values set by JSON pointer (scenario_patch.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "capsim/io/scenario/scenario_patch.hpp"

namespace capsim::io {

struct SweepParam {
  std::string pointer;
  std::vector<std::string> values_json;  // each a JSON value

  friend bool operator==(const SweepParam&, const SweepParam&) = default;
};

/// "/pointer=v1,v2,...": values split at commas outside brackets and quotes, so [1,2] and "a,b"
/// stay whole; a value that is JSON (2, 0.5, true, null, "text", [..], {..}) is taken as such,
/// anything else as a string (on-demand). Throws Error naming the text when it has no pointer, no
/// '=', or an empty value.
SweepParam parse_sweep_param(const std::string& text);

/// Every combination of the parameters' values, the first parameter varying slowest. Throws Error
/// when a pointer is given twice or there is no parameter.
std::vector<std::vector<PointerValue>> cartesian_points(const std::vector<SweepParam>& params);

/// A points file: a JSON array of objects, each mapping pointers to values
/// ([{"/services/0/replicas": 2, "/simulation/seed": 7}, ...]). Throws Error naming the file and
/// the place in it (a point that is not an object, an empty list, a key that is not a pointer).
std::vector<std::vector<PointerValue>> read_sweep_points(const std::filesystem::path& file);

/// The pointers the points set, in order of first appearance: the sweep table's columns.
std::vector<std::string> sweep_pointers(const std::vector<std::vector<PointerValue>>& points);

/// A value as a table cell: a string without its quotes, anything else as its JSON text.
std::string value_cell(const std::string& value_json);

}  // namespace capsim::io
