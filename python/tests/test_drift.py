"""Karpenter drift from Python, on tests/data/scenarios/drift_rollout.json: four 1-GPU replicas on
g5.xlarge (launched 1 s in, ready at 61 s); policy to-g6 narrows the NodePool's instance family to g6
at 600 s, so all four drift (their labels no longer meet the requirements). With a Drifted budget of
1 and a 10 s disruption poll, the replacements launch at 610, 680, 750 and 820 s (each 60 s to
ready, then the next poll), the drifted nodes end at 670, 740, 810 and 880 s."""
import capsim


def test_a_narrowed_nodepool_rolls_its_nodes_one_at_a_time(source_dir):
    scenario = capsim.load_scenario(str(source_dir / "tests" / "data" / "scenarios" / "drift_rollout.json"))
    result = capsim.run(scenario, keep_series=True, explain=True)
    steady, rollout = result.policies
    assert steady.replicates[0].fleet.launches == 4
    assert not steady.replicates[0].decisions.consolidations
    rep = rollout.replicates[0]
    assert rep.fleet.launches == 8
    drifts = rep.decisions.consolidations
    assert [d.method for d in drifts] == ["drift"] * 4
    assert [d.at_s for d in drifts] == [610.0, 680.0, 750.0, 820.0]
    assert [d.replacement_type for d in drifts] == ["g6.xlarge"] * 4
    ended = sorted(n.terminated_s for n in rep.nodes if n.end_reason == "drifted")
    assert ended == [670.0, 740.0, 810.0, 880.0]


def test_a_class_that_drops_its_reservation_drifts_the_nodes_in_it(source_dir):
    """tests/data/scenarios/karpenter_reserved.json (two g5.xlarge in a 2-instance ODCR, a third on
    demand) with its EC2NodeClass's capacityReservationSelectorTerms removed at 600 s: the two nodes
    in the reservation drift (it is no longer selected), the on-demand one stays. Default budget
    roundup(10% x 3) = 1: replacements on demand at 610 and 680 s, the drifted nodes end at 670 and
    740 s (tests/karpenter_node_class_drift_test.cpp works the same case)."""
    import json

    folder = source_dir / "tests" / "data" / "scenarios"
    doc = json.loads((folder / "karpenter_reserved.json").read_text())
    doc["cluster"]["karpenter"] = {"changes": [{"at": "2024-05-10T00:10:00Z", "node_classes": [
        {"metadata": {"name": "gpu"}, "spec": {"capacityReservationSelectorTerms": None}}]}]}
    scenario = capsim.load_scenario_text(json.dumps(doc), "reserved.json", str(folder))
    rep = capsim.run(scenario, keep_series=True, explain=True).policies[0].replicates[0]
    drifted = sorted((n.terminated_s, n.capacity_type) for n in rep.nodes if n.end_reason == "drifted")
    assert drifted == [(670.0, "reserved"), (740.0, "reserved")]
    assert sorted((n.launched_s, n.capacity_type) for n in rep.nodes if n.launched_s > 1) == [
        (610.0, "on-demand"), (680.0, "on-demand")]
    assert [d.method for d in rep.decisions.consolidations] == ["drift", "drift"]
