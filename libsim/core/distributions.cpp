#include "capsim/core/distributions.hpp"

#include "overloaded.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace capsim {

double sample_uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.uniform01(); }

double sample_exponential(Rng& rng, double mean) {
  // 1 - u lies in (0, 1], so the logarithm is finite.
  return -mean * std::log(1.0 - rng.uniform01());
}

double sample_normal(Rng& rng, double mean, double sd) {
  const double u1 = 1.0 - rng.uniform01();  // (0, 1]
  const double u2 = rng.uniform01();
  return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double sample_lognormal(Rng& rng, double median, double sigma) {
  return median * std::exp(sample_normal(rng, 0.0, sigma));
}

bool sample_bernoulli(Rng& rng, double p) { return rng.uniform01() < p; }

std::int64_t sample_poisson(Rng& rng, double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 10.0) {
    const double limit = std::exp(-mean);
    std::int64_t k = 0;
    double prod = rng.uniform01();
    while (prod > limit) {
      ++k;
      prod *= rng.uniform01();
    }
    return k;
  }
  // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993).
  const double slam = std::sqrt(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.uniform01() - 0.5;
    const double v = rng.uniform01();
    const double us = 0.5 - std::fabs(u);
    const auto k = static_cast<std::int64_t>(std::floor((2.0 * a / us + b) * u + mean + 0.43));
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const double lhs = std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b);
    // log(mean) only here: most draws are accepted above without it (a draw per period, a month).
    const double rhs = -mean + static_cast<double>(k) * std::log(mean) - std::lgamma(static_cast<double>(k) + 1.0);
    if (lhs <= rhs) return k;
  }
}

double sample_empirical(Rng& rng, const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  auto i = static_cast<std::size_t>(rng.uniform01() * static_cast<double>(values.size()));
  return values[std::min(i, values.size() - 1)];
}

namespace {
using detail::Overloaded;
}  // namespace

double Distribution::sample(Rng& rng) const {
  return std::visit(
      Overloaded{[](const Constant& d) { return d.value; },
                 [&](const Uniform& d) { return sample_uniform(rng, d.min, d.max); },
                 [&](const Exponential& d) { return sample_exponential(rng, d.mean); },
                 [&](const Normal& d) {
                   const double x = sample_normal(rng, d.mean, d.sd);
                   return may_be_negative ? x : std::max(0.0, x);
                 },
                 [&](const Lognormal& d) { return sample_lognormal(rng, d.median, d.sigma); },
                 [&](const Empirical& d) { return sample_empirical(rng, d.values); }},
      spec);
}

double Distribution::mean() const {
  return std::visit(Overloaded{[](const Constant& d) { return d.value; },
                               [](const Uniform& d) { return 0.5 * (d.min + d.max); },
                               [](const Exponential& d) { return d.mean; },
                               // Mean of max(0, X): the normal truncated at zero from below.
                               [this](const Normal& d) {
                                 if (may_be_negative) return d.mean;
                                 if (d.sd == 0.0) return std::max(0.0, d.mean);
                                 const double z = d.mean / d.sd;
                                 const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
                                 const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
                                 return d.mean * cdf + d.sd * pdf;
                               },
                               [](const Lognormal& d) { return d.median * std::exp(0.5 * d.sigma * d.sigma); },
                               [](const Empirical& d) {
                                 double s = 0;
                                 for (double v : d.values) s += v;
                                 return d.values.empty() ? 0.0 : s / static_cast<double>(d.values.size());
                               }},
                    spec);
}

std::string Distribution::describe() const {
  return std::visit(
      Overloaded{[](const Constant& d) { return fmt::format("{:g}", d.value); },
                 [](const Uniform& d) { return fmt::format("uniform({:g}..{:g})", d.min, d.max); },
                 [](const Exponential& d) { return fmt::format("exponential(mean {:g})", d.mean); },
                 [](const Normal& d) { return fmt::format("normal(mean {:g}, sd {:g})", d.mean, d.sd); },
                 [](const Lognormal& d) { return fmt::format("lognormal(median {:g}, sigma {:g})", d.median, d.sigma); },
                 [](const Empirical& d) { return fmt::format("empirical({} values)", d.values.size()); }},
      spec);
}

}  // namespace capsim
