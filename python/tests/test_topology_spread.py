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
