// report/: what a run produces. Plain value types, picklable; per-period series as numpy arrays.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_value.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/report/result.hpp"
#include "capsim/report/comparison_fields.hpp"
#include "capsim/report/comparison_text.hpp"
#include "capsim/report/html_report.hpp"
#include "capsim/report/result_fields.hpp"
#include "capsim/report/summary.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_report(py::module_& m) {
  // Every field, its doc and its order come from the result field tables.
  table_class<Assumption>(m, "Assumption", "A typed-in figure without a source.");
  table_class<CostBreakdown>(m, "CostBreakdown", "Cost over the simulation window, USD.");
  table_class<ServiceUsage>(m, "ServiceUsage", "What a service's pods requested and used, and the node cost their requests take up.");
  table_class<FleetSummary>(m, "FleetSummary", "The fleet a policy ran.");
  table_class<SlaSummary>(m, "SlaSummary", "SLA measures of one service (fluid or request-level model).");
  table_class<LatencySummary>(m, "LatencySummary", "Latency and request outcomes from the request-level model.");
  table_class<SloSummary>(m, "SloSummary", "A service level objective's outcome over the window.");
  table_class<LlmSummary>(m, "LlmSummary", "Token latencies of an LLM service under continuous batching.");
  table_class<ObjectiveOutcome>(m, "ObjectiveOutcome", "Whether one replicate kept a service's objectives (SLA target, SLO budgets).");
  table_class<ServiceResult>(m, "ServiceResult", "One service's outcome.");
  table_class<JobResult>(m, "JobResult", "One batch job's outcome: its deadline, GPU-hours on spot and on-demand, restarts, lost work, cost.");
  table_class<BatchResult>(m, "BatchResult", "The batch jobs of one template in one replicate: deadline misses, cost per job, lateness.");
  table_class<ServiceSeries>(m, "ServiceSeries", "Per-period series of one service (numpy arrays, one value per period).");
  table_class<NodeRecord>(m, "NodeRecord", "One node's life in a run (times in seconds from the start; -1: not in the window).");
  table_class<CostLine>(m, "CostLine", "One line of the bill: what was billed for an instance, a reservation or the control plane.");
  table_class<CommitmentSummary>(m, "CommitmentSummary",
                                 "What a policy's Savings Plans and Reserved Instances did to its eligible (on-demand) usage over the window.");
  table_class<BudgetAlertOutcome>(m, "BudgetAlertOutcome", "One budget alert in one period: whether and when it fired, and its message.");
  table_class<BudgetOutcome>(m, "BudgetOutcome", "One budget in one period the window touches: spend, status, forecast and alerts.");
  table_class<SpendMonthForecast>(m, "SpendMonthForecast", "A forecast's sum over one calendar month of its horizon.");
  table_class<SpendForecastOutcome>(m, "SpendForecastOutcome", "The forecast of the days after the window, with its prediction interval.");
  table_class<SpendAnomalyOutcome>(m, "SpendAnomalyOutcome", "A day of unexpected spend, its impact and root cause.");
  table_class<SavingsPlanAdvice>(m, "SavingsPlanAdvice",
                                 "How much of a Savings Plan a policy should buy: the commitments minimising the expected and the P95 cost.");
  table_class<BillingHour>(m, "BillingHour", "One cost line in one UTC clock hour: usage and cost, as AWS itemises a bill.");
  table_class<BudgetSpend>(m, "BudgetSpend", "A budget's scoped spend hour by hour, with its alerts' thresholds (kept with the series).");
  table_class<CommitmentCharge>(m, "CommitmentCharge",
                                "One commitment's part of one UTC clock hour: a cost line's usage it covered, or its own fee and unused part.");
  table_class<RejectedType>(m, "RejectedType", "A cheaper instance type rejected for a node claim, and why.");
  table_class<LaunchDecision>(m, "LaunchDecision", "A node Karpenter launched for pending pods.");
  table_class<ConsolidatedNode>(m, "ConsolidatedNode", "A node a consolidation removed.");
  table_class<ConsolidationDecision>(m, "ConsolidationDecision", "Karpenter deleted nodes, or replaced them by one cheaper node.");
  table_class<ConsolidationScoreDecision>(m, "ConsolidationScoreDecision",
                                          "A consolidation move a Balanced NodePool scored: taken when its score reaches the threshold.");
  table_class<UnschedulableDecision>(m, "UnschedulableDecision", "A pod no NodePool or node group could run.");
  table_class<UnremovableNodeDecision>(m, "UnremovableNodeDecision",
                                       "An under-utilized node the Cluster Autoscaler could not remove (NoPlaceToMovePods), and why.");
  table_class<Decisions>(m, "Decisions", "The provisioners' decisions of one run (kept when explained).");
  table_class<WorldDraw>(m, "WorldDraw", "The world one replicate drew from the scenario's uncertainty section.");
  table_class<ReplicateResult>(m, "ReplicateResult", "One policy, one replicate.");
  table_class<PolicyResult>(m, "PolicyResult", "Every replicate of one policy.");
  table_class<CostSpread>(m, "CostSpread", "One policy's monthly cost across replicates, USD per 30-day month.");
  table_class<PairedSaving>(m, "PairedSaving", "A policy's saving against another, paired by replicate (common random numbers).");
  table_class<MonthlySplit>(m, "MonthlySplit", "Where a policy's monthly money goes (means over replicates).");
  table_class<ServiceRisk>(m, "ServiceRisk", "One service's SLA measures across a policy's replicates.");
  table_class<BudgetAlertRisk>(m, "BudgetAlertRisk", "One budget alert of one period across a policy's replicates: how often and first when it fired.");
  table_class<DeadlineRisk>(m, "DeadlineRisk", "One batch job template's deadlines and cost across a policy's replicates.");
  table_class<BreachRisk>(m, "BreachRisk", "The share of replicates in which any service broke its objective.");
  table_class<PolicyComparison>(m, "PolicyComparison", "One policy in a comparison.");
  table_class<LadderStep>(m, "LadderStep", "A step of a lever ladder: a policy against the one it extends.");
  table_class<CostDriver>(m, "CostDriver", "A part of the baseline's monthly cost.");
  table_class<Recommendation>(m, "Recommendation", "The policy recommended, and why.");
  table_class<Comparison>(m, "Comparison", "What capsim compare concludes from a run's replicates.");
  auto state = [](const RunResult& r) {
    return py::make_tuple(r.scenario, r.seed, r.replicates, format_utc(r.start), r.duration, r.period, r.baseline,
                          r.catalog_source, r.sources, r.policies, r.warnings, r.risk_tolerance, r.risk_tolerance_given, r.uncertain);
  };
  py::class_<RunResult>(m, "RunResult", "Every policy of a scenario.")
      .def(py::init<>())
      .def_readwrite("scenario", &RunResult::scenario, "scenario name")
      .def_readwrite("seed", &RunResult::seed, "root seed")
      .def_readwrite("replicates", &RunResult::replicates, "replicates per policy")
      .def_property_readonly("start_utc", [](const RunResult& r) { return format_utc(r.start); }, "window start, ISO 8601")
      .def_property_readonly("duration_s", [](const RunResult& r) { return to_seconds(r.duration); }, "window length, seconds")
      .def_property_readonly("period_s", [](const RunResult& r) { return to_seconds(r.period); }, "period, seconds")
      .def_readwrite("baseline", &RunResult::baseline, "baseline policy name")
      .def_readwrite("risk_tolerance", &RunResult::risk_tolerance, "the scenario's compare.risk_tolerance (or capsim's default)")
      .def_readwrite("uncertain", &RunResult::uncertain, "what the scenario's uncertainty section varies per replicate")
      .def_readwrite("risk_tolerance_given", &RunResult::risk_tolerance_given, "False: capsim's default, an assumption")
      .def_readwrite("catalog_source", &RunResult::catalog_source, "where the catalog's facts come from")
      .def_readwrite("sources", &RunResult::sources, "JSON pointer -> source of a figure")
      .def_readwrite("warnings", &RunResult::warnings, "points filled, merged, dropped or clipped while reading the inputs")
      .def_readwrite("policies", &RunResult::policies, "one result per policy, in file order")
      .def(
          "policy",
          [](const RunResult& r, const std::string& name) {
            for (const auto& p : r.policies)
              if (p.name == name) return p;
            throw py::key_error("no policy named '" + name + "'");
          },
          py::arg("name"), "The result of the policy called name.")
      .def("__eq__", [state](const RunResult& a, const RunResult& b) { return state(a).equal(state(b)); }, py::arg("other"))
      .def(py::pickle(state, [](const py::tuple& t) {
        if (t.size() != 14) throw std::runtime_error("bad pickle state for RunResult");
        RunResult r;
        r.scenario = t[0].cast<std::string>();
        r.seed = t[1].cast<std::uint64_t>();
        r.replicates = t[2].cast<int>();
        auto start = io::parse_iso8601(t[3].cast<std::string>());
        if (!start) throw std::runtime_error("bad start time in pickled RunResult");
        r.start = *start;
        r.duration = t[4].cast<SimDuration>();
        r.period = t[5].cast<SimDuration>();
        r.baseline = t[6].cast<std::string>();
        r.catalog_source = t[7].cast<std::string>();
        r.sources = t[8].cast<std::map<std::string, std::string>>();
        r.policies = t[9].cast<std::vector<PolicyResult>>();
        r.warnings = t[10].cast<std::vector<std::string>>();
        r.risk_tolerance = t[11].cast<double>();
        r.risk_tolerance_given = t[12].cast<bool>();
        r.uncertain = t[13].cast<std::vector<std::string>>();
        return r;
      }));
  m.def("compare_policies", &compare_policies, py::arg("run"),
        "The comparison of a run's policies: monthly cost spread, paired savings, lever ladder, P(SLO breach), recommendation.");
  m.def("render_report_html", &render_report_html, py::arg("comparison"), py::arg("run"),
        "The self-contained HTML page capsim compare writes as report.html (inline SVG charts; no network fetch).");
  m.def("format_compare", &format_compare, py::arg("comparison"), py::arg("run"), py::arg("width") = 100,
        "The text capsim compare prints.");
  m.def("format_comparison", &format_comparison, py::arg("result"),
        "The side-by-side table `capsim run` prints: one column per policy, then the assumptions.");
}

}  // namespace capsim::py_bind
