#pragma once
// Shared by the benchmark programs: every benchmark's measurements are collected, then each
// registered target check prints its target, the measured value and PASS/FAIL.
#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace capsim::bench {

struct Measurement {
  double items_per_second = 0;
  double real_time_ns = 0;  // per iteration
  std::map<std::string, double> counters;
};
using Measurements = std::map<std::string, Measurement>;  // by benchmark name ("BM_X/100")

/// A target check: prints its line(s); returns the number of failures. Checks whose benchmarks were
/// filtered out print nothing and return 0.
using Check = std::function<int(const Measurements&)>;

std::vector<Check>& checks();
struct RegisterCheck {
  explicit RegisterCheck(Check c) { checks().push_back(std::move(c)); }
};

/// The measurement whose benchmark name starts with `prefix` ("BM_Window/60/"); null when filtered out.
const Measurement* find(const Measurements& m, const std::string& prefix);

/// 1234567 → "1,234,567": rates read more easily with thousands separators.
std::string grouped(double x);

/// "target ... measured ... PASS|FAIL" line; returns 1 on FAIL.
int report(const std::string& what, const std::string& target, const std::string& measured, bool pass);

}  // namespace capsim::bench
