#include "bench_main.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace capsim::bench {

std::vector<Check>& checks() {
  static std::vector<Check> all;
  return all;
}

std::string grouped(double x) {
  std::string digits = fmt::format("{:.0f}", x);
  for (std::size_t i = digits.size(); i > 3 && digits[i - 4] != '-'; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

const Measurement* find(const Measurements& m, const std::string& prefix) {
  for (const auto& [name, v] : m)
    if (name.rfind(prefix, 0) == 0) return &v;
  return nullptr;
}

int report(const std::string& what, const std::string& target, const std::string& measured, bool pass) {
  std::printf("%s: target %s; measured %s: %s\n", what.c_str(), target.c_str(), measured.c_str(), pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}

namespace {
class Collector : public benchmark::ConsoleReporter {
 public:
  Measurements results;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration && r.aggregate_name != "mean") continue;
      Measurement& m = results[r.run_name.str()];
      m.real_time_ns = r.GetAdjustedRealTime() * (r.time_unit == benchmark::kMillisecond   ? 1e6
                                                  : r.time_unit == benchmark::kMicrosecond ? 1e3
                                                  : r.time_unit == benchmark::kSecond      ? 1e9
                                                                                           : 1.0);
      for (const auto& [k, v] : r.counters) m.counters[k] = v.value;
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) m.items_per_second = it->second.value;
    }
  }
};
}  // namespace

}  // namespace capsim::bench

namespace capsim::bench {
int import_peak_child(const char* file);
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--capsim-import-peak-kib") return capsim::bench::import_peak_child(argv[2]);
  benchmark::Initialize(&argc, argv);
  capsim::bench::Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  std::printf("\n");
  int failures = 0;
  for (const auto& c : capsim::bench::checks()) failures += c(collector.results);
  return failures == 0 ? 0 : 1;
}
