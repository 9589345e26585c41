#pragma once
// Our own distributions: standard-library distributions differ between implementations, and results
// must be byte-identical everywhere.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "capsim/core/rng.hpp"

namespace capsim {

double sample_uniform(Rng& rng, double lo, double hi);
double sample_exponential(Rng& rng, double mean);
/// Box–Muller, one normal per call (the second is discarded so a draw never depends on the last).
double sample_normal(Rng& rng, double mean, double sd);
double sample_lognormal(Rng& rng, double median, double sigma);
bool sample_bernoulli(Rng& rng, double p);
/// Exact Poisson: multiplication method below mean 10, Hörmann's PTRS transformed rejection above.
std::int64_t sample_poisson(Rng& rng, double mean);
/// One of `values`, each equally likely.
double sample_empirical(Rng& rng, const std::vector<double>& values);

/// A latency (or other non-negative quantity) distribution as written in scenario files.
struct Distribution {
  struct Constant { double value = 0; };
  struct Uniform { double min = 0, max = 0; };
  struct Exponential { double mean = 1; };
  struct Normal { double mean = 0, sd = 0; };  // draws below zero become zero
  struct Lognormal { double median = 1, sigma = 0; };
  struct Empirical { std::vector<double> values; };
  std::variant<Constant, Uniform, Exponential, Normal, Lognormal, Empirical> spec = Constant{};
  bool may_be_negative = false;  // a signed quantity (a time shift): normal draws are not clipped at zero

  double sample(Rng& rng) const;
  /// The distribution's mean (for reports and sanity checks).
  double mean() const;
  /// "lognormal(median 90, sigma 0.3)".
  std::string describe() const;
};

}  // namespace capsim
