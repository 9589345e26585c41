#pragma once
#include <unistd.h>

#include <filesystem>
#include <string>

namespace capsim::test {
inline std::filesystem::path source_dir() { return CAPSIM_SOURCE_DIR; }
inline std::filesystem::path data_dir() { return source_dir() / "tests" / "data"; }
inline std::filesystem::path scenario_file(const std::string& name) { return data_dir() / "scenarios" / name; }
/// A scratch folder of this test process, made on first use and removed at its exit: two test runs
/// at once, as in two worktrees or two presets, never write each other's files.
inline std::filesystem::path temp_dir() {
  struct Scratch {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("capsim-tests-" + std::to_string(::getpid()));
    Scratch() { std::filesystem::create_directories(dir); }
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.dir;
}
}  // namespace capsim::test
