"""The projected bill hour by hour (--billing), rolled up (--billing-by, --billing-group) and in FOCUS
1.2 (--focus), on tests/data/scenarios/billing.json: three hours from 2024-05-31 22:30Z (so the bill
crosses four clock hours and a month's end) with an on-demand g5.xlarge, a capacity reservation of
three g5.xlarge holding one node, a spot g5.xlarge and the EKS control plane."""
import csv
import json
import re
import subprocess

import pytest

G5_XLARGE = 1.006  # USD/h on demand, the bundled catalog's us-east-1 price
EKS = 0.10         # USD per cluster-hour
HOURS = ["2024-05-31T22:00:00Z", "2024-05-31T23:00:00Z", "2024-06-01T00:00:00Z", "2024-06-01T01:00:00Z"]
# The window covers 22:30 to 01:30: half of the first and last clock hours.
SHARE = [0.5, 1.0, 1.0, 0.5]


def run(cli, source_dir, tmp_path, *extra):
    scenario = source_dir / "tests" / "data" / "scenarios" / "billing.json"
    out = tmp_path / "result.json"
    subprocess.run([cli, "run", str(scenario), "-q", "-o", str(out), *extra], check=True)
    return json.loads(out.read_text())


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_hourly_bill_worked_by_hand(cli, source_dir, tmp_path):
    result = run(cli, source_dir, tmp_path, "--billing", str(tmp_path / "b.csv"))
    bill = rows(tmp_path / "b.csv")
    by = lambda resource: [r for r in bill if r["resource"] == resource]
    od, res, eks = by("node/gpu/0"), by("reservation/res"), by("eks-control-plane")
    assert [r["hour_start_utc"] for r in od] == HOURS
    assert [float(r["usage_h"]) for r in od] == pytest.approx(SHARE)
    assert [float(r["cost_usd"]) for r in od] == pytest.approx([s * G5_XLARGE for s in SHARE])
    assert [r["node_pool"] for r in od] == ["gpu"] * 4 and od[0]["zone"] == "us-east-1a" and od[0]["tag:pool"] == "on-demand"
    # The reservation holds three instances whether used or not: 3 instance-hours an hour.
    assert [float(r["usage_h"]) for r in res] == pytest.approx([3 * s for s in SHARE])
    assert [float(r["cost_usd"]) for r in res] == pytest.approx([3 * s * G5_XLARGE for s in SHARE])
    # The node running in it adds nothing (the reservation is paid whole).
    assert all(float(r["cost_usd"]) == 0 for r in by("node/res/0"))
    assert [float(r["cost_usd"]) for r in eks] == pytest.approx([s * EKS for s in SHARE])
    assert {r["aws_service"] for r in eks} == {"AmazonEKS"} and {r["aws_service"] for r in od} == {"AmazonEC2"}
    # Every line's hours add up to its cost, and the bill to the run's total.
    total = result["policies"][0]["replicates"][0]["cost_usd"]["total"]
    assert sum(float(r["cost_usd"]) for r in bill) == pytest.approx(total, rel=1e-12)
    spot = by("node/cheap/0")
    assert len(spot) == 4 and all(r["capacity_type"] == "spot" for r in spot)


def test_bill_rolled_up_by_day_and_capacity_type(cli, source_dir, tmp_path):
    run(cli, source_dir, tmp_path, "--billing", str(tmp_path / "d.csv"), "--billing-by", "day", "--billing-group", "capacity_type,tag:team")
    got = {(r["period_start_utc"], r["capacity_type"]): r for r in rows(tmp_path / "d.csv")}
    may, june = "2024-05-31T00:00:00Z", "2024-06-01T00:00:00Z"
    # 1.5 hours on each side of midnight.
    assert float(got[(may, "on-demand")]["cost_usd"]) == pytest.approx(1.5 * G5_XLARGE)
    assert float(got[(june, "on-demand")]["cost_usd"]) == pytest.approx(1.5 * G5_XLARGE)
    assert float(got[(may, "reserved")]["cost_usd"]) == pytest.approx(3 * 1.5 * G5_XLARGE)
    assert float(got[(may, "reserved")]["usage_h"]) == pytest.approx(3 * 1.5 + 1.5)  # the reservation's and its node's
    assert float(got[(june, "")]["cost_usd"]) == pytest.approx(1.5 * EKS)  # the control plane has no capacity type
    assert {r["tag:team"] for r in got.values()} == {"ml"}


def test_billing_arguments_are_checked_before_running(cli, source_dir, tmp_path):
    scenario = source_dir / "tests" / "data" / "scenarios" / "billing.json"
    p = subprocess.run([cli, "run", str(scenario), "-q", "--billing", str(tmp_path / "x.csv"), "--billing-group", "nodepol"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "cannot group by 'nodepol'; did you mean 'node_pool'?" in p.stderr
    p = subprocess.run([cli, "run", str(scenario), "-q", "--billing-by", "day"], capture_output=True, text=True)
    assert p.returncode == 2 and "give --billing FILE.csv too" in p.stderr
    assert not (tmp_path / "x.csv").exists()


# FOCUS 1.2: the columns, their feature level and nullability from the specification's column
# table (tests/data/focus/focus_v1.2_columns.csv), the allowed values from its requirements model
# (tests/data/focus/focus_v1.2_allowed_values.json; tests/data/focus/FOCUS_1.2_RULES.md says where
# each comes from).
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
NUMERIC = re.compile(r"^-?\d+(\.\d+)?([eE]-?\d+)?$")


def focus_spec(data_dir):
    with open(data_dir / "focus" / "focus_v1.2_columns.csv", newline="") as f:
        columns = {r["ColumnId"]: r for r in csv.DictReader(f)}
    allowed = json.loads((data_dir / "focus" / "focus_v1.2_allowed_values.json").read_text())
    return columns, allowed


def check_focus_file(path, columns, allowed):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        data = list(reader)
    focus_part = [c for c in header if not c.startswith("x_")]
    # Custom columns carry the x_ prefix and come after every FOCUS column.
    assert header[: len(focus_part)] == focus_part
    assert set(focus_part) <= set(columns), set(focus_part) - set(columns)
    mandatory = {c for c, spec in columns.items() if spec["FeatureLevel"] == "Mandatory"}
    assert mandatory <= set(header), mandatory - set(header)
    subcats = allowed["service_subcategories"]
    for r in data:
        for c in focus_part:
            v, spec = r[c], columns[c]
            if v == "":
                assert spec["AllowsNulls"] == "True", f"{c} is null in {r}"
                continue
            if c in allowed["columns"]:
                assert v in allowed["columns"][c], f"{c}={v!r} is not a FOCUS 1.2 value"
            if spec["DataType"] == "Date/Time":
                assert DATETIME.match(v), f"{c}={v!r}"
            if spec["DataType"] == "Decimal":
                assert NUMERIC.match(v), f"{c}={v!r}"
            if spec["DataType"] == "JSON":
                tags = json.loads(v)
                assert isinstance(tags, dict) and all(isinstance(x, (str, int, float, bool)) or x is None for x in tags.values())
            if c in ("PricingUnit", "ConsumedUnit"):
                assert v in allowed["units"]
        assert r["ServiceSubcategory"] in subcats[r["ServiceCategory"]]
        q = float(r["PricingQuantity"])
        assert float(r["ListCost"]) == pytest.approx(float(r["ListUnitPrice"]) * q, rel=1e-9, abs=1e-12)
        assert float(r["ContractedCost"]) == pytest.approx(float(r["ContractedUnitPrice"]) * q, rel=1e-9, abs=1e-12)
        assert r["ChargeClass"] == ""  # no corrections in a projection
        if r["ChargeCategory"] != "Usage" or r["CapacityReservationStatus"] == "Unused" or r["CommitmentDiscountStatus"] == "Unused":
            assert r["ConsumedQuantity"] == "" and r["ConsumedUnit"] == ""
        assert (r["CapacityReservationId"] == "") == (r["CapacityReservationStatus"] == "")
        assert r["ChargePeriodStart"] < r["ChargePeriodEnd"]
        assert r["BillingPeriodStart"] <= r["ChargePeriodStart"] and r["ChargePeriodEnd"] <= r["BillingPeriodEnd"]
        # Commitment discounts (FOCUS_1.2_RULES.md 3.1, 3.5-3.7): the category and status go with the id;
        # a Usage row of a commitment has a status; a purchase is never usage-based, its EffectiveCost 0
        # (it is amortised onto the usage), priced Standard; covered usage is priced Committed.
        cd = r["CommitmentDiscountId"] != ""
        assert (r["CommitmentDiscountCategory"] != "") == cd and (r["CommitmentDiscountType"] != "") == cd
        assert (r["CommitmentDiscountQuantity"] != "") == cd and (r["CommitmentDiscountUnit"] != "") == cd
        if not cd:
            assert r["CommitmentDiscountStatus"] == ""
        elif r["ChargeCategory"] == "Usage":
            assert r["CommitmentDiscountStatus"] in ("Used", "Unused") and r["PricingCategory"] == "Committed"
            if r["CommitmentDiscountStatus"] == "Used":
                assert float(r["BilledCost"]) == 0 and r["ConsumedQuantity"] != ""
        if r["ChargeCategory"] == "Purchase":
            assert cd and r["ChargeFrequency"] in ("One-Time", "Recurring") and r["PricingCategory"] == "Standard"
            assert float(r["EffectiveCost"]) == 0
    # For each commitment: its Usage rows' EffectiveCost (used and unused) adds up to its Purchase rows' BilledCost.
    for key in {(r["x_Policy"], r["x_Replicate"], r["CommitmentDiscountId"]) for r in data if r["CommitmentDiscountId"]}:
        mine = [r for r in data if (r["x_Policy"], r["x_Replicate"], r["CommitmentDiscountId"]) == key]
        usage = sum(float(r["EffectiveCost"]) for r in mine if r["ChargeCategory"] == "Usage")
        bought = sum(float(r["BilledCost"]) for r in mine if r["ChargeCategory"] == "Purchase")
        assert usage == pytest.approx(bought, rel=1e-9), key
    return data


def test_focus_export_conforms_and_adds_up(cli, source_dir, data_dir, tmp_path):
    result = run(cli, source_dir, tmp_path, "--focus", str(tmp_path / "focus.csv"))
    columns, allowed = focus_spec(data_dir)
    data = check_focus_file(tmp_path / "focus.csv", columns, allowed)
    total = result["policies"][0]["replicates"][0]["cost_usd"]["total"]
    assert sum(float(r["BilledCost"]) for r in data) == pytest.approx(total, rel=1e-12)
    # Billing periods are calendar months: the first two hours in May, the last two in June.
    periods = {(r["ChargePeriodStart"], r["BillingPeriodStart"]) for r in data}
    assert (HOURS[1], "2024-05-01T00:00:00Z") in periods and (HOURS[2], "2024-06-01T00:00:00Z") in periods
    # The reservation, as AWS bills one: its node's hours are Used at the instance price, the other two
    # instances' hours Unused; together the reservation's price.
    used = [r for r in data if r["CapacityReservationStatus"] == "Used"]
    unused = [r for r in data if r["CapacityReservationStatus"] == "Unused"]
    assert [float(r["BilledCost"]) for r in used] == pytest.approx([s * G5_XLARGE for s in SHARE])
    assert [float(r["BilledCost"]) for r in unused] == pytest.approx([2 * s * G5_XLARGE for s in SHARE])
    assert all(r["CapacityReservationId"] == "reservation/res" for r in used + unused)
    assert {r["PricingCategory"] for r in data if r["x_CapacityType"] == "spot"} == {"Dynamic"}
    assert {r["PricingCategory"] for r in data if r["x_CapacityType"] != "spot"} == {"Standard"}
    eks = [r for r in data if r["ResourceId"] == "eks-control-plane"]
    assert [float(r["BilledCost"]) for r in eks] == pytest.approx([s * EKS for s in SHARE])
    assert {r["ServiceName"] for r in eks} == {"Amazon Elastic Kubernetes Service"} and eks[0]["RegionId"] == "us-east-1"
    assert json.loads(eks[0]["Tags"]) == {"team": "ml"}


def test_focus_export_of_a_karpenter_spot_policy(cli, source_dir, data_dir, tmp_path):
    # Spot prices that move, many short-lived nodes, NodePools: the nightly batch scenario.
    scenario = source_dir / "scenarios" / "nightly-batch.json"
    out = tmp_path / "r.json"
    subprocess.run([cli, "run", str(scenario), "-q", "-o", str(out), "-r", "1", "--focus", str(tmp_path / "f.csv")], check=True)
    result = json.loads(out.read_text())
    columns, allowed = focus_spec(data_dir)
    data = check_focus_file(tmp_path / "f.csv", columns, allowed)
    for p in result["policies"]:
        mine = [float(r["BilledCost"]) for r in data if r["x_Policy"] == p["name"]]
        assert sum(mine) == pytest.approx(p["replicates"][0]["cost_usd"]["total"], rel=1e-9)


def test_billing_frame_from_python(source_dir):
    import capsim
    pd = pytest.importorskip("pandas")
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "billing.json")
    result = capsim.run(sc, keep_series=True)
    hourly = capsim.billing_frame(result)
    od = hourly[hourly.resource == "node/gpu/0"]
    assert list(od.hour_start) == [pd.Timestamp(h) for h in HOURS]
    assert list(od.cost_usd) == pytest.approx([s * G5_XLARGE for s in SHARE])
    assert hourly.cost_usd.sum() == pytest.approx(result.policies[0].replicates[0].cost.total_usd, rel=1e-12)
    daily = capsim.billing_frame(result, period="day", group_by=["node_pool"])
    got = {(str(r.period_start.date()), r.node_pool): r.cost_usd for r in daily.itertuples()}
    assert got[("2024-05-31", "gpu")] == pytest.approx(1.5 * G5_XLARGE)
    assert got[("2024-06-01", "res")] == pytest.approx(3 * 1.5 * G5_XLARGE)
    assert got[("2024-06-01", "")] == pytest.approx(1.5 * EKS)  # the control plane belongs to no NodePool
    with pytest.raises(ValueError, match="cannot group by 'nodepol'"):
        capsim.billing_frame(result, group_by=["nodepol"])
    # The same bill as the command line's, through the same writer.
    assert capsim.focus_to_csv(result).splitlines()[0].startswith("AvailabilityZone,BilledCost,")


def test_compare_writes_the_bill_of_replicate_0(cli, source_dir, data_dir, tmp_path):
    scenario = source_dir / "tests" / "data" / "scenarios" / "billing.json"
    focus = tmp_path / "f.csv"
    subprocess.run([cli, "compare", str(scenario), "-q", "-r", "2", "-o", str(tmp_path / "out"), "--focus", str(focus)], check=True)
    columns, allowed = focus_spec(data_dir)
    data = check_focus_file(focus, columns, allowed)
    assert {r["x_Replicate"] for r in data} == {"0"}
    p = subprocess.run([cli, "compare", str(scenario), "-q", "--shard", "0/2", "-o", str(tmp_path / "s"), "--focus", str(focus)],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "a shard holds only some of its runs; run without --shard" in p.stderr
