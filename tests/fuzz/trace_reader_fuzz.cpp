// libFuzzer target, built once per trace format (CAPSIM_FUZZ_TRACE_FORMAT): the file read through
// read_trace, so the reader, the grid and the gap filling all see it.
#include "capsim/io/traces/trace_reader.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace capsim::io;
  const auto format = *parse_trace_format(CAPSIM_FUZZ_TRACE_FORMAT);
  TraceSource src;
  src.name = "fuzz";
  src.format = format;
  src.files = {{capsim::fuzz::input_file(data, size, format == TraceFormat::Csv || format == TraceFormat::AzureLlmCsv ? ".csv" : ".json"),
                "fuzz-input"}};
  if (format == TraceFormat::CloudWatchMetricStatistics) src.statistic = "Sum";
  if (format == TraceFormat::AzureLlmCsv) src.time_zone = "America/Los_Angeles";
  capsim::fuzz::expect_only_capsim_errors([&] { (void)read_trace(src); });
  return 0;
}
