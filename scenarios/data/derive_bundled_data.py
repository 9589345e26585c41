#!/usr/bin/env python3
"""Derive the small bundled data files under scenarios/data/ from the project's shared reference data.

Run by a developer when the reference data changes, never at run time:
    /usr/bin/python3 scenarios/data/derive_bundled_data.py ../shared/data
It only reshapes: every number written is read from the input files unchanged.
"""
import csv
import json
import os
import sys
from datetime import datetime, timedelta, timezone

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


def write_json_atomically(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="\n") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
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


TRACE_DIR = os.path.join("workloads", "azure-llm-inference-2024")
TEN_SECONDS = timedelta(seconds=10)


def get_metric_data(points):
    """`aws cloudwatch get-metric-data` output as the AWS CLI prints it (FORMATS_NOTES.md; aws-cli
    examples/cloudwatch/get-metric-data.rst): newest first (the API's default ScanBy=TimestampDescending),
    timestamps as `2024-05-10T00:00:00+00:00`, values as JSON numbers."""
    newest_first = sorted(points, key=lambda p: p[0], reverse=True)
    return {
        "MetricDataResults": [{
            "Id": "requests",
            "Label": "RequestCount",
            "Timestamps": [t.isoformat() for t, _ in newest_first],
            "Values": [v for _, v in newest_first],
            "StatusCode": "Complete",
        }],
        "Messages": [],
    }


def count(text):
    # The counts are written as plain integers; int() keeps them integers in the JSON (1278, not 1278.0).
    if not text.isdigit():
        sys.exit(f"not a non-negative integer count: {text!r}")
    return int(text)


def write_metric_data(name, points, expected):
    """Writes points [(utc datetime, count)] and checks them against shape_summary.json's entry."""
    first, last = min(p[0] for p in points), max(p[0] for p in points)
    total = sum(v for _, v in points)
    path = os.path.join(HERE, "azure-llm-2024", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_json_atomically(path, get_metric_data(points))
    print(f"{name}: {len(points)} points, {first.isoformat()} .. {last.isoformat()}, sum {total}, "
          f"{os.path.getsize(path)} bytes")
    assert total == expected["total_requests"], (name, total, expected["total_requests"])
    assert len(points) == expected["bins"], (name, len(points), expected["bins"])
    assert first == datetime.fromisoformat(expected["start"]), (name, first, expected["start"])
    assert last == datetime.fromisoformat(expected["end"]), (name, last, expected["end"])


def derive_per_minute_metric_data(shared, name, expected):
    src = os.path.join(shared, TRACE_DIR, f"azure_llm_2024_{name}_per_minute.csv")
    with open(src, newline="") as f:
        points = [(datetime.strptime(r["minute_start_utc"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc),
                   count(r["requests"])) for r in csv.DictReader(f)]
    write_metric_data(f"{name}_per_minute.get-metric-data.json", points, expected)


def check_ten_second_grid(label, points):
    """Reports (never repairs) how the 10 s bins sit: grid, order, duplicates, gaps."""
    times = [t for t, _ in points]
    off_grid = [t for t in times if t.second % 10 or t.microsecond]
    ascending = all(a < b for a, b in zip(times, times[1:]))
    ordered = sorted(times)
    duplicates = sorted({a for a, b in zip(ordered, ordered[1:]) if a == b})
    gaps = [(a, b) for a, b in zip(ordered, ordered[1:]) if b - a > TEN_SECONDS]
    missing = sum((b - a) // TEN_SECONDS - 1 for a, b in gaps)
    print(f"  {label}: {len(times)} bins, {ordered[0].isoformat()} .. {ordered[-1].isoformat()}; "
          f"on a 10 s grid: {'yes' if not off_grid else f'NO, {len(off_grid)} off-grid'}; "
          f"strictly ascending in the file: {'yes' if ascending else 'no'}; "
          f"duplicates: {len(duplicates)}; gaps: {len(gaps)} ({missing} missing bins, kept absent)")
    for t in off_grid[:5]:
        print(f"    off-grid: {t.isoformat()}")
    for a, b in gaps[:5]:
        print(f"    gap: {a.isoformat()} -> {b.isoformat()}")
    if duplicates:
        # get-metric-data has one value per timestamp; choosing one of two counts would be inventing.
        sys.exit(f"{label}: duplicate 10 s bins, e.g. {duplicates[0].isoformat()}; not written")


def derive_ten_second_metric_data(shared, name, expected):
    src = os.path.join(shared, TRACE_DIR, f"invocations_ten_second_{name.capitalize()}.csv")
    with open(src, newline="") as f:
        # Column `Time` is the bin time (bins centred +-5 s, UTC); the column named `TIMESTAMP` is the request count.
        points = [(datetime.strptime(r["Time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc),
                   count(r["TIMESTAMP"])) for r in csv.DictReader(f)]
    check_ten_second_grid(f"{name} 10 s source", points)
    # The file also holds one bin at 00:00:00 on each boundary of the week. Centred +-5 s, those two bins cover
    # only the 5 s that lie inside the trace week (their counts are about half their neighbours'), and
    # shape_summary.json and the per-minute files leave them out; so does this file. Counts are not touched.
    start, end = datetime.fromisoformat(expected["start"]), datetime.fromisoformat(expected["end"])
    for t, v in points:
        if not start <= t <= end:
            print(f"  {name} 10 s: left out edge half-bin {t.isoformat()} (count {v})")
    points = [(t, v) for t, v in points if start <= t <= end]
    write_metric_data(f"{name}_10s.get-metric-data.json", points, expected)


def derive_spot_advisor(shared):
    """us-east-1 Linux Spot Instance Advisor rows for the catalog's types: bucket r and savings s."""
    with open(os.path.join(HERE, "aws-us-east-1", "instance_catalog.csv"), newline="") as f:
        types = {r["instance_type"] for r in csv.DictReader(f)}
    src = os.path.join(shared, "spot", "spot_advisor_gpu_and_selected_families_linux.csv")
    out = [["instance_type", "interruption_bucket", "interruption_label", "savings_pct_vs_ondemand"]]
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            if r["region"] == "us-east-1" and r["os"] == "Linux" and r["instance_type"] in types:
                out.append([r["instance_type"], r["interruption_bucket_r"], r["interruption_label"], r["savings_pct_vs_ondemand_s"]])
    out[1:] = sorted(out[1:])
    write_atomically(os.path.join(HERE, "aws-us-east-1", "spot_advisor.csv"), out)
    missing = sorted(types - {r[0] for r in out[1:]})
    return len(out) - 1, missing


def derive_request_log(shared, name):
    """The Azure 2023 request-level trace, copied row for row (it is already small and in time order)."""
    src = os.path.join(shared, "workloads", "azure-llm-inference-2023", f"AzureLLMInferenceTrace_{name}.csv")
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["TIMESTAMP", "ContextTokens", "GeneratedTokens"], rows[0]
    stamps = [r[0] for r in rows[1:]]
    assert stamps == sorted(stamps), "rows out of time order"
    os.makedirs(os.path.join(HERE, "azure-llm-2023"), exist_ok=True)
    write_atomically(os.path.join(HERE, "azure-llm-2023", f"{name}_requests.csv"), rows)
    return len(rows) - 1, stamps[0], stamps[-1]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: derive_bundled_data.py SHARED_DATA_DIR")
    shared = sys.argv[1]
    n, sources = derive_catalog(shared)
    print(f"catalog: {n} types; sources: {sources}")
    for name in ("coding",):
        print(f"trace {name}: {derive_trace(shared, name)} rows")
    n, missing = derive_spot_advisor(shared)
    print(f"spot advisor: {n} types; catalog types without Advisor data: {missing}")
    for name in ("code",):
        print(f"request log {name}: %d requests, %s .. %s" % derive_request_log(shared, name))
    with open(os.path.join(shared, TRACE_DIR, "shape_summary.json")) as f:
        summary = json.load(f)
    for name in ("coding", "conversation"):
        derive_per_minute_metric_data(shared, name, summary[name.capitalize()]["1min"])
        derive_ten_second_metric_data(shared, name, summary[name.capitalize()]["10s"])


if __name__ == "__main__":
    main()
