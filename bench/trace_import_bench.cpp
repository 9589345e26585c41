// A year of 1-minute CloudWatch points as one get-metric-data file (~18 MB, generated here) read
// into a Trace resampled to 5 minutes. Targets (traces issue): <= 200 ms, and peak memory <= 2x the
// file size. Memory is measured in a forked child (its maximum resident set before and after).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_main.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/io/traces/trace_reader.hpp"
#include "capsim/trace/resample.hpp"

namespace {

constexpr double kImportTargetMs = 200;
constexpr double kTargetMemoryRatio = 2.0;
constexpr std::size_t kPoints = 365 * 1440;

// Written once per run into the temp folder, newest first with "+00:00" stamps as the CLI prints.
const std::filesystem::path& year_file() {
  static const std::filesystem::path path = [] {
    auto p = std::filesystem::temp_directory_path() / fmt::format("capsim-bench-year-{}.json", ::getpid());
    const capsim::UtcTime start = *capsim::io::parse_iso8601("2024-01-01T00:00:00Z");
    capsim::Rng rng = capsim::make_stream({1, 0, "bench", "year", 0});
    std::string ts = "{\n  \"MetricDataResults\": [\n    {\n      \"Id\": \"requests\",\n      \"Label\": \"RequestCount\",\n      \"Timestamps\": [";
    std::string vs = "\n      ],\n      \"Values\": [";
    for (std::size_t k = 0; k < kPoints; ++k) {
      const std::size_t i = kPoints - 1 - k;
      std::string t = capsim::format_utc(start + std::chrono::minutes{static_cast<long>(i)});
      t.replace(t.size() - 1, 1, "+00:00");
      ts += fmt::format("{}\n        \"{}\"", k ? "," : "", t);
      vs += fmt::format("{}\n        {}", k ? "," : "", 500 + rng.next() % 5000);
    }
    std::ofstream(p) << ts << vs << "\n      ],\n      \"StatusCode\": \"Complete\"\n    }\n  ],\n  \"Messages\": []\n}\n";
    return p;
  }();
  return path;
}

capsim::Trace import_year(const std::filesystem::path& file) {
  capsim::io::TraceSource src;
  src.name = "year";
  src.format = capsim::io::TraceFormat::CloudWatchMetricData;
  src.files = {{file, "year.json"}};
  src.period = capsim::seconds(60);
  auto read = capsim::io::read_trace(src);
  auto opt = capsim::default_resample(capsim::TraceKind::Count, capsim::seconds(300), read.trace.start);
  return capsim::resample(read.trace, opt, read.warnings);
}

void BM_ImportYearGetMetricData(benchmark::State& state) {
  const double mb = static_cast<double>(std::filesystem::file_size(year_file())) / 1e6;
  for (auto _ : state) {
    capsim::Trace t = import_year(year_file());
    benchmark::DoNotOptimize(t.values.data());
    if (t.values.size() != kPoints / 5) state.SkipWithError("wrong number of 5-minute points");
  }
  state.counters["file_MB"] = mb;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * mb * 1e6));
}
BENCHMARK(BM_ImportYearGetMetricData)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Peak memory of one import, measured in a fresh process (this program run again with a flag): a
// forked child would start with this process's heap already resident.
long import_peak_growth_kib() {
  const std::string cmd = fmt::format("/proc/{}/exe --capsim-import-peak-kib {}", ::getpid(), year_file().string());
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  long growth = -1;
  if (std::fscanf(p, "%ld", &growth) != 1) growth = -1;
  ::pclose(p);
  return growth;
}

const capsim::bench::RegisterCheck kImportTargets([](const capsim::bench::Measurements& m) {
  auto it = m.find("BM_ImportYearGetMetricData/min_time:1.000");
  if (it == m.end()) it = m.find("BM_ImportYearGetMetricData");
  if (it == m.end()) return 0;
  const double ms = it->second.real_time_ns / 1e6;
  const double file_mb = static_cast<double>(std::filesystem::file_size(year_file())) / 1e6;
  int failures = capsim::bench::report(
      "get-metric-data import, 365 days of 1-minute points to a 5-minute Trace", fmt::format("<= {:.0f} ms", kImportTargetMs),
      fmt::format("{:.1f} ms ({:.1f} MB at {:.0f} MB/s)", ms, file_mb, file_mb / (ms / 1e3)), ms <= kImportTargetMs);
  const long growth_kib = import_peak_growth_kib();
  const double growth_mb = static_cast<double>(growth_kib) * 1024 / 1e6;
  failures += capsim::bench::report("get-metric-data import, peak memory", fmt::format("<= {:.1f}x the file ({:.1f} MB)", kTargetMemoryRatio, file_mb),
                                    fmt::format("{:.1f} MB = {:.2f}x", growth_mb, growth_mb / file_mb),
                                    growth_kib >= 0 && growth_mb <= kTargetMemoryRatio * file_mb);
  std::filesystem::remove(year_file());
  return failures;
});

}  // namespace

namespace capsim::bench {
// `capsim_bench --capsim-import-peak-kib FILE`: import once, print the growth of the peak RSS.
int import_peak_child(const char* file) {
  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  capsim::Trace t = import_year(file);
  benchmark::DoNotOptimize(t.values.data());
  ::getrusage(RUSAGE_SELF, &after);
  std::printf("%ld\n", after.ru_maxrss - before.ru_maxrss);
  return 0;
}
}  // namespace capsim::bench
