#pragma once
#include <filesystem>
#include <string_view>

namespace capsim::io {

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so readers
/// see the old file or the new one, never half of one. Throws capsim::Error naming the path.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace capsim::io
