#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "capsim/core/quantile_sketch.hpp"

using capsim::QuantileSketch;

namespace {

// The lower quantile as DDSketch's paper defines it: the value of rank floor(q (n - 1)), 0-based, in
// sorted order.
double exact_lower_quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

// The guarantee, with room only for rounding in the logarithm of a value on a bucket's edge.
bool within_accuracy(double estimate, double exact, double accuracy) {
  return std::abs(estimate - exact) <= (accuracy + 1e-12) * exact;
}

// Latency-like values: median 50 ms, a long tail (p99.9 near 5 s), a few below a millisecond.
std::vector<double> lognormal_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(0.05), 1.5);
  std::vector<double> values(n);
  for (double& v : values) v = dist(rng);
  return values;
}

// Rounded to multiples of 2^-20 and below 2^12, so that any sum of a million of them is exact in a
// double: then sketches of the same values compare equal whatever order they were summed in.
std::vector<double> dyadic_values(std::size_t n, std::uint64_t seed) {
  std::vector<double> values = lognormal_values(n, seed);
  for (double& v : values) v = std::ldexp(std::round(std::ldexp(std::min(v, 4000.0), 20)), -20);
  return values;
}

QuantileSketch sketch_of(const std::vector<double>& values, double accuracy = 0.005) {
  QuantileSketch sketch(accuracy);
  for (double v : values) sketch.add(v);
  return sketch;
}

}  // namespace

TEST_CASE("QuantileSketch: quantiles of 1..100000 are within 0.5% of the exact lower quantile") {
  std::vector<double> values;
  for (int i = 1; i <= 100000; ++i) values.push_back(i);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(7));
  const QuantileSketch sketch = sketch_of(values);
  // Rank floor(q * 99999) of 1..100000 is the value rank + 1.
  CHECK(within_accuracy(sketch.quantile(0.5), 50000, 0.005));   // floor(49999.5) = 49999
  CHECK(within_accuracy(sketch.quantile(0.9), 90000, 0.005));   // floor(89999.1) = 89999
  CHECK(within_accuracy(sketch.quantile(0.95), 95000, 0.005));  // floor(94999.05) = 94999
  CHECK(within_accuracy(sketch.quantile(0.99), 99000, 0.005));  // floor(98999.01) = 98999
  CHECK(within_accuracy(sketch.quantile(0.999), 99900, 0.005)); // floor(99899.001) = 99899
  CHECK(sketch.quantile(0.0) == 1.0);
  CHECK(sketch.quantile(1.0) == 100000.0);
  CHECK(sketch.count() == 100000);
}

TEST_CASE("QuantileSketch: quantiles of lognormal values are within the accuracy at every q") {
  const std::vector<double> values = lognormal_values(200000, 42);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (double accuracy : {0.005, 0.01, 0.02}) {
    CAPTURE(accuracy);
    const QuantileSketch sketch = sketch_of(values, accuracy);
    for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
      CAPTURE(q);
      CHECK(within_accuracy(sketch.quantile(q), exact_lower_quantile(sorted, q), accuracy));
    }
    int outside = 0;
    for (int k = 1; k < 1000; ++k) {
      const double q = k / 1000.0;
      if (!within_accuracy(sketch.quantile(q), exact_lower_quantile(sorted, q), accuracy)) ++outside;
    }
    CHECK(outside == 0);
    CHECK(sketch.quantile(0.0) == sorted.front());
    CHECK(sketch.quantile(1.0) == sorted.back());
  }
}

TEST_CASE("QuantileSketch: a handful of values (all still in the add buffer)") {
  const QuantileSketch sketch = sketch_of({3, 1, 4, 1, 5, 9, 2, 6, 5, 3});  // sorted: 1 1 2 3 3 4 5 5 6 9
  CHECK(sketch.quantile(0.0) == 1.0);
  CHECK(within_accuracy(sketch.quantile(0.2), 1, 0.005));   // rank floor(1.8) = 1 -> 1
  CHECK(within_accuracy(sketch.quantile(0.25), 2, 0.005));  // rank floor(2.25) = 2 -> 2
  CHECK(within_accuracy(sketch.quantile(0.5), 3, 0.005));   // rank floor(4.5) = 4 -> 3
  CHECK(within_accuracy(sketch.quantile(0.9), 6, 0.005));   // rank floor(8.1) = 8 -> 6
  CHECK(sketch.quantile(1.0) == 9.0);
}

TEST_CASE("QuantileSketch: zeros have their own count") {
  QuantileSketch sketch;
  sketch.add(0.0, 900);
  for (int i = 0; i < 100; ++i) sketch.add(5.0);
  // 1000 values: ranks 0..899 are 0, ranks 900..999 are 5.
  CHECK(sketch.quantile(0.5) == 0.0);
  CHECK(sketch.quantile(0.9) == 0.0);  // rank floor(899.1) = 899
  CHECK(within_accuracy(sketch.quantile(0.901), 5.0, 0.005));  // rank floor(900.099) = 900
  CHECK(within_accuracy(sketch.quantile(0.95), 5.0, 0.005));
  CHECK(sketch.quantile(1.0) == 5.0);

  // Below kMinPositive a value counts as zero; the exact minimum is still the answer at rank 0, and
  // the zeros' 0 is raised to it (quantiles never leave [min, max]).
  QuantileSketch tiny;
  for (int i = 0; i < 900; ++i) tiny.add(1e-12);
  tiny.add(5.0, 100);
  CHECK(tiny.quantile(0.0) == 1e-12);
  CHECK(tiny.quantile(0.5) == 1e-12);
  CHECK(within_accuracy(tiny.quantile(0.95), 5.0, 0.005));
  CHECK(tiny.min() == 1e-12);
  CHECK(tiny.count() == 1000);
}

TEST_CASE("QuantileSketch: count, sum, mean, min and max are exact") {
  QuantileSketch empty;
  CHECK(empty.count() == 0);
  CHECK(empty.sum() == 0.0);
  CHECK(empty.mean() == 0.0);
  CHECK(empty.min() == 0.0);
  CHECK(empty.max() == 0.0);
  CHECK(empty.quantile(0.5) == 0.0);
  CHECK(empty.relative_accuracy() == 0.005);

  QuantileSketch sketch;
  for (double v : {0.5, 0.0, 3.25, 2.0}) sketch.add(v);
  sketch.add(10.0, 3);
  sketch.add(70.0, 0);  // adds nothing, not even to min or max
  CHECK(sketch.count() == 7);
  CHECK(sketch.sum() == 35.75);  // 0.5 + 0 + 3.25 + 2 + 3 * 10
  CHECK(sketch.mean() == 35.75 / 7);
  CHECK(sketch.min() == 0.0);
  CHECK(sketch.max() == 10.0);

  sketch.clear();
  CHECK(sketch == QuantileSketch());
  CHECK(sketch.quantile(0.5) == 0.0);
  sketch.add(2.5);
  CHECK(sketch.min() == 2.5);
  CHECK(sketch.max() == 2.5);
  CHECK(sketch.quantile(0.5) == 2.5);
}

TEST_CASE("QuantileSketch: add with a count is the same as adding one at a time") {
  QuantileSketch weighted;
  QuantileSketch one_by_one;
  for (double v : {0.25, 1.5, 0.0, 1024.0}) {
    weighted.add(v, 70);
    for (int i = 0; i < 70; ++i) one_by_one.add(v);
  }
  CHECK(weighted == one_by_one);
  CHECK(weighted.sum() == 70 * (0.25 + 1.5 + 1024.0));
  one_by_one.add(1.5);
  CHECK_FALSE(weighted == one_by_one);
  // Same count, sum, min and max; different buckets.
  CHECK_FALSE(sketch_of({1, 2, 3, 4}) == sketch_of({1, 2.5, 2.5, 4}));
  CHECK_FALSE(QuantileSketch(0.01) == QuantileSketch(0.02));
}

TEST_CASE("QuantileSketch: the order of adds does not matter") {
  std::vector<double> values = dyadic_values(20000, 3);
  const QuantileSketch shuffled = sketch_of(values);
  std::sort(values.begin(), values.end());
  const QuantileSketch ascending = sketch_of(values);
  std::reverse(values.begin(), values.end());
  const QuantileSketch descending = sketch_of(values);  // grows its buckets downwards, one at a time
  CHECK(shuffled == ascending);
  CHECK(shuffled == descending);
}

TEST_CASE("QuantileSketch: merging equals sketching the union, in any order") {
  const std::vector<double> values = dyadic_values(30001, 11);
  std::vector<double> a(values.begin(), values.begin() + 10000);
  std::vector<double> b(values.begin() + 10000, values.begin() + 25000);
  std::vector<double> c(values.begin() + 25000, values.end());
  c.insert(c.end(), 50, 0.0);  // only c has zeros
  std::vector<double> all = a;
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c.begin(), c.end());
  const QuantileSketch whole = sketch_of(all);

  QuantileSketch ab = sketch_of(a);
  ab.merge(sketch_of(b));
  QuantileSketch ba = sketch_of(b);
  ba.merge(sketch_of(a));
  CHECK(ab == ba);

  QuantileSketch abc = ab;
  abc.merge(sketch_of(c));
  QuantileSketch cba = sketch_of(c);
  cba.merge(sketch_of(b));
  cba.merge(sketch_of(a));
  CHECK(abc == whole);
  CHECK(cba == whole);
  CHECK(abc.count() == 30051);
  CHECK(abc.quantile(0.0) == 0.0);

  QuantileSketch empty;
  empty.merge(whole);
  CHECK(empty == whole);
  QuantileSketch unchanged = whole;
  unchanged.merge(QuantileSketch());
  CHECK(unchanged == whole);

  // Merging a sketch into itself counts every value twice.
  QuantileSketch twice = sketch_of(a);
  twice.merge(twice);
  std::vector<double> a_twice = a;
  a_twice.insert(a_twice.end(), a.begin(), a.end());
  CHECK(twice == sketch_of(a_twice));
}

TEST_CASE("QuantileSketch: merging values of any kind keeps counts, extremes and quantiles") {
  const std::vector<double> values = lognormal_values(50000, 5);
  // Disjoint ranges: the merged buckets grow at both ends.
  std::vector<double> low, high;
  for (double v : values) (v < 0.05 ? low : high).push_back(v);
  QuantileSketch merged = sketch_of(high);
  merged.merge(sketch_of(low));
  QuantileSketch other_way = sketch_of(low);
  other_way.merge(sketch_of(high));
  const QuantileSketch whole = sketch_of(values);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  CHECK(merged.count() == whole.count());
  CHECK(merged.min() == sorted.front());
  CHECK(merged.max() == sorted.back());
  CHECK(merged.sum() == doctest::Approx(whole.sum()).epsilon(1e-12));
  CHECK(merged.sum() == other_way.sum());  // two summands: order cannot matter
  CHECK(merged == other_way);
  for (int k = 0; k <= 1000; ++k) {
    const double q = k / 1000.0;
    CAPTURE(q);
    CHECK(merged.quantile(q) == whole.quantile(q));
  }
}

TEST_CASE("QuantileSketch: values above kMaxValue share the top bucket") {
  QuantileSketch sketch;
  sketch.add(2e12, 10);
  sketch.add(1e200, 10);
  sketch.add(std::numeric_limits<double>::max());
  CHECK(sketch.count() == 21);
  CHECK(sketch.quantile(0.0) == 2e12);
  CHECK(sketch.quantile(1.0) == std::numeric_limits<double>::max());
  CHECK(sketch.max() == std::numeric_limits<double>::max());
  // Rank floor(0.7 * 20) = 14 is a 1e200, but the top bucket reads about kMaxValue (1e12), under the
  // exact minimum, so the minimum is what comes back: the documented loss above kMaxValue.
  CHECK(sketch.quantile(0.7) == 2e12);
}

TEST_CASE("QuantileSketch: bad input throws and leaves the sketch unchanged") {
  QuantileSketch sketch;
  sketch.add(1.0);
  const QuantileSketch before = sketch;
  CHECK_THROWS_AS(sketch.add(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(-1e-300), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(std::numeric_limits<double>::infinity()), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(-2.0, 5), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(std::nan(""), 0), std::invalid_argument);
  CHECK(sketch == before);

  CHECK_THROWS_AS(sketch.quantile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(sketch.quantile(-0.1), std::invalid_argument);
  CHECK_THROWS_AS(sketch.quantile(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch().quantile(2.0), std::invalid_argument);

  QuantileSketch coarse(0.01);
  coarse.add(1.0);
  CHECK_THROWS_AS(sketch.merge(coarse), std::invalid_argument);
  CHECK_THROWS_AS(coarse.merge(sketch), std::invalid_argument);
  CHECK(sketch == before);

  CHECK_THROWS_AS(QuantileSketch(0.0), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(-0.01), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(1.0), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(1e-5), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(std::nan("")), std::invalid_argument);
  CHECK_NOTHROW(QuantileSketch(1e-4));
}
