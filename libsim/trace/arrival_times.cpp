#include "capsim/trace/arrival_times.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

void poisson_arrival_times(std::int64_t n, SimTime start, SimDuration length, Rng& rng, std::vector<SimTime>& out) {
  out.clear();
  if (n <= 0) return;
  out.reserve(static_cast<std::size_t>(n));
  // Partial sums of n + 1 exponentials, divided by the total, are n sorted uniforms on (0, 1).
  std::vector<double> sums(static_cast<std::size_t>(n));
  double total = 0;
  for (auto& s : sums) {
    total += -std::log(1.0 - rng.uniform01());
    s = total;
  }
  total += -std::log(1.0 - rng.uniform01());
  const double scale = static_cast<double>(length) / total;
  const SimTime last = start + length - 1;
  for (const double s : sums) out.push_back(std::min(last, start + static_cast<SimTime>(s * scale)));
}

void even_arrival_times(std::int64_t n, SimTime start, SimDuration length, std::vector<SimTime>& out) {
  out.clear();
  if (n <= 0) return;
  out.reserve(static_cast<std::size_t>(n));
  const double step = static_cast<double>(length) / static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) out.push_back(start + static_cast<SimTime>((static_cast<double>(i) + 0.5) * step));
}

}  // namespace capsim
