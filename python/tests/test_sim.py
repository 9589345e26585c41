import json
import pickle

import numpy as np
import pytest

import capsim


def hand(data_dir):
    return capsim.load_scenario(data_dir / "scenarios" / "hand.json")


def test_hand_worked_numbers(data_dir):
    # tests/data/scenarios/hand.json: arrivals 60, 180, 180, 60, 0 per minute against 2 req/s with
    # max wait 10 s (backlog limit 20). Minute 2 drops 1 req/s for 40 s after the backlog fills in
    # 20 s; minute 3 drops 60; nothing else is missed: 100 of 480.
    r = capsim.run(hand(data_dir))
    rep = r.policy("default").replicates[0]
    sla = rep.services[0].sla
    assert sla.requests == pytest.approx(480)
    assert sla.missed == pytest.approx(100)
    assert sla.availability == pytest.approx(3 / 5)
    assert rep.cost.gpu_instances_usd == pytest.approx(2 * 1.006 * 300 / 3600)
    assert rep.cost.eks_control_plane_usd == pytest.approx(0.10 * 300 / 3600)


def test_series_are_numpy_arrays(data_dir):
    r = capsim.run(hand(data_dir), keep_series=True)
    s = r.policies[0].replicates[0].service_series[0]
    assert isinstance(s.arrivals, np.ndarray)
    np.testing.assert_allclose(s.arrivals, [60, 180, 180, 60, 0])
    np.testing.assert_allclose(s.missed, [0, 40, 60, 0, 0])
    np.testing.assert_allclose(s.backlog_end, [0, 20, 20, 0, 0])
    assert list(s.ready_replicas) == [2, 2, 2, 2, 2]


def test_common_random_numbers_and_thread_independence(source_dir):
    sc = capsim.load_scenario(source_dir / "scenarios" / "fleet-options.json").with_replicates(2)
    a = capsim.run(sc, threads=1, keep_series=True)
    b = capsim.run(sc, threads=2, keep_series=True)
    assert capsim.result_to_json(a) == capsim.result_to_json(b)
    base, lean = a.policy("baseline"), a.policy("lean")
    np.testing.assert_array_equal(base.replicates[0].service_series[0].arrivals,
                                  lean.replicates[0].service_series[0].arrivals)
    assert not np.array_equal(base.replicates[0].service_series[0].arrivals,
                              base.replicates[1].service_series[0].arrivals)
    other = capsim.run(sc.with_seed(43), keep_series=True)
    assert not np.array_equal(other.policy("baseline").replicates[0].service_series[0].arrivals,
                              base.replicates[0].service_series[0].arrivals)


def test_run_replicate_matches_run(data_dir):
    sc = hand(data_dir)
    one = capsim.run_replicate(sc, "default", 0)
    assert one == capsim.run(sc).policies[0].replicates[0]
    with pytest.raises(capsim.Error, match="unknown policy 'defualt'.*did you mean 'default'"):
        capsim.run_replicate(sc, "defualt")


def test_results_pickle_and_serialize(data_dir):
    r = capsim.run(hand(data_dir), keep_series=True)
    back = pickle.loads(pickle.dumps(r))
    assert back == r
    assert capsim.result_to_json(back) == capsim.result_to_json(r)
    doc = json.loads(capsim.result_to_json(r))
    assert doc["format_version"] == 4 and doc["seed"] == 7
    table = capsim.format_comparison(r)
    assert "default" in table and "missed share" in table


def test_karpenter_explanations(data_dir):
    # tests/data/scenarios/karpenter_explain.json: both 1-GPU replicas land on one g5.12xlarge.
    r = capsim.run(capsim.load_scenario(data_dir / "scenarios" / "karpenter_explain.json"), explain=True)
    ex = r.policies[0].replicates[0].explanations
    assert len(ex) == 1 and "node g5.12xlarge (on-demand, us-east-1a" in ex[0]
    assert r.policies[0].replicates[0].fleet.launches == 1
    # The same decision as a record: the NodePool, the type, and both pods it was launched for, at
    # the batch window's close (1 s).
    d = r.policies[0].replicates[0].decisions
    assert len(d.launches) == 1 and not d.consolidations and not d.unschedulable
    launch = d.launches[0]
    assert (launch.instance_type, launch.capacity_type, launch.at_s) == ("g5.12xlarge", "on-demand", 1.0)
    assert len(launch.pods) == 2 and all(p.startswith("api#") for p in launch.pods)
    assert pickle.loads(pickle.dumps(d)) == d


def _with_trace_path(doc, data_dir):
    doc["traces"]["t"]["file"] = str(data_dir / "traces" / "five_minutes.csv")
    return doc


def test_karpenter_expire_after_and_cost_allocation(data_dir, tmp_path):
    # Two 1-GPU replicas on one g5.12xlarge launched at 1 s (the batch window); expireAfter 4m: it
    # expires at 241 s, the next node is launched at 242 s and expires at 482 s, the third at 483 s
    # would expire after the 10-minute window. The replicas request 2 of the 4 GPUs: half of each
    # node's cost is allocated to them.
    doc = json.loads((data_dir / "scenarios" / "karpenter_explain.json").read_text())
    doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["expireAfter"] = "4m"
    path = tmp_path / "expire.json"
    path.write_text(json.dumps(_with_trace_path(doc, data_dir)))
    rep = capsim.run(capsim.load_scenario(path)).policies[0].replicates[0]
    assert rep.fleet.expirations == 2
    assert rep.fleet.launches == 3
    assert rep.fleet.pods_disrupted == 4
    assert rep.cost.allocated_usd == pytest.approx(rep.cost.gpu_instances_usd / 2)
    assert rep.services[0].usage.allocated_usd == pytest.approx(rep.cost.allocated_usd)
    # The node log comes with the series: 1 s, 242 s, 483 s launches; the first two expire.
    result = capsim.run(capsim.load_scenario(path), keep_series=True)
    nodes = result.policies[0].replicates[0].nodes
    assert [n.launched_s for n in nodes] == pytest.approx([1, 242, 483])
    assert [n.end_reason for n in nodes] == ["expiration", "expiration", ""]
    assert capsim.nodes_to_csv(result).splitlines()[0].startswith("policy,replicate,node,owner,instance_type")


def test_target_tracking_group(data_dir, tmp_path):
    # Eight g5.xlarge serving 1 req/s each; the five-minute trace (1, 3, 3, 1, 0 req/s, tiled) uses at
    # most 3/8 = 37.5% of them, below the AlarmLow threshold 0.7 x 90 = 63, so the fifteenth datapoint
    # (900 s, reading the minute 840-900 s: 0 req/s) scales in to max(1, ceil(8 x 0 / 90)) = 1.
    doc = json.loads((data_dir / "scenarios" / "hand.json").read_text())
    doc["simulation"]["duration"] = "16m"
    doc["traces"]["t"]["tile"] = True
    doc["services"][0]["replicas"] = 0
    doc["services"][0]["replica"]["startup_s"] = 60
    doc["cluster"] = {"eks_control_plane": False, "node_ready_s": 60,
                      "node_groups": [{"name": "gpu", "instance_type": "g5.xlarge", "count": 8, "min_size": 1, "max_size": 8,
                                       "target_tracking": {"service": "api", "TargetValue": 90,
                                                           "CustomizedMetricSpecification": {"MetricName": "DCGM_FI_DEV_GPU_UTIL"}}}]}
    path = tmp_path / "asg.json"
    path.write_text(json.dumps(_with_trace_path(doc, data_dir)))
    rep = capsim.run(capsim.load_scenario(path)).policies[0].replicates[0]
    assert rep.fleet.target_tracking_scale_ins == 7
    assert rep.fleet.target_tracking_scale_outs == 0
    assert rep.services[0].replicas_placed == 1


def test_cost_lines(data_dir):
    # hand.json: two g5.xlarge for 5 minutes (1.006 USD/h, tagged team=ml) and the EKS control plane
    # (0.10 USD/h): the lines' costs add up to the run's total.
    r = capsim.run(hand(data_dir), keep_series=True)
    rep = r.policies[0].replicates[0]
    lines = rep.cost_lines
    assert [l.resource for l in lines] == ["node/gpu/0", "node/gpu/1", "eks-control-plane"]
    assert lines[0].cost_usd == pytest.approx(1.006 * 300 / 3600)
    assert sum(l.cost_usd for l in lines) == pytest.approx(rep.cost.total_usd)
    assert lines[0].tags == {"team": "ml"}
    csv = capsim.cost_lines_to_csv(r).splitlines()
    assert csv[0].endswith(",tag:team") and len(csv) == 4


def test_pod_template(data_dir):
    # pod_template.json is karpenter_explain.json with its pods as a Kubernetes pod template: 1500m +
    # 500m CPU, 6Gi + 2Gi, one nvidia.com/gpu, nodeSelector g5, labels team=ml. The same pods, so the
    # same bill; the label joins the service's tags.
    sc = capsim.load_scenario(data_dir / "scenarios" / "pod_template.json")
    plain = capsim.load_scenario(data_dir / "scenarios" / "karpenter_explain.json")
    a, b = capsim.run(sc).policies[0].replicates[0], capsim.run(plain).policies[0].replicates[0]
    assert a.cost.total_usd == b.cost.total_usd and a.fleet.launches == b.fleet.launches == 1
    assert a.cost.allocated_by_label_usd["team=ml"] == pytest.approx(a.cost.allocated_usd)


def test_request_level_model(data_dir):
    # request_hand.json is hand.json at request level: 480 whole requests at even times, 1 s each on
    # two replicas, patience 10 s. Minute 0 (1 req/s) never queues; minutes 1 and 2 (3 req/s against
    # 2 req/s) lose what hand.json's fluid model loses, 100 requests, give or take a whole request
    # at the edges (here requests give up after waiting 10 s rather than being refused on arrival).
    sc = capsim.load_scenario(data_dir / "scenarios" / "request_hand.json")
    r = capsim.run(sc, keep_series=True)
    svc = r.policies[0].replicates[0].services[0]
    lat, slo = svc.latency, svc.slo
    assert isinstance(lat, capsim.LatencySummary) and isinstance(slo, capsim.SloSummary)
    assert svc.sla.requests == 480
    assert lat.timed_out + svc.sla.served == 480
    assert abs(lat.timed_out - 100) <= 2
    assert lat.wait_max_s <= 10.0
    assert lat.e2e_max_s == pytest.approx(11.0)  # the longest wait, then its 1 s
    # Little's law over the window: time-averaged requests in the system = arrival rate x time in it.
    assert lat.mean_in_system == pytest.approx(lat.arrival_rate_rps * lat.mean_time_in_system_s, rel=1e-9)
    series = r.policies[0].replicates[0].service_series[0]
    # Misses count in the minute a request gives up (minute 3 still sees minute 2's give up).
    assert series.missed[0] == 0 and series.missed[4] == 0 and series.missed.sum() == lat.timed_out
    # One-minute SLO windows (p99 <= 1.5 s): minute 0 passes, minutes 1 to 3 fail while the queue
    # is long, minute 4 (no arrivals) passes.
    assert (slo.windows, slo.windows_failed) == (5, 3)
    # The fluid model reports no latency; both survive pickling and JSON.
    fluid = capsim.run(hand(data_dir)).policies[0].replicates[0].services[0]
    assert fluid.latency is None and fluid.slo is None
    assert pickle.loads(pickle.dumps(r)) == r
    doc = json.loads(capsim.result_to_json(r))
    assert doc["policies"][0]["replicates"][0]["services"][0]["latency"]["timed_out"] == lat.timed_out
    assert "latency p90 / p95 / p99 (s)" in capsim.format_comparison(r)


def test_llm_service(data_dir):
    # llm_sparse.json: one request a minute alone on an A10G: 75 ms of prefill (the first token),
    # then 100 tokens at the model file's batch-1 step for the A10G, 33.1268 ms (derived by hand in
    # tests/request_run_test.cpp from the L40S points and the bandwidth ratio 864 / 600).
    r = capsim.run(capsim.load_scenario(data_dir / "scenarios" / "llm_sparse.json"))
    svc = r.policies[0].replicates[0].services[0]
    assert isinstance(svc.llm, capsim.LlmSummary)
    assert svc.llm.ttft_mean_s == pytest.approx(0.075, rel=1e-4)
    assert svc.llm.tpot_mean_s == pytest.approx(0.0331268, rel=1e-4)
    assert svc.latency.e2e_mean_s == pytest.approx(0.075 + 100 * 0.0331268, rel=1e-4)
    assert any("derived_decode/a10g" in a.pointer for a in r.policies[0].assumptions)
    assert "TTFT p90 / p95 / p99 (s)" in capsim.format_comparison(r)
    assert capsim.run(hand(data_dir)).policies[0].replicates[0].services[0].llm is None
