#!/usr/bin/env python3
"""Derive the requests/s of one L4 replica serving Llama-3.1-8B in FP8, against one A10G replica in 16 bits.

Run by a developer (stdlib only), never at run time:
    /usr/bin/python3 scenarios/data/derive_quantized_throughput.py
It prints the derivation of the figure the default scenario's '+quantized' policy types into
`throughput_rps` for the g6 types (scenarios/gpu-inference-eks.json), and of its HPA target.

The method mirrors how capsim reads a model file (libsim/io/scenario/scenario_service_model.cpp):
- decode is memory-bound; at batch b a replica makes b tokens per step, so a step takes
  b / (tokens/s), and the measured points are fitted by least squares with
  step time = base + per_sequence x b;
- a GPU without measured figures (A10G, L4) takes a measured GPU's fit times the ratio of their
  memory bandwidths (the model file's derived_decode);
- a variant's fixed part (base: reading the weights once per step) scales with its weight bytes per
  parameter over 2 (16 bits); the per-sequence part (the KV cache, kept in 16 bits) does not.

The replica's throughput is taken to scale as the inverse of the decode step time at one batch size:
L4 FP8 requests/s = A10G 16-bit requests/s x step(A10G, fp16, b) / step(L4, fp8, b), at b = 8, the
middle of the three measured batch sizes (1, 8, 32). The A10G figure, 2.0 requests/s per replica, is
itself an assumption of the scenario, so the derived figure is one too.
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_FILE = os.path.join(HERE, "models", "llama-3.1-8b.json")
CATALOG = os.path.join(HERE, "aws-us-east-1", "instance_catalog.csv")
SPOT_ADVISOR = os.path.join(HERE, "aws-us-east-1", "spot_advisor.csv")

A10G_RPS = 2.0          # the scenario's assumed requests/s per A10G replica (16-bit weights)
BATCH = 8               # the middle measured batch size
HPA_SHARE = 0.8         # the HPA target as a share of a replica's throughput (1.6 of 2 in '+hpa')
G5_TYPES = ["g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.12xlarge"]
G6_TYPES = ["g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.12xlarge"]


def fit_step(points):
    """capsim's fit_step: least squares of b / tokens_per_s = base + per_sequence x b."""
    n = sx = sy = sxx = sxy = 0.0
    for b, tps in points:
        y = b / tps
        n, sx, sy, sxx, sxy = n + 1, sx + b, sy + y, sxx + b * b, sxy + b * y
    per = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return (sy - per * sx) / n, per


def steps_by_gpu(model):
    steps = {}
    for gpu, pts in model["decode_tokens_per_s"]["by_gpu"].items():
        steps[gpu] = fit_step([(float(b), float(t)) for b, t in pts.items() if t > 0])
    for gpu, d in model["derived_decode"].items():
        base, per = steps[d["from"]]
        ratio = d["from_bandwidth_gb_s"] / d["bandwidth_gb_s"]
        steps[gpu] = (base * ratio, per * ratio)
    return steps


def step_time(steps, gpu, variant, model, batch):
    base, per = steps[gpu]
    w = model["variants"][variant]["weight_bytes_per_parameter"]
    return base * w / 2.0 + per * batch


def derive(model):
    steps = steps_by_gpu(model)
    ratios = {b: step_time(steps, "a10g", "fp16", model, b) / step_time(steps, "l4", "fp8", model, b) for b in (1, 8, 32)}
    rps = round(A10G_RPS * ratios[BATCH], 2)
    return steps, ratios, rps, round(HPA_SHARE * rps, 3)


def main():
    with open(MODEL_FILE) as f:
        model = json.load(f)
    with open(CATALOG) as f:
        catalog = {r["instance_type"]: r for r in csv.DictReader(f)}
    with open(SPOT_ADVISOR) as f:
        advisor = {r["instance_type"]: r for r in csv.DictReader(f)}
    steps, ratios, rps, hpa = derive(model)

    # What the figure rests on: L4 runs FP8 natively, every chosen type has the expected GPU.
    fp8 = model["variants"]["fp8"]
    if fp8["needs_native_fp8"] and "l4" not in model["native_fp8"]["gpus"]:
        sys.exit("the model file does not list L4 among the GPUs with native FP8")
    for t in G5_TYPES + G6_TYPES:
        want = "a10g" if t.startswith("g5.") else "l4"
        if catalog[t]["gpu_model"] != want:
            sys.exit(f"{t}: GPU {catalog[t]['gpu_model']}, expected {want}")

    lb, lp = fit_step([(float(b), float(t)) for b, t in model["decode_tokens_per_s"]["by_gpu"]["l40s"].items()])
    a = model["derived_decode"]["a10g"]
    l = model["derived_decode"]["l4"]
    ra = a["from_bandwidth_gb_s"] / a["bandwidth_gb_s"]
    rl = l["from_bandwidth_gb_s"] / l["bandwidth_gb_s"]
    pts = model["decode_tokens_per_s"]["by_gpu"]["l40s"]
    print(f"Model file: {os.path.relpath(MODEL_FILE, os.path.dirname(os.path.dirname(HERE)))} ({model['model']})")
    print("L40S measured decode, batch: tokens/s -> step seconds = batch / tokens/s")
    for b, t in pts.items():
        print(f"  {b:>2}: {t:>5} -> {float(b) / t:.6f} s")
    print(f"L40S least-squares fit: step = {lb:.6f} + {lp:.8f} x batch  (s)")
    print(f"A10G (16-bit): x {a['from_bandwidth_gb_s']}/{a['bandwidth_gb_s']} = {ra:.2f}: "
          f"step = {steps['a10g'][0]:.6f} + {steps['a10g'][1]:.8f} x batch")
    print(f"L4: x {l['from_bandwidth_gb_s']}/{l['bandwidth_gb_s']} = {rl:.2f}: step = {steps['l4'][0]:.6f} + {steps['l4'][1]:.8f} x batch; "
          f"FP8 ({fp8['weight_bytes_per_parameter']} byte/parameter) halves the fixed part: "
          f"{steps['l4'][0] * fp8['weight_bytes_per_parameter'] / 2:.6f} + {steps['l4'][1]:.8f} x batch")
    print("Throughput ratio step(A10G, fp16) / step(L4, fp8):")
    for b, r in ratios.items():
        t_a = step_time(steps, "a10g", "fp16", model, b)
        t_l = step_time(steps, "l4", "fp8", model, b)
        mark = "   <- used (the middle measured batch size)" if b == BATCH else ""
        print(f"  batch {b:>2}: {t_a:.6f} / {t_l:.6f} = {r:.4f}{mark}")
    print(f"L4 FP8 replica: {A10G_RPS} req/s (assumed, A10G 16-bit) x {ratios[BATCH]:.4f} = {A10G_RPS * ratios[BATCH]:.4f} "
          f"-> {rps:.2f} req/s (derived from an assumption)")
    print(f"HPA target: {HPA_SHARE:.0%} of {rps:.2f} = {hpa:g} req/s per replica (was 1.6 = 80% of 2)")
    print(f"L4 native FP8: yes ({', '.join(model['native_fp8']['gpus'])}); FP8 quality: {fp8['quality']}")
    print("USD per hour per req/s of capacity (on demand; spot at the Advisor's savings, before the scenario's price draws):")
    for g5, g6 in zip(G5_TYPES, G6_TYPES):
        p5, p6 = float(catalog[g5]["ondemand_usd_per_hour"]), float(catalog[g6]["ondemand_usd_per_hour"])
        s5, s6 = (float(advisor[t]["savings_pct_vs_ondemand"]) / 100 for t in (g5, g6))
        c5, c6 = A10G_RPS * int(catalog[g5]["gpus"]), rps * int(catalog[g6]["gpus"])
        print(f"  {g5:<11} -> {g6:<11}: on demand {p5 / c5:.4f} -> {p6 / c6:.4f}, "
              f"spot ({s5:.0%} / {s6:.0%} off) {p5 * (1 - s5) / c5:.4f} -> {p6 * (1 - s6) / c6:.4f}")


if __name__ == "__main__":
    main()
