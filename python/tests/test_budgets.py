"""Budgets and alerts with AWS Budgets' semantics, from Python and the command line."""
import json
import subprocess

import pytest

import capsim

G5_XLARGE = 1.006    # USD/h
G5_12XLARGE = 5.672  # USD/h


def test_budget_alerts_worked_by_hand(source_dir):
    # tests/data/scenarios/budget_history.json: one g5.xlarge (team=ml) from 2024-05-10 for 6 days,
    # and 40 days of history at its own 24 x 1.006 USD a day, so May 1-9 hold 9 of them.
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "budget_history.json")
    b = capsim.run(sc).policies[0].replicates[0].budgets
    assert len(b) == 1 and b[0].budget == "ml" and b[0].period_start_utc == "2024-05-01T00:00:00Z"
    day = 24 * G5_XLARGE
    assert b[0].actual_usd == pytest.approx((9 + 6) * day)
    half, forecast, absolute = b[0].alerts
    # 50% of 700: 350 USD, 350 - 9 days' history left to the window, at 1.006 an hour.
    assert half.fired and half.fired_at_s == pytest.approx((350 - 9 * day) / G5_XLARGE * 3600, abs=1e-3)
    # A flat history and a flat run: May's forecast at the window's start is 31 days at the same rate.
    assert forecast.evaluated and forecast.fired and forecast.fired_at_utc == "2024-05-10T00:00:00Z"
    assert b[0].forecast_usd == pytest.approx(31 * day) and b[0].status == "forecast over"
    assert absolute.alert == "ACTUAL > 900.00 USD" and not absolute.fired


def test_default_scenario_budget_and_compare(cli, source_dir, tmp_path):
    # The default scenario's baseline runs 30 g5.12xlarge tagged team=ml-serving from 2024-05-10:
    # its 20,000 USD monthly budget's 80% (16,000 USD) is spent after 16,000 / (30 x 5.672) hours.
    sc = capsim.load_scenario(source_dir / "scenarios" / "gpu-inference-eks.json")
    r = capsim.compare(sc, policies=["baseline", "+spot-batch"], baseline="baseline", replicates=2)
    base = r.run.policy("baseline").replicates[0].budgets
    may = [b for b in base if b.period_start_utc == "2024-05-01T00:00:00Z"][0]
    assert may.actual_usd == pytest.approx(22 * 24 * 30 * G5_12XLARGE)
    eighty = may.alerts[0]
    assert eighty.alert == "ACTUAL > 80%" and eighty.fired_at_s == pytest.approx(16000 / (30 * G5_12XLARGE) * 3600, abs=1e-3)
    # Thirty days of simulated spend are not AWS's five weeks: the forecast alert is not evaluated.
    assert not may.alerts[2].evaluated and "about five weeks (35 days)" in may.alerts[2].message
    risk = {(p.name, a.alert): a for p in r.comparison.policies for a in p.budget_alerts if a.period_start_utc.startswith("2024-05")}
    assert risk[("baseline", "ACTUAL > 80%")].fired_share == 1.0
    assert risk[("+spot-batch", "ACTUAL > 80%")].fired_share == 0.0
    out = tmp_path / "out"
    p = subprocess.run([cli, "compare", str(source_dir / "scenarios" / "gpu-inference-eks.json"), "-r", "2", "--policies",
                        "baseline,+spot-batch", "-o", str(out)], capture_output=True, text=True, check=True)
    assert "Budget ml-serving-monthly from 2024-05-01" in p.stdout
    assert "100%, first 2024-05-13T22:01" in p.stdout
    assert "<h2>Budget alerts</h2>" in (out / "report.html").read_text()
    doc = json.loads((out / "result.json").read_text())
    assert "budget_alerts" in json.dumps(doc)
