"""Scenarios as Python values: from_dict / to_dict round trips, with_policy, and their messages."""
import json
import os

import numpy as np
import pytest

import capsim


def ladder(data_dir):
    return capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json")


def test_to_dict_is_the_document_it_was_loaded_from(data_dir):
    path = data_dir / "scenarios" / "compare_ladder.json"
    sc = capsim.load_scenario(path)
    assert sc.to_dict() == json.loads(path.read_text())
    assert sc.display_file == str(path)
    assert os.path.samefile(sc.base_dir, path.parent)
    # with_seed / with_replicates change the copy's document too, and only those two numbers.
    d = sc.with_seed(11).with_replicates(3).to_dict()
    assert d["simulation"]["seed"] == 11 and d["simulation"]["replicates"] == 3
    d["simulation"]["seed"], d["simulation"]["replicates"] = 7, 2
    assert d == json.loads(path.read_text())


def test_from_dict_round_trip_runs_byte_identically(data_dir):
    sc = ladder(data_dir)
    again = capsim.Scenario.from_dict(sc.to_dict(), base_dir=sc.base_dir)
    assert again.display_file == "<dict>"
    a = capsim.compare(sc, keep_series=True)
    b = capsim.compare(again, keep_series=True)
    assert capsim.comparison_to_json(a.run, a.comparison) == capsim.comparison_to_json(b.run, b.comparison)
    assert capsim.series_to_csv(a.run) == capsim.series_to_csv(b.run)
    # A changed seed survives the round trip: the copy runs as with_seed's scenario does.
    seeded = capsim.Scenario.from_dict(sc.with_seed(99).to_dict(), base_dir=sc.base_dir)
    assert seeded.seed == 99
    assert capsim.result_to_json(capsim.run(seeded)) == capsim.result_to_json(capsim.run(sc.with_seed(99)))


def test_cloudwatch_scenario_round_trip(source_dir):
    # The seed story's scenario reads a CloudWatch GetMetricData export by a relative path: the
    # dict loaded from its folder runs byte for byte as the file (warnings and file names included).
    sc = capsim.load_scenario(source_dir / "scenarios" / "gpu-inference-eks.json").with_replicates(1)
    again = capsim.Scenario.from_dict(sc.to_dict(), base_dir=source_dir / "scenarios")
    assert again.warnings == sc.warnings
    opts = dict(policies=["baseline", "+karpenter"], replicates=1)
    a, b = capsim.compare(sc, **opts), capsim.compare(again, **opts)
    assert capsim.comparison_to_json(a.run, a.comparison) == capsim.comparison_to_json(b.run, b.comparison)


def test_from_dict_messages_name_the_dict_and_the_pointer(data_dir):
    d = ladder(data_dir).to_dict()
    d["services"][0]["replicas"] = "two"
    with pytest.raises(capsim.ScenarioError) as e:
        capsim.Scenario.from_dict(d, base_dir=data_dir / "scenarios")
    assert any(m.startswith("<dict>: /services/0/replicas") and "two" in m for m in e.value.diagnostics), e.value.diagnostics
    # The same message a file with that document gets, but for the file's name.
    d2 = ladder(data_dir).to_dict()
    d2["simulation"]["period_s"] = -5
    with pytest.raises(capsim.ScenarioError) as e:
        capsim.Scenario.from_dict(d2, base_dir=data_dir / "scenarios", name="variant.json")
    assert any(m.startswith("variant.json: /simulation/period_s") for m in e.value.diagnostics), e.value.diagnostics


def test_from_dict_relative_paths_resolve_from_base_dir(data_dir, tmp_path, monkeypatch):
    d = ladder(data_dir).to_dict()
    monkeypatch.chdir(tmp_path)  # "../traces/five_minutes.csv" from here does not exist
    with pytest.raises(capsim.ScenarioError, match="five_minutes.csv"):
        capsim.Scenario.from_dict(d)
    assert capsim.Scenario.from_dict(d, base_dir=data_dir / "scenarios").policy_names == ["two", "three", "one"]


def test_from_dict_python_values(data_dir):
    d = ladder(data_dir).to_dict()
    # numpy scalars and tuples, as a notebook's sweep makes them, are JSON numbers and arrays.
    d["services"][0]["replicas"] = np.int64(3)
    d["services"][0]["throughput_rps"]["g5.xlarge"] = np.float64(1.0)
    d["policies"] = tuple(d["policies"])
    assert capsim.Scenario.from_dict(d, base_dir=data_dir / "scenarios").policy_names == ["two", "three", "one"]
    d["services"][0]["sla"]["max_wait_s"] = float("nan")
    with pytest.raises(ValueError, match=r"<dict>: /services/0/sla/max_wait_s: expected a finite number, got nan"):
        capsim.Scenario.from_dict(d)
    d["services"][0]["sla"]["max_wait_s"] = 10
    d["catalog"] = {1: "x"}
    with pytest.raises(TypeError, match=r"<dict>: /catalog: expected object keys that are strings, got 1"):
        capsim.Scenario.from_dict(d)
    d.pop("catalog")
    d["services"][0]["tags"] = {"a/b": object()}
    with pytest.raises(TypeError, match=r"<dict>: /services/0/tags/a~1b: expected a JSON value"):
        capsim.Scenario.from_dict(d)
    with pytest.raises(TypeError, match="expected a scenario as a dict, got list"):
        capsim.Scenario.from_dict([])


def test_with_policy_adds_and_runs(data_dir):
    sc = ladder(data_dir)
    four = sc.with_policy("four", {"services": [{"name": "api", "replicas": 4}], "cluster": {"node_groups": [{"name": "gpu", "count": 4}]}},
                          parent="two", description="four nodes")
    assert four.policy_names == ["two", "three", "one", "four"]
    assert sc.policy_names == ["two", "three", "one"]  # the original is unchanged
    assert four.effective_dict("four")["services"][0]["replicas"] == 4
    assert four.to_dict()["policies"][3] == {"name": "four", "description": "four nodes", "extends": "two",
                                             "patch": {"services": [{"name": "api", "replicas": 4}],
                                                       "cluster": {"node_groups": [{"name": "gpu", "count": 4}]}}}
    rep = capsim.run(four).policy("four").replicates[0]
    # Four g5.xlarge (1.006 USD/h) and the EKS control plane (0.10 USD/h) for 5 minutes.
    assert rep.cost.total_usd == pytest.approx((4 * 1.006 + 0.10) * 300 / 3600)
    assert rep.services[0].sla.missed == pytest.approx(0)  # 4 req/s against at most 3 req/s


def test_with_policy_replaces_in_place(data_dir):
    sc = ladder(data_dir)
    # "one" becomes a five-node policy, where it stood; its parent stays "two".
    five = sc.with_policy("one", {"services": [{"name": "api", "replicas": 5}], "cluster": {"node_groups": [{"name": "gpu", "count": 5}]}},
                          parent="two")
    assert five.policy_names == ["two", "three", "one"]
    assert capsim.run(five).policy("one").replicates[0].fleet.nodes_at_end == 5
    # The same patch written in the file and loaded from it gives the same results.
    d = sc.to_dict()
    d["policies"][2] = {"name": "one", "extends": "two",
                        "patch": {"services": [{"name": "api", "replicas": 5}], "cluster": {"node_groups": [{"name": "gpu", "count": 5}]}}}
    by_hand = capsim.Scenario.from_dict(d, base_dir=sc.base_dir)
    assert capsim.result_to_json(capsim.run(five)) == capsim.result_to_json(capsim.run(by_hand))


def test_with_policy_messages(data_dir):
    sc = ladder(data_dir)
    where = f"{sc.display_file} with policy 'bad'"
    with pytest.raises(capsim.ScenarioError) as e:
        sc.with_policy("bad", {"services": [{"name": "api", "replicas": "x"}]}, parent="two")
    assert any(m.startswith(f"{where}: /policies/3/patch/services/0/replicas") for m in e.value.diagnostics), e.value.diagnostics
    with pytest.raises(capsim.ScenarioError) as e:
        sc.with_policy("bad", {"simulation": {"seed": 3}})
    assert any(m.startswith(f"{where}: /policies/3/patch/simulation") and "every policy must share" in m
               for m in e.value.diagnostics), e.value.diagnostics
    with pytest.raises(capsim.ScenarioError) as e:
        sc.with_policy("bad", {}, parent="tow")
    assert any(m.startswith(f"{where}: /policies/3/extends") and "did you mean 'two'" in m for m in e.value.diagnostics), e.value.diagnostics
    with pytest.raises(ValueError, match="expected a policy name"):
        sc.with_policy("", {})
    with pytest.raises(TypeError, match=r"with policy 'p': patch: expected a dict"):
        sc.with_policy("p", [1])


def test_with_policy_on_a_scenario_without_policies(data_dir):
    # hand.json runs its base document as the policy "default"; a new policy is added beside it.
    sc = capsim.load_scenario(data_dir / "scenarios" / "hand.json")
    three = sc.with_policy("three", {"services": [{"name": "api", "replicas": 3}], "cluster": {"node_groups": [{"name": "gpu", "count": 3}]}})
    assert three.policy_names == ["default", "three"]
    r = capsim.run(three)
    assert r.policy("default").replicates[0] == capsim.run(sc).policy("default").replicates[0]
    assert r.policy("default").replicates[0].cost.total_usd == pytest.approx((2 * 1.006 + 0.10) * 300 / 3600)
    assert r.policy("three").replicates[0].cost.total_usd == pytest.approx((3 * 1.006 + 0.10) * 300 / 3600)


def test_variants_keep_the_data_root(data_dir):
    # Loaded under a data root, a scenario's variants are held to it too.
    sc = capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json", data_root=data_dir)
    assert sc.data_root == data_dir
    assert sc.with_policy("four", {"services": [{"name": "api", "replicas": 4}]}, parent="two").data_root == data_dir
    d = sc.to_dict()
    with pytest.raises(capsim.ScenarioError) as e:
        capsim.Scenario.from_dict(d, base_dir=data_dir / "scenarios", data_root=data_dir / "scenarios")
    assert any(m.startswith("<dict>: /traces/t/file: expected a file inside the data root") for m in e.value.diagnostics), e.value.diagnostics
