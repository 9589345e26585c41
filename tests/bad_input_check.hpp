#pragma once
// Loading a file that must be refused, and checking what the refusal says (file, place, expected,
// found): shared by the tests of bad inputs under tests/data/bad/.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "test_paths.hpp"

namespace capsim::test {

/// All diagnostics of loading `path`, one per line; the test fails when it loads.
inline std::string load_error(const std::filesystem::path& path, const io::LoadOptions& options = {}) {
  try {
    io::load_scenario(path, options);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  FAIL("expected " << path.string() << " to be rejected");
  return {};
}

/// The diagnostics of loading tests/data/bad/<name>.
inline std::string bad_input_error(const std::string& name) { return load_error(data_dir() / "bad" / name); }

/// Checks an error message holds every one of `parts`.
inline void check_parts(const std::string& msg, const std::vector<std::string>& parts) {
  INFO("message: " << msg);
  for (const auto& p : parts) CHECK(msg.find(p) != std::string::npos);
}

/// Loads tests/data/bad/<name> and checks the message holds every one of `parts` and, when
/// `names_file`, the file's name (a manifest's problem names the manifest instead).
inline void check_message(const std::string& name, const std::vector<std::string>& parts, bool names_file = true) {
  const std::string msg = bad_input_error(name);
  INFO("message: " << msg);
  if (names_file) CHECK(msg.find(name) != std::string::npos);
  for (const auto& p : parts) CHECK(msg.find(p) != std::string::npos);
}

}  // namespace capsim::test
