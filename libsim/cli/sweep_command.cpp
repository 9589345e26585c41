#include "sweep_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/shard_file.hpp"
#include "capsim/io/results/sweep_shard_file.hpp"
#include "capsim/io/results/sweep_table.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_patch.hpp"
#include "capsim/io/scenario/sweep_points.hpp"
#include "capsim/sim/compare.hpp"
#include "compare_command.hpp"
#include "out_dir.hpp"

namespace capsim::cli {

namespace {

struct SweepArgs {
  std::string file, out = "capsim-sweep", points_file, on_error = "stop", dask, data_root, baseline, shard;
  std::vector<std::string> params, policies, manifests;
  int replicates = 0;
  int threads = 1;
  int block_size = 0;
  bool quiet = false;
};

// `--dask ADDRESS`: the Python package submits the tasks (capsim/sweeps.py); the arguments are passed
// on as given. The module is looked for beside this program first (a build tree's python/ folder),
// then wherever the interpreter finds it.
int delegate_to_python(const SweepArgs& a) {
  std::vector<std::string> argv{std::getenv("CAPSIM_PYTHON") ? std::getenv("CAPSIM_PYTHON") : "/usr/bin/python3", "-m", "capsim", "sweep",
                                a.file, "--dask", a.dask, "--out", a.out, "--on-error", a.on_error};
  for (const auto& p : a.params) argv.insert(argv.end(), {"--param", p});
  if (!a.points_file.empty()) argv.insert(argv.end(), {"--points", a.points_file});
  if (a.replicates > 0) argv.insert(argv.end(), {"--replicates", std::to_string(a.replicates)});
  if (a.block_size > 0) argv.insert(argv.end(), {"--block-size", std::to_string(a.block_size)});
  if (!a.policies.empty()) argv.insert(argv.end(), {"--policies", fmt::format("{}", fmt::join(a.policies, ","))});
  if (!a.baseline.empty()) argv.insert(argv.end(), {"--baseline", a.baseline});
  if (!a.data_root.empty()) argv.insert(argv.end(), {"--data-root", a.data_root});
  for (const auto& m : a.manifests) argv.insert(argv.end(), {"--manifests", m});
  if (a.quiet) argv.emplace_back("--quiet");
  std::error_code ec;
  const auto beside = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "python";
  if (!ec && std::filesystem::exists(beside / "capsim" / "__init__.py", ec)) {
    const char* old = std::getenv("PYTHONPATH");
    const std::string path = beside.string() + (old && *old ? ":" + std::string(old) : "");
    setenv("PYTHONPATH", path.c_str(), 1);
  }
  std::vector<char*> c_argv;
  for (auto& s : argv) c_argv.push_back(s.data());
  c_argv.push_back(nullptr);
  std::fflush(stdout);
  execv(c_argv[0], c_argv.data());
  throw Error(fmt::format("--dask: cannot start {} to submit the sweep: {} (set CAPSIM_PYTHON to an interpreter with the capsim "
                          "package and Debian's python3-distributed)",
                          argv[0], std::strerror(errno)));
}

struct Point {
  std::vector<io::PointerValue> values;
  std::optional<Scenario> scenario;  // loaded and narrowed to the comparison's choices
  std::optional<CompareResult> result;
  std::optional<ShardedRun> run;  // with --shard: this shard's runs of the point
  std::string error;
};

// summary.txt's text and the files written, then the failures: the end of a sweep, whole or merged.
int finish(const std::filesystem::path& dir, const std::string& scenario_name, const std::vector<io::SweepPointOutcome>& outcomes,
           const std::vector<std::string>& failures, bool quiet) {
  const std::string text = io::write_sweep(dir, scenario_name, outcomes);
  if (!quiet) {
    std::cout << text;
    std::cout << fmt::format("\nWrote {}: sweep.csv (point x policy x replicate), sweep_summary.csv (point x policy), summary.txt, "
                             "points/N/ (each point's summary.csv and replicates.csv, as compare writes them)\n",
                             dir.string());
  }
  if (!failures.empty()) {
    std::cerr << fmt::format("capsim: {} of {} sweep points failed (--on-error continue):\n{}\n", failures.size(), outcomes.size(),
                             fmt::join(failures, "\n"));
    return 1;
  }
  return 0;
}

int run_sweep(const SweepArgs& a) {
  if (a.on_error != "stop" && a.on_error != "continue")
    throw Error(fmt::format("--on-error '{}': expected stop (the first point that fails stops the sweep before anything "
                            "runs) or continue (the others run and the failures are reported)",
                            a.on_error));
  if (a.block_size > 0 && a.dask.empty())
    throw Error("--block-size cuts the tasks sent to a Dask cluster: give it with --dask (in one process, -j sets the threads)");
  if (!a.params.empty() && !a.points_file.empty())
    throw Error("give the points either as --param (their Cartesian product) or as --points FILE, not both");
  std::vector<std::vector<io::PointerValue>> values;
  if (!a.points_file.empty()) {
    values = io::read_sweep_points(a.points_file);
  } else {
    std::vector<io::SweepParam> params;
    for (const auto& p : a.params) params.push_back(io::parse_sweep_param(p));
    values = io::cartesian_points(params);
  }
  Shard shard;
  if (!a.shard.empty()) shard = parse_shard(a.shard);
  if (!a.shard.empty() && !a.dask.empty())
    throw Error("--shard runs a slice of the sweep here, for a Kubernetes Indexed Job or an AWS Batch array job; --dask sends the "
                "whole sweep to a Dask cluster: give one of them");
  if (!a.dask.empty()) return delegate_to_python(a);
  io::LoadOptions lo;
  if (!a.data_root.empty()) lo.data_root = a.data_root;
  for (const auto& m : a.manifests) lo.manifests.emplace_back(m);
  const Scenario base = io::load_scenario(a.file, lo);
  CompareOptions opt;
  opt.policies = a.policies;
  opt.baseline = a.baseline;
  opt.replicates = a.replicates;
  opt.run.threads = a.threads;
  scenario_to_compare(base, opt);  // bad choices fail before any point is loaded

  // Every point is loaded and checked before any runs: a bad point found after hours of runs
  // would waste them.
  std::vector<Point> points;
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < values.size(); ++i) {
    Point p{values[i], {}, {}, {}, {}};
    const std::string label = fmt::format("sweep point {}: {}", i, io::describe_values(p.values));
    try {
      p.scenario = scenario_to_compare(io::patch_scenario(base, p.values, label), opt);
    } catch (const ScenarioError& e) {
      p.error = e.what();
      std::string lines;
      for (const auto& d : e.diagnostics()) lines += "\n  " + d.to_string();
      failures.push_back(fmt::format("point {} does not load:{}", i, lines));
    } catch (const Error& e) {
      p.error = e.what();
      failures.push_back(fmt::format("point {} ({}): {}", i, label, e.what()));
    }
    points.push_back(std::move(p));
  }
  if (!failures.empty() && a.on_error == "stop")
    throw Error(fmt::format("{} of {} sweep points cannot run; nothing ran (--on-error continue runs the others):\n{}", failures.size(),
                            points.size(), fmt::join(failures, "\n")));
  prepare_out_dir(a.out);

  const bool bar = !a.quiet && isatty(STDERR_FILENO);
  io::SweepShard sharded{shard, "", "", base.name, {}};
  std::size_t offset = 0;  // runs of the points before this one: the sweep's runs are numbered across points
  for (std::size_t i = 0; i < points.size(); ++i) {
    Point& p = points[i];
    if (!p.scenario) continue;
    if (bar) std::fprintf(stderr, "\rpoint %zu/%zu ", i + 1, points.size()), std::fflush(stderr);
    opt.run.shard = io::sweep_point_shard(shard, offset);
    offset += p.scenario->policies.size() * static_cast<std::size_t>(p.scenario->simulation.replicates);
    try {
      CompareResult r;
      r.run = run_scenario(*p.scenario, opt.run);
      if (shard.count > 1) {
        p.run = ShardedRun{opt.run.shard, "", "", std::move(r.run)};
        continue;
      }
      r.comparison = compare_policies(r.run);
      p.result = std::move(r);
    } catch (const Error& e) {
      if (a.on_error == "stop") throw Error(fmt::format("sweep point {} ({}): {}", i, io::describe_values(p.values), e.what()));
      p.error = e.what();
      failures.push_back(fmt::format("point {} failed: {}", i, e.what()));
    }
  }
  if (bar) std::fprintf(stderr, "\n");

  if (shard.count > 1) {
    // Every choice that changes a result is in the identity, so `capsim merge` refuses shards of
    // different sweeps; the points are in it too, as each shard loaded them.
    sharded.identity = io::shard_identity(a.file, io::sweep_shard_choices({a.policies, a.baseline, a.replicates, a.on_error, a.manifests}, values));
    for (auto& p : points) {
      if (p.run) p.run->identity = sharded.identity;
      sharded.points.push_back({p.values, std::move(p.run), p.error});
    }
    const auto file = std::filesystem::path(a.out) / io::sweep_shard_file_name(shard);
    io::write_file_atomically(file, io::sweep_shard_to_json(sharded));
    if (!a.quiet)
      std::cout << fmt::format("Wrote {} (shard {} of {} of a sweep of {} points); `capsim merge` combines the shards\n", file.string(),
                               shard.index, shard.count, points.size());
    if (!failures.empty()) {
      std::cerr << fmt::format("capsim: {} of {} sweep points failed (--on-error continue):\n{}\n", failures.size(), points.size(),
                               fmt::join(failures, "\n"));
      return 1;
    }
    return 0;
  }

  std::vector<io::SweepPointOutcome> outcomes;
  for (auto& p : points) {
    io::SweepPointOutcome o{p.values, {}, {}, p.error};
    if (p.result) o.run = std::move(p.result->run), o.comparison = std::move(p.result->comparison);
    outcomes.push_back(std::move(o));
  }
  return finish(a.out, base.name, outcomes, failures, a.quiet);
}

}  // namespace

int merge_sweep(const std::vector<std::filesystem::path>& files, const std::filesystem::path& out, bool quiet) {
  std::vector<io::SweepShard> shards;
  for (const auto& f : files) shards.push_back(io::read_sweep_shard(f));
  std::vector<io::SweepPointOutcome> outcomes = io::merge_sweep_shards(shards);
  prepare_out_dir(out);
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    auto& o = outcomes[i];
    if (!o.run) {
      failures.push_back(fmt::format("point {} failed: {}", i, o.error));
      continue;
    }
    check_same_demand(*o.run);
    o.comparison = compare_policies(*o.run);
  }
  return finish(out, shards.front().scenario_name, outcomes, failures, quiet);
}

std::function<int()> add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* c = app.add_subcommand("sweep",
                               "Run scenario variants (values set by JSON pointer) through compare: the Cartesian product of --param "
                               "values or the points of a file, on common random numbers, in one tidy table");
  c->add_option("scenario", a->file, "Scenario file (JSON)")->required();
  c->add_option("--param", a->params,
                "/POINTER=V1,V2,...: values for the place the pointer names (repeat for more parameters; their product is "
                "swept). A value that is JSON (2, 0.5, true, \"text\", [1,2]) is taken as such, anything else as a string");
  c->add_option("--points", a->points_file,
                "A JSON file listing the points instead: [{\"/pointer\": value, ...}, ...]");
  c->add_option("-r,--replicates", a->replicates, "Replicates per policy and point (default: the scenario's simulation.replicates)")
      ->check(CLI::Range(1, 1000000));
  c->add_option("--policies", a->policies, "Policies to compare, comma-separated (default: all)")->delimiter(',');
  c->add_option("--baseline", a->baseline, "The policy savings are measured against (default: the scenario's baseline)");
  c->add_option("-j,--threads", a->threads, "Worker threads per point (0: one per core); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  c->add_option("-o,--out", a->out, "Directory for sweep.csv, sweep_summary.csv, summary.txt and points/ (made if missing)")
      ->capture_default_str();
  c->add_option("--on-error", a->on_error,
                "A point that fails to load or run: stop (default; nothing runs when a point does not load) or continue (the others "
                "run, the failures are reported and the exit code is 1)")
      ->capture_default_str();
  c->add_option("--dask", a->dask,
                "Run on a Dask cluster: the scheduler's address (tcp://host:8786). Delegates to `python3 -m capsim sweep` "
                "(Debian python3-distributed); the scenario and its data files are sent to the workers as bytes");
  c->add_option("--block-size", a->block_size, "With --dask: replicates per task (default: all of a policy's)")->check(CLI::Range(1, 1000000));
  c->add_option("--shard", a->shard,
                "Run shard INDEX/COUNT only (0 <= INDEX < COUNT): a deterministic slice of the sweep's (point, policy, replicate) "
                "runs, written to DIR/sweep-shard-INDEX-of-COUNT.json; `capsim merge` writes the sweep's files from all of them");
  c->add_option("--manifests", a->manifests, kManifestsHelp);
  c->add_option("--data-root", a->data_root,
                "Refuse any file the scenario names that resolves outside DIR, symbolic links followed: for scenarios you did not write");
  c->add_flag("-q,--quiet", a->quiet, "Print nothing on success, and no progress");
  return [a]() { return run_sweep(*a); };
}

}  // namespace capsim::cli
