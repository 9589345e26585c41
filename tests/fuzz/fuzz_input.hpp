#pragma once
// Shared by the fuzz targets: the readers take paths, so each input is written to a file of its
// own process's scratch folder first; only capsim's own errors are an expected outcome.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "capsim/core/error.hpp"

namespace capsim::fuzz {

/// The input's bytes in `<tmp>/capsim-fuzz-<pid>/input<suffix>`, rewritten on every call.
inline std::filesystem::path input_file(const std::uint8_t* data, std::size_t size, std::string_view suffix) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("capsim-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  auto path = dir / ("input" + std::string(suffix));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

/// Runs `read`; a capsim::Error is a rejected input, anything else escapes and the fuzzer reports it.
template <class F>
void expect_only_capsim_errors(F&& read) {
  try {
    read();
  } catch (const capsim::Error&) {
  }
}

}  // namespace capsim::fuzz
