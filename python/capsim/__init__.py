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
    CostBreakdown,
    BillingHour,
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
    TraceRead,
    __version__,
    allocate,
    builtin_catalog,
    format_comparison,
    load_scenario,
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
)

from .billing import billing_frame  # noqa: F401,E402

__all__ = [
    "Assumption", "BatchResult", "DeadlineRisk", "ConsolidatedNode", "ConsolidationDecision", "BillingHour", "CommitmentSummary", "CostBreakdown", "CostLine", "Decisions", "Error", "FleetSummary", "InstanceCatalog", "InstanceType", "JobResult", "LatencySummary", "LaunchDecision", "LlmSummary", "NodeRecord",
    "PolicyResult", "RejectedType", "ReplicateResult", "RequestLog", "RunResult", "Scenario", "ScenarioError",
    "ServiceResult", "ServiceSeries", "ServiceUsage", "SlaSummary", "SloSummary", "SpotAdvisorEntry", "Trace", "TraceError", "TraceRead", "UnschedulableDecision",
    "allocate", "billing_frame", "billing_hours_to_csv", "builtin_catalog", "focus_to_csv", "format_comparison", "load_scenario", "nodes_to_csv", "cost_lines_to_csv", "query_catalog", "read_trace", "resample_trace",
    "replay_job", "ReplayOutcome", "result_to_json", "run", "run_replicate", "series_to_csv", "summarize_trace", "validate",
    "write_result_json", "WorldDraw",
    "BreachRisk", "Comparison", "CompareResult", "CostDriver", "CostSpread", "LadderStep", "MonthlySplit", "ObjectiveOutcome", "PairedSaving", "PolicyComparison", "Recommendation", "ServiceRisk", "compare", "compare_policies", "comparison_summary_csv", "comparison_to_json", "format_compare", "render_report_html", "replicates_csv",
]
