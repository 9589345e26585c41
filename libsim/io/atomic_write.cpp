#include "capsim/io/atomic_write.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "capsim/core/error.hpp"

namespace capsim::io {

namespace {

// Holds back the signals that ask a program to stop, for as long as it lives; a signal that
// arrives meanwhile is delivered when it ends.
class HoldInterrupts {
 public:
  HoldInterrupts() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~HoldInterrupts() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  HoldInterrupts(const HoldInterrupts&) = delete;
  HoldInterrupts& operator=(const HoldInterrupts&) = delete;

 private:
  sigset_t old_;
};

[[noreturn]] void fail(const std::filesystem::path& path, int err) {
  throw Error("cannot write " + path.string() + ": " + std::strerror(err));
}

// Where the bytes go: through a symbolic link to the file it names, so the link survives.
std::filesystem::path target_of(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(path, ec)) return path;
  auto resolved = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : resolved;
}

// Writes `content` to a new temporary beside `target` and syncs it; returns its name.
std::string write_temporary(const std::filesystem::path& target, const std::filesystem::path& shown, std::string_view content) {
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string tmp = (dir / (target.filename().string() + ".capsim-tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) fail(shown, errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(shown, err);
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp creates the file 0600; results are ordinary files.
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(shown, err);
  }
  return tmp;
}

// A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written to as it is: renaming a file over it
// would replace the device node itself.
bool is_stream(const std::filesystem::path& target) {
  std::error_code ec;
  const auto st = std::filesystem::status(target, ec);
  return !ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st) && !std::filesystem::is_directory(st);
}

void write_stream(const std::filesystem::path& target, const std::filesystem::path& shown, std::string_view content) {
  std::FILE* f = std::fopen(target.c_str(), "wb");
  if (!f) fail(shown, errno);
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) fail(shown, ok ? errno : err);
}

}  // namespace

void write_files_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files) {
  HoldInterrupts hold;
  std::vector<std::string> temporaries;
  std::vector<std::filesystem::path> targets;
  try {
    for (const auto& [path, content] : files) {
      std::error_code ec;
      if (std::filesystem::is_directory(path, ec)) throw Error("cannot write " + path.string() + ": it is a folder");
      targets.push_back(target_of(path));
      const bool stream = is_stream(targets.back());
      for (std::size_t k = 0; k + 1 < targets.size() && !stream; ++k)
        if (std::filesystem::weakly_canonical(targets[k], ec) == std::filesystem::weakly_canonical(targets.back(), ec))
          throw Error("cannot write " + path.string() + ": the same file as " + files[k].first.string() + " (give each output its own file)");
      temporaries.push_back(stream ? std::string() : write_temporary(targets.back(), path, content));
    }
  } catch (...) {
    for (const auto& t : temporaries)
      if (!t.empty()) ::unlink(t.c_str());
    throw;
  }
  for (std::size_t i = 0; i < temporaries.size(); ++i) {
    if (temporaries[i].empty()) continue;
    if (std::rename(temporaries[i].c_str(), targets[i].c_str()) != 0) {
      // Only a file system that refuses a rename it allowed a file to be created for gets here.
      const int err = errno;
      for (std::size_t k = i; k < temporaries.size(); ++k)
        if (!temporaries[k].empty()) ::unlink(temporaries[k].c_str());
      fail(files[i].first, err);
    }
  }
  // Devices and pipes last, once the files are in place.
  for (std::size_t i = 0; i < temporaries.size(); ++i)
    if (temporaries[i].empty()) write_stream(targets[i], files[i].first, files[i].second);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_files_atomically({{path, std::string(content)}});
}

}  // namespace capsim::io
