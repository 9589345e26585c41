"""The committed type stub (_capsim.pyi) names exactly the attributes the compiled module has.

The result structs' attributes come from their C++ field tables; a field added there and not to the
stub (or left in the stub after it was removed) fails here, naming the class and the attribute.
"""
import ast
import os

import capsim
from capsim import _capsim

STUB = os.path.join(os.path.dirname(capsim.__file__), "_capsim.pyi")


def stub_classes():
    tree = ast.parse(open(STUB).read())
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        attrs = []
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                attrs.append(item.target.id)
            elif isinstance(item, ast.FunctionDef) and any(
                    isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list):
                attrs.append(item.name)
        out[node.name] = attrs
    return out


def runtime_properties(cls):
    return [k for k, v in vars(cls).items() if isinstance(v, property)]


RESULT_CLASSES = ["CostBreakdown", "FleetSummary", "SlaSummary", "LatencySummary", "SloSummary", "LlmSummary", "ServiceUsage", "ServiceResult", "ServiceSeries",
                  "NodeRecord", "ReplicateResult", "PolicyResult", "Assumption", "RejectedType", "LaunchDecision",
                  "ConsolidatedNode", "ConsolidationDecision", "ConsolidationScoreDecision", "UnschedulableDecision", "UnremovableNodeDecision", "Decisions", "CostLine", "BillingHour", "CommitmentCharge", "BudgetSpend", "CommitmentSummary", "BudgetOutcome", "BudgetAlertOutcome", "SpendMonthForecast", "SpendForecastOutcome", "SpendAnomalyOutcome", "SavingsPlanAdvice",
                  "ObjectiveOutcome", "CostSpread", "PairedSaving", "MonthlySplit", "ServiceRisk", "BreachRisk", "PolicyComparison",
                  "LadderStep", "CostDriver", "Recommendation", "Comparison", "WorldDraw", "JobResult", "BatchResult", "DeadlineRisk", "BudgetAlertRisk",
                  "ManifestChange", "ServiceSlaChange", "UnschedulablePods", "PolicyDiff"]


def test_every_stub_class_exists_with_the_same_attributes():
    checked = 0
    for name, attrs in stub_classes().items():
        cls = getattr(_capsim, name, None)
        assert cls is not None, f"the stub declares {name}, which the module lacks"
        if not isinstance(cls, type) or issubclass(cls, BaseException):
            continue
        runtime = runtime_properties(cls)
        missing, extra = sorted(set(runtime) - set(attrs)), sorted(set(attrs) - set(runtime))
        assert not missing and not extra, f"{name}: the stub lacks {missing} and has {extra} the module does not"
        # The result classes follow their field tables' order (that of result.json).
        if name in RESULT_CLASSES:
            assert attrs == runtime, f"{name}: stub order {attrs} != field table order {runtime}"
        checked += 1
    assert checked >= 10


def test_result_classes_are_in_the_stub():
    stub = stub_classes()
    for name in RESULT_CLASSES:
        assert name in stub, f"{name} is missing from the stub"


def test_version_is_the_projects():
    # The one version: project(VERSION ...) in CMakeLists.txt, compiled into the library.
    import re
    cmake = open(os.path.join(os.environ["CAPSIM_SOURCE_DIR"], "CMakeLists.txt")).read()
    assert capsim.__version__ == re.search(r"project\(capsim VERSION ([0-9.]+)", cmake).group(1)
