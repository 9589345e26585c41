#pragma once
// Internal to io/: reading a whole input file, and turning a parser's byte offset into line:column.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "capsim/io/traces/cloudwatch.hpp"

namespace capsim::io::detail {

/// Why `path` cannot be opened: "no such file", "a folder, not a file", or that it cannot be read.
std::string cannot_open(const std::filesystem::path& path);

/// The file's bytes; throws TraceError naming the file when it cannot be opened.
std::string read_text_file(const InputFile& file);

/// 1-based line and column of the byte before `byte` (nlohmann/json reports one past the offending one).
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t byte);

}  // namespace capsim::io::detail
