import collections
import csv
import subprocess

import capsim


def test_spread_by_zone_from_python_and_the_cli(data_dir, cli, tmp_path):
    # tests/data/scenarios/topology_spread.json: six one-GPU replicas (a g5.xlarge each) with maxSkew 1
    # over three zones under Karpenter. Each claim goes to the least-populated zone within the skew:
    # 1a, 1b, 1c, then again 1a, 1b, 1c: two nodes a zone.
    path = data_dir / "scenarios" / "topology_spread.json"
    result = capsim.run(capsim.load_scenario(path), keep_series=True)
    nodes = result.policies[0].replicates[0].nodes
    by_zone = collections.Counter(n.zone for n in nodes)
    assert by_zone == {"us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2}
    # The command line's node log says the same.
    out = tmp_path / "nodes.csv"
    subprocess.run([cli, "run", str(path), "-q", "--nodes", str(out)], check=True)
    rows = list(csv.DictReader(out.open()))
    assert collections.Counter(r["zone"] for r in rows) == by_zone


def test_cluster_autoscaler_scale_down_keeps_the_spread(data_dir, cli):
    # tests/data/scenarios/topology_spread_scale_down.json: three g5.12xlarge (4 GPUs), one a zone,
    # one replica each (utilization 1/4 < 0.5), maxSkew 1 DoNotSchedule. Moving the 1a replica to
    # the 1b node would put 2 there against 0 in 1a (the removed node's zone stays a domain):
    # 2 - 0 > 1, so no node goes and each is recorded as NoPlaceToMovePods.
    path = data_dir / "scenarios" / "topology_spread_scale_down.json"
    sc = capsim.load_scenario(path)
    rep = capsim.run(sc, explain=True).policies[0].replicates[0]
    assert rep.fleet.scale_downs == 0
    assert [d.node for d in rep.decisions.unremovable] == ["node/a/0", "node/b/0", "node/c/0"]
    first = rep.decisions.unremovable[0]
    assert isinstance(first, capsim.UnremovableNodeDecision)
    assert (first.instance_type, first.zone, first.reason) == ("g5.12xlarge", "us-east-1a", "NoPlaceToMovePods")
    assert first.detail == ("pod chat#0 fits no other node within its topology spread; node/b/0: topology spread: "
                            "topology.kubernetes.io/zone us-east-1b would hold 2 pods of the workload, 2 - 0 > maxSkew 1 "
                            "(us-east-1a holds 0)")
    # ScheduleAnyway does not hold the scale-down back: the 1a node goes, its replica joins the 1b
    # node (2 of 4 GPUs: 0.5, not under the threshold), then the 1c node goes.
    d = sc.to_dict()
    d["services"][0]["replica"]["topology_spread"][0]["when_unsatisfiable"] = "ScheduleAnyway"
    soft = capsim.run(capsim.Scenario.from_dict(d, base_dir=sc.base_dir), explain=True).policies[0].replicates[0]
    assert soft.fleet.scale_downs == 2
    assert soft.decisions.unremovable == []
    # The command line's --explain prints the record.
    out = subprocess.run([cli, "run", str(path), "-q", "--explain"], check=True, capture_output=True, text=True).stdout
    assert ("Cluster Autoscaler: node node/a/0 (g5.12xlarge, us-east-1a) is under-utilized but not removable, NoPlaceToMovePods: "
            "pod chat#0 fits no other node within its topology spread") in out
