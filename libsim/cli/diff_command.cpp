#include "diff_command.hpp"

#include <cmath>
#include <iostream>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/k8s/manifest_diff.hpp"
#include "capsim/io/results/comparison_files.hpp"
#include "capsim/io/results/policy_diff_json.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/html_report.hpp"
#include "capsim/report/policy_diff.hpp"
#include "capsim/sim/policy_diff_run.hpp"
#include "compare_command.hpp"
#include "out_dir.hpp"

namespace capsim::cli {

namespace {

// A change a CI pipeline should stop on: distinct from 2 (bad input) and 70 (internal error).
constexpr int kExitGateFailed = 3;

struct DiffArgs {
  std::string file, out = "capsim-diff", data_root;
  std::vector<std::string> before, after;
  int replicates = 0;
  int threads = 1;
  double fail_above_pct = std::numeric_limits<double>::quiet_NaN();
  double fail_risk_pct = std::numeric_limits<double>::quiet_NaN();
  bool quiet = false;
};

std::vector<std::filesystem::path> paths(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

int run_diff(const DiffArgs& a) {
  io::LoadOptions lo;
  if (!a.data_root.empty()) lo.data_root = a.data_root;
  lo.manifest_policies = {{"before", paths(a.before)}, {"after", paths(a.after)}};
  const Scenario sc = io::load_scenario(a.file, lo);
  auto changes = io::diff_manifests(paths(a.before), paths(a.after));
  prepare_out_dir(a.out);
  const PolicyDiffRun run = run_policy_diff(sc, std::move(changes), a.replicates, a.threads);
  const PolicyDiff& diff = run.diff;
  const CompareResult& result = run.result;
  const std::vector<std::string> failed = failed_gates(diff, a.fail_above_pct, a.fail_risk_pct);
  std::string text = format_policy_diff(diff);
  for (const auto& f : failed) text += "FAIL: " + f + "\n";
  // The comparison's report with the diff's section at the top of its body.
  std::string html = render_report_html(result.comparison, result.run);
  if (const auto body = html.find("<body>"); body != std::string::npos) html.insert(body + 6, "\n" + render_policy_diff_html(diff));
  const std::filesystem::path dir = a.out;
  io::write_files_atomically({{dir / "diff.json", io::policy_diff_to_json(diff)},
                              {dir / "diff.txt", text},
                              {dir / "result.json", io::comparison_to_json(result.run, result.comparison)},
                              {dir / "report.html", html}});
  if (!a.quiet) {
    std::cout << text;
    if (!sc.warnings.empty()) {
      std::cout << "\nWarnings:\n";
      for (const auto& w : sc.warnings) std::cout << "  " << w << "\n";
    }
    std::cout << fmt::format("\nWrote {}: diff.json, diff.txt, result.json, report.html\n", dir.string());
  }
  return failed.empty() ? 0 : kExitGateFailed;
}

}  // namespace

std::function<int()> add_diff_command(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  auto* d = app.add_subcommand(
      "diff", "What a change to the Kubernetes manifests costs: the scenario run with the manifests before and after (common random "
              "numbers), the change in monthly cost, SLA and P(SLO breach), pods that become unschedulable, NodePools whose limits now "
              "bind, instance types that appear or disappear, and the objects that changed. Exit code 3 when a --fail-* gate fails");
  d->add_option("scenario", args->file, "Scenario file (JSON) whose services bind to the manifests' workloads")->required();
  d->add_option("--before", args->before, "Manifests before the change (files or folders)")->required();
  d->add_option("--after", args->after, "Manifests after the change (files or folders)")->required();
  d->add_option("-r,--replicates", args->replicates, "Replicates of each (default: the scenario's simulation.replicates)")
      ->check(CLI::Range(1, 1000000));
  d->add_option("-j,--threads", args->threads, "Worker threads (0: one per core); results do not depend on it")->check(CLI::Range(0, 1024));
  d->add_option("-o,--out", args->out, "Directory for diff.json, diff.txt, result.json and report.html")->capture_default_str();
  d->add_option("--fail-above", args->fail_above_pct, "Exit 3 when the monthly cost rises by more than PCT percent")
      ->check(CLI::Range(0.0, 1e9));
  d->add_option("--fail-risk", args->fail_risk_pct, "Exit 3 when P(SLO breach) rises by more than PCT percentage points")
      ->check(CLI::Range(0.0, 100.0));
  d->add_option("--data-root", args->data_root,
                "Refuse any file the scenario names that resolves outside DIR, symbolic links followed: for scenarios you did not write");
  d->add_flag("-q,--quiet", args->quiet, "Print nothing on success");
  return [args, d]() { return *d ? run_diff(*args) : -1; };
}

}  // namespace capsim::cli
