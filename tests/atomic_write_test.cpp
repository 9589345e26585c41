// Outputs of one run are replaced together, through symbolic links, and leave no temporary behind.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "test_paths.hpp"

using namespace capsim;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
int temporaries_in(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(".capsim-tmp-") != std::string::npos ? 1 : 0;
  return n;
}
struct ScratchDir {
  fs::path path = test::temp_dir() / "capsim-atomic-write-test";
  ScratchDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() { fs::remove_all(path); }
};
}  // namespace

TEST_CASE("several outputs are written together") {
  ScratchDir d;
  io::write_files_atomically({{d.path / "result.json", "{}\n"}, {d.path / "series.csv", "a,b\n"}});
  CHECK(slurp(d.path / "result.json") == "{}\n");
  CHECK(slurp(d.path / "series.csv") == "a,b\n");
  CHECK(temporaries_in(d.path) == 0);
}

TEST_CASE("when one output cannot be written, none changes and no temporary is left") {
  ScratchDir d;
  io::write_file_atomically(d.path / "result.json", "old\n");
  const std::string cannot = "cannot write " + (d.path / "missing" / "series.csv").string();
  CHECK_THROWS_WITH_AS(io::write_files_atomically({{d.path / "result.json", "new\n"}, {d.path / "missing" / "series.csv", "x"}}),
                       doctest::Contains(cannot.c_str()), Error);
  CHECK(slurp(d.path / "result.json") == "old\n");
  CHECK(temporaries_in(d.path) == 0);
  // A folder where a file should go, and one file named for two outputs.
  fs::create_directories(d.path / "folder");
  CHECK_THROWS_WITH_AS(io::write_file_atomically(d.path / "folder", "x"), doctest::Contains("it is a folder"), Error);
  CHECK_THROWS_WITH_AS(io::write_files_atomically({{d.path / "a.csv", "1"}, {d.path / "." / "a.csv", "2"}}),
                       doctest::Contains("the same file as"), Error);
  CHECK_FALSE(fs::exists(d.path / "a.csv"));
  CHECK(temporaries_in(d.path) == 0);
}

TEST_CASE("a symbolic link is written through and stays a link") {
  ScratchDir d;
  fs::create_directories(d.path / "real");
  io::write_file_atomically(d.path / "real" / "result.json", "old\n");
  fs::create_symlink(d.path / "real" / "result.json", d.path / "latest.json");
  io::write_file_atomically(d.path / "latest.json", "new\n");
  CHECK(fs::is_symlink(d.path / "latest.json"));
  CHECK(slurp(d.path / "real" / "result.json") == "new\n");
  CHECK(temporaries_in(d.path / "real") == 0);
}

TEST_CASE("a device is written to, not replaced") {
  // Renaming a temporary over /dev/null would replace the device node (as root, silently).
  io::write_files_atomically({{"/dev/null", "discarded"}});
  CHECK(fs::is_character_file("/dev/null"));
  CHECK(temporaries_in("/dev") == 0);
}
