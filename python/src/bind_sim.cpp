// scenario/ and sim/: a loaded scenario and running it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/scenario/scenario.hpp"
#include "capsim/sim/compare.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/batch/job_replay.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_sim(py::module_& m) {
  py::class_<Scenario>(m, "Scenario",
                       "A loaded, validated scenario: the world every policy shares and each policy's choices. Load with "
                       "load_scenario(path); with_seed/with_replicates return changed copies.")
      .def_readonly("name", &Scenario::name, "scenario name")
      .def_readonly("description", &Scenario::description, "scenario description")
      .def_readonly("baseline", &Scenario::baseline, "the policy others are compared with")
      .def_readonly("catalog", &Scenario::catalog, "the instance catalog in force")
      .def_readonly("sources", &Scenario::sources, "JSON pointer -> source of a figure")
      .def_readonly("warnings", &Scenario::warnings, "points filled, merged, dropped or clipped while reading the traces")
      .def_property_readonly("policy_names",
                             [](const Scenario& s) {
                               std::vector<std::string> out;
                               for (const auto& p : s.policies) out.push_back(p.name);
                               return out;
                             },
                             "policy names in file order")
      .def_property_readonly("seed", [](const Scenario& s) { return s.simulation.seed; }, "root seed")
      .def_property_readonly("replicates", [](const Scenario& s) { return s.simulation.replicates; }, "replicates per policy")
      .def_property_readonly("start_utc", [](const Scenario& s) { return format_utc(s.simulation.start); }, "window start")
      .def_property_readonly("duration_s", [](const Scenario& s) { return to_seconds(s.simulation.duration); }, "window length")
      .def_property_readonly("period_s", [](const Scenario& s) { return to_seconds(s.simulation.period); }, "period")
      .def_property_readonly("periods", [](const Scenario& s) { return s.simulation.periods(); }, "periods in the window")
      .def(
          "assumptions",
          [](const Scenario& s, const std::string& policy) { return s.policy(policy).assumptions; }, py::arg("policy"),
          "Unsourced figures of one policy.")
      .def(
          "with_seed",
          [](const Scenario& s, std::uint64_t seed) {
            Scenario c = s;
            c.simulation.seed = seed;
            return c;
          },
          py::arg("seed"), "A copy with another root seed.")
      .def(
          "with_replicates",
          [](const Scenario& s, int n) {
            if (n < 1) throw py::value_error("replicates must be >= 1");
            Scenario c = s;
            c.simulation.replicates = n;
            return c;
          },
          py::arg("replicates"), "A copy with another number of replicates.");

  m.def(
      "run",
      [](const Scenario& s, int threads, bool keep_series, bool explain) {
        if (threads < 0) throw py::value_error("threads must be >= 0");
        RunOptions opt;
        opt.threads = threads;
        opt.keep_series = keep_series;
        opt.explain = explain;
        py::gil_scoped_release release;
        return run_scenario(s, opt);
      },
      py::arg("scenario"), py::arg("threads") = 1, py::arg("keep_series") = false, py::arg("explain") = false,
      "Runs every policy, `replicates` times each. threads=0 uses one per core; results do not depend on it. "
      "keep_series keeps the per-period series (numpy arrays); explain keeps Karpenter's reasons for each node it "
      "launched (replicate 0).");
  py::class_<CompareResult>(m, "CompareResult", "Every replicate's results and the comparison drawn from them.")
      .def(py::init<>())
      .def_readwrite("run", &CompareResult::run, "every replicate's results (replicate 0's series when kept)")
      .def_readwrite("comparison", &CompareResult::comparison, "the comparison")
      .def(py::pickle([](const CompareResult& c) { return py::make_tuple(c.run, c.comparison); },
                      [](const py::tuple& t) {
                        if (t.size() != 2) throw std::runtime_error("bad pickle state for CompareResult");
                        return CompareResult{t[0].cast<RunResult>(), t[1].cast<Comparison>()};
                      }));
  m.def(
      "compare",
      [](const Scenario& s, const std::vector<std::string>& policies, const std::string& baseline, int replicates, int threads,
         bool keep_series, const std::string& advise_savings_plan) {
        if (threads < 0) throw py::value_error("threads must be >= 0");
        if (replicates < 0) throw py::value_error("replicates must be >= 1 (0: the scenario's)");
        CompareOptions opt;
        opt.policies = policies;
        opt.baseline = baseline;
        opt.replicates = replicates;
        opt.run.threads = threads;
        opt.run.keep_series = keep_series;
        opt.run.series_of_first_replicate_only = true;
        opt.run.advise_savings_plan = advise_savings_plan;
        py::gil_scoped_release release;
        return compare_scenario(s, opt);
      },
      py::arg("scenario"), py::arg("policies") = std::vector<std::string>{}, py::arg("baseline") = "", py::arg("replicates") = 0,
      py::arg("threads") = 1, py::arg("keep_series") = false, py::arg("advise_savings_plan") = "",
      "capsim compare: the chosen policies (default all) x replicates (0: the scenario's) on the same world draws, and the "
      "comparison. keep_series keeps replicate 0's per-period series; advise_savings_plan ('compute:1y:no-upfront') adds each "
      "policy's Savings Plan advice.");
  m.def(
      "run_replicate",
      [](const Scenario& s, const std::string& policy, int replicate, bool keep_series) {
        if (replicate < 0) throw py::value_error("replicate must be >= 0");
        const PolicySpec& p = s.policy(policy);
        py::gil_scoped_release release;
        return run_replicate(s, p, replicate, keep_series);
      },
      py::arg("scenario"), py::arg("policy"), py::arg("replicate") = 0, py::arg("keep_series") = false,
      "Runs one policy, one replicate (for spreading replicates over Dask or multiprocessing workers).");

  py::class_<ReplayOutcome>(m, "ReplayOutcome", "One job replayed on a spot availability series (replay_job).")
      .def_readonly("finished", &ReplayOutcome::finished)
      .def_readonly("finish_s", &ReplayOutcome::finish_s, "from its start (the series' end when unfinished)")
      .def_readonly("lateness_s", &ReplayOutcome::lateness_s, "finish - deadline (negative: early)")
      .def_readonly("met", &ReplayOutcome::met)
      .def_readonly("spot_hours", &ReplayOutcome::spot_hours, "instance hours billed on spot, changeovers included")
      .def_readonly("on_demand_hours", &ReplayOutcome::on_demand_hours)
      .def_readonly("launches", &ReplayOutcome::launches, "instances started")
      .def_readonly("preemptions", &ReplayOutcome::preemptions)
      .def_readonly("work_lost_s", &ReplayOutcome::work_lost_s, "compute lost since checkpoints")
      .def_readonly("cost_usd", &ReplayOutcome::cost_usd)
      .def("__repr__", [](const ReplayOutcome& o) {
        return fmt::format("ReplayOutcome(finished={}, finish_s={:g}, met={}, spot_hours={:g}, on_demand_hours={:g}, cost_usd={:g})",
                           o.finished ? "True" : "False", o.finish_s, o.met ? "True" : "False", o.spot_hours, o.on_demand_hours, o.cost_usd);
      });
  m.def(
      "replay_job",
      [](const std::string& policy, double work_s, double deadline_s, const std::vector<int>& spot_available, double gap_s,
         double changeover_s, double checkpoint_interval_s, double checkpoint_cost_s, double spot_usd_per_h, double on_demand_usd_per_h,
         std::size_t first) {
        const std::vector<std::string> names{"on-demand", "spot", "greedy", "uniform-progress"};
        const auto it = std::find(names.begin(), names.end(), policy);
        if (it == names.end()) {
          const std::string hint = did_you_mean(policy, names);
          throw py::value_error(fmt::format("policy: expected on-demand, spot, greedy or uniform-progress, got '{}'{}", policy,
                                            hint.empty() ? "" : " (" + hint + ")"));
        }
        auto positive = [](double v, const char* what) {
          if (!(v > 0) || !std::isfinite(v)) throw py::value_error(fmt::format("{}: expected a number > 0, got {:g}", what, v));
        };
        auto nonnegative = [](double v, const char* what) {
          if (!(v >= 0) || !std::isfinite(v)) throw py::value_error(fmt::format("{}: expected a number >= 0, got {:g}", what, v));
        };
        positive(work_s, "work_s");
        positive(deadline_s, "deadline_s");
        positive(gap_s, "gap_s");
        nonnegative(changeover_s, "changeover_s");
        nonnegative(checkpoint_interval_s, "checkpoint_interval_s");
        nonnegative(checkpoint_cost_s, "checkpoint_cost_s");
        nonnegative(spot_usd_per_h, "spot_usd_per_h");
        nonnegative(on_demand_usd_per_h, "on_demand_usd_per_h");
        std::vector<std::uint8_t> flags;
        flags.reserve(spot_available.size());
        for (std::size_t i = 0; i < spot_available.size(); ++i) {
          if (spot_available[i] != 0 && spot_available[i] != 1)
            throw py::value_error(fmt::format("spot_available[{}]: expected 1 (spot on offer) or 0 (none), got {}", i, spot_available[i]));
          flags.push_back(static_cast<std::uint8_t>(spot_available[i]));
        }
        if (first > flags.size()) throw py::value_error(fmt::format("first: expected at most {} (the series' length), got {}", flags.size(), first));
        const auto kind = static_cast<PurchasingKind>(it - names.begin());
        const ReplayJob job{work_s, deadline_s, changeover_s, {checkpoint_interval_s, checkpoint_cost_s}, spot_usd_per_h, on_demand_usd_per_h};
        py::gil_scoped_release release;
        return replay_job(kind, job, flags, gap_s, first);
      },
      py::arg("policy"), py::arg("work_s"), py::arg("deadline_s"), py::arg("spot_available"), py::arg("gap_s"), py::arg("changeover_s") = 0.0,
      py::arg("checkpoint_interval_s") = 0.0, py::arg("checkpoint_cost_s") = 0.0, py::arg("spot_usd_per_h") = 0.0,
      py::arg("on_demand_usd_per_h") = 0.0, py::arg("first") = 0,
      "One job replayed on a spot availability series (1: spot on offer, 0: none; one value per gap_s, from index `first`) under a "
      "purchasing policy, stepped at the gap as the Can't Be Late authors' simulator steps it: every new instance pays changeover_s, "
      "a preempted or stopped one loses the compute since its last checkpoint. The fast path for sweeping policies over many series.");
}

}  // namespace capsim::py_bind
