"""capsim diff from Python, on tests/data/scenarios/manifests_diff.json: two one-GPU pods at fixed
replicas for a 1 h window, with the NodePool of tests/data/manifests/diff/before (g5 and g6) and
after (g5 only)."""
import json
import math
import pickle
import subprocess

import capsim

HOURS_PER_MONTH = 3599.0 / 3600.0 * 720  # each node runs 3,599 s (launched after the 1 s batch idle); 1 h is 1/720 of a month
G6_XLARGE, G5_XLARGE, EKS = 0.8048, 1.006, 0.10  # USD/h (the bundled catalog's us-east-1 on-demand prices; EKS flat rate)


def _diff(source_dir, after):
    folder = source_dir / "tests" / "data"
    return capsim.diff(folder / "scenarios" / "manifests_diff.json", [folder / "manifests" / "diff" / "before"],
                       [folder / "manifests" / "diff" / after], replicates=2)


def test_dropping_a_family_costs_the_price_gap(source_dir):
    d, result = _diff(source_dir, "after")
    before = 2 * G6_XLARGE * HOURS_PER_MONTH + EKS * 720
    after = 2 * G5_XLARGE * HOURS_PER_MONTH + EKS * 720
    assert math.isclose(d.cost_before_usd, before, rel_tol=1e-9)
    assert math.isclose(d.cost_after_usd, after, rel_tol=1e-9)
    assert math.isclose(d.cost_change_usd, 2 * (G5_XLARGE - G6_XLARGE) * HOURS_PER_MONTH, rel_tol=1e-9)  # +289.65 USD/month
    assert d.instance_types_appeared == ["g5.xlarge"] and d.instance_types_disappeared == ["g6.xlarge"]
    assert [(c.object, c.change, c.fields) for c in d.manifest_changes] == [
        ("NodePool gpu", "changed", ["spec.template.spec.requirements[1].values[1]"])]
    assert math.isnan(d.p_breach_change)  # no service declares an objective
    # The gates of a CI pipeline: +23.5% fails at 20%, passes at 25%.
    assert capsim.failed_gates(d, 20) == ["the monthly cost rises by 23.5%, more than --fail-above 20%"]
    assert capsim.failed_gates(d, 25, 0) == []
    assert result.comparison.baseline == "before"
    assert pickle.loads(pickle.dumps(d)) == d


def test_python_diff_writes_what_the_cli_writes(source_dir, tmp_path, cli):
    d, _ = _diff(source_dir, "limited")
    assert [(u.service, u.replicates) for u in d.newly_unschedulable] == [("chat", 2)]
    assert d.node_pools_now_limited == ["gpu"]
    folder = source_dir / "tests" / "data"
    subprocess.run([cli, "diff", folder / "scenarios" / "manifests_diff.json", "--before", folder / "manifests" / "diff" / "before",
                    "--after", folder / "manifests" / "diff" / "limited", "-r", "2", "-q", "--out", tmp_path], check=True)
    assert (tmp_path / "diff.json").read_text() == capsim.policy_diff_to_json(d)
    assert (tmp_path / "diff.txt").read_text() == capsim.format_policy_diff(d)
    assert json.loads(capsim.policy_diff_to_json(d))["node_pools_now_limited"] == ["gpu"]
