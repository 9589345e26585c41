#include "capsim/core/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace capsim {

namespace {

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// A function of its own so that add(), which runs millions of times a second, holds only the test.
[[noreturn]] void throw_bad_value(double value) {
  throw std::invalid_argument("QuantileSketch::add: values must be finite and >= 0, got " + format_number(value));
}

}  // namespace

QuantileSketch::QuantileSketch(double relative_accuracy)
    : relative_accuracy_(relative_accuracy),
      gamma_((1.0 + relative_accuracy) / (1.0 - relative_accuracy)),
      inv_log_gamma_(1.0 / std::log(gamma_)) {
  if (!(relative_accuracy >= 1e-4 && relative_accuracy < 1.0)) {
    throw std::invalid_argument("QuantileSketch: relative accuracy must be in [0.0001, 1), got " +
                                format_number(relative_accuracy));
  }
}

int QuantileSketch::bucket_index(double value) const {
  const double exact = std::log(std::min(value, kMaxValue)) * inv_log_gamma_;
  // A ceiling by truncation: kMinPositive, kMaxValue and the accuracy floor keep |exact| under
  // 250,000, and on x86-64 without SSE4.1 std::ceil is a library call.
  const int truncated = static_cast<int>(exact);
  return truncated + (static_cast<double>(truncated) < exact ? 1 : 0);
}

void QuantileSketch::add(double value, std::uint64_t count) {
  if (count != 1) {
    add_counted(value, count);
    return;
  }
  if (!(value >= 0.0 && value <= std::numeric_limits<double>::max())) throw_bad_value(value);
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  if (value < kMinPositive) {
    ++zero_count_;
    return;
  }
  pending_[pending_count_] = bucket_index(value);
  if (++pending_count_ == kPending) flush_pending();
}

void QuantileSketch::add_counted(double value, std::uint64_t count) {
  if (!(value >= 0.0 && value <= std::numeric_limits<double>::max())) throw_bad_value(value);
  if (count == 0) return;
  count_ += count;
  sum_ += value * static_cast<double>(count);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  if (value < kMinPositive) {
    zero_count_ += count;
  } else {
    add_to_bucket(bucket_index(value), count);
  }
}

void QuantileSketch::add_to_bucket(int index, std::uint64_t count) {
  cover(index, index);
  counts_[static_cast<std::size_t>(index - offset_)] += count;
}

void QuantileSketch::flush_pending() {
  if (pending_count_ == 0) return;
  const auto [low, high] = std::minmax_element(pending_.begin(), pending_.begin() + pending_count_);
  cover(*low, *high);
  for (std::size_t k = 0; k < pending_count_; ++k) ++counts_[static_cast<std::size_t>(pending_[k] - offset_)];
  pending_count_ = 0;
}

void QuantileSketch::cover(int low, int high) {
  if (counts_.empty()) {
    counts_.assign(static_cast<std::size_t>(high - low) + 1, 0);
    offset_ = low;
    return;
  }
  const int top = offset_ + static_cast<int>(counts_.size()) - 1;
  if (high > top) counts_.resize(counts_.size() + static_cast<std::size_t>(high - top), 0);
  // Growing at the front moves every count, but only when a new lowest bucket appears (at most once
  // per bucket: a few thousand times at the default accuracy); keeping no slack at either end is what
  // makes equal contents equal vectors.
  if (low < offset_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - low), 0);
    offset_ = low;
  }
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.relative_accuracy_ != relative_accuracy_) {
    throw std::invalid_argument("QuantileSketch::merge: relative accuracies differ (" +
                                format_number(relative_accuracy_) + " and " +
                                format_number(other.relative_accuracy_) + ")");
  }
  if (other.count_ == 0) return;
  if (this == &other) {
    const QuantileSketch copy = other;  // so that nothing is read while it changes
    merge(copy);
    return;
  }
  if (!other.counts_.empty()) {
    cover(other.offset_, other.offset_ + static_cast<int>(other.counts_.size()) - 1);
    const auto shift = static_cast<std::size_t>(other.offset_ - offset_);
    for (std::size_t k = 0; k < other.counts_.size(); ++k) counts_[shift + k] += other.counts_[k];
  }
  for (std::size_t k = 0; k < other.pending_count_; ++k) add_to_bucket(other.pending_[k], 1);
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double QuantileSketch::quantile(double q) const {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw std::invalid_argument("QuantileSketch::quantile: q must be in [0, 1], got " + format_number(q));
  }
  if (count_ == 0) return 0.0;
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1));
  if (rank == 0) return min_;
  // >=, not ==: above 2^53 values the product can round past the last rank.
  if (rank >= count_ - 1) return max_;
  double estimate = 0.0;  // the rank falls among the zeros unless the walk below finds it
  if (rank >= zero_count_) {
    // Walks the buckets in order, counting the buffered adds in passing: const, so no flush.
    std::array<int, kPending> pending = pending_;
    std::sort(pending.begin(), pending.begin() + pending_count_);
    const int size = static_cast<int>(counts_.size());
    std::uint64_t seen = zero_count_;
    std::size_t next = 0;
    int index = pending_count_ == 0 ? offset_ : size == 0 ? pending[0] : std::min(offset_, pending[0]);
    for (;; ++index) {
      if (index >= offset_ && index < offset_ + size) seen += counts_[static_cast<std::size_t>(index - offset_)];
      for (; next < pending_count_ && pending[next] == index; ++next) ++seen;
      if (seen > rank) break;
    }
    estimate = 2.0 * std::pow(gamma_, index) / (gamma_ + 1.0);
  }
  // The bucket's midpoint can lie beyond the extreme values it holds; the exact ones are better.
  return std::clamp(estimate, min_, max_);
}

void QuantileSketch::clear() {
  counts_.clear();
  offset_ = 0;
  pending_count_ = 0;
  zero_count_ = 0;
  count_ = 0;
  sum_ = 0.0;
  min_ = std::numeric_limits<double>::infinity();
  max_ = -std::numeric_limits<double>::infinity();
}

bool operator==(const QuantileSketch& a, const QuantileSketch& b) {
  if (a.pending_count_ != 0 || b.pending_count_ != 0) {
    QuantileSketch flushed_a = a;
    QuantileSketch flushed_b = b;
    flushed_a.flush_pending();
    flushed_b.flush_pending();
    return flushed_a == flushed_b;
  }
  return a.relative_accuracy_ == b.relative_accuracy_ && a.counts_ == b.counts_ && a.offset_ == b.offset_ &&
         a.zero_count_ == b.zero_count_ && a.count_ == b.count_ && a.sum_ == b.sum_ && a.min_ == b.min_ &&
         a.max_ == b.max_;
}

}  // namespace capsim
