#include "capsim/trace/stats.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace capsim {

TraceStats summarize(const Trace& t) {
  TraceStats s;
  s.points = t.values.size();
  if (t.values.empty()) return s;
  std::vector<double> sorted = t.values;
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  // Nearest-rank percentile, as for the SLA backlog.
  s.p95 = sorted[static_cast<std::size_t>(std::max(1.0, std::ceil(0.95 * static_cast<double>(sorted.size())))) - 1];
  std::array<double, 24> sum{};
  std::array<std::size_t, 24> count{};
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    s.total += t.values[i];
    const UtcTime at = t.start + std::chrono::microseconds{t.period * static_cast<SimDuration>(i)};
    const auto since_midnight = at - std::chrono::floor<std::chrono::days>(at);
    const auto hour = static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::hours>(since_midnight).count());
    sum[hour] += t.values[i];
    ++count[hour];
  }
  s.mean = s.total / static_cast<double>(t.values.size());
  for (std::size_t h = 0; h < 24; ++h) s.hourly_mean[h] = count[h] ? sum[h] / static_cast<double>(count[h]) : 0.0;
  return s;
}

std::string sparkline(const double* values, std::size_t n) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (n == 0) return {};
  const double lo = *std::min_element(values, values + n), hi = *std::max_element(values, values + n);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = hi > lo ? (values[i] - lo) / (hi - lo) : 0.0;
    out += kBars[std::min<std::size_t>(7, static_cast<std::size_t>(x * 8))];
  }
  return out;
}

}  // namespace capsim
