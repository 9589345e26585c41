#include "io/text_file.hpp"

#include <fstream>

#include "capsim/core/error.hpp"

namespace capsim::io::detail {

std::string cannot_open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "no such file";
  if (std::filesystem::is_directory(path, ec)) return "a folder, not a file";
  return "cannot open the file (it exists but cannot be read)";
}

std::string read_text_file(const InputFile& f) {
  std::ifstream in(f.path, std::ios::binary);
  if (!in) throw TraceError(f.display, std::size_t{0}, cannot_open(f.path));
  std::string text;
  in.seekg(0, std::ios::end);
  text.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
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
