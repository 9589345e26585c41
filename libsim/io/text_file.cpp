#include "io/text_file.hpp"

#include <fstream>

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim::io::detail {

std::string cannot_open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "no such file";
  if (std::filesystem::is_directory(path, ec)) return "a folder, not a file";
  return "cannot open the file (it exists but cannot be read)";
}

void check_input_file(const std::filesystem::path& path, const std::string& display) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st) || std::filesystem::is_directory(st))
    throw TraceError(display, std::size_t{0}, cannot_open(path));
  if (!std::filesystem::is_regular_file(st))
    throw TraceError(display, std::size_t{0}, "not a regular file (a device, a named pipe or a socket); capsim reads only files");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw TraceError(display, std::size_t{0}, cannot_open(path));
  if (size > kMaxInputFileBytes)
    throw TraceError(display, std::size_t{0},
                     fmt::format("{} MiB, above the {} MiB capsim reads from one file; split the export into several files",
                                 size >> 20, kMaxInputFileBytes >> 20));
}

std::ifstream open_input_file(const std::filesystem::path& path, const std::string& display) {
  check_input_file(path, display);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(display, std::size_t{0}, cannot_open(path));
  return in;
}

std::string read_text_file(const InputFile& f) {
  std::ifstream in = open_input_file(f.path, f.display);
  std::string text;
  in.seekg(0, std::ios::end);
  text.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

std::string json_syntax_error(const std::string& what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." or
  // "[json.exception.out_of_range.406] number overflow parsing '1e999'".
  std::string out = what;
  if (const auto tag = out.find("] "); out.rfind("[json.exception.", 0) == 0 && tag != std::string::npos) out.erase(0, tag + 2);
  if (out.rfind("parse error", 0) == 0)
    if (const auto colon = out.find(": "); colon != std::string::npos) out.erase(0, colon + 2);
  if (const auto last = out.find("; last read"); last != std::string::npos) out.erase(last);
  return out;
}

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace capsim::io::detail
