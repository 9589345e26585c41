#include "capsim/trace/regularize.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace capsim {

TraceError point_error(const TracePoints& pts, std::size_t i, const std::string& message) {
  SourcePosition pos = pts.locate ? pts.locate(i) : SourcePosition{};
  const std::string& file = pos.file.empty() ? pts.file : pos.file;
  if (pos.line > 0) return TraceError(file, pos.line, message);
  return TraceError(file, pos.pointer, message);
}

SimDuration infer_period(const TracePoints& pts) {
  std::vector<UtcTime> ts = pts.times;
  std::sort(ts.begin(), ts.end());
  SimDuration best = 0;
  for (std::size_t i = 1; i < ts.size(); ++i) {
    const SimDuration d = (ts[i] - ts[i - 1]).count();
    if (d > 0 && (best == 0 || d < best)) best = d;
  }
  return best;
}

Trace regularize(const TracePoints& pts, const RegularizeOptions& opt, std::vector<std::string>& warnings,
                 RegularizeStats* stats) {
  if (pts.size() == 0) throw TraceError(pts.file, std::string(), "expected at least one data point, got none");
  if (opt.period <= 0) throw Error("trace '" + opt.name + "': the period must be > 0");
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double v = pts.values[i];
    if (!std::isfinite(v)) throw point_error(pts, i, fmt::format("expected a finite number, got {}", v));
    if (opt.unit == TraceUnit::Percent && (v < 0 || v > 100))
      throw point_error(pts, i, fmt::format("expected a percentage from 0 to 100 (a trace of percent), got {}", v));
    if (v < 0 && opt.unit != TraceUnit::Percent)
      throw point_error(pts, i, fmt::format("expected a value >= 0 (a trace of {}), got {}", to_string(opt.unit), v));
  }
  // Exports come newest first (get-metric-data), oldest first (CSV) or in no order
  // (get-metric-statistics); only the last needs an index sort, which costs memory on long series.
  const auto& ts = pts.times;
  const bool ascending = std::is_sorted(ts.begin(), ts.end());
  const bool descending = !ascending && std::is_sorted(ts.rbegin(), ts.rend());
  std::vector<std::size_t> order;
  if (!ascending && !descending) {
    order.resize(pts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ts[a] < ts[b]; });
  }
  const std::size_t n = pts.size();
  auto at = [&](std::size_t k) { return ascending ? k : descending ? n - 1 - k : order[k]; };
  for (std::size_t k : {at(0), at(n - 1)})
    if (!in_input_range(pts.times[k]))
      throw point_error(pts, k, fmt::format("expected a time from {} to {}, got {}", kFirstYear, kLastYear, format_utc(pts.times[k])));
  {
    // The grid is allocated whole: refuse one too long to hold before allocating it.
    const UtcTime first = std::min(pts.times[at(0)], opt.export_start.value_or(pts.times[at(0)]));
    const UtcTime last = std::max(pts.times[at(n - 1)], opt.export_end.value_or(pts.times[at(n - 1)]));
    const auto points = static_cast<std::uint64_t>((last - first).count() / opt.period) + 1;
    if (points > kMaxTracePoints)
      throw TraceError(pts.file, std::size_t{0},
                       fmt::format("expected at most {} points on the {:g} s grid, got {} from {} to {}; use a coarser period, "
                                   "or fewer days",
                                   kMaxTracePoints, to_seconds(opt.period), points, format_utc(first), format_utc(last)));
  }

  Trace t;
  t.name = opt.name;
  t.file = pts.file;
  t.unit = opt.unit;
  t.period = opt.period;
  t.start = pts.times[at(0)];
  std::size_t merged = 0, filled = 0, gaps = 0, largest = 0;
  std::vector<std::string> stretches;  // where the first filled gaps are, for the warning
  // Every filled run of missing points, inside the data or at the export window's ends, is counted
  // and (the first five) located the same way.
  auto count_gap = [&](UtcTime from, UtcTime to, std::size_t missing) {
    if (stretches.size() < 5) stretches.push_back(fmt::format("{} to {} ({} point(s))", format_utc(from), format_utc(to), missing));
    filled += missing;
    largest = std::max(largest, missing);
    ++gaps;
  };
  t.values.reserve(n);
  std::size_t prev = at(0);
  t.values.push_back(pts.values[prev]);
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t i = at(k);
    const SimDuration since_start = (pts.times[i] - t.start).count();
    if (since_start % opt.period != 0)
      throw point_error(pts, i, fmt::format("expected a timestamp on the {} s grid that starts at {}, got {}",
                                            to_seconds(opt.period), format_utc(t.start), format_utc(pts.times[i])));
    if (pts.times[i] == pts.times[prev]) {
      if (pts.values[i] != pts.values[prev]) {
        SourcePosition where = pts.locate ? pts.locate(prev) : SourcePosition{};
        std::string first = where.line > 0 ? fmt::format("line {}", where.line) : where.pointer;
        throw point_error(pts, i, fmt::format("timestamp {} appears twice with different values: {} at {} and {} here",
                                              format_utc(pts.times[i]), pts.values[prev], first, pts.values[i]));
      }
      ++merged;
      continue;
    }
    const SimDuration step = (pts.times[i] - pts.times[prev]).count();
    const std::size_t missing = static_cast<std::size_t>(step / opt.period) - 1;
    if (missing > 0) {
      if (opt.gaps == GapPolicy::Error)
        throw point_error(pts, i, fmt::format("expected a point every {} s, got a gap of {} missing points after {} "
                                              "(set \"gaps\" to zero, hold or linear to fill it)",
                                              to_seconds(opt.period), missing, format_utc(pts.times[prev])));
      const UtcTime from = pts.times[prev] + std::chrono::microseconds{opt.period};  // the first missing point
      const SimDuration hole = static_cast<SimDuration>(missing) * opt.period;
      if (opt.max_gap && hole > *opt.max_gap)
        throw point_error(pts, i, fmt::format("expected no gap longer than {:g} s (max_gap), got {} missing points from {} to {} ({:g} "
                                              "s): a missing page or an outage; supply the data, or raise max_gap to have it filled",
                                              to_seconds(*opt.max_gap), missing, format_utc(from), format_utc(pts.times[i]),
                                              to_seconds(hole)));
      const double a = pts.values[prev], b = pts.values[i];
      for (std::size_t j = 1; j <= missing; ++j) {
        double v = 0;
        if (opt.gaps == GapPolicy::Hold) v = a;
        if (opt.gaps == GapPolicy::Linear) v = a + (b - a) * static_cast<double>(j) / static_cast<double>(missing + 1);
        t.values.push_back(v);
      }
      count_gap(from, pts.times[i], missing);
    }
    t.values.push_back(pts.values[i]);
    prev = i;
  }
  // The export window: missing points before the first and after the last are gaps too.
  auto fill_edge = [&](UtcTime from, std::size_t missing, bool head) {
    const SimDuration hole = static_cast<SimDuration>(missing) * opt.period;
    const UtcTime to = from + std::chrono::microseconds{hole};
    if (opt.gaps == GapPolicy::Error || (opt.max_gap && hole > *opt.max_gap))
      throw TraceError(pts.file, std::size_t{0},
                       fmt::format("expected data over the export window, got {} missing points from {} to {} ({:g} s) at its {}{}",
                                   missing, format_utc(from), format_utc(to), to_seconds(hole), head ? "start" : "end",
                                   opt.gaps == GapPolicy::Error ? " (gaps: error)" : " (longer than max_gap)"));
    const double edge = head ? t.values.front() : t.values.back();
    const double v = opt.gaps == GapPolicy::Zero ? 0.0 : edge;  // hold and linear have only one side to go by
    if (head) t.values.insert(t.values.begin(), missing, v);
    else t.values.insert(t.values.end(), missing, v);
    count_gap(from, to, missing);
  };
  if (opt.export_start) {
    if (*opt.export_start > t.start || (t.start - *opt.export_start).count() % opt.period != 0)
      throw TraceError(pts.file, std::size_t{0}, fmt::format("expected the export window to start on the points' {} s grid and at or before "
                                                             "the first point ({}), got {}", to_seconds(opt.period), format_utc(t.start),
                                                             format_utc(*opt.export_start)));
    const auto missing = static_cast<std::size_t>((t.start - *opt.export_start).count() / opt.period);
    if (missing > 0) {
      fill_edge(*opt.export_start, missing, true);
      t.start = *opt.export_start;
    }
  }
  if (opt.export_end) {
    if (*opt.export_end < t.end() || (*opt.export_end - t.start).count() % opt.period != 0)
      throw TraceError(pts.file, std::size_t{0}, fmt::format("expected the export window to end on the points' {} s grid and at or after "
                                                             "the last period ({}), got {}", to_seconds(opt.period), format_utc(t.end()),
                                                             format_utc(*opt.export_end)));
    const auto missing = static_cast<std::size_t>((*opt.export_end - t.end()).count() / opt.period);
    if (missing > 0) fill_edge(t.end(), missing, false);
  }
  if (stats) *stats = RegularizeStats{pts.size(), merged, filled, gaps, largest};
  if (merged > 0)
    warnings.push_back(fmt::format("trace '{}' ({}): merged {} repeated point(s) with equal values (overlapping pages)",
                                   opt.name, pts.file, merged));
  if (filled > 0) {
    const char* how = opt.gaps == GapPolicy::Zero ? "zero" : opt.gaps == GapPolicy::Hold ? "the last value" : "interpolated values";
    std::string where;
    for (const auto& s : stretches) where += (where.empty() ? "" : "; ") + s;
    if (gaps > stretches.size()) where += fmt::format("; and {} more", gaps - stretches.size());
    warnings.push_back(fmt::format("trace '{}' ({}): filled {} missing point(s) in {} gap(s) with {}: {}", opt.name, pts.file,
                                   filled, gaps, how, where));
  }
  return t;
}

}  // namespace capsim
