#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capsim::io {

/// Writes each (path, content) so that a reader sees every file old or every file new: all the
/// temporaries are written and synced first (named `<file>.capsim-tmp-XXXXXX` beside each target,
/// visible, so one left by a SIGKILL is easy to spot), then renamed over their targets one after
/// another with SIGINT, SIGTERM and SIGHUP held back, so an interrupt stops the program before the
/// first temporary or after the last rename, never between. A target that is a symbolic link is
/// written through: the file it points to is replaced and the link stays. A target that is a device
/// or a pipe (/dev/null, /dev/stdout) is written to directly, after the files. Throws capsim::Error
/// naming the path; on an error no file has changed and no temporary is left.
void write_files_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

/// One file, as write_files_atomically.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace capsim::io
