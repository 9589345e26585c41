#pragma once
// Internal to io/: reading a whole input file, and turning a parser's byte offset into line:column.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

#include "capsim/io/traces/cloudwatch.hpp"

namespace capsim::io::detail {

/// The largest input file capsim reads (512 MiB: a year of 10-second CloudWatch points is ~150 MB).
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{512} << 20;

/// Why `path` cannot be opened: "no such file", "a folder, not a file", or that it cannot be read.
std::string cannot_open(const std::filesystem::path& path);

/// Throws TraceError naming `display` unless `path` is a regular file (after symbolic links) of at
/// most kMaxInputFileBytes: a folder, a device such as /dev/zero or a named pipe would otherwise
/// be read forever or block.
void check_input_file(const std::filesystem::path& path, const std::string& display);

/// The file opened for reading after check_input_file; throws TraceError when it cannot be opened.
std::ifstream open_input_file(const std::filesystem::path& path, const std::string& display);

/// The file's bytes; throws TraceError naming the file when it cannot be read (as open_input_file).
std::string read_text_file(const InputFile& file);

/// What a JSON parser's exception says is wrong ("syntax error while parsing value - invalid
/// literal"), without its prefix and without the bytes it last read: a file given where data was
/// expected may be anyone's, and its content is not echoed.
std::string json_syntax_error(const std::string& what);

/// 1-based line and column of the byte before `byte` (nlohmann/json reports one past the offending one).
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t byte);

}  // namespace capsim::io::detail
