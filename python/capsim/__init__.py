"""capsim: cost and capacity simulator for GPU workloads on AWS.

Load a scenario file, run every policy, read the results::

    import capsim
    sc = capsim.load_scenario("scenarios/gpu-inference-eks.json")
    result = capsim.run(sc, threads=0)
    print(capsim.format_comparison(result))
    lean = result.policy("lean").replicates[0]
    lean.cost.total_usd, lean.services[0].sla.missed_share

Results are plain, picklable values; per-period series (``keep_series=True``) are numpy arrays.
"""
from ._capsim import (  # noqa: F401
    Assumption,
    WorldDraw,
    BreachRisk,
    BudgetAlertRisk,
    Comparison,
    CompareResult,
    CostDriver,
    CostSpread,
    LadderStep,
    MonthlySplit,
    ObjectiveOutcome,
    PairedSaving,
    PolicyComparison,
    Recommendation,
    ServiceRisk,
    compare,
    compare_policies,
    comparison_summary_csv,
    comparison_to_json,
    format_compare,
    render_report_html,
    replicates_csv,
    ConsolidatedNode,
    ConsolidationDecision,
    ConsolidationScoreDecision,
    CostBreakdown,
    BillingHour,
    CommitmentCharge,
    BudgetSpend,
    SavingsPlanAdvice,
    SpendAnomalyOutcome,
    SpendForecastOutcome,
    SpendMonthForecast,
    BudgetAlertOutcome,
    BudgetOutcome,
    CommitmentSummary,
    CostLine,
    Decisions,
    Error,
    FleetSummary,
    InstanceCatalog,
    InstanceType,
    BatchResult,
    DeadlineRisk,
    JobResult,
    LatencySummary,
    LaunchDecision,
    LlmSummary,
    NodeRecord,
    PolicyResult,
    RejectedType,
    ReplicateResult,
    RequestLog,
    RunResult,
    Scenario,
    ScenarioError,
    ServiceResult,
    ServiceSeries,
    ServiceUsage,
    SlaSummary,
    SloSummary,
    SpotAdvisorEntry,
    Trace,
    TraceError,
    UnschedulableDecision,
    UnremovableNodeDecision,
    TraceRead,
    __version__,
    allocate,
    builtin_catalog,
    format_comparison,
    load_scenario,
    load_scenario_text,
    nodes_to_csv,
    billing_hours_to_csv,
    cost_lines_to_csv,
    focus_to_csv,
    query_catalog,
    read_trace,
    resample_trace,
    result_to_json,
    run,
    run_replicate,
    replay_job,
    ReplayOutcome,
    series_to_csv,
    summarize_trace,
    validate,
    write_result_json,
    write_report_html,
    ReplicateBlock,
    ManifestChange,
    PolicyDiff,
    ServiceSlaChange,
    UnschedulablePods,
    diff,
    failed_gates,
    format_policy_diff,
    policy_diff_to_json,
    DemandDraws,
    compare_choices,
    gather_blocks,
    replicate_blocks,
    run_block,
)

from .billing import billing_frame  # noqa: F401,E402
from .sweeps import SweepResult, SweepShard, merge_sweep_shards, sweep  # noqa: F401,E402
from . import scenario as _scenario  # noqa: F401,E402  (adds Scenario.from_dict, to_dict, with_policy)
from . import frames  # noqa: F401,E402
from . import plot  # noqa: F401,E402  (matplotlib is imported by the plots, not here)
from .frames import decisions_frame, nodes_frame, records_frame, series_frame, to_pandas  # noqa: F401,E402


def report_html(result, path=None):
    """The compare report of a CompareResult (``capsim.compare``) as one self-contained HTML page,
    as capsim compare writes report.html; with ``path``, also written there atomically."""
    if not isinstance(result, CompareResult):
        raise TypeError(f"report_html: expected a CompareResult (capsim.compare's result), got {type(result).__name__}")
    if path is not None:
        write_report_html(path, result.comparison, result.run)
    return render_report_html(result.comparison, result.run)


def _compare_to_pandas(self):
    """One row per policy and replicate, as RunResult.to_pandas, with monthly_cost_usd (the
    replicate's cost per 30-day month, as replicates.csv)."""
    frame = to_pandas(self.run)
    frame.insert(2, "monthly_cost_usd", frame["cost.total_usd"] * self.comparison.month_factor)
    return frame


def _write_html(self, path):
    """Writes the compare report to path atomically."""
    write_report_html(path, self.comparison, self.run)


def _on_run(frame_of):
    # A CompareResult's frames are those of its run (replicate 0's series and logs when kept).
    def method(self, *args, **kwargs):
        return frame_of(self.run, *args, **kwargs)
    method.__name__, method.__doc__ = frame_of.__name__, frame_of.__doc__
    return method


def _to_html(self):
    """The compare report as one self-contained HTML page (the bytes of capsim compare's report.html)."""
    return render_report_html(self.comparison, self.run)


for _frame in (series_frame, nodes_frame, decisions_frame, records_frame, billing_frame):
    setattr(RunResult, _frame.__name__, _frame)
    setattr(CompareResult, _frame.__name__, _on_run(_frame))
RunResult.to_pandas = to_pandas
CompareResult.to_pandas = _compare_to_pandas
CompareResult.to_html = _to_html
CompareResult.write_html = _write_html
Comparison.to_pandas = frames.comparison_frame

__all__ = [
    "Assumption", "BatchResult", "DeadlineRisk", "ConsolidatedNode", "ConsolidationDecision", "ConsolidationScoreDecision", "BillingHour", "CommitmentCharge", "BudgetSpend", "SavingsPlanAdvice", "SpendAnomalyOutcome", "SpendForecastOutcome", "SpendMonthForecast", "BudgetAlertOutcome", "BudgetOutcome", "CommitmentSummary", "CostBreakdown", "CostLine", "Decisions", "Error", "FleetSummary", "InstanceCatalog", "InstanceType", "JobResult", "LatencySummary", "LaunchDecision", "LlmSummary", "NodeRecord",
    "PolicyResult", "RejectedType", "ReplicateResult", "RequestLog", "RunResult", "Scenario", "ScenarioError",
    "ServiceResult", "ServiceSeries", "ServiceUsage", "SlaSummary", "SloSummary", "SpotAdvisorEntry", "Trace", "TraceError", "TraceRead", "UnschedulableDecision", "UnremovableNodeDecision",
    "SweepResult", "SweepShard", "merge_sweep_shards", "sweep", "ManifestChange", "PolicyDiff", "ServiceSlaChange", "UnschedulablePods", "diff", "failed_gates", "format_policy_diff", "policy_diff_to_json", "ReplicateBlock", "DemandDraws", "compare_choices", "gather_blocks", "replicate_blocks", "run_block",
    "allocate", "billing_frame", "decisions_frame", "frames", "load_scenario_text", "nodes_frame", "plot", "records_frame",
    "report_html", "series_frame", "to_pandas", "write_report_html", "billing_hours_to_csv", "builtin_catalog", "focus_to_csv", "format_comparison", "load_scenario", "nodes_to_csv", "cost_lines_to_csv", "query_catalog", "read_trace", "resample_trace",
    "replay_job", "ReplayOutcome", "result_to_json", "run", "run_replicate", "series_to_csv", "summarize_trace", "validate",
    "write_result_json", "WorldDraw",
    "BreachRisk", "BudgetAlertRisk", "Comparison", "CompareResult", "CostDriver", "CostSpread", "LadderStep", "MonthlySplit", "ObjectiveOutcome", "PairedSaving", "PolicyComparison", "Recommendation", "ServiceRisk", "compare", "compare_policies", "comparison_summary_csv", "comparison_to_json", "format_compare", "render_report_html", "replicates_csv",
]
