"""Karpenter NodeOverlays from Python, on tests/data/scenarios/node_overlay.json: two one-GPU pods
under a g5/g6 NodePool whose NodeOverlays (tests/data/manifests/node-overlay) take 25% off g5 for a
Savings Plan and time-slice the g5.xlarge GPU four ways."""
import pytest

import capsim

G5_XLARGE = 1.006  # USD/h, the bundled catalog's us-east-1 on-demand price
BILLED_H = 1799 / 3600  # launched after the 1 s batch idle, running to the end of the 30 min window


def test_overlays_choose_the_node_and_the_bill_stays_real(data_dir):
    sc = capsim.load_scenario(data_dir / "scenarios" / "node_overlay.json")
    assert any("decisions and bill diverge" in w for w in sc.warnings)
    r = capsim.run(sc, keep_series=True)
    rep = r.policy("overlays").replicates[0]
    # g5.xlarge at 1.006 x 0.75 = 0.7545 is cheaper to Karpenter than g6.xlarge at 0.8048, and its
    # four GPU slices hold both pods: one node, billed at its real price.
    assert [n.instance_type for n in rep.nodes] == ["g5.xlarge"]
    assert rep.nodes[0].pods_bound == 2
    assert rep.cost.gpu_instances_usd == pytest.approx(G5_XLARGE * BILLED_H)
    # Each pod is allocated its slice of the node: 2 of 4.
    assert rep.cost.allocated_usd == pytest.approx(0.5 * G5_XLARGE * BILLED_H)


G6_XLARGE = 0.8048  # USD/h, the bundled catalog's us-east-1 on-demand price


def test_overlays_scoped_to_node_pools(data_dir):
    """tests/data/scenarios/node_overlay_pools.json: research sees g5 at 25% off (its overlay selects
    karpenter.sh/nodepool In [research], instance-generation Lte 5), prod sees g6.xlarge time-sliced
    four ways (by its template label team: prod) under a limit of 4 nvidia.com/gpu."""
    sc = capsim.load_scenario(data_dir / "scenarios" / "node_overlay_pools.json")
    assert any("in NodePool(s) research" in w for w in sc.warnings)
    rep = capsim.run(sc, keep_series=True, explain=True).policy("pools").replicates[0]
    # train -> research: g5.xlarge 1.006 x 0.75 = 0.7545 < 0.8048, one per one-GPU pod: 2 nodes.
    # chat -> prod: g5.xlarge the real 1.006 > 0.8048; 4 pods share one g6.xlarge; the fifth would
    # take prod past its limit (the node counts 4 GPUs): 4 + 4 > 4 and 4 + 1 > 4.
    assert sorted(n.instance_type for n in rep.nodes) == ["g5.xlarge", "g5.xlarge", "g6.xlarge"]
    assert [n.pods_bound for n in rep.nodes if n.instance_type == "g6.xlarge"] == [4]
    assert rep.cost.gpu_instances_usd == pytest.approx((2 * G5_XLARGE + G6_XLARGE) * BILLED_H)
    assert any("pool prod: limits: nvidia.com/gpu 4 > 0 remaining (g6.xlarge)" in u.reason for u in rep.decisions.unschedulable)
