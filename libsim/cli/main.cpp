// The capsim command line: run, compare, merge, diff, sweep, validate, trace, catalog.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "capsim/core/version.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/summary.hpp"
#include "capsim/sim/simulation.hpp"
#include "billing_options.hpp"
#include "catalog_command.hpp"
#include "compare_command.hpp"
#include "diff_command.hpp"
#include "sweep_command.hpp"
#include "trace_commands.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInternalError = 70;  // EX_SOFTWARE (sysexits.h)

struct RunArgs {
  std::string file, out = "result.json", series, nodes, cost_lines;
  capsim::cli::BillingArgs billing;
  int threads = 1;
  int replicates = 0;  // 0: the scenario's
  bool quiet = false;
  std::string data_root;
  std::vector<std::string> manifests;
};

capsim::io::LoadOptions load_options(const std::string& data_root, const std::vector<std::string>& manifests = {}) {
  capsim::io::LoadOptions o;
  if (!data_root.empty()) o.data_root = data_root;
  for (const auto& m : manifests) o.manifests.emplace_back(m);
  return o;
}

constexpr const char* kDataRootHelp =
    "Refuse any file the scenario names (traces, catalogs, price histories) that resolves outside DIR, symbolic links "
    "followed: for scenarios you did not write";

int cmd_run(const RunArgs& a, int explain) {
  const std::string &out = a.out, &series = a.series, &nodes = a.nodes, &cost_lines = a.cost_lines;
  const bool quiet = a.quiet;
  capsim::cli::check_billing_args(a.billing);
  capsim::Scenario sc = capsim::io::load_scenario(a.file, load_options(a.data_root, a.manifests));
  capsim::cli::apply_forecast(a.billing, sc);
  if (a.replicates > 0) sc.simulation.replicates = a.replicates;
  capsim::RunOptions opt;
  opt.threads = a.threads;
  opt.keep_series = !series.empty() || !nodes.empty() || !cost_lines.empty() || a.billing.wanted();
  opt.explain = explain > 0;
  capsim::RunResult result = capsim::run_scenario(sc, opt);
  if (!quiet) std::cout << capsim::format_comparison(result);
  if (explain > 0) {
    for (const auto& p : result.policies) {
      const auto& ex = p.replicates.front().explanations;
      if (ex.empty()) continue;
      std::cout << fmt::format("\nProvisioner decisions, policy {} (replicate 0): {} (nodes launched, consolidations, pods not scheduled)\n", p.name, ex.size());
      for (std::size_t i = 0; i < ex.size() && i < static_cast<std::size_t>(explain); ++i) std::cout << "  " << ex[i] << "\n";
      if (ex.size() > static_cast<std::size_t>(explain))
        std::cout << fmt::format("  ... {} more (--explain N shows more)\n", ex.size() - static_cast<std::size_t>(explain));
    }
  }
  // One run's outputs are replaced together: all old or all new.
  std::vector<std::pair<std::filesystem::path, std::string>> outputs{{out, capsim::io::result_to_json(result)}};
  if (!series.empty()) outputs.emplace_back(series, capsim::io::series_to_csv(result));
  if (!nodes.empty()) outputs.emplace_back(nodes, capsim::io::nodes_to_csv(result));
  if (!cost_lines.empty()) outputs.emplace_back(cost_lines, capsim::io::cost_lines_to_csv(result));
  capsim::cli::add_billing_outputs(a.billing, result, outputs);
  capsim::io::write_files_atomically(outputs);
  if (!quiet) {
    std::cout << "\nWrote " << out;
    if (!series.empty()) std::cout << " and " << series;
    if (!nodes.empty()) std::cout << " and " << nodes;
    if (!cost_lines.empty()) std::cout << " and " << cost_lines;
    for (const auto& f : a.billing.files()) std::cout << " and " << f;
    std::cout << "\n";
  }
  return 0;
}

int cmd_validate(const std::vector<std::string>& files, const std::string& data_root) {
  int status = 0;
  for (const auto& f : files) {
    try {
      capsim::Scenario sc = capsim::io::load_scenario(f, load_options(data_root));
      std::size_t assumptions = 0;
      for (const auto& p : sc.policies) assumptions += p.assumptions.size();
      std::cout << fmt::format("ok: {} ({} polic{}, {} unsourced figure{})\n", f, sc.policies.size(),
                               sc.policies.size() == 1 ? "y" : "ies", assumptions, assumptions == 1 ? "" : "s");
    } catch (const capsim::ScenarioError& e) {
      std::cerr << fmt::format("{}: {} problem{}\n", f, e.diagnostics().size(), e.diagnostics().size() == 1 ? "" : "s");
      for (const auto& d : e.diagnostics()) std::cerr << "  " << d.to_string() << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capsim: cost and capacity simulator for GPU workloads on AWS"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "capsim " + std::string(capsim::version()));

  RunArgs run_args;
  int run_explain = 0;
  auto* run = app.add_subcommand("run", "Replay the scenario's traces through every policy and compare them");
  run->add_option("scenario", run_args.file, "Scenario file (JSON)")->required();
  run->add_option("-o,--output", run_args.out,
                  "Where to write the results (JSON). Outputs of one run are replaced together; a symbolic link is written through")
      ->capture_default_str();
  run->add_option("--series", run_args.series, "Also write the per-period series (CSV)");
  run->add_option("--nodes", run_args.nodes, "Also write the node log: every node launched, its lifecycle times and why it ended (CSV)");
  run->add_option("--cost-lines", run_args.cost_lines,
                  "Also write the bill's lines: every instance, reservation and control plane, billed seconds, cost and tags (CSV)");
  capsim::cli::add_billing_options(*run, run_args.billing);
  run->add_option("-j,--threads", run_args.threads, "Worker threads (0: one per core); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  run->add_flag("-q,--quiet", run_args.quiet, "Print nothing on success");
  run->add_option("-r,--replicates", run_args.replicates, "Replicates per policy (default: the scenario's simulation.replicates)")
      ->check(CLI::Range(1, 1000000));
  run->add_option("--data-root", run_args.data_root, kDataRootHelp);
  run->add_option("--manifests", run_args.manifests, capsim::cli::kManifestsHelp);
  run->add_option("--explain", run_explain,
                  "Print the provisioner's first N decisions in each policy: nodes Karpenter launched (the pods, the types considered, "
                  "why each cheaper type was rejected), consolidations, pods no NodePool or node group could run, and under-utilized "
                  "nodes the Cluster Autoscaler could not remove")
      ->expected(0, 1)
      ->default_str("20")
      ->check(CLI::Range(0, 1000000));

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand("validate", "Check scenario files and list every problem");
  validate->add_option("files", validate_files, "Scenario files")->required();
  std::string validate_data_root;
  validate->add_option("--data-root", validate_data_root, kDataRootHelp);

  auto run_trace = capsim::cli::add_trace_commands(app);
  auto run_catalog = capsim::cli::add_catalog_command(app);
  auto run_compare = capsim::cli::add_compare_command(app);
  auto run_diff = capsim::cli::add_diff_command(app);
  auto run_sweep = capsim::cli::add_sweep_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (*run) return cmd_run(run_args, run->count("--explain") ? std::max(run_explain, 1) : 0);
    if (*validate) return cmd_validate(validate_files, validate_data_root);
    if (app.got_subcommand("trace")) return run_trace();
    if (app.got_subcommand("catalog")) return run_catalog();
    if (app.got_subcommand("compare") || app.got_subcommand("merge")) return run_compare();
    if (app.got_subcommand("diff")) return run_diff();
    if (app.got_subcommand("sweep")) return run_sweep();
  } catch (const capsim::ScenarioError& e) {
    std::cerr << fmt::format("capsim: {} problem{} in the scenario:\n", e.diagnostics().size(),
                             e.diagnostics().size() == 1 ? "" : "s");
    for (const auto& d : e.diagnostics()) std::cerr << "  " << d.to_string() << "\n";
    return kExitBadInput;
  } catch (const capsim::Interrupted& e) {
    std::cerr << "capsim: " << e.what() << "\n";
    return 130;  // as a shell reports a program stopped by SIGINT
  } catch (const capsim::TraceError& e) {
    std::cerr << "capsim: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const capsim::Error& e) {
    std::cerr << "capsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Every input problem is a capsim::Error; anything else is a bug in capsim.
    std::cerr << "capsim: internal error (please report it with the input that caused it): " << e.what() << "\n";
    return kExitInternalError;
  }
  return 0;
}
