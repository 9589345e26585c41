import pytest

import capsim


def test_load_the_default_scenario(source_dir):
    sc = capsim.load_scenario(source_dir / "scenarios" / "gpu-inference-eks.json")
    assert sc.name == "gpu-inference-eks"
    assert sc.policy_names == ["baseline", "right-sized", "+hpa", "+karpenter", "+scheduled", "+spot", "+quantized", "+spot-batch"]
    sc = capsim.load_scenario(source_dir / "scenarios" / "fleet-options.json")
    assert sc.policy_names == ["baseline", "lean", "spot-mix", "autoscaled-ca", "autoscaled"]
    assert sc.periods == 30 * 1440
    assert sc.period_s == 60.0
    pointers = [a.pointer for a in sc.assumptions("baseline")]
    assert "/services/0/throughput_rps/g5.12xlarge" in pointers


def test_bad_scenario_raises_with_every_diagnostic(data_dir):
    path = data_dir / "bad" / "unknown_key.json"
    with pytest.raises(capsim.ScenarioError) as err:
        capsim.load_scenario(path)
    diags = err.value.diagnostics
    assert len(diags) == 4
    assert any("/simulaton" in d and "did you mean 'simulation'?" in d for d in diags)
    assert any("/cluster/node_groups/0/instance_typ" in d for d in diags)
    assert all(str(path) in d for d in diags)
    assert isinstance(err.value, capsim.Error)


def test_validate_lists_problems_and_accepts_good_files(source_dir, data_dir):
    assert capsim.validate(source_dir / "scenarios" / "gpu-inference-eks.json") == []
    problems = capsim.validate(data_dir / "bad" / "trace_duplicate.json")
    assert len(problems) == 1
    assert "duplicate.csv:4: duplicate timestamp 2024-05-10T00:01:00Z" in problems[0]


def test_data_root_confines_the_files_a_scenario_names(source_dir, data_dir):
    hand = data_dir / "scenarios" / "hand.json"  # its trace is ../traces/five_minutes.csv
    assert capsim.validate(hand, data_root=data_dir) == []
    problems = capsim.validate(hand, data_root=data_dir / "scenarios")
    assert len(problems) == 1
    assert "/traces/t/file: expected a file inside the data root" in problems[0]
    assert "which resolves outside it" in problems[0]
    with pytest.raises(capsim.ScenarioError):
        capsim.load_scenario(hand, data_root=data_dir / "scenarios")


def test_manifests_make_the_choices_of_a_policy(data_dir, tmp_path):
    # A policy's `manifests`: the Deployment's pods, with the namespace's LimitRange defaults for the
    # sidecar that states none (2 CPUs + 100m, 8Gi + 128Mi), and its HPA.
    sc = capsim.load_scenario(data_dir / "scenarios" / "manifests_chat.json")
    assert sc.policy_names == ["cluster"]
    twin = capsim.load_scenario(data_dir / "scenarios" / "manifests_chat_json.json")
    a = capsim.result_to_json(capsim.run(twin))
    b = capsim.result_to_json(capsim.run(sc))
    import json
    ja, jb = json.loads(a), json.loads(b)
    # The manifests' notes: the EC2NodeClass's two and the kinds capsim skips. The PodDisruptionBudget
    # is simulated (the twin's services[0].disruption_budget), so it adds no note.
    assert len(jb["warnings"]) == len(ja["warnings"]) + 3
    assert not any("PodDisruptionBudget" in w for w in jb["warnings"])
    assert any(w.startswith("capsim skipped 2 objects of kinds it does not model: 1 Service") for w in jb["warnings"])
    ja.pop("warnings"), jb.pop("warnings")
    assert ja == jb
    # --manifests: a scenario whose service names the workload, without policies.
    doc = json.loads((data_dir / "scenarios" / "manifests_chat.json").read_text())
    del doc["policies"]
    doc["traces"]["t"]["file"] = str(data_dir / "traces" / "five_minutes.csv")
    path = tmp_path / "cli.json"
    path.write_text(json.dumps(doc))
    assert capsim.validate(path) == [
        f"{path}: /services/0/workload: expected a policy with Kubernetes manifests to take the workload's pods from "
        "(the policy's 'manifests', or --manifests), got a policy without manifests"]
    assert capsim.validate(path, manifests=[data_dir / "manifests" / "chat-cluster"]) == []
    assert capsim.load_scenario(path, manifests=[data_dir / "manifests" / "chat-cluster"]).policy_names == ["default"]
