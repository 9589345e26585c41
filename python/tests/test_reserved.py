"""Karpenter's capacity type reserved from Python and the command line, on
tests/data/scenarios/karpenter_reserved.json: an On-Demand Capacity Reservation of two g5.xlarge (1.006 USD/h
on demand) and three 1-GPU replicas over two hours; and karpenter_capacity_block.json, a Capacity Block
ending 41,400 s into the window whose node Karpenter drains 40 minutes before."""
import csv
import subprocess

import pytest

import capsim

OD = 1.006


def test_odcr_takes_two_nodes_and_the_third_is_on_demand(source_dir):
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "karpenter_reserved.json")
    rep = capsim.run(sc).policies[0].replicates[0]
    # Billed whole, used or not: 2 instances x 1.006 x 2 h. The on-demand node from 1 s (the batch window) on.
    assert rep.cost.reserved_usd == pytest.approx(2 * OD * 2)
    assert rep.cost.on_demand_usd == pytest.approx(OD * 7199 / 3600)
    assert rep.fleet.launches == 3


def test_capacity_block_drained_in_the_cli_outputs(cli, source_dir, tmp_path):
    scenario = source_dir / "tests" / "data" / "scenarios" / "karpenter_capacity_block.json"
    subprocess.run([cli, "run", str(scenario), "-q", "-o", str(tmp_path / "r.json"), "--nodes", str(tmp_path / "n.csv"),
                    "--cost-lines", str(tmp_path / "c.csv")], check=True)
    nodes = list(csv.DictReader(open(tmp_path / "n.csv")))
    assert [n["capacity_type"] for n in nodes] == ["reserved", "on-demand"]
    # Drained at 10:50Z (39,000 s), the replacement launched after the 1 s batch window.
    assert float(nodes[0]["terminated_s"]) == 39000 and nodes[0]["end_reason"] == "capacity-block-drain"
    assert float(nodes[1]["launched_s"]) == 39001
    lines = {r["resource"]: r for r in csv.DictReader(open(tmp_path / "c.csv"))}
    block = lines["capacity-block/cr-0b1b2c3d4e5f60002"]
    # 0.5 USD per instance-hour for the block's 41,400 s inside the window.
    assert float(block["cost_usd"]) == pytest.approx(0.5 * 41400 / 3600)
    assert block["owner"] == "capacity-reservations" and block["capacity_type"] == "reserved"
