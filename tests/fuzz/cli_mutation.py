#!/usr/bin/env python3
"""Mutation run of the capsim CLI over the shipped scenarios (not part of ctest: it runs for minutes).

Usage: cli_mutation.py CAPSIM SOURCE_DIR MINUTES [SEED]

Each round takes a shipped scenario, applies one to three random mutations (a value replaced by
another type, a huge, negative, tiny or non-finite number, a key removed or renamed, an element
duplicated or dropped, a string garbled, a deep nesting, a file path pointed at a folder or a device),
writes it into a scratch copy of the scenario's folder (its data linked, so its relative paths
still resolve, and the source tree untouched) and runs
`capsim validate` on it, then `capsim run` when it is valid, with its window cut to at most a day so a
run takes seconds. A round fails when capsim is killed by a signal, exits with anything but 0 or 2,
prints a sanitizer report, or does not finish within the timeout. Failing inputs are kept in
cli-mutation-failures/ in the working folder; the summary counts rounds and failures.
"""
import copy
import json
import os
import random
import signal
import subprocess
import sys
import time

TIMEOUT_S = 120
SCENARIOS = ["scenarios/gpu-inference-eks.json", "scenarios/fleet-options.json", "scenarios/azure-2023-code-hour.json", "scenarios/llm-variants.json",
             "scenarios/nightly-batch.json"]
EXTRA = ["tests/data/scenarios/hand.json", "tests/data/scenarios/karpenter_explain.json",
         "tests/data/scenarios/pod_template.json", "tests/data/scenarios/request_hand.json",
         "tests/data/scenarios/keda_queue.json", "tests/data/scenarios/hpa_queue.json", "tests/data/scenarios/batch_loader.json"]


def paths(doc, prefix=()):
    """Every (path, value) in the document, down to 40 levels (mutants may nest far deeper)."""
    yield prefix, doc
    if len(prefix) >= 40:
        return
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths(v, prefix + (i,))


def parent_of(doc, path):
    node = doc
    for p in path[:-1]:
        node = node[p]
    return node


REPLACEMENTS = [None, True, False, 0, -1, -1e9, 1e-9, 1e308, -1e308, 2 ** 63, 2 ** 64 + 1, 1.5, "", "x" * 300,
                "-1", "1e999", "NaN", "0s", "-7d", "100000000000d", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                "/dev/zero", "..", "/", [], {}, [[]], {"dist": "lognormal"}, "\u0000\u00ff", "999999999999999999999"]


def mutate(doc, rng):
    for _ in range(rng.randint(1, 3)):
        all_paths = [p for p, _ in paths(doc) if p]
        if not all_paths:
            return doc
        path = rng.choice(all_paths)
        parent = parent_of(doc, path)
        key = path[-1]
        op = rng.random()
        if op < 0.45:
            parent[key] = copy.deepcopy(rng.choice(REPLACEMENTS))
        elif op < 0.6:
            del parent[key]
        elif op < 0.7 and isinstance(parent, dict):
            parent[key + "_"] = parent.pop(key)
        elif op < 0.8 and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op < 0.9 and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
            parent[key] = parent[key] * rng.choice([-1, 0, 1e6, 1e-6, 1e300])
        else:
            deep = []
            for _ in range(rng.choice([10, 70, 2000])):
                deep = [deep]
            parent[key] = deep
    return doc


def shorten(doc):
    sim = doc.get("simulation") if isinstance(doc, dict) else None
    if isinstance(sim, dict) and isinstance(sim.get("duration"), str) and sim["duration"].endswith("d"):
        sim["duration"] = "1d"
    return doc


def run(cmd, cwd):
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "hang", time.monotonic() - start, ""
    out = p.stderr + p.stdout
    if p.returncode < 0:
        return "signal %s" % signal.Signals(-p.returncode).name, 0, out
    if "AddressSanitizer" in out or "runtime error:" in out or "LeakSanitizer" in out:
        return "sanitizer", 0, out
    if p.returncode not in (0, 2):
        return "exit %d" % p.returncode, 0, out
    return None, p.returncode, out


def main(argv):
    sys.setrecursionlimit(20000)  # json.dumps of the deepest mutants
    capsim, source = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    minutes = float(argv[3])
    rng = random.Random(int(argv[4]) if len(argv) > 4 else 1)
    bases = [(s, json.load(open(os.path.join(source, s)))) for s in SCENARIOS + EXTRA]
    failures_dir = os.path.abspath("cli-mutation-failures")
    os.makedirs(failures_dir, exist_ok=True)
    # A scratch tree whose folders link to the data the shipped scenarios name.
    scratch = os.path.abspath("cli-mutation-tree")
    for rel, _ in bases:
        folder = os.path.join(scratch, os.path.dirname(rel))
        os.makedirs(folder, exist_ok=True)
        src_folder = os.path.join(source, os.path.dirname(rel))
        for entry in os.listdir(src_folder):
            link = os.path.join(folder, entry)
            if os.path.isdir(os.path.join(src_folder, entry)) and not os.path.lexists(link):
                os.symlink(os.path.join(src_folder, entry), link)
    for sibling in ("tests/data/traces", "tests/data/cloudwatch", "tests/data/market", "tests/data/catalog"):
        link = os.path.join(scratch, sibling)
        if not os.path.lexists(link):
            os.symlink(os.path.join(source, sibling), link)
    deadline = time.monotonic() + minutes * 60
    rounds = valid = failures = 0
    kinds = {}
    while time.monotonic() < deadline:
        rounds += 1
        rel, base = rng.choice(bases)
        doc = shorten(mutate(copy.deepcopy(base), rng))
        folder = os.path.join(scratch, os.path.dirname(rel))
        name = os.path.join(folder, "mutant.json")
        try:
            text = json.dumps(doc)
        except (ValueError, RecursionError):
            continue
        with open(name, "w") as f:
            f.write(text)
        failure, rc, out = run([capsim, "validate", name], folder)
        if failure is None and rc == 0:
            valid += 1
            failure, rc, out = run([capsim, "run", name, "-q", "-j", "1", "-o", os.devnull], folder)
        if failure:
            failures += 1
            kinds[failure] = kinds.get(failure, 0) + 1
            keep = os.path.join(failures_dir, "%s-%d.json" % (failure.replace(" ", "_"), rounds))
            with open(keep, "w") as f:
                f.write(text)
            with open(keep + ".txt", "w") as f:
                f.write(out[-4000:])
            print("FAIL %s (%s from %s): %s" % (failure, os.path.basename(keep), rel, out.strip().splitlines()[-1:] if out else ""))
        os.remove(name)
    print("cli mutation: %d rounds (%d valid, run too), %d failures %s" % (rounds, valid, failures, kinds or ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
