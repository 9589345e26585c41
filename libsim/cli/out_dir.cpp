#include "out_dir.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim::cli {

void prepare_out_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw Error(fmt::format("--out '{}' is a file, not a directory: give a directory for the comparison's files", dir.string()));
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("--out '{}': cannot create the directory: {}", dir.string(), ec.message()));
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(fmt::format("--out '{}': the directory is not writable", dir.string()));
}

}  // namespace capsim::cli
