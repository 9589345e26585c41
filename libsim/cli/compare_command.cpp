#include "compare_command.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/comparison_files.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/comparison_text.hpp"
#include "capsim/sim/compare.hpp"

namespace capsim::cli {

namespace {

struct Args {
  std::string file, out = "capsim-out", baseline, data_root;
  std::vector<std::string> policies;
  int replicates = 0;
  int threads = 1;
  bool quiet = false;
};

// Set by the first Ctrl-C; the runs stop at their next (policy, replicate) and nothing is written.
std::atomic<bool> g_cancel{false};

extern "C" void on_interrupt(int) {
  g_cancel.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C stops at once
}

std::size_t terminal_width() {
  winsize w{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const long n = std::strtol(c, nullptr, 10);
    if (n >= 40 && n <= 1000) return static_cast<std::size_t>(n);
  }
  return 120;
}

// An output directory that exists or can be made, and can be written to: checked before the runs,
// so a long comparison does not end in an error.
void prepare_out_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw Error(fmt::format("--out '{}' is a file, not a directory: give a directory for the comparison's files", dir.string()));
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("--out '{}': cannot create the directory: {}", dir.string(), ec.message()));
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(fmt::format("--out '{}': the directory is not writable", dir.string()));
}

int run(const Args& a) {
  io::LoadOptions lo;
  if (!a.data_root.empty()) lo.data_root = a.data_root;
  const Scenario sc = io::load_scenario(a.file, lo);
  CompareOptions opt;
  opt.policies = a.policies;
  opt.baseline = a.baseline;
  opt.replicates = a.replicates;
  opt.run.threads = a.threads;
  opt.run.keep_series = true;  // replicate 0's series, for timeseries.csv
  opt.run.series_of_first_replicate_only = true;
  const Scenario chosen = scenario_to_compare(sc, opt);  // bad choices fail before anything runs
  prepare_out_dir(a.out);

  const bool bar = !a.quiet && isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  if (bar) {
    opt.run.progress = [started](std::size_t done, std::size_t total) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const double eta = done > 0 ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0;
      const std::size_t filled = total > 0 ? 30 * done / total : 30;
      std::fprintf(stderr, "\r[%s%s] %zu/%zu runs, %.1f runs/s, ETA %.0f s ", std::string(filled, '#').c_str(),
                   std::string(30 - filled, ' ').c_str(), done, total, elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0, eta);
      std::fflush(stderr);
    };
  }
  g_cancel.store(false);
  opt.run.cancel = &g_cancel;
  auto previous = std::signal(SIGINT, on_interrupt);
  CompareResult result;
  try {
    result = compare_scenario(sc, opt);
  } catch (...) {
    std::signal(SIGINT, previous);
    if (bar) std::fprintf(stderr, "\n");
    throw;
  }
  std::signal(SIGINT, previous);
  if (bar) std::fprintf(stderr, "\n");
  if (g_cancel.load()) throw Interrupted();
  (void)chosen;

  const std::filesystem::path dir = a.out;
  std::vector<std::pair<std::filesystem::path, std::string>> files{
      {dir / "result.json", io::comparison_to_json(result.run, result.comparison)},
      {dir / "summary.csv", io::comparison_summary_csv(result.comparison)},
      {dir / "replicates.csv", io::replicates_csv(result.run, result.comparison.month_factor)},
      {dir / "timeseries.csv", io::series_to_csv(result.run)},
  };
  io::write_files_atomically(files);
  if (!a.quiet) {
    std::cout << format_compare(result.comparison, result.run, terminal_width());
    std::cout << fmt::format("\nWrote {}: result.json, summary.csv, replicates.csv, timeseries.csv\n", dir.string());
  }
  return 0;
}

}  // namespace

std::function<int()> add_compare_command(CLI::App& app) {
  auto args = std::make_shared<Args>();
  auto* c = app.add_subcommand("compare",
                               "Run every policy over R replicates on the same world draws and compare them: monthly cost and its spread, "
                               "savings with confidence intervals, savings per lever, SLO-breach risk, a recommendation");
  c->add_option("scenario", args->file, "Scenario file (JSON)")->required();
  c->add_option("--policies", args->policies, "Policies to compare, comma-separated (default: all)")->delimiter(',');
  c->add_option("--baseline", args->baseline, "The policy savings are measured against (default: the scenario's baseline)");
  c->add_option("-r,--replicates", args->replicates, "Replicates per policy (default: the scenario's simulation.replicates)")
      ->check(CLI::Range(1, 1000000));
  c->add_option("-j,--threads", args->threads, "Worker threads (0: one per core); results do not depend on it")->check(CLI::Range(0, 1024));
  c->add_option("-o,--out", args->out, "Directory for result.json, summary.csv, replicates.csv and timeseries.csv (made if missing)")
      ->capture_default_str();
  c->add_flag("-q,--quiet", args->quiet, "Print nothing on success, and no progress bar");
  c->add_option("--data-root", args->data_root,
                "Refuse any file the scenario names that resolves outside DIR, symbolic links followed: for scenarios you did not write");
  return [args, c]() { return *c ? run(*args) : -1; };
}

}  // namespace capsim::cli
