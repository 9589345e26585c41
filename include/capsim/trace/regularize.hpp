#pragma once
// From timestamped points to a regular series: order, merge repeats, check the grid, fill gaps.
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/error.hpp"
#include "capsim/trace/trace.hpp"

namespace capsim {

/// What fills a period with no point. Every filled point is counted in the warnings.
enum class GapPolicy {
  Zero,    // nothing happened (a count metric CloudWatch left out because it was zero)
  Hold,    // the last value carries on
  Linear,  // interpolate between the neighbours
  Error,   // a gap is an error
};

struct RegularizeOptions {
  std::string name;        // the trace's name, for messages
  SimDuration period = 0;  // the spacing the points must keep
  TraceUnit unit = TraceUnit::Requests;
  GapPolicy gaps = GapPolicy::Zero;
  std::optional<SimDuration> max_gap{};  // a longer run of missing points is an error (a missing page, an outage)
  // The window the data was exported for: CloudWatch leaves out leading and trailing periods without
  // data, so points missing at either end are filled like any other gap.
  std::optional<UtcTime> export_start{}, export_end{};
};

/// What regularize did, for reports (`capsim trace inspect`).
struct RegularizeStats {
  std::size_t points_read = 0;
  std::size_t merged = 0;             // repeated points with equal values
  std::size_t filled = 0;             // missing points filled by the gap policy
  std::size_t gaps = 0;               // runs of missing points
  std::size_t largest_gap_points = 0;
};

/// A TraceError at point i of `pts`, naming its file and position.
TraceError point_error(const TracePoints& pts, std::size_t i, const std::string& message);

/// Sorts the points by time, merges a point repeated with the same value (overlapping pages), and
/// lays them on the grid of the earliest point. Throws TraceError at the offending point for a
/// repeat with another value, a timestamp off the grid, a negative or non-finite count, or a gap
/// under GapPolicy::Error; appends a warning for every merge or fill.
Trace regularize(const TracePoints& pts, const RegularizeOptions& opt, std::vector<std::string>& warnings,
                 RegularizeStats* stats = nullptr);

/// The spacing of the points: the smallest positive step between their sorted timestamps (0 with
/// fewer than two distinct times).
SimDuration infer_period(const TracePoints& pts);

}  // namespace capsim
