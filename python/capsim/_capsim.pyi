"""Type stubs of capsim's compiled core (kept by hand next to python/src/bind_*.cpp)."""
import os
import pathlib
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

import pandas  # only for the frames' annotations

__version__: str

class Error(Exception): ...
class ScenarioError(Error):
    diagnostics: List[str]
class TraceError(Error): ...

class InstanceType:
    name: str
    family: str
    vcpu: int
    memory_mib: int
    gpus: int
    gpu_manufacturer: str
    gpu_model: str
    gpu_memory_mib_per_gpu: int
    accelerators: int
    accelerator_model: str
    arch: str
    alloc_cpu_millicores: int
    alloc_memory_mib: int
    alloc_pods: int
    ondemand_usd_per_h: float
    def __init__(self) -> None: ...
    @property
    def accelerated(self) -> bool: ...

class InstanceCatalog:
    @property
    def types(self) -> List[InstanceType]: ...
    @property
    def source(self) -> str: ...
    def at(self, name: str) -> InstanceType: ...
    def find(self, name: str) -> Optional[InstanceType]: ...
    def closest(self, name: str, n: int = 3) -> List[str]: ...
    def __len__(self) -> int: ...
    def __contains__(self, name: str) -> bool: ...

def builtin_catalog(name: str = "aws-us-east-1") -> InstanceCatalog: ...

class SpotAdvisorEntry:
    @property
    def bucket(self) -> int: ...
    @property
    def savings_pct(self) -> float: ...

def query_catalog(requirements: List[Tuple[str, str, List[str]]] = [], max_price_usd_per_h: Optional[float] = None,
                  spot: bool = False, sort: str = "price", builtin: str = "aws-us-east-1") -> List[Dict[str, object]]: ...
def allocate(count: int, strategy: str, max_pools: int,
             pools: List[Dict[str, float]]) -> Tuple[List[Tuple[int, int]], int]: ...

class Trace:
    @property
    def name(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def start_utc(self) -> str: ...
    @property
    def period_s(self) -> float: ...
    @property
    def unit(self) -> str: ...
    @property
    def values(self) -> npt.NDArray[np.float64]: ...
    def __len__(self) -> int: ...

class RequestLog:
    @property
    def name(self) -> str: ...
    @property
    def arrivals_us(self) -> npt.NDArray[np.int64]: ...
    @property
    def input_tokens(self) -> npt.NDArray[np.float64]: ...
    @property
    def output_tokens(self) -> npt.NDArray[np.float64]: ...
    def __len__(self) -> int: ...

class TraceRead:
    @property
    def trace(self) -> Trace: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def requests(self) -> Optional[RequestLog]: ...
    @property
    def period_inferred(self) -> bool: ...
    @property
    def metric(self) -> Optional[str]: ...

def read_trace(files: List["str | os.PathLike[str]"], *, format: Optional[str] = None, unit: str = "requests",
               period_s: Optional[float] = None, id: Optional[str] = None, label: Optional[str] = None,
               statistic: Optional[str] = None, gaps: Optional[str] = None, timestamp_column: str = "timestamp",
               value_column: str = "value", timestamp_format: Optional[str] = None, time_zone: Optional[str] = None,
               origin: Optional[str] = None, scale: float = 1.0, clip_min: Optional[float] = None,
               clip_max: Optional[float] = None) -> TraceRead: ...
def resample_trace(trace: Trace, period_s: float, anchor_utc: Optional[str] = None,
                   profile: Optional[List[float]] = None) -> Tuple[Trace, List[str]]: ...
def summarize_trace(trace: Trace) -> Dict[str, object]: ...

class Assumption:
    pointer: str
    value: str
    def __init__(self) -> None: ...

class CostBreakdown:
    gpu_instances_usd: float
    other_instances_usd: float
    eks_control_plane_usd: float
    total_usd: float
    allocated_usd: float
    unallocated_usd: float
    on_demand_usd: float
    spot_usd: float
    reserved_usd: float
    commitment_savings_usd: float
    by_tag_usd: Dict[str, float]
    allocated_by_label_usd: Dict[str, float]
    def __init__(self) -> None: ...

class ServiceUsage:
    allocated_usd: float
    gpu_hours_requested: float
    gpu_hours_busy: float
    idle_requested_usd: float
    cpu_hours_requested: float
    cpu_hours_used: float
    memory_gib_hours_requested: float
    memory_gib_hours_used: float
    def __init__(self) -> None: ...

class FleetSummary:
    nodes_at_end: int
    gpus_at_end: int
    peak_nodes: int
    peak_gpus: int
    max_ready_nodes: int
    launches: int
    gpus_launched: int
    interruptions: int
    insufficient_capacity: int
    rebalance_recommendations: int
    consolidations: int
    consolidation_replacements: int
    expirations: int
    pods_disrupted: int
    unschedulable: int
    scale_ups: int
    scale_downs: int
    provision_timeouts: int
    target_tracking_scale_outs: int
    target_tracking_scale_ins: int
    scheduled_actions: int
    disruption_evaluations: int
    instance_hours: float
    gpu_hours: float
    def __init__(self) -> None: ...

class SlaSummary:
    requests: float
    served: float
    missed: float
    interrupted: float
    missed_share: float
    abrupt_stops: int
    recovery_mean_s: float
    recovery_max_s: float
    unrecovered_at_end: int
    minutes_under_provisioned: float
    availability: float
    backlog_p95: float
    backlog_max: float
    backlog_end: float
    ready_replica_hours: float
    busy_replica_hours: float
    def __init__(self) -> None: ...

class LatencySummary:
    e2e_mean_s: float
    e2e_p50_s: float
    e2e_p90_s: float
    e2e_p95_s: float
    e2e_p99_s: float
    e2e_max_s: float
    wait_mean_s: float
    wait_p50_s: float
    wait_p95_s: float
    wait_p99_s: float
    wait_max_s: float
    served_late: float
    timed_out: float
    retried: float
    lost: float
    mean_in_system: float
    mean_time_in_system_s: float
    arrival_rate_rps: float
    def __init__(self) -> None: ...

class LlmSummary:
    ttft_mean_s: float
    ttft_p50_s: float
    ttft_p90_s: float
    ttft_p95_s: float
    ttft_p99_s: float
    ttft_max_s: float
    tpot_mean_s: float
    tpot_p50_s: float
    tpot_p90_s: float
    tpot_p95_s: float
    tpot_p99_s: float
    tpot_max_s: float
    input_tokens: float
    output_tokens: float
    output_tokens_per_s: float
    mean_batch: float
    def __init__(self) -> None: ...

class SloSummary:
    windows_failed: int
    windows: int
    violation_minutes: float
    requests_over_target_share: float
    latency_budget_burn: float
    availability: float
    availability_budget_burn: float
    goodput_rps: float
    def __init__(self) -> None: ...

class ObjectiveOutcome:
    breached: bool
    reason: str
    def __init__(self) -> None: ...

class JobResult:
    job: str
    index: int
    arrival_s: float
    deadline_s: float
    finish_s: float
    lateness_s: float
    deadline_met: bool
    open: bool
    spot_gpu_hours: float
    on_demand_gpu_hours: float
    restarts: int
    work_lost_gpu_hours: float
    cost_usd: float
    def __init__(self) -> None: ...

class BatchResult:
    job: str
    purchasing: str
    jobs: int
    missed: int
    open: int
    miss_share: float
    cost_usd: float
    cost_per_job_usd: float
    lateness_p95_s: float
    completion_mean_s: float
    spot_gpu_hours: float
    on_demand_gpu_hours: float
    restarts: int
    work_lost_gpu_hours: float
    objective: ObjectiveOutcome
    def __init__(self) -> None: ...

class ServiceResult:
    name: str
    replicas_requested: int
    replicas_placed: int
    replica_minutes_lost: float
    quota_refused: int
    pending_at_end: int
    pending_reason: str
    sla: SlaSummary
    usage: ServiceUsage
    latency: Optional[LatencySummary]
    slo: Optional[SloSummary]
    llm: Optional[LlmSummary]
    objective: Optional[ObjectiveOutcome]
    def __init__(self) -> None: ...

class ServiceSeries:
    name: str
    arrivals: npt.NDArray[np.float64]
    capacity_requests: npt.NDArray[np.float64]
    missed: npt.NDArray[np.float64]
    backlog_end: npt.NDArray[np.float64]
    ready_replicas: npt.NDArray[np.int32]
    def __init__(self) -> None: ...

class NodeRecord:
    name: str
    owner: str
    instance_type: str
    zone: str
    capacity_type: str
    price_usd_per_h: float
    launched_s: float
    ready_s: float
    cordoned_s: float
    terminated_s: float
    end_reason: str
    pods_bound: int
    def __init__(self) -> None: ...

class RejectedType:
    instance_type: str
    price_usd_per_h: float
    reason: str
    def __init__(self) -> None: ...

class LaunchDecision:
    sequence: int
    at_s: float
    node_pool: str
    instance_type: str
    capacity_type: str
    zone: str
    price_usd_per_h: float
    pods: List[str]
    types_considered: int
    types_in_request: int
    cheaper_rejected: List[RejectedType]
    def __init__(self) -> None: ...

class ConsolidatedNode:
    instance_type: str
    capacity_type: str
    pods: int
    def __init__(self) -> None: ...

class ConsolidationDecision:
    sequence: int
    at_s: float
    method: str
    nodes: List[ConsolidatedNode]
    nodes_price_usd_per_h: float
    replaced: bool
    replacement_type: str
    replacement_capacity_type: str
    replacement_price_usd_per_h: float
    replacement_types_in_request: int
    def __init__(self) -> None: ...

class ConsolidationScoreDecision:
    sequence: int
    at_s: float
    method: str
    nodes: List[str]
    savings_usd_per_h: float
    savings_fraction: float
    disruption_cost: float
    disruption_fraction: float
    score: float
    threshold: float
    approved: bool
    def __init__(self) -> None: ...

class UnschedulableDecision:
    sequence: int
    at_s: float
    pod: str
    reason: str
    def __init__(self) -> None: ...

class UnremovableNodeDecision:
    sequence: int
    at_s: float
    node: str
    instance_type: str
    zone: str
    reason: str
    detail: str
    def __init__(self) -> None: ...

class Decisions:
    launches: List[LaunchDecision]
    consolidations: List[ConsolidationDecision]
    consolidation_scores: List[ConsolidationScoreDecision]
    unschedulable: List[UnschedulableDecision]
    unremovable: List[UnremovableNodeDecision]
    next_sequence: int
    def __init__(self) -> None: ...

class CostLine:
    resource: str
    category: str
    instance_type: str
    capacity_type: str
    owner: str
    zone: str
    price_usd_per_h: float
    start_s: float
    end_s: float
    running_at_end: bool
    billed_s: float
    cost_usd: float
    tags: Dict[str, str]
    def __init__(self) -> None: ...

class CommitmentSummary:
    on_demand_equivalent_usd: float
    effective_usd: float
    savings_usd: float
    sp_committed_usd: float
    sp_used_usd: float
    sp_utilisation: float
    coverage: float
    ri_fee_usd: float
    ri_utilisation: float
    upfront_usd: float
    billed_usd: float
    usage_without_rate: int
    run_billed_usd: float
    run_effective_usd: float
    def __init__(self) -> None: ...

class BudgetAlertOutcome:
    alert: str
    fired: bool
    fired_at_s: float
    fired_at_utc: str
    evaluated: bool
    message: str
    def __init__(self) -> None: ...

class BudgetOutcome:
    budget: str
    period_start_utc: str
    period_end_utc: str
    amount_usd: float
    actual_usd: float
    period_in_window: bool
    forecast_usd: float
    forecast_lower_usd: float
    forecast_upper_usd: float
    status: str
    alerts: List[BudgetAlertOutcome]
    def __init__(self) -> None: ...

class SpendMonthForecast:
    month_start_utc: str
    days: int
    mean_usd: float
    lower_usd: float
    upper_usd: float
    def __init__(self) -> None: ...

class SpendForecastOutcome:
    first_day_utc: str
    history_days: int
    horizon_days: int
    level: float
    total_mean_usd: float
    total_lower_usd: float
    total_upper_usd: float
    trend_usd_per_day: float
    weekly: bool
    daily_mean_usd: npt.NDArray[np.float64]
    daily_lower_usd: npt.NDArray[np.float64]
    daily_upper_usd: npt.NDArray[np.float64]
    months: List[SpendMonthForecast]
    def __init__(self) -> None: ...

class SpendAnomalyOutcome:
    day_utc: str
    direction: str
    actual_usd: float
    expected_usd: float
    band_low_usd: float
    band_high_usd: float
    impact_usd: float
    root_cause: str
    root_cause_impact_usd: float
    def __init__(self) -> None: ...

class SavingsPlanAdvice:
    plan: str
    replicates: int
    none_expected_usd: float
    none_p95_usd: float
    min_expected_usd_per_h: float
    min_expected_expected_usd: float
    min_expected_p95_usd: float
    min_expected_coverage: float
    min_expected_utilisation: float
    min_p95_usd_per_h: float
    min_p95_expected_usd: float
    min_p95_p95_usd: float
    min_p95_coverage: float
    min_p95_utilisation: float
    usage_without_rate: int
    on_top_of: str
    held_fees_usd: float
    def __init__(self) -> None: ...

class BillingHour:
    line: int
    hour: int
    usage_h: float
    cost_usd: float
    def __init__(self) -> None: ...

class CommitmentCharge:
    commitment: str
    type: str
    name: str
    hour: int
    line: int
    usage_h: float
    on_demand_usd: float
    effective_usd: float
    held_h: float
    committed: float
    recurring_fee_usd: float
    upfront_usd: float
    def __init__(self) -> None: ...

class BudgetSpend:
    budget: str
    thresholds_usd: npt.NDArray[np.float64]
    hourly_usd: npt.NDArray[np.float64]
    def __init__(self) -> None: ...

class WorldDraw:
    demand_scale: float
    demand_monthly_factor: float
    daily_peak_shift_s: float
    node_latency_factor: float
    startup_latency_factor: float
    def __init__(self) -> None: ...

class ReplicateResult:
    replicate: int
    world: WorldDraw
    cost: CostBreakdown
    fleet: FleetSummary
    services: List[ServiceResult]
    batch: List[BatchResult]
    jobs: List[JobResult]
    commitments: Optional[CommitmentSummary]
    budgets: List[BudgetOutcome]
    forecast: Optional[SpendForecastOutcome]
    anomalies: List[SpendAnomalyOutcome]
    service_series: List[ServiceSeries]
    ready_nodes: npt.NDArray[np.int32]
    nodes: List[NodeRecord]
    cost_lines: List[CostLine]
    billing_hours: List[BillingHour]
    commitment_charges: List[CommitmentCharge]
    budget_spend: List[BudgetSpend]
    decisions: Decisions
    explanations: List[str]
    cost_rate_usd_per_h: npt.NDArray[np.float64]
    def __init__(self) -> None: ...

class PolicyResult:
    name: str
    description: str
    extends: str
    replicates: List[ReplicateResult]
    assumptions: List[Assumption]
    savings_plan_advice: Optional[SavingsPlanAdvice]
    def __init__(self) -> None: ...

class RunResult:
    scenario: str
    seed: int
    replicates: int
    baseline: str
    risk_tolerance: float
    uncertain: List[str]
    risk_tolerance_given: bool
    catalog_source: str
    sources: Dict[str, str]
    warnings: List[str]
    policies: List[PolicyResult]
    def __init__(self) -> None: ...
    @property
    def start_utc(self) -> str: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def period_s(self) -> float: ...
    def policy(self, name: str) -> PolicyResult: ...
    # Added by capsim/frames.py and capsim/billing.py (pandas, imported when called):
    def to_pandas(self) -> "pandas.DataFrame": ...
    def series_frame(self) -> "pandas.DataFrame": ...
    def nodes_frame(self) -> "pandas.DataFrame": ...
    def records_frame(self, field: str) -> "pandas.DataFrame": ...
    def decisions_frame(self) -> "pandas.DataFrame": ...
    def billing_frame(self, period: Optional[str] = None, group_by: Tuple[str, ...] = ()) -> "pandas.DataFrame": ...

class CostSpread:
    mean_usd: float
    sd_usd: float
    p5_usd: float
    p50_usd: float
    p95_usd: float
    cvar95_usd: float
    def __init__(self) -> None: ...

class PairedSaving:
    against: str
    usd: float
    usd_ci_low: float
    usd_ci_high: float
    pct: float
    pct_ci_low: float
    pct_ci_high: float
    def __init__(self) -> None: ...

class MonthlySplit:
    gpu_instances_usd: float
    other_instances_usd: float
    eks_control_plane_usd: float
    on_demand_usd: float
    spot_usd: float
    reserved_usd: float
    requested_not_serving_usd: float
    unallocated_usd: float
    gpu_hours_served: float
    usd_per_gpu_hour_served: float
    def __init__(self) -> None: ...

class ServiceRisk:
    name: str
    missed_share_mean: float
    missed_share_p95: float
    minutes_under_provisioned_mean: float
    minutes_under_provisioned_p95: float
    latency_p95_s_mean: float
    latency_p95_s_p95: float
    ttft_p95_s_mean: float
    ttft_p95_s_p95: float
    breach_share: float
    def __init__(self) -> None: ...

class BudgetAlertRisk:
    budget: str
    period_start_utc: str
    alert: str
    replicates: int
    fired_share: float
    first_fired_utc: str
    median_fired_at_s: float
    def __init__(self) -> None: ...

class DeadlineRisk:
    job: str
    purchasing: str
    miss_share_mean: float
    cost_per_job_usd_mean: float
    lateness_p95_s: float
    spot_gpu_hour_share: float
    restarts_per_job: float
    work_lost_gpu_hours_per_job: float
    breach_share: float
    def __init__(self) -> None: ...

class BreachRisk:
    replicates_judged: int
    breaches: int
    p_breach: float
    p_breach_ci_low: float
    p_breach_ci_high: float
    example: str
    def __init__(self) -> None: ...

class PolicyComparison:
    name: str
    description: str
    extends: str
    replicates: int
    monthly_cost: CostSpread
    vs_baseline: PairedSaving
    split: MonthlySplit
    risk: BreachRisk
    services: List[ServiceRisk]
    batch: List[DeadlineRisk]
    budget_alerts: List[BudgetAlertRisk]
    rank: int
    pareto: bool
    within_tolerance: bool
    def __init__(self) -> None: ...

class LadderStep:
    policy: str
    parent: str
    saving: PairedSaving
    p_breach: float
    p_breach_change: float
    def __init__(self) -> None: ...

class CostDriver:
    what: str
    usd: float
    share: float
    def __init__(self) -> None: ...

class Recommendation:
    policy: str
    reason: str
    def __init__(self) -> None: ...

class Comparison:
    scenario: str
    seed: int
    replicates: int
    window_days: float
    month_factor: float
    baseline: str
    risk_tolerance: float
    risk_tolerance_given: bool
    policies: List[PolicyComparison]
    ladder: List[LadderStep]
    baseline_drivers: List[CostDriver]
    recommendation: Recommendation
    warnings: List[str]
    def __init__(self) -> None: ...
    # Added by capsim/frames.py: one row per policy.
    def to_pandas(self) -> "pandas.DataFrame": ...

class CompareResult:
    run: RunResult
    comparison: Comparison
    def __init__(self) -> None: ...
    # Added by capsim/__init__.py: the run's frames (to_pandas adds monthly_cost_usd) and the report.
    def to_pandas(self) -> "pandas.DataFrame": ...
    def series_frame(self) -> "pandas.DataFrame": ...
    def nodes_frame(self) -> "pandas.DataFrame": ...
    def records_frame(self, field: str) -> "pandas.DataFrame": ...
    def decisions_frame(self) -> "pandas.DataFrame": ...
    def billing_frame(self, period: Optional[str] = None, group_by: Tuple[str, ...] = ()) -> "pandas.DataFrame": ...
    def to_html(self) -> str: ...
    def write_html(self, path: "str | os.PathLike[str]") -> None: ...

class Scenario:
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def baseline(self) -> str: ...
    @property
    def catalog(self) -> InstanceCatalog: ...
    @property
    def sources(self) -> Dict[str, str]: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def policy_names(self) -> List[str]: ...
    @property
    def seed(self) -> int: ...
    @property
    def replicates(self) -> int: ...
    @property
    def start_utc(self) -> str: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def period_s(self) -> float: ...
    @property
    def periods(self) -> int: ...
    def assumptions(self, policy: str) -> List[Assumption]: ...
    def with_seed(self, seed: int) -> "Scenario": ...
    def with_replicates(self, replicates: int) -> "Scenario": ...
    def patch(self, values: Dict[str, Any], label: str = "") -> "Scenario": ...
    @property
    def document_text(self) -> str: ...
    @property
    def display_file(self) -> str: ...
    @property
    def base_dir(self) -> pathlib.Path: ...
    @property
    def data_root(self) -> Optional[pathlib.Path]: ...
    @property
    def document_files(self) -> List[str]: ...
    @property
    def document_manifests(self) -> List[str]: ...
    def effective_document_text(self, policy: str) -> str: ...
    def with_policy_json(self, name: str, patch_json: str, extends: Optional[str] = None, description: str = "") -> "Scenario": ...
    # Added by capsim/scenario.py:
    @staticmethod
    def from_dict(d: Dict[str, object], base_dir: "str | os.PathLike[str]" = ".", name: str = "<dict>",
                  data_root: "str | os.PathLike[str] | None" = None) -> "Scenario": ...
    def to_dict(self) -> Dict[str, object]: ...
    def effective_dict(self, policy: str) -> Dict[str, object]: ...
    def with_policy(self, name: str, patch: Optional[Dict[str, object]] = None, parent: Optional[str] = None,
                    description: str = "") -> "Scenario": ...

def load_scenario(path: "str | os.PathLike[str]", data_root: "str | os.PathLike[str] | None" = None, manifests: "List[str | os.PathLike[str]]" = ...) -> Scenario: ...
def load_scenario_text(text: str, display_file: str = "<text>", base_dir: "str | os.PathLike[str]" = ".",
                       data_root: "str | os.PathLike[str] | None" = None) -> Scenario: ...
def validate(path: "str | os.PathLike[str]", data_root: "str | os.PathLike[str] | None" = None, manifests: "List[str | os.PathLike[str]]" = ...) -> List[str]: ...
def run(scenario: Scenario, threads: int = 1, keep_series: bool = False, explain: bool = False) -> RunResult: ...
def run_replicate(scenario: Scenario, policy: str, replicate: int = 0, keep_series: bool = False) -> ReplicateResult: ...
def load_sweep_point(text: str, display_file: str, base_dir: "str | os.PathLike[str]", values: List[Tuple[str, str]],
                     label: str = "", data_root: "str | os.PathLike[str] | None" = None,
                     manifests: "List[str | os.PathLike[str]]" = ...) -> Scenario: ...
def patch_sweep_point(base: Scenario, values: List[Tuple[str, str]], label: str = "") -> Scenario: ...
def compare_choices(scenario: Scenario, policies: List[str] = ..., baseline: str = "", replicates: int = 0) -> Scenario: ...
def parse_sweep_param(text: str) -> Tuple[str, List[str]]: ...
def cartesian_points(params: List[Tuple[str, List[str]]]) -> List[List[Tuple[str, str]]]: ...
def read_sweep_points(path: "str | os.PathLike[str]") -> List[List[Tuple[str, str]]]: ...
def describe_values(values: List[Tuple[str, str]]) -> str: ...
class ReplicateBlock:
    def __init__(self, policy: str, first: int, count: int) -> None: ...
    @property
    def policy(self) -> str: ...
    @property
    def first(self) -> int: ...
    @property
    def count(self) -> int: ...
def replicate_blocks(scenario: Scenario, block_size: int) -> List[ReplicateBlock]: ...
class DemandDraws:
    def __init__(self, scenario: Scenario, runs_per_replicate: int) -> None: ...
def run_block(scenario: Scenario, block: ReplicateBlock, draws: Optional[DemandDraws] = None) -> List[ReplicateResult]: ...
def gather_blocks(scenario: Scenario, pieces: List[List[ReplicateResult]], blocks: List[ReplicateBlock]) -> RunResult: ...
def write_sweep(dir: "str | os.PathLike[str]", scenario_name: str, values: List[List[Tuple[str, str]]],
                results: List[Optional[CompareResult]], errors: List[str]) -> str: ...
def sweep_table_csv(values: List[List[Tuple[str, str]]], csvs: List[Optional[str]]) -> str: ...
def run_sweep_shard(base: Scenario, values: List[List[Tuple[str, str]]], loaded: List[Optional[Scenario]], errors: List[str],
                    index: int, count: int, policies: List[str], baseline: str, replicates: int, on_error: str,
                    threads: int = 1) -> Tuple[str, List[str]]: ...
def write_sweep_shard(dir: "str | os.PathLike[str]", index: int, count: int, text: str) -> pathlib.Path: ...
def merge_sweep_shards(paths: List["str | os.PathLike[str]"], texts: List[Tuple[str, str]] = ...
                       ) -> Tuple[str, List[List[Tuple[str, str]]], List[Optional[CompareResult]], List[str]]: ...
class ReplayOutcome:
    @property
    def finished(self) -> bool: ...
    @property
    def finish_s(self) -> float: ...
    @property
    def lateness_s(self) -> float: ...
    @property
    def met(self) -> bool: ...
    @property
    def spot_hours(self) -> float: ...
    @property
    def on_demand_hours(self) -> float: ...
    @property
    def launches(self) -> int: ...
    @property
    def preemptions(self) -> int: ...
    @property
    def work_lost_s(self) -> float: ...
    @property
    def cost_usd(self) -> float: ...

def replay_job(policy: str, work_s: float, deadline_s: float, spot_available: List[int], gap_s: float, changeover_s: float = 0.0,
               checkpoint_interval_s: float = 0.0, checkpoint_cost_s: float = 0.0, spot_usd_per_h: float = 0.0,
               on_demand_usd_per_h: float = 0.0, first: int = 0) -> ReplayOutcome: ...
def format_comparison(result: RunResult) -> str: ...
class ManifestChange:
    object: str
    change: str
    fields: List[str]
    def __init__(self) -> None: ...

class ServiceSlaChange:
    name: str
    missed_share_before: float
    missed_share_after: float
    minutes_under_provisioned_before: float
    minutes_under_provisioned_after: float
    def __init__(self) -> None: ...

class UnschedulablePods:
    service: str
    reason: str
    replicates: int
    def __init__(self) -> None: ...

class PolicyDiff:
    before: str
    after: str
    replicates: int
    cost_before_usd: float
    cost_after_usd: float
    cost_change_usd: float
    cost_change_ci_low_usd: float
    cost_change_ci_high_usd: float
    cost_change_pct: float
    cost_change_pct_ci_low: float
    cost_change_pct_ci_high: float
    p_breach_before: float
    p_breach_after: float
    p_breach_change: float
    services: List[ServiceSlaChange]
    newly_unschedulable: List[UnschedulablePods]
    node_pools_now_limited: List[str]
    instance_types_appeared: List[str]
    instance_types_disappeared: List[str]
    manifest_changes: List[ManifestChange]
    def __init__(self) -> None: ...

def diff(scenario: "str | os.PathLike[str]", before: "List[str | os.PathLike[str]]", after: "List[str | os.PathLike[str]]",
         replicates: int = 0, threads: int = 1, data_root: "str | os.PathLike[str] | None" = None) -> Tuple[PolicyDiff, CompareResult]: ...
def failed_gates(diff: PolicyDiff, max_cost_rise_pct: Optional[float] = None, max_risk_rise_pct: Optional[float] = None) -> List[str]: ...
def format_policy_diff(diff: PolicyDiff) -> str: ...
def policy_diff_to_json(diff: PolicyDiff) -> str: ...
def compare(scenario: Scenario, policies: List[str] = ..., baseline: str = "", replicates: int = 0, threads: int = 1,
            keep_series: bool = False, advise_savings_plan: str = "") -> CompareResult: ...
def compare_policies(run: RunResult) -> Comparison: ...
def format_compare(comparison: Comparison, run: RunResult, width: int = 100) -> str: ...
def render_report_html(comparison: Comparison, run: RunResult) -> str: ...
def write_report_html(path: "str | os.PathLike[str]", comparison: Comparison, run: RunResult) -> None: ...
def comparison_to_json(run: RunResult, comparison: Comparison) -> str: ...
def comparison_summary_csv(comparison: Comparison) -> str: ...
def replicates_csv(run: RunResult, month_factor: float) -> str: ...
def result_to_json(result: RunResult) -> str: ...
def write_result_json(path: "str | os.PathLike[str]", result: RunResult) -> None: ...
def nodes_to_csv(result: RunResult) -> str: ...
def cost_lines_to_csv(result: RunResult) -> str: ...
def billing_hours_to_csv(result: RunResult) -> str: ...
def focus_to_csv(result: RunResult) -> str: ...
def series_to_csv(result: RunResult) -> str: ...
