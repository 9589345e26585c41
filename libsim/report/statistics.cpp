#include "capsim/report/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

// Boost.Math for the quantiles of Student's t and the normal distribution: well-kept and exact,
// where a hand-written inverse incomplete beta would be neither.
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace capsim {

double mean_of(const std::vector<double>& x) {
  if (x.empty()) return std::nan("");
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double sd_of(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  const double m = mean_of(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double quantile_of(std::vector<double> x, double q) {
  if (x.empty()) return std::nan("");
  std::sort(x.begin(), x.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(x.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (pos - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

double cvar_upper(std::vector<double> x, double alpha) {
  if (x.empty()) return std::nan("");
  std::sort(x.begin(), x.end(), std::greater<>());
  const double w = static_cast<double>(x.size()) * (1.0 - alpha);  // how many values the tail holds
  const auto whole = static_cast<std::size_t>(std::floor(w));
  double sum = 0;
  for (std::size_t i = 0; i < whole && i < x.size(); ++i) sum += x[i];
  const double part = w - static_cast<double>(whole);
  if (whole < x.size()) sum += part * x[whole];
  return w > 0 ? sum / w : x.front();
}

std::optional<Interval> mean_interval(const std::vector<double>& x, double level) {
  if (x.size() < 2) return std::nullopt;
  const double m = mean_of(x);
  const double se = sd_of(x) / std::sqrt(static_cast<double>(x.size()));
  const boost::math::students_t t(static_cast<double>(x.size() - 1));
  const double half = boost::math::quantile(t, 0.5 + level / 2) * se;
  return Interval{m - half, m + half};
}

std::optional<Interval> wilson_interval(std::size_t successes, std::size_t n, double level) {
  if (n == 0) return std::nullopt;
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + level / 2);
  const double nn = static_cast<double>(n), p = static_cast<double>(successes) / nn;
  const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
  const double half = z / (1 + z * z / nn) * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::vector<bool> pareto_front(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<bool> out(a.size(), true);
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a.size() && out[i]; ++j)
      if (j != i && a[j] <= a[i] && b[j] <= b[i] && (a[j] < a[i] || b[j] < b[i])) out[i] = false;
  return out;
}

}  // namespace capsim
