// libFuzzer target: a scenario document, loaded as if it sat beside the shipped scenarios (so its
// trace paths resolve against their data).
#include <string_view>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  capsim::fuzz::expect_only_capsim_errors(
      [&] { (void)capsim::io::load_scenario_text(text, "fuzz.json", CAPSIM_SCENARIOS_DIR); });
  return 0;
}
