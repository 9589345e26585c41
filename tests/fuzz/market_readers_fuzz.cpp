// libFuzzer target, built once per market reader (CAPSIM_FUZZ_MARKET_READER): spot price history
// against the bundled catalog, an availability trace, or a catalog CSV.
#include <string_view>

#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/market/availability_trace_reader.hpp"
#include "capsim/io/market/spot_price_history.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace capsim::io;
  const std::string_view reader = CAPSIM_FUZZ_MARKET_READER;
  capsim::fuzz::expect_only_capsim_errors([&] {
    if (reader == "spot-price-history") {
      static const capsim::InstanceCatalog catalog = builtin_catalog(builtin_catalog_names().front());
      std::vector<std::string> warnings;
      SpotPriceHistoryOptions opt;
      opt.zone_ids = {{"use1-az4", "us-east-1a"}};
      (void)read_spot_price_history({{capsim::fuzz::input_file(data, size, ".json"), "fuzz-input"}}, catalog, opt, warnings);
    } else if (reader == "availability-trace") {
      (void)read_availability_trace(capsim::fuzz::input_file(data, size, ".json"), "fuzz-input",
                                    capsim::AvailabilityMeaning::AvailableCount);
    } else {
      (void)parse_catalog_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz-input", "fuzz");
    }
  });
  return 0;
}
