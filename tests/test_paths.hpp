#pragma once
#include <filesystem>
#include <string>

namespace capsim::test {
inline std::filesystem::path source_dir() { return CAPSIM_SOURCE_DIR; }
inline std::filesystem::path data_dir() { return source_dir() / "tests" / "data"; }
}  // namespace capsim::test
