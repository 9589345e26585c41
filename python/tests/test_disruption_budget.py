"""A PodDisruptionBudget from Python: the scenario field runs as in the C++ test
(tests/pod_disruption_budget_test.cpp), the drain's times worked out by hand there."""
import json

import capsim


def test_max_unavailable_one_serialises_an_expiry_drain(data_dir, tmp_path):
    doc = json.loads((data_dir / "scenarios" / "hand.json").read_text())
    doc["simulation"] = {"start": "2024-05-10T00:00:00Z", "duration": "1h", "period_s": 60, "seed": 5}
    doc["traces"]["t"] = {"format": "generator", "period_s": 60, "generator": {"kind": "constant", "rps": 1}}
    doc["catalog"] = {"zones": ["us-east-1a"]}
    doc["market"] = {"interruption_rate_by_bucket": [0, 0, 0, 0, 0]}
    svc = doc["services"][0]
    svc["replicas"] = 4
    svc["throughput_rps"] = {"g5.xlarge": 1.0, "g5.12xlarge": 1.0}
    svc["replica"]["startup_s"] = 60
    svc["disruption_budget"] = {"max_unavailable": 1}
    doc["cluster"] = {
        "provisioner": "karpenter", "eks_control_plane": False, "node_ready_s": 60, "node_groups": [],
        "node_pools": [{"metadata": {"name": "gpu"},
                        "spec": {"template": {"spec": {"expireAfter": "30m", "requirements": [
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}]}},
                                 "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"}}}]}
    path = tmp_path / "pdb.json"
    path.write_text(json.dumps(doc))
    rep = capsim.run(capsim.load_scenario(path), keep_series=True).policies[0].replicates[0]
    # The g5.12xlarge expires at 1,801 s; one pod leaves at a time, each after the previous one is
    # Ready again 121 s later and the next 10 s retry comes: evictions at 1801, 1923.7, 2053.7 and
    # 2183.7 s, each followed 1 s later by its pod's g5.xlarge; the node ends with the last.
    nodes = rep.nodes
    assert len(nodes) == 5
    assert nodes[0].end_reason == "expiration"
    assert abs(nodes[0].cordoned_s - 1801) < 1e-6
    assert abs(nodes[0].terminated_s - 2183.7) < 1e-6
    for node, at in zip(nodes[1:], [1802, 1924.7, 2054.7, 2184.7]):
        assert node.instance_type == "g5.xlarge"
        assert abs(node.launched_s - at) < 1e-6
    assert rep.fleet.pods_disrupted == 4


def test_one_budget_over_two_services_from_manifests_and_json(data_dir):
    """tests/data/manifests/shared-pdb: one PodDisruptionBudget (maxUnavailable 1) selects the pods of
    two Deployments of 2 pods each; its JSON twin says it with cluster.pod_disruption_budgets. The
    four pods share one allowance (3 of 4 must stay Ready), so the expiry drain at 1,801 s goes one
    pod at a time across both services, as the one-service drain above: evictions at 1801, 1923.7,
    2053.7 and 2183.7 s (tests/pod_disruption_budget_test.cpp works them out)."""
    from_json = capsim.load_scenario(data_dir / "scenarios" / "manifests_shared_pdb_json.json")
    from_manifests = capsim.load_scenario(data_dir / "scenarios" / "manifests_shared_pdb.json")
    a = capsim.run(from_json, keep_series=True)
    b = capsim.run(from_manifests, keep_series=True)
    rep = a.policies[0].replicates[0]
    assert [s.name for s in rep.services] == ["api", "embed"]
    nodes = rep.nodes
    assert len(nodes) == 5
    assert abs(nodes[0].cordoned_s - 1801) < 1e-6
    assert abs(nodes[0].terminated_s - 2183.7) < 1e-6
    for node, at in zip(nodes[1:], [1802, 1924.7, 2054.7, 2184.7]):
        assert abs(node.launched_s - at) < 1e-6
    # Each service's two replicas were down 121 s each.
    for s in rep.services:
        assert abs(s.replica_minutes_lost - 2 * 121 / 60) < 1e-9
    # The manifests' run is the JSON twin's, node for node.
    other = b.policies[0].replicates[0]
    assert [(n.instance_type, n.launched_s, n.terminated_s) for n in other.nodes] == \
        [(n.instance_type, n.launched_s, n.terminated_s) for n in nodes]
    assert other.cost.gpu_instances_usd == rep.cost.gpu_instances_usd


def test_spot_reclaim_cuts_off_what_the_budget_held(data_dir, tmp_path):
    """Three replicas on a spot g5.12xlarge under maxUnavailable 1; the pool's recorded availability
    drops to 0 at 1,800 s, so the notice comes at 1,680 s (tests/pod_disruption_budget_test.cpp works
    the times out): p0 evicted at the notice, p1 at 1,742.7 s once p0 is Ready again, p2 cut off at
    the reclaim; their g5.xlarges launched at 1,681, 1,743.7 and 1,801 s."""
    doc = json.loads((data_dir / "scenarios" / "hand.json").read_text())
    doc["simulation"] = {"start": "2024-05-10T00:00:00Z", "duration": "1h", "period_s": 60, "seed": 5}
    doc["traces"]["t"] = {"format": "generator", "period_s": 60, "generator": {"kind": "constant", "rps": 1}}
    doc["catalog"] = {"zones": ["us-east-1a"]}
    doc["market"] = {"interruption_rate_by_bucket": [0, 0, 0, 0, 0],
                     "availability": [{"instance_type": "g5.12xlarge", "zone": "us-east-1a",
                                       "file": str(data_dir / "market" / "availability_reclaim_30m.json"),
                                       "values": "available_count"}]}
    svc = doc["services"][0]
    svc["replicas"] = 3
    svc["throughput_rps"] = {"g5.xlarge": 1.0, "g5.12xlarge": 1.0}
    svc["replica"]["startup_s"] = 30
    svc["disruption_budget"] = {"max_unavailable": 1}
    doc["cluster"] = {
        "provisioner": "karpenter", "eks_control_plane": False, "node_ready_s": 30, "node_groups": [],
        "node_pools": [{"metadata": {"name": "gpu"},
                        "spec": {"template": {"spec": {"requirements": [
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}]}},
                                 "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"}}}]}
    path = tmp_path / "spot_pdb.json"
    path.write_text(json.dumps(doc))
    rep = capsim.run(capsim.load_scenario(path), keep_series=True).policies[0].replicates[0]
    nodes = rep.nodes
    assert len(nodes) == 4
    assert nodes[0].end_reason == "spot-interruption"
    assert abs(nodes[0].cordoned_s - 1680) < 1e-6
    assert abs(nodes[0].terminated_s - 1800) < 1e-6
    for node, at in zip(nodes[1:], [1681, 1743.7, 1801]):
        assert node.instance_type == "g5.xlarge"
        assert abs(node.launched_s - at) < 1e-6
    assert rep.fleet.interruptions == 1
    assert rep.fleet.pods_disrupted == 3
    assert abs(rep.services[0].replica_minutes_lost - 3 * 61 / 60) < 1e-9
