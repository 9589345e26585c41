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
    # The whole run side by side: invoiced in the window vs amortised.
    assert big.run_billed_usd == pytest.approx(0.0) and big.run_effective_usd == pytest.approx(too_much)
    assert c.run_billed_usd == pytest.approx(plan) and c.run_effective_usd == pytest.approx(plan)


def test_commitments_in_the_cli_outputs(cli, source_dir, tmp_path):
    od, plan, both, _, _ = expected()
    scenario = source_dir / "tests" / "data" / "scenarios" / "commitments.json"
    p = subprocess.run([cli, "run", str(scenario), "-o", str(tmp_path / "r.json")], capture_output=True, text=True, check=True)
    assert "Commitments (Savings Plans, Reserved Instances) on eligible usage" in p.stdout
    assert "Savings Plans utilisation" in p.stdout
    assert "the run billed in the window (USD)" in p.stdout and "the run's effective cost (USD)" in p.stdout
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


def read_csv(path):
    import csv
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_focus_export_of_committed_policies_by_hand(cli, source_dir, data_dir, tmp_path):
    # Each hour, two g5.xlarge run one hour each (node/gpu/0 and node/gpu/1), 1.006 USD on demand.
    from test_billing import check_focus_file, focus_spec
    scenario = source_dir / "tests" / "data" / "scenarios" / "commitments.json"
    subprocess.run([cli, "compare", str(scenario), "-q", "-r", "1", "-o", str(tmp_path / "out"), "--focus", str(tmp_path / "f.csv")], check=True)
    columns, allowed = focus_spec(data_dir)
    data = check_focus_file(tmp_path / "f.csv", columns, allowed)
    doc = json.loads((tmp_path / "out" / "result.json").read_text())
    reps = {p["name"]: p["replicates"][0] for p in doc["policies"]}
    of = lambda policy: [r for r in data if r["x_Policy"] == policy]
    money = lambda rows, col: sum(float(r[col]) for r in rows)
    covered = 0.5 / 0.6  # instance-hours the 0.50 plan covers an hour at the 0.60 rate, shared by the two instances

    sp = of("savings-plan")
    used = [r for r in sp if r["CommitmentDiscountStatus"] == "Used"]
    # Per hour and instance: 5/12 h covered (0.25 USD of the plan), 7/12 h on demand.
    assert len(used) == 2 * HOURS
    for r in used:
        assert r["CommitmentDiscountId"] == "savings-plan/0" and r["CommitmentDiscountCategory"] == "Spend"
        assert r["CommitmentDiscountType"] == "Compute Savings Plan" and r["ChargeCategory"] == "Usage"
        assert float(r["ConsumedQuantity"]) == pytest.approx(covered / 2) and float(r["BilledCost"]) == 0
        assert float(r["EffectiveCost"]) == pytest.approx(0.25) and float(r["ListCost"]) == pytest.approx(covered / 2 * OD)
        assert float(r["CommitmentDiscountQuantity"]) == pytest.approx(0.25)
    on_demand = [r for r in sp if r["CommitmentDiscountId"] == ""]
    assert [float(r["PricingQuantity"]) for r in on_demand] == pytest.approx([1 - covered / 2] * 2 * HOURS)
    fees = [r for r in sp if r["ChargeCategory"] == "Purchase"]
    assert [(r["ChargeFrequency"], float(r["BilledCost"]), float(r["EffectiveCost"])) for r in fees] == [("Recurring", 0.5, 0.0)] * HOURS
    assert not [r for r in sp if r["CommitmentDiscountStatus"] == "Unused"]  # the plan is used whole
    od, plan, both, too_much, _ = expected()
    # BilledCost adds up to the run's total (the window's invoice: nothing was paid upfront), and so does EffectiveCost.
    assert money(sp, "BilledCost") == pytest.approx(plan) == pytest.approx(reps["savings-plan"]["cost_usd"]["total"])
    assert money(sp, "EffectiveCost") == pytest.approx(plan)
    assert reps["savings-plan"]["commitments"]["billed_usd"] == pytest.approx(plan)

    # The reservation first (half an instance-hour of each instance, 0.35 USD each), the plan 5/12 h of each.
    both_rows = of("plan-and-reservation")
    ri = [r for r in both_rows if r["CommitmentDiscountId"] == "reserved-instance/0" and r["ChargeCategory"] == "Usage"]
    assert [float(r["ConsumedQuantity"]) for r in ri] == pytest.approx([0.5] * 2 * HOURS)
    assert [float(r["EffectiveCost"]) for r in ri] == pytest.approx([0.35] * 2 * HOURS)
    assert {(r["CommitmentDiscountCategory"], r["CommitmentDiscountUnit"], r["CommitmentDiscountStatus"]) for r in ri} == {("Usage", "Hours", "Used")}
    rest = [r for r in both_rows if r["CommitmentDiscountId"] == "" and r["ChargeCategory"] == "Usage"]
    assert [float(r["BilledCost"]) for r in rest] == pytest.approx([(1 - 0.5 - covered / 2) * OD] * 2 * HOURS)
    ri_fee = [r for r in both_rows if r["ChargeCategory"] == "Purchase" and r["CommitmentDiscountId"] == "reserved-instance/0"]
    assert [float(r["BilledCost"]) for r in ri_fee] == pytest.approx([0.7] * HOURS)
    assert money(both_rows, "BilledCost") == pytest.approx(both) and money(both_rows, "EffectiveCost") == pytest.approx(both)

    # 2 USD/h all upfront at 0.55: both instances covered (1.10 USD an hour), 0.90 unused; no recurring fee;
    # the 6.00 paid upfront for the window's three hours as one one-time purchase.
    big = of("too-much")
    unused = [r for r in big if r["CommitmentDiscountStatus"] == "Unused"]
    assert [float(r["EffectiveCost"]) for r in unused] == pytest.approx([0.9] * HOURS)
    assert all(r["ConsumedQuantity"] == "" and float(r["BilledCost"]) == 0 for r in unused)
    assert [float(r["EffectiveCost"]) for r in big if r["CommitmentDiscountStatus"] == "Used"] == pytest.approx([0.55] * 2 * HOURS)
    upfront = [r for r in big if r["ChargeCategory"] == "Purchase"]
    assert len(upfront) == 1 and upfront[0]["ChargeFrequency"] == "One-Time"
    assert float(upfront[0]["BilledCost"]) == pytest.approx(too_much) and float(upfront[0]["PricingQuantity"]) == HOURS
    assert (upfront[0]["ChargePeriodStart"], upfront[0]["ChargePeriodEnd"]) == ("2024-05-10T00:00:00Z", "2024-05-10T03:00:00Z")
    assert money(big, "BilledCost") == pytest.approx(too_much) and money(big, "EffectiveCost") == pytest.approx(too_much)
    # Without the upfront part, what the window is invoiced: nothing.
    assert money([r for r in big if r["ChargeFrequency"] != "One-Time"], "BilledCost") == pytest.approx(0)
    assert reps["too-much"]["commitments"]["billed_usd"] == pytest.approx(0)
    assert money(of("on-demand"), "BilledCost") == pytest.approx(od)


def test_hourly_bill_of_committed_policies_by_hand(cli, source_dir, tmp_path):
    scenario = source_dir / "tests" / "data" / "scenarios" / "commitments.json"
    subprocess.run([cli, "compare", str(scenario), "-q", "-r", "1", "-o", str(tmp_path / "out"), "--billing", str(tmp_path / "b.csv")], check=True)
    bill = read_csv(tmp_path / "b.csv")
    of = lambda policy, kind: [r for r in bill if r["policy"] == policy and r["line_item_type"] == kind]
    cost = lambda rows, col="cost_usd": sum(float(r[col]) for r in rows)
    covered = 0.5 / 0.6
    od, plan, both, too_much, _ = expected()
    # The plan's covered usage at its on-demand cost, taken back by a negation; the fee each hour.
    cov = of("savings-plan", "SavingsPlanCoveredUsage")
    assert [float(r["usage_h"]) for r in cov] == pytest.approx([covered / 2] * 2 * HOURS)
    assert [float(r["cost_usd"]) for r in cov] == pytest.approx([covered / 2 * OD] * 2 * HOURS)
    assert [float(r["effective_cost_usd"]) for r in cov] == pytest.approx([0.25] * 2 * HOURS)
    assert [float(r["cost_usd"]) for r in of("savings-plan", "SavingsPlanNegation")] == pytest.approx([-covered / 2 * OD] * 2 * HOURS)
    fee = of("savings-plan", "SavingsPlanRecurringFee")
    assert [(r["resource"], r["aws_service"], float(r["cost_usd"])) for r in fee] == [("savings-plan/0", "ComputeSavingsPlans", 0.5)] * HOURS
    mine = [r for r in bill if r["policy"] == "savings-plan"]
    assert cost(mine) == pytest.approx(plan) and cost(mine, "effective_cost_usd") == pytest.approx(plan)
    # A reservation's covered usage costs nothing on its line; its fee is the RIFee.
    assert [float(r["cost_usd"]) for r in of("plan-and-reservation", "DiscountedUsage")] == pytest.approx([0] * 2 * HOURS)
    assert [float(r["cost_usd"]) for r in of("plan-and-reservation", "RIFee")] == pytest.approx([0.7] * HOURS)
    mine = [r for r in bill if r["policy"] == "plan-and-reservation"]
    assert cost(mine) == pytest.approx(both) and cost(mine, "effective_cost_usd") == pytest.approx(both)
    # All upfront: no recurring fee; each hour's share of the upfront payment; the unused part on the fee row.
    assert [float(r["cost_usd"]) for r in of("too-much", "SavingsPlanUpfrontFee")] == pytest.approx([2.0] * HOURS)
    rec = of("too-much", "SavingsPlanRecurringFee")
    assert [float(r["cost_usd"]) for r in rec] == [0.0] * HOURS
    assert [float(r["effective_cost_usd"]) for r in rec] == pytest.approx([0.9] * HOURS)
    mine = [r for r in bill if r["policy"] == "too-much"]
    assert cost(mine) == pytest.approx(too_much) and cost(mine, "effective_cost_usd") == pytest.approx(too_much)
    assert cost(r for r in mine if r["line_item_type"] != "SavingsPlanUpfrontFee") == pytest.approx(0)
    assert cost(of("on-demand", "Usage")) == pytest.approx(od)
    # Rolled up by day and service: the lines' on-demand rest under EC2, the plan's fee under its own product.
    subprocess.run([cli, "compare", str(scenario), "-q", "-r", "1", "-o", str(tmp_path / "out2"), "--billing", str(tmp_path / "d.csv"),
                    "--billing-by", "day", "--billing-group", "aws_service"], check=True)
    got = {(r["policy"], r["aws_service"]): float(r["cost_usd"]) for r in read_csv(tmp_path / "d.csv")}
    assert got[("savings-plan", "AmazonEC2")] == pytest.approx((2 - covered) * OD * HOURS)
    assert got[("savings-plan", "ComputeSavingsPlans")] == pytest.approx(0.5 * HOURS)
    assert got[("plan-and-reservation", "AmazonEC2")] == pytest.approx(both - 0.5 * HOURS)


def test_billing_frame_of_a_committed_policy(source_dir):
    pytest.importorskip("pandas")
    od, plan, _, _, _ = expected()
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "commitments.json")
    result = capsim.run(sc, keep_series=True)
    frame = capsim.billing_frame(result)
    sp = frame[frame.policy == "savings-plan"]
    assert sp.cost_usd.sum() == pytest.approx(plan) and sp.effective_cost_usd.sum() == pytest.approx(plan)
    daily = capsim.billing_frame(result, period="day", group_by=["aws_service"])
    got = {(r.policy, r.aws_service): (r.usage_h, r.cost_usd) for r in daily.itertuples()}
    # Usage counted once (6 instance-hours), the fees under their own service.
    assert got[("savings-plan", "AmazonEC2")] == pytest.approx((2 * HOURS, (2 - 0.5 / 0.6) * OD * HOURS))
    assert got[("savings-plan", "ComputeSavingsPlans")][1] == pytest.approx(0.5 * HOURS)
    rep = next(p for p in result.policies if p.name == "savings-plan").replicates[0]
    own = [c for c in rep.commitment_charges if c.line == -1]
    assert [(c.commitment, c.hour, c.recurring_fee_usd) for c in own] == [("savings-plan/0", h, pytest.approx(0.5)) for h in range(HOURS)]


def test_savings_plan_advice_on_top_of_held_commitments(cli, source_dir, tmp_path):
    # 'savings-plan' holds a 0.50 USD/h Compute plan covering 5/6 of an instance-hour each hour: 7/6 are
    # left on demand, which a further commitment c covers for c + max(0, 7/6 - c / 0.6) x 1.006 an hour,
    # least at c = 0.6 x 7/6 = 0.70 USD/h. Every cost includes the held plan's 3 x 0.50 USD.
    # 'plan-and-reservation' also holds a 0.70 reservation (one instance): 1/6 left, c = 0.10 USD/h.
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "commitments.json")
    r = capsim.compare(sc, baseline="on-demand", replicates=2, advise_savings_plan="compute:1y:no-upfront")
    advice = {p.name: p.savings_plan_advice for p in r.run.policies}
    od, plan, both, _, _ = expected()
    a = advice["savings-plan"]
    assert a.on_top_of == "Compute Savings Plan compute 1y no-upfront at 0.5 USD/h"
    assert a.held_fees_usd == pytest.approx(0.5 * HOURS)
    assert a.none_expected_usd == pytest.approx(plan) and a.none_p95_usd == pytest.approx(plan)
    assert a.min_expected_usd_per_h == pytest.approx(0.7)
    assert a.min_expected_expected_usd == pytest.approx((0.5 + 0.7) * HOURS)
    assert a.min_expected_coverage == pytest.approx(1.0) and a.min_expected_utilisation == pytest.approx(1.0)
    assert a.min_p95_usd_per_h == pytest.approx(0.7, abs=1e-3)
    b = advice["plan-and-reservation"]
    assert b.on_top_of == "Reserved Instance g5.xlarge regional x1, Compute Savings Plan compute 1y no-upfront at 0.5 USD/h"
    assert b.held_fees_usd == pytest.approx((0.7 + 0.5) * HOURS) and b.none_expected_usd == pytest.approx(both)
    assert b.min_expected_usd_per_h == pytest.approx(0.1)
    assert b.min_expected_expected_usd == pytest.approx((0.7 + 0.5 + 0.1) * HOURS)
    # Nothing held: advised on all the usage, as before.
    assert advice["on-demand"].on_top_of == "" and advice["on-demand"].held_fees_usd == 0
    assert advice["on-demand"].min_expected_usd_per_h == pytest.approx(1.2)
    p = subprocess.run([cli, "compare", str(source_dir / "tests" / "data" / "scenarios" / "commitments.json"), "-r", "2", "-o",
                        str(tmp_path / "out"), "--advise-savings-plan", "compute:1y:no-upfront"], capture_output=True, text=True, check=True)
    assert "on top of the commitments it holds" in p.stdout
    assert ("(on top of what savings-plan holds: Compute Savings Plan compute 1y no-upfront at 0.5 USD/h; advised on the usage they "
            "leave on demand, their 1.50 USD of fees in every cost)") in p.stdout
    doc = json.loads((tmp_path / "out" / "result.json").read_text())
    got = {x["name"]: x["savings_plan_advice"] for x in doc["policies"]}
    assert got["savings-plan"]["min_expected_usd_per_h"] == pytest.approx(0.7) and got["savings-plan"]["held_fees_usd"] == pytest.approx(1.5)


def test_a_window_starting_mid_hour_holds_its_part_of_the_commitments(cli, source_dir, data_dir, tmp_path):
    # The fixture moved to 00:30-03:30: four clock hours, the first and last half held. The window
    # holds 3 hours of each commitment (0.25 + 0.5 + 0.5 + 0.25 of the 0.50 plan), and each half hour's
    # 0.25 covers 0.25 / 0.6 = 5/12 of its 1 instance-hour: the bill is the whole-hour fixture's.
    from test_billing import check_focus_file, focus_spec
    doc = json.loads((source_dir / "tests" / "data" / "scenarios" / "commitments.json").read_text())
    doc["simulation"]["start"] = "2024-05-10T00:30:00Z"
    doc["traces"]["t"]["file"] = str(source_dir / "tests" / "data" / "traces" / "five_minutes.csv")
    doc["catalog"]["savings_plan_rates"] = str(source_dir / "tests" / "data" / "commitments" / "fixture_rates.csv")
    scenario = tmp_path / "mid_hour.json"
    scenario.write_text(json.dumps(doc))
    od, plan, both, too_much, _ = expected()
    r = capsim.run(capsim.load_scenario(scenario), keep_series=True)
    reps = {p.name: p.replicates[0] for p in r.policies}
    sp = reps["savings-plan"].commitments
    assert sp.sp_committed_usd == pytest.approx(0.5 * HOURS) and sp.sp_utilisation == pytest.approx(1.0)
    assert reps["savings-plan"].cost.total_usd == pytest.approx(plan)
    assert reps["plan-and-reservation"].commitments.ri_fee_usd == pytest.approx(0.7 * HOURS)
    assert reps["plan-and-reservation"].cost.total_usd == pytest.approx(both)
    assert reps["too-much"].commitments.upfront_usd == pytest.approx(too_much)
    own = [c for c in reps["savings-plan"].commitment_charges if c.line == -1]
    assert [c.held_h for c in own] == pytest.approx([0.5, 1, 1, 0.5])
    assert [c.recurring_fee_usd for c in own] == pytest.approx([0.25, 0.5, 0.5, 0.25])
    # The FOCUS rows: the half hours' fees are half an hour of the plan at its hourly fee.
    subprocess.run([cli, "run", str(scenario), "-q", "-o", str(tmp_path / "r.json"), "--focus", str(tmp_path / "f.csv")], check=True)
    columns, allowed = focus_spec(data_dir)
    data = check_focus_file(tmp_path / "f.csv", columns, allowed)
    fees = [r for r in data if r["x_Policy"] == "savings-plan" and r["ChargeCategory"] == "Purchase"]
    assert [float(r["PricingQuantity"]) for r in fees] == pytest.approx([0.5, 1, 1, 0.5])
    assert [float(r["ListUnitPrice"]) for r in fees] == pytest.approx([0.5] * 4)
    assert sum(float(r["BilledCost"]) for r in data if r["x_Policy"] == "savings-plan") == pytest.approx(plan)
    # The advice on the same window: 1.2 USD/h still covers every hour, 3 hours of it.
    a = capsim.compare(capsim.load_scenario(scenario), policies=["on-demand"], baseline="on-demand", replicates=1,
                       advise_savings_plan="compute:1y:no-upfront").run.policies[0].savings_plan_advice
    assert a.min_expected_usd_per_h == pytest.approx(1.2) and a.min_expected_expected_usd == pytest.approx(1.2 * HOURS)


def test_a_committed_result_without_its_commitment_charges_is_refused(source_dir):
    # A result whose commitments are not itemised (built by hand, or by an older capsim) would bill its
    # covered usage twice: both exports refuse it, naming the policy and the replicate.
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "commitments.json")
    result = capsim.run(sc, keep_series=True)
    # The binding hands out copies: rebuild the policy list with the charges dropped.
    policies = result.policies
    i = [p.name for p in policies].index("savings-plan")
    replicates = policies[i].replicates
    assert replicates[0].commitment_charges
    replicates[0].commitment_charges = []
    policies[i].replicates = replicates
    result.policies = policies
    with pytest.raises(capsim.Error, match="--focus: policy 'savings-plan' holds Savings Plans or Reserved Instances but replicate 0"):
        capsim.focus_to_csv(result)
    with pytest.raises(capsim.Error, match=r"--billing: policy 'savings-plan' .* does not itemise them \(commitment_charges is empty\)"):
        capsim.billing_hours_to_csv(result)


def test_budgets_read_the_bill_after_commitments(source_dir):
    # A budget on the run's spend, as AWS Budgets reads it by default (unblended cost: the bill, not
    # the amortised cost): covered usage costs nothing, a plan's recurring fee is billed each hour and
    # an upfront payment at once. Its ACTUAL alert at 5.50 USD lies between the on-demand bill and the plan's.
    folder = source_dir / "tests" / "data" / "scenarios"
    doc = json.loads((folder / "commitments.json").read_text())
    doc["budgets"] = [{"name": "fleet", "amount_usd": 10, "period": "month",
                       "alerts": [{"type": "actual", "threshold": 5.5, "threshold_type": "absolute"}]}]
    result = capsim.run(capsim.Scenario.from_dict(doc, base_dir=folder))
    # On demand: 2 x 1.006 = 2.012 USD an hour, 6.036 over the 3 hours; 5.50 is reached 5.5 / 2.012
    # hours (2.7336 h = 9840.95 s) in.
    # Compute plan, no upfront, 0.50 USD/h at the 0.60 rate: 0.5 / 0.6 = 5/6 instance-hour covered an
    # hour, so 2 - 5/6 = 7/6 on demand (1.173667 USD) plus the 0.50 fee: 1.673667 an hour, 5.021 over
    # 3 hours, short of 5.50.
    # The plan and a 0.70 USD/h Reserved Instance (applied first, one instance): 0.70 + 0.50 + 1/6 x
    # 1.006 = 1.367667 an hour, 4.103 over 3 hours.
    # 2 USD/h all upfront: everything covered (1.10 of 2.00 used), nothing recurring; the 3 hours'
    # upfront, 6.00 USD, is billed in the window's first hour (May's), so 5.50 is reached 5.5 / 6 of
    # that hour (3300 s) in.
    by_policy = {p.name: p.replicates[0].budgets[0] for p in result.policies}
    od_h = 2 * 1.006
    plan_h = (2 - 5 / 6) * 1.006 + 0.5
    both_h = 0.7 + 0.5 + (1 / 6) * 1.006
    assert by_policy["on-demand"].actual_usd == pytest.approx(3 * od_h)
    assert by_policy["savings-plan"].actual_usd == pytest.approx(3 * plan_h)
    assert 3 * plan_h == pytest.approx(5.021) and 3 * od_h == pytest.approx(6.036)
    assert by_policy["plan-and-reservation"].actual_usd == pytest.approx(3 * both_h)
    assert by_policy["too-much"].actual_usd == pytest.approx(6.0)
    fired = {name: b.alerts[0] for name, b in by_policy.items()}
    assert fired["on-demand"].alert == "ACTUAL > 5.50 USD"
    assert fired["on-demand"].fired and fired["on-demand"].fired_at_s == pytest.approx(5.5 / od_h * 3600, abs=1e-3)
    assert not fired["savings-plan"].fired
    assert not fired["plan-and-reservation"].fired
    assert fired["too-much"].fired and fired["too-much"].fired_at_s == pytest.approx(5.5 / 6.0 * 3600, abs=1e-3)
    # No warning that the reports read spend before the commitments any more.
    assert not [w for w in result.warnings if "Savings Plans or Reserved Instances" in w]
