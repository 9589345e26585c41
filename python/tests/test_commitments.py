"""Savings Plans and Reserved Instances from the command line and Python, on
tests/data/scenarios/commitments.json: two on-demand g5.xlarge (1.006 USD/h each) for three whole
hours, and a fixture rate file (tests/data/commitments/fixture_rates.csv: not AWS's rates) giving a
Compute Savings Plan rate of 0.60 USD/h for g5.xlarge (0.55 all-upfront)."""
import json
import subprocess

import pytest

import capsim

OD = 1.006
HOURS = 3


def expected():
    # Each hour: 2 instance-hours, 2.012 USD on demand.
    per_hour_od = 2 * OD
    # A 0.50 USD/h Compute plan at the 0.60 rate covers 0.5 / 0.6 of an instance-hour; the rest is on demand.
    covered = 0.5 / 0.6
    plan = 0.5 + (2 - covered) * OD
    # A Reserved Instance (applied first) covers one instance for 0.70; the plan covers 5/6 of the other.
    both = 0.7 + 0.5 + (1 - covered) * OD
    # 2 USD/h all-upfront at 0.55: both instances covered (1.10 of the 2.00 used), 2.00 paid an hour, all upfront.
    too_much = 2.0
    return per_hour_od * HOURS, plan * HOURS, both * HOURS, too_much * HOURS, covered * OD / per_hour_od


def test_commitments_billed_by_hand(source_dir):
    od, plan, both, too_much, plan_coverage = expected()
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "commitments.json")
    r = capsim.run(sc)
    reps = {p.name: p.replicates[0] for p in r.policies}
    assert reps["on-demand"].commitments is None
    assert reps["on-demand"].cost.total_usd == pytest.approx(od)
    sp = reps["savings-plan"]
    assert sp.cost.total_usd == pytest.approx(plan)
    assert sp.cost.commitment_savings_usd == pytest.approx(od - plan)
    # The categories stay at on-demand prices; the total is after the commitments.
    assert sp.cost.gpu_instances_usd == pytest.approx(od)
    c = sp.commitments
    assert c.on_demand_equivalent_usd == pytest.approx(od)
    assert c.effective_usd == pytest.approx(plan) and c.billed_usd == pytest.approx(plan) and c.upfront_usd == 0
    assert c.sp_committed_usd == pytest.approx(0.5 * HOURS) and c.sp_utilisation == pytest.approx(1.0)
    assert c.coverage == pytest.approx(plan_coverage)
    assert reps["plan-and-reservation"].cost.total_usd == pytest.approx(both)
    ri = reps["plan-and-reservation"].commitments
    assert ri.ri_fee_usd == pytest.approx(0.7 * HOURS) and ri.ri_utilisation == pytest.approx(1.0)
    assert ri.coverage == pytest.approx((OD + 0.5 / 0.6 * OD) / (2 * OD))
    big = reps["too-much"].commitments
    assert reps["too-much"].cost.total_usd == pytest.approx(too_much)
    assert big.sp_utilisation == pytest.approx(2 * 0.55 / 2.0) and big.coverage == pytest.approx(1.0)
    assert big.upfront_usd == pytest.approx(too_much) and big.billed_usd == pytest.approx(0.0)


def test_commitments_in_the_cli_outputs(cli, source_dir, tmp_path):
    od, plan, both, _, _ = expected()
    scenario = source_dir / "tests" / "data" / "scenarios" / "commitments.json"
    p = subprocess.run([cli, "run", str(scenario), "-o", str(tmp_path / "r.json")], capture_output=True, text=True, check=True)
    assert "Commitments (Savings Plans, Reserved Instances) on eligible usage" in p.stdout
    assert "Savings Plans utilisation" in p.stdout
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["format_version"] == 4
    got = {x["name"]: x["replicates"][0] for x in doc["policies"]}
    assert "commitments" not in got["on-demand"]
    assert got["savings-plan"]["commitments"]["savings_usd"] == pytest.approx(od - plan)
    assert got["plan-and-reservation"]["cost_usd"]["total"] == pytest.approx(both)
    subprocess.run([cli, "compare", str(scenario), "-q", "-r", "2", "-o", str(tmp_path / "out")], check=True)
    rows = (tmp_path / "out" / "replicates.csv").read_text().splitlines()
    assert "commitments.coverage" in rows[0]


def test_savings_plan_advice(cli, source_dir, tmp_path):
    # Two g5.xlarge every hour at the fixture's 0.60 Compute rate: each hour costs c + max(0, 2 - c / 0.6) x 1.006
    # for a commitment c, falling while c < 1.2 (each dollar committed saves 1.006 / 0.6 of on-demand), so
    # both the expected and the P95 cost are least at c = 1.2 USD/h: 3 x 1.2 = 3.60 USD over the window.
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "commitments.json")
    r = capsim.compare(sc, policies=["on-demand"], baseline="on-demand", replicates=2, advise_savings_plan="compute:1y:no-upfront")
    a = r.run.policies[0].savings_plan_advice
    assert a.plan == "compute 1y no-upfront" and a.replicates == 2
    assert a.none_expected_usd == pytest.approx(2 * OD * HOURS)
    assert a.min_expected_usd_per_h == pytest.approx(1.2) and a.min_expected_expected_usd == pytest.approx(1.2 * HOURS)
    assert a.min_expected_coverage == pytest.approx(1.0) and a.min_expected_utilisation == pytest.approx(1.0)
    assert a.min_p95_usd_per_h == pytest.approx(1.2, abs=1e-3)
    with pytest.raises(capsim.Error, match="expected TYPE:TERM:PAYMENT such as compute:1y:no-upfront"):
        capsim.compare(sc, replicates=1, advise_savings_plan="compute:2y")
    out = tmp_path / "out"
    p = subprocess.run([cli, "compare", str(source_dir / "tests" / "data" / "scenarios" / "commitments.json"), "-r", "2", "-o", str(out),
                        "--advise-savings-plan", "compute:1y:no-upfront"], capture_output=True, text=True, check=True)
    assert "Savings Plan advice (compute 1y no-upfront)" in p.stdout
    assert "1.200 USD/h minimises the expected cost: 3.60" in p.stdout
    doc = json.loads((out / "result.json").read_text())
    assert doc["policies"][0]["savings_plan_advice"]["min_expected_usd_per_h"] == pytest.approx(1.2)
    # Without a rate file there is nothing to price a plan with.
    p = subprocess.run([cli, "compare", str(source_dir / "scenarios" / "gpu-inference-eks.json"), "-q", "-r", "1", "-o", str(tmp_path / "x"),
                        "--advise-savings-plan", "compute:1y:no-upfront"], capture_output=True, text=True)
    assert p.returncode == 2 and "needs Savings Plan rates: give the scenario catalog.savings_plan_rates" in p.stderr


def test_capacity_block_billed_and_run_by_hand(cli, source_dir, tmp_path):
    # tests/data/scenarios/capacity_block.json: two p4d.24xlarge in a one-day block from 2024-05-10 11:30Z
    # (41,400 s into the window) at the fixture's 10 USD per instance-hour.
    scenario = source_dir / "tests" / "data" / "scenarios" / "capacity_block.json"
    subprocess.run([cli, "run", str(scenario), "-q", "-o", str(tmp_path / "r.json"), "--nodes", str(tmp_path / "n.csv"),
                    "--cost-lines", str(tmp_path / "c.csv")], check=True)
    import csv
    lines = {r["resource"]: r for r in csv.DictReader(open(tmp_path / "c.csv"))}
    block = lines["reservation/train"]
    # Paid for whole, used or not: 2 x 10 x 24 USD over the block's day.
    assert float(block["cost_usd"]) == pytest.approx(2 * 10 * 24)
    assert float(block["start_s"]) == 41400 and float(block["end_s"]) == 41400 + 86400
    nodes = [r for r in csv.DictReader(open(tmp_path / "n.csv")) if r["owner"] == "train"]
    assert len(nodes) == 2
    for n in nodes:
        # Launched when the block begins; terminated 30 minutes before it ends (11:00Z the next day).
        assert float(n["launched_s"]) == 41400 and float(n["terminated_s"]) == 41400 + 86400 - 1800
        assert n["end_reason"] == "capacity-block-end" and n["capacity_type"] == "reserved"
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["policies"][0]["replicates"][0]["cost_usd"]["reserved"] == pytest.approx(480)


def test_the_bill_of_a_committed_policy_is_refused_not_wrong(cli, source_dir, tmp_path):
    # Its lines at their own prices would not add up to its total after the commitments.
    scenario = source_dir / "tests" / "data" / "scenarios" / "commitments.json"
    for flag in ("--focus", "--billing"):
        p = subprocess.run([cli, "run", str(scenario), "-q", "-o", str(tmp_path / "r.json"), flag, str(tmp_path / "b.csv")],
                           capture_output=True, text=True)
        assert p.returncode == 2
        assert f"{flag}: policy 'savings-plan' holds Savings Plans or Reserved Instances" in p.stderr
        assert not (tmp_path / "b.csv").exists() and not (tmp_path / "r.json").exists()
    # Without the committed policies, the bill is written.
    subprocess.run([cli, "compare", str(scenario), "-q", "-r", "1", "--policies", "on-demand", "-o", str(tmp_path / "o"), "--focus",
                    str(tmp_path / "f.csv")], check=True)
    assert (tmp_path / "f.csv").exists()
