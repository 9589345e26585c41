"""Results as DataFrames (to_pandas, series_frame, nodes_frame, decisions_frame, billing_frame), and
the core module without pandas."""
import io
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import capsim


def hand(data_dir):
    return capsim.load_scenario(data_dir / "scenarios" / "hand.json")


def scalar_properties(cls):
    """The attributes of a bound result class holding one number, word or flag (read on an instance)."""
    return [k for k, v in vars(cls).items() if isinstance(v, property)]


def test_to_pandas_row_per_policy_and_replicate(data_dir):
    r = capsim.run(capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json"))
    df = r.to_pandas()
    assert list(df["policy"]) == ["two", "two", "three", "three", "one", "one"]
    assert list(df["replicate"]) == [0, 1, 0, 1, 0, 1]
    # Every number of the cost split, the fleet and the service's SLA is a column (named by its
    # Python attribute path), whatever the tables hold today.
    rep = r.policies[0].replicates[0]
    for prefix, obj in (("cost.", rep.cost), ("fleet.", rep.fleet), ("services.api.sla.", rep.services[0].sla),
                        ("services.api.usage.", rep.services[0].usage), ("world.", rep.world)):
        for name in scalar_properties(type(obj)):
            v = getattr(obj, name)
            if isinstance(v, (bool, int, float, str)):
                assert prefix + name in df.columns, prefix + name
    # Values are the replicates' own; by hand: n g5.xlarge at 1.006 USD/h and the control plane at
    # 0.10 USD/h for 5 minutes.
    for _, row in df.iterrows():
        n = {"one": 1, "two": 2, "three": 3}[row["policy"]]
        assert row["cost.total_usd"] == pytest.approx((n * 1.006 + 0.10) * 300 / 3600)
        assert row["fleet.nodes_at_end"] == n
        assert row["services.api.replicas_placed"] == n
    p = r.policy("three").replicates[1]
    row = df[(df.policy == "three") & (df.replicate == 1)].iloc[0]
    assert row["services.api.sla.missed"] == p.services[0].sla.missed
    assert row["fleet.launches"] == p.fleet.launches
    # Series and logs are not columns.
    assert not any(c.startswith(("service_series", "nodes", "cost_lines", "billing_hours", "ready_nodes")) for c in df.columns)


def test_comparison_frames(data_dir):
    c = capsim.compare(capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json"))
    per_policy = c.comparison.to_pandas()
    assert list(per_policy["name"]) == ["two", "three", "one"]
    # A 5-minute window scaled to a 30-day month: (n x 1.006 + 0.10) USD/h x 720 h.
    for _, row in per_policy.iterrows():
        n = {"one": 1, "two": 2, "three": 3}[row["name"]]
        assert row["monthly_cost.mean_usd"] == pytest.approx((n * 1.006 + 0.10) * 720)
    assert "vs_baseline.pct" in per_policy.columns and "services.api.breach_share" in per_policy.columns
    reps = c.to_pandas()
    assert list(reps.columns[:3]) == ["policy", "replicate", "monthly_cost_usd"]
    assert reps["monthly_cost_usd"].to_numpy() == pytest.approx(reps["cost.total_usd"].to_numpy() * 30 * 86400 / 300)


def test_series_frame(data_dir):
    r = capsim.run(hand(data_dir), keep_series=True)
    df = r.series_frame()
    assert isinstance(df.index, pd.DatetimeIndex) and str(df.index.tz) == "UTC"
    svc = df[df.service == "api"]
    assert list(svc.index) == list(pd.date_range("2024-05-10T00:00:00Z", periods=5, freq="60s"))
    # tests/data/scenarios/hand.json: arrivals 60, 180, 180, 60, 0 per minute; two replicas at 1 req/s
    # can serve 120 a minute.
    np.testing.assert_allclose(svc["arrivals"], [60, 180, 180, 60, 0])
    np.testing.assert_allclose(svc["capacity_requests"], [120] * 5)
    np.testing.assert_allclose(svc["missed"], [0, 40, 60, 0, 0])
    cluster = df[df.service == ""]
    assert list(cluster["ready_nodes"]) == [2] * 5
    np.testing.assert_allclose(cluster["cost_rate_usd_per_h"], [2 * 1.006] * 5)
    assert svc["ready_nodes"].isna().all() and cluster["arrivals"].isna().all()
    # The same table as the --series CSV.
    csv = pd.read_csv(io.StringIO(capsim.series_to_csv(r)), keep_default_na=False, na_values=[""])
    csv["service"] = csv["service"].fillna("")
    ours = df.reset_index()
    ours["period_start_utc"] = ours["period_start_utc"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    pd.testing.assert_frame_equal(ours[csv.columns].reset_index(drop=True), csv, check_dtype=False)


def test_nodes_frame_and_records(data_dir):
    r = capsim.run(hand(data_dir), keep_series=True)
    nodes = r.nodes_frame()
    assert len(nodes) == 2
    assert set(nodes["instance_type"]) == {"g5.xlarge"} and set(nodes["owner"]) == {"gpu"}
    assert list(nodes["terminated_s"]) == [-1, -1]  # running at the end
    csv = pd.read_csv(io.StringIO(capsim.nodes_to_csv(r)), keep_default_na=False)
    assert list(nodes["launched_s"]) == list(csv["launched_s"]) and list(nodes["name"]) == list(csv["node"])
    lines = r.records_frame("cost_lines")
    assert lines["cost_usd"].sum() == pytest.approx((2 * 1.006 + 0.10) * 300 / 3600)
    with pytest.raises(KeyError, match="ReplicateResult has no field 'node'"):
        r.records_frame("node")
    assert r.billing_frame().equals(capsim.billing_frame(r))


def test_decisions_frame(data_dir):
    # tests/data/scenarios/karpenter_explain.json: one g5.12xlarge launched at 1 s for both replicas.
    r = capsim.run(capsim.load_scenario(data_dir / "scenarios" / "karpenter_explain.json"), explain=True)
    df = r.decisions_frame()
    assert len(df) == 1
    row = df.iloc[0]
    assert (row["kind"], row["instance_type"], row["at_s"]) == ("launches", "g5.12xlarge", 1.0)
    assert row["at"] == pd.Timestamp(r.start_utc) + pd.Timedelta(seconds=1)
    assert len(row["pods"]) == 2
    assert all(set(x) == {"instance_type", "price_usd_per_h", "reason"} for x in row["cheaper_rejected"])


def test_core_module_without_pandas_or_matplotlib(data_dir):
    # pandas and matplotlib blocked: capsim imports, runs and gives numpy series; a frame names the package.
    code = f"""
import sys
sys.modules["pandas"] = None
sys.modules["matplotlib"] = None
import capsim, numpy
r = capsim.run(capsim.load_scenario({str(data_dir / "scenarios" / "hand.json")!r}), keep_series=True)
s = r.policies[0].replicates[0].service_series[0]
assert isinstance(s.arrivals, numpy.ndarray) and list(s.arrivals) == [60, 180, 180, 60, 0]
for call in (r.to_pandas, r.series_frame, r.billing_frame, lambda: capsim.plot.cost(r)):
    try:
        call()
    except ImportError as e:
        print(e)
    else:
        raise SystemExit("no ImportError")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 4
    assert all("python3-pandas" in x for x in lines[:3]) and "python3-matplotlib" in lines[3]
