#!/usr/bin/env python3
"""Derive the small bundled data files under scenarios/data/ from the project's shared reference data.

Run by a developer when the reference data changes, never at run time:
    /usr/bin/python3 scenarios/data/derive_bundled_data.py ../shared/data
It only reshapes: every number written is read from the input files unchanged.
"""
import csv
import os
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))

CATALOG_COLUMNS = [
    "instance_type", "family", "vcpu", "memory_mib", "gpus", "gpu_manufacturer", "gpu_model",
    "gpu_mem_mib_per_gpu", "accelerators", "accelerator_model", "arch", "alloc_cpu_millicores",
    "alloc_memory_mib", "alloc_pods", "ondemand_usd_per_hour",
]


def write_atomically(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerows(rows)
    os.replace(tmp, path)


def derive_catalog(shared):
    src = os.path.join(shared, "ec2", "ec2_instance_catalog_us-east-1.csv")
    with open(src, newline="") as f:
        rows = list(csv.DictReader(f))
    sources = {(r["spec_source"], r["price_source"]) for r in rows}
    out = [CATALOG_COLUMNS] + [[r[c] for c in CATALOG_COLUMNS] for r in rows]
    os.makedirs(os.path.join(HERE, "aws-us-east-1"), exist_ok=True)
    write_atomically(os.path.join(HERE, "aws-us-east-1", "instance_catalog.csv"), out)
    return len(rows), sorted(sources)


def derive_trace(shared, name):
    src = os.path.join(shared, "workloads", "azure-llm-inference-2024", f"azure_llm_2024_{name}_per_minute.csv")
    out = [["timestamp", "value"]]
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            t = datetime.strptime(r["minute_start_utc"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
            out.append([t.strftime("%Y-%m-%dT%H:%M:%SZ"), r["requests"]])
    os.makedirs(os.path.join(HERE, "azure-llm-2024"), exist_ok=True)
    write_atomically(os.path.join(HERE, "azure-llm-2024", f"{name}_per_minute.csv"), out)
    return len(out) - 1


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: derive_bundled_data.py SHARED_DATA_DIR")
    shared = sys.argv[1]
    n, sources = derive_catalog(shared)
    print(f"catalog: {n} types; sources: {sources}")
    for name in ("coding",):
        print(f"trace {name}: {derive_trace(shared, name)} rows")


if __name__ == "__main__":
    main()
