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
#include "capsim/io/results/shard_file.hpp"
#include "capsim/core/version.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/comparison_text.hpp"
#include "capsim/report/html_report.hpp"
#include "capsim/sim/compare.hpp"
#include "billing_options.hpp"
#include "out_dir.hpp"
#include "sweep_command.hpp"

namespace capsim::cli {

namespace {

struct Args {
  std::string file, out = "capsim-out", baseline, data_root, shard, advise_savings_plan;
  std::vector<std::string> policies, manifests;
  int replicates = 0;
  int threads = 1;
  bool quiet = false;
  BillingArgs billing;
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

}  // namespace

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t i = 0, n = 0;
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < text.size();
  try {
    std::size_t used = 0;
    if (ok) i = std::stoul(text.substr(0, slash), &used), ok = used == slash;
    if (ok) n = std::stoul(text.substr(slash + 1), &used), ok = used == text.size() - slash - 1;
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok || n == 0 || i >= n)
    throw Error(fmt::format("--shard '{}': expected INDEX/COUNT with 0 <= INDEX < COUNT, such as 0/4 (Kubernetes Indexed Jobs "
                            "number from 0)",
                            text));
  return {i, n};
}

namespace {

// The comparison's files, replaced together, then its text.
void write_outputs(const std::filesystem::path& dir, const CompareResult& result, bool quiet, const BillingArgs& billing = {}) {
  std::vector<std::pair<std::filesystem::path, std::string>> files{
      {dir / "result.json", io::comparison_to_json(result.run, result.comparison)},
      {dir / "summary.csv", io::comparison_summary_csv(result.comparison)},
      {dir / "replicates.csv", io::replicates_csv(result.run, result.comparison.month_factor)},
      {dir / "timeseries.csv", io::series_to_csv(result.run)},
      {dir / "report.html", render_report_html(result.comparison, result.run)},
  };
  add_billing_outputs(billing, result.run, files);
  io::write_files_atomically(files);
  if (!quiet) {
    std::cout << format_compare(result.comparison, result.run, terminal_width());
    std::cout << fmt::format("\nWrote {}: result.json, summary.csv, replicates.csv, timeseries.csv, report.html\n", dir.string());
    for (const auto& f : billing.files()) std::cout << fmt::format("Wrote {} (replicate 0 of each policy)\n", f);
  }
}

int run(const Args& a) {
  io::LoadOptions lo;
  if (!a.data_root.empty()) lo.data_root = a.data_root;
  for (const auto& m : a.manifests) lo.manifests.emplace_back(m);
  check_billing_args(a.billing);
  Scenario sc = io::load_scenario(a.file, lo);
  apply_forecast(a.billing, sc);
  CompareOptions opt;
  opt.policies = a.policies;
  opt.baseline = a.baseline;
  opt.replicates = a.replicates;
  opt.run.threads = a.threads;
  opt.run.keep_series = true;  // replicate 0's series, for timeseries.csv
  opt.run.series_of_first_replicate_only = true;
  opt.run.advise_savings_plan = a.advise_savings_plan;
  const Scenario chosen = scenario_to_compare(sc, opt);  // bad choices fail before anything runs
  if (!a.shard.empty()) opt.run.shard = parse_shard(a.shard);
  if (opt.run.shard.count > 1 && a.billing.wanted())
    throw Error("--billing and --focus write the bill of a whole comparison: a shard holds only some of its runs; run without --shard");
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
    // The scenario already narrowed above: compare_scenario would narrow (and copy) it again.
    result.run = run_scenario(chosen, opt.run);
    if (opt.run.shard.count <= 1) result.comparison = compare_policies(result.run);
  } catch (...) {
    std::signal(SIGINT, previous);
    if (bar) std::fprintf(stderr, "\n");
    throw;
  }
  std::signal(SIGINT, previous);
  if (bar) std::fprintf(stderr, "\n");
  if (g_cancel.load()) throw Interrupted();

  const std::filesystem::path dir = a.out;
  if (opt.run.shard.count > 1) {
    // A shard writes its runs only; `capsim merge` draws the comparison from all of them.
    ShardedRun shard{opt.run.shard, "", "", std::move(result.run)};
    const std::string choices = fmt::format("capsim {}; policies {}; baseline {}; replicates {}", version(),
                                            fmt::join(a.policies, ","), a.baseline, a.replicates);
    shard.identity = io::shard_identity(a.file, choices);
    const auto file = dir / fmt::format("shard-{}-of-{}.json", shard.shard.index, shard.shard.count);
    io::write_file_atomically(file, io::shard_to_json(shard));
    if (!a.quiet) std::cout << fmt::format("Wrote {} (shard {} of {}); `capsim merge` combines the shards\n", file.string(),
                                           shard.shard.index, shard.shard.count);
    return 0;
  }
  write_outputs(dir, result, a.quiet, a.billing);
  return 0;
}

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out = "capsim-out";
  bool quiet = false;
};

int merge(const MergeArgs& a) {
  std::vector<std::filesystem::path> files;
  for (const auto& in : a.inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(in, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& e : std::filesystem::directory_iterator(in)) {
        const std::string name = e.path().filename().string();
        if ((name.rfind("shard-", 0) == 0 || name.rfind("sweep-shard-", 0) == 0) && e.path().extension() == ".json")
          found.push_back(e.path());
      }
      if (found.empty()) throw Error(fmt::format("{}: no shard file (shard-I-of-N.json or sweep-shard-I-of-N.json) in the directory", in));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.emplace_back(in);
    }
  }
  // A sweep's shards (capsim sweep --shard) merge into the sweep's files; their names tell them apart.
  const auto is_sweep = [](const std::filesystem::path& f) { return f.filename().string().rfind("sweep-shard-", 0) == 0; };
  const auto sweeps = std::count_if(files.begin(), files.end(), is_sweep);
  if (sweeps > 0 && static_cast<std::size_t>(sweeps) < files.size())
    throw Error(fmt::format("cannot merge a sweep's shards (sweep-shard-I-of-N.json, from capsim sweep --shard) with a comparison's "
                            "(shard-I-of-N.json, from capsim compare --shard): {} and {}",
                            std::find_if(files.begin(), files.end(), is_sweep)->string(),
                            std::find_if_not(files.begin(), files.end(), is_sweep)->string()));
  if (sweeps > 0) return merge_sweep(files, a.out, a.quiet);
  std::vector<ShardedRun> shards;
  for (const auto& f : files) shards.push_back(io::read_shard(f));
  prepare_out_dir(a.out);
  CompareResult result;
  result.run = merge_shards(shards);
  check_same_demand(result.run);
  result.comparison = compare_policies(result.run);
  write_outputs(a.out, result, a.quiet);
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
  c->add_option("-o,--out", args->out, "Directory for result.json, summary.csv, replicates.csv, timeseries.csv and report.html (made if missing)")
      ->capture_default_str();
  c->add_flag("-q,--quiet", args->quiet, "Print nothing on success, and no progress bar");
  add_billing_options(*c, args->billing);
  c->add_option("--advise-savings-plan", args->advise_savings_plan,
                "Advise each policy how much of a Savings Plan to buy (compute:1y:no-upfront, ec2-instance:g5:3y:all-upfront): the "
                "hourly commitment that minimises the expected cost of its on-demand usage over the replicates, and the one that "
                "minimises its P95 (needs catalog.savings_plan_rates)");
  c->add_option("--shard", args->shard,
                "Run shard INDEX/COUNT only (0 <= INDEX < COUNT): a deterministic slice of the (policy, replicate) runs, written "
                "to DIR/shard-INDEX-of-COUNT.json for `capsim merge`");
  c->add_option("--data-root", args->data_root,
                "Refuse any file the scenario names that resolves outside DIR, symbolic links followed: for scenarios you did not write");
  c->add_option("--manifests", args->manifests, kManifestsHelp);
  auto margs = std::make_shared<MergeArgs>();
  auto* m = app.add_subcommand("merge",
                               "Combine the shards of `capsim compare --shard` into the outputs one compare would have written");
  m->add_option("inputs", margs->inputs, "Shard files, or directories holding shard-I-of-N.json files")->required();
  m->add_option("-o,--out", margs->out, "Directory for result.json, summary.csv, replicates.csv, timeseries.csv and report.html")->capture_default_str();
  m->add_flag("-q,--quiet", margs->quiet, "Print nothing on success");
  return [args, c, margs, m]() { return *c ? run(*args) : *m ? merge(*margs) : -1; };
}

}  // namespace capsim::cli
