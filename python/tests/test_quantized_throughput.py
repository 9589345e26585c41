"""The default scenario's '+quantized' step: its L4 FP8 throughput recomputed by hand from the model file.

scenarios/data/derive_quantized_throughput.py derives the figure the way capsim's loader reads a model
file; this test does not import it. It redoes the arithmetic with the textbook least-squares slope
(centred sums), checks the scenario carries the result, and that the script prints the same.
"""
import csv
import json
import subprocess
import sys

import pytest

A10G_RPS = 2.0  # the scenario's assumed requests/s per A10G replica


def load(source_dir):
    model = json.loads((source_dir / "scenarios" / "data" / "models" / "llama-3.1-8b.json").read_text())
    scenario = json.loads((source_dir / "scenarios" / "gpu-inference-eks.json").read_text())
    policy = next(p for p in scenario["policies"] if p["name"] == "+quantized")
    return model, scenario, policy


def hand_ratio(model, batch):
    """step(A10G, 16-bit, batch) / step(L4, FP8, batch), worked from the model file's numbers."""
    pts = [(float(b), float(t)) for b, t in model["decode_tokens_per_s"]["by_gpu"]["l40s"].items()]
    assert [b for b, _ in pts] == [1.0, 8.0, 32.0]
    xs = [b for b, _ in pts]
    ys = [b / t for b, t in pts]  # seconds per decode step: b tokens at t tokens/s
    mx, my = sum(xs) / 3, sum(ys) / 3
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    a10g, l4 = model["derived_decode"]["a10g"], model["derived_decode"]["l4"]
    assert a10g["from"] == l4["from"] == "l40s"
    ka = a10g["from_bandwidth_gb_s"] / a10g["bandwidth_gb_s"]  # 864 / 600
    kl = l4["from_bandwidth_gb_s"] / l4["bandwidth_gb_s"]  # 864 / 300
    fp16 = model["variants"]["fp16"]["weight_bytes_per_parameter"] / 2  # 1
    fp8 = model["variants"]["fp8"]["weight_bytes_per_parameter"] / 2  # 0.5: the weights are read once a step
    return ka * (intercept * fp16 + slope * batch) / (kl * (intercept * fp8 + slope * batch))


def test_the_ratio_by_hand_is_the_figure_in_the_scenario(source_dir):
    model, _, policy = load(source_dir)
    ratio = hand_ratio(model, 8)  # batch 8: the middle of the measured 1 / 8 / 32
    assert ratio == pytest.approx(0.9443, abs=5e-5)
    figure = round(A10G_RPS * ratio, 2)
    assert figure == 1.89
    tp = policy["patch"]["services"][0]["throughput_rps"]
    assert {t: v for t, v in tp.items() if v is not None} == {t: figure for t in ("g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.12xlarge")}
    assert {t for t, v in tp.items() if v is None} == {"g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.12xlarge"}
    # The HPA keeps 80% of a replica's throughput as its target (1.6 of 2 in '+hpa').
    target = policy["patch"]["cluster"]["hpa"]["coding-assistant"]["metrics"][0]["pods"]["target"]["averageValue"]
    assert float(target) == pytest.approx(0.8 * figure)
    assert "1.89" in policy["description"] and "0.9443" in policy["description"]


def test_the_step_changes_only_what_it_says(source_dir):
    model, scenario, policy = load(source_dir)
    assert policy["extends"] == "+spot" and scenario["policies"][-2] is policy  # +spot-batch comes after it
    assert "sla" not in policy["patch"]["services"][0]
    assert set(policy["patch"]) == {"services", "cluster"} and set(policy["patch"]["cluster"]) == {"hpa", "node_pools"}
    for pool in policy["patch"]["cluster"]["node_pools"]:
        reqs = {r["key"]: r["values"] for r in pool["spec"]["template"]["spec"]["requirements"]}
        assert reqs["karpenter.k8s.aws/instance-family"] == ["g6"]
    # L4 runs the FP8 variant natively, and the description quotes the variant's quality note.
    assert model["variants"]["fp8"]["needs_native_fp8"] and "l4" in model["native_fp8"]["gpus"]
    assert model["variants"]["fp8"]["quality"] in policy["description"]
    # The g6 types exist with L4 GPUs and have Spot Instance Advisor figures.
    data = source_dir / "scenarios" / "data" / "aws-us-east-1"
    with open(data / "instance_catalog.csv") as f:
        catalog = {r["instance_type"]: r for r in csv.DictReader(f)}
    with open(data / "spot_advisor.csv") as f:
        advisor = {r["instance_type"] for r in csv.DictReader(f)}
    for t, v in policy["patch"]["services"][0]["throughput_rps"].items():
        if v is not None:
            assert catalog[t]["gpu_model"] == "l4" and t in advisor


def test_the_deriving_script_prints_the_same_figure(source_dir):
    out = subprocess.run([sys.executable, str(source_dir / "scenarios" / "data" / "derive_quantized_throughput.py")],
                         check=True, capture_output=True, text=True).stdout
    assert "batch  8: 0.034930 / 0.036991 = 0.9443   <- used" in out
    assert "-> 1.89 req/s" in out and "HPA target: 80% of 1.89 = 1.512" in out
