#!/usr/bin/env python3
"""Results regression: capsim's outputs for the shipped scenarios, byte for byte.

Usage: results_regression.py CAPSIM SOURCE_DIR [--update] [--sanitized]

Runs `capsim run` on every scenario listed below and compares result.json and the node log with
the files under tests/golden/results/, and the per-period series with its recorded SHA-256. The
golden files were written by capsim itself: this test does not say the numbers are right (the unit
and CLI tests do), it says a change that should not move them (a refactoring) did not. A change
that should move them regenerates the files with --update, and the commit says which numbers moved
and why; `git log -p tests/golden/results` is then the before/after record. With --sanitized (the
asan build at -O0) the scenarios in SLOW_UNDER_SANITIZERS are left to the release build.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

SCENARIOS = [
    "scenarios/gpu-inference-eks.json",
    "scenarios/fleet-options.json",
    "scenarios/azure-2023-code-hour.json",
    "scenarios/coding-request-level.json",
    "scenarios/llm-variants.json",
    "tests/data/scenarios/llm_sparse.json",
    "tests/data/scenarios/hand.json",
    "tests/data/scenarios/karpenter_explain.json",
    "tests/data/scenarios/pod_template.json",
]

# The default scenario's 20 replicates are compare's to run; two keep the golden files small and
# still hold a second world draw.
EXTRA_ARGS = {"scenarios/gpu-inference-eks.json": ["--replicates", "2"]}

# 14.7 M requests through five policies: minutes at -O0, seconds in the release build.
# The default scenario's twelve month-long runs: the sanitized build runs it once through compare
# (cli_compare_default) and fleet-options.json's here.
SLOW_UNDER_SANITIZERS = {"scenarios/coding-request-level.json", "scenarios/gpu-inference-eks.json"}


def json_diff(a, b, path="", out=None, limit=20):
    """The JSON pointers at which a and b differ (at most `limit`)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: {'missing' if k not in a else a[k]!r} -> {'missing' if k not in b else b[k]!r}")
            else:
                json_diff(a[k], b[k], f"{path}/{k}", out, limit)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(x, y, f"{path}/{i}", out, limit)
    elif a != b:
        out.append(f"{path}: {json.dumps(a)[:120]} -> {json.dumps(b)[:120]}")
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    capsim, source = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    sanitized = "--sanitized" in sys.argv[3:]
    golden = os.path.join(source, "tests", "golden", "results")
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for rel in SCENARIOS:
            if sanitized and rel in SLOW_UNDER_SANITIZERS:
                continue
            name = os.path.splitext(os.path.basename(rel))[0]
            out = {k: os.path.join(work, f"{name}.{k}") for k in ("result.json", "nodes.csv", "series.csv")}
            subprocess.run([capsim, "run", os.path.join(source, rel), "-o", out["result.json"], "--nodes", out["nodes.csv"],
                            "--series", out["series.csv"], "--quiet"] + EXTRA_ARGS.get(rel, []), check=True)
            got = {k: open(v, "rb").read() for k, v in out.items()}
            got["series.sha256"] = (hashlib.sha256(got.pop("series.csv")).hexdigest() + "\n").encode()
            for kind, data in got.items():
                path = os.path.join(golden, f"{name}.{kind}")
                if update:
                    with open(path, "wb") as f:
                        f.write(data)
                    continue
                want = open(path, "rb").read() if os.path.exists(path) else None
                if want == data:
                    continue
                detail = ""
                if want is not None and kind == "result.json":
                    detail = "\n    " + "\n    ".join(json_diff(json.loads(want), json.loads(data)))
                elif want is not None and kind == "nodes.csv":
                    a, b = want.decode().splitlines(), data.decode().splitlines()
                    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                    detail = f"\n    {len(a)} -> {len(b)} rows; first difference at row {first + 1}"
                failures.append(f"{rel}: {kind} differs from tests/golden/results/{name}.{kind}{detail}")
    if update:
        print(f"results regression: wrote {len(SCENARIOS)} scenarios' golden files")
        return 0
    for f in failures:
        print(f)
    ran = [r for r in SCENARIOS if not (sanitized and r in SLOW_UNDER_SANITIZERS)]
    print(f"results regression: {len(ran) - len({f.split(':')[0] for f in failures})} of {len(ran)} scenarios unchanged"
          + (f" ({len(SCENARIOS) - len(ran)} left to the release build)" if len(ran) < len(SCENARIOS) else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
