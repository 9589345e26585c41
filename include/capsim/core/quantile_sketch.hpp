#pragma once
// Latency percentiles that combine across windows and replicates without keeping every value: a
// DDSketch (Masson, Rim & Lee, VLDB 2019), whose quantiles carry a relative-error guarantee, so a
// p99 of 2 ms and one of 20 s are both right to the same fraction, and whose merge is exact.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace capsim {

/// Counts values in logarithmic buckets: bucket i holds (gamma^(i-1), gamma^i] with
/// gamma = (1 + a) / (1 - a), and reports a bucket as 2 gamma^i / (gamma + 1), which is within a
/// relative error a of every value in it. Memory grows with the ratio max/min of the positive values
/// added (about 2,100 buckets of 8 bytes per factor of 1e9 at a = 0.005), not with their number.
///
/// Above kMaxValue (1e12) values share the top bucket: they are still counted, and min, max, sum and
/// the extreme quantiles stay exact, but quantiles in between lose the guarantee there. Together with
/// kMinPositive this bounds a sketch to about 4,840 buckets at the default accuracy.
///
/// Deterministic: the same adds in the same order give an identical sketch, and operator== compares
/// contents, so merging A into B and B into A give equal sketches. Only sum() can differ, in its
/// last bits, between sketches of the same values added or merged in different orders
/// (floating-point addition is not associative). Not safe to add to from several threads at once;
/// const members may be called concurrently.
class QuantileSketch {
 public:
  /// Values below this count as zero: a request that does not wait is common, and logarithmic
  /// buckets cannot hold 0.
  static constexpr double kMinPositive = 1e-9;
  /// Values above this share the top bucket (see the class comment).
  static constexpr double kMaxValue = 1e12;

  /// Values are kept to within `relative_accuracy` (default 0.005: 0.5%) of their true value.
  /// Throws std::invalid_argument unless 1e-4 <= relative_accuracy < 1: finer accuracy would make a
  /// sketch spanning kMinPositive..kMaxValue hold over 240,000 buckets.
  explicit QuantileSketch(double relative_accuracy = 0.005);

  /// Adds a non-negative value (`count` times; a count of 0 adds nothing). Values below kMinPositive
  /// count as zero. Negative or non-finite values throw std::invalid_argument.
  void add(double value, std::uint64_t count = 1);

  /// Adds every value of `other` (same relative accuracy required, else std::invalid_argument).
  void merge(const QuantileSketch& other);

  /// The q-quantile for q in [0, 1]: the lower quantile, i.e. the value of rank floor(q * (n - 1)) in
  /// 0-based sorted order, as the DDSketch paper defines it, within the relative accuracy. Exact
  /// (min or max) at the ranks 0 and n - 1, and never outside [min, max]. 0 when empty. q outside
  /// [0, 1] (or NaN) throws std::invalid_argument.
  double quantile(double q) const;

  std::uint64_t count() const { return count_; }
  /// The sum of the added values times their counts, kept apart from the buckets (not estimated).
  double sum() const { return sum_; }
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }
  double min() const { return count_ == 0 ? 0.0 : min_; }  // exact, 0 when empty
  double max() const { return count_ == 0 ? 0.0 : max_; }  // exact, 0 when empty
  double relative_accuracy() const { return relative_accuracy_; }

  /// Empties the sketch, keeping its accuracy (and its bucket memory, for reuse per window).
  void clear();

  /// Equal accuracy, bucket counts, count, sum, min and max, whether or not single adds still wait
  /// in the buffer below.
  friend bool operator==(const QuantileSketch& a, const QuantileSketch& b);

 private:
  static constexpr std::size_t kPending = 64;

  int bucket_index(double value) const;
  // Extends counts_ to cover [low, high] as well as what it covers now.
  void cover(int low, int high);
  // add() with a count other than 1: kept out of add's single-value path.
  void add_counted(double value, std::uint64_t count);
  void add_to_bucket(int index, std::uint64_t count);
  void flush_pending();

  double relative_accuracy_;
  double gamma_;
  double inv_log_gamma_;  // multiplying beats dividing in add()
  // counts_[k] counts bucket offset_ + k; it spans exactly the lowest to the highest non-empty
  // bucket (empty, offset_ 0, until a positive value arrives), so equal contents are equal vectors.
  std::vector<std::uint64_t> counts_;
  int offset_ = 0;
  // Buckets of single adds not yet in counts_. Incrementing a bucket whose address comes out of a
  // logarithm holds up the loads of the next add until that address is known (on AMD Zen 2: 27 ns
  // per add without this buffer, 14 ns with it); applied 64 at a time, the addresses are known early.
  std::array<int, kPending> pending_{};
  std::size_t pending_count_ = 0;
  std::uint64_t zero_count_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace capsim
