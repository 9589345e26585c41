"""Sweep benchmarks (issue 15), printed as the C++ benchmarks print theirs: target, measured, PASS/FAIL.

1. A sweep of 40 (point x policy) tasks on a 2-worker distributed.LocalCluster (one thread each)
   reaches >= 1.6x the rate of the same sweep in one process (tasks per second of wall time, the
   cluster started and warmed before the clock starts; the best of two trials each); the two results
   must be the same bytes.
2. Pickled results of a 30-day run without series stay under 50 kB per replicate (what a Dask task
   sends back): every policy of the default scenario.

Run from the repository root after building the Python module:

    PYTHONPATH=build/release/python /usr/bin/python3 bench/sweep_dask_bench.py

Exit status 1 when a target is missed.
"""
import os
import pickle
import sys
import time

import capsim

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(SOURCE, "scenarios", "gpu-inference-eks.json")  # 30 days, 8 policies
POINTS = {"/simulation/seed": [1, 2, 3, 4, 5]}                          # 5 points x 8 policies = 40 tasks
REPLICATES = 8
TRIALS = 2


def check(what, target, measured, ok):
    print(f"{what}: target {target}; measured {measured}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def main():
    from distributed import Client, LocalCluster

    failures = 0
    sc = capsim.load_scenario(SCENARIO)
    tasks = len(POINTS["/simulation/seed"]) * len(sc.policy_names)

    # The best of TRIALS of each: the machine may be shared, and other work only ever slows a trial.
    one_process_s = float("inf")
    for _ in range(TRIALS):
        started = time.perf_counter()
        here = capsim.sweep(sc, POINTS, replicates=REPLICATES)
        one_process_s = min(one_process_s, time.perf_counter() - started)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        capsim.sweep(sc, {"/simulation/seed": [9]}, replicates=1, client=client)  # workers import and unpack once
        cluster_s = float("inf")
        for _ in range(TRIALS):
            started = time.perf_counter()
            remote = capsim.sweep(sc, POINTS, replicates=REPLICATES, client=client)
            cluster_s = min(cluster_s, time.perf_counter() - started)
    if remote.table_csv() != here.table_csv():
        print("sweep on Dask: results differ from one process's: FAIL")
        failures += 1
    speedup = one_process_s / cluster_s
    failures += check(f"sweep of {tasks} (point x policy) tasks, {REPLICATES} replicates each, 2-worker LocalCluster",
                      ">= 1.6x one process's tasks/s",
                      f"{speedup:.2f}x ({tasks / cluster_s:.2f} against {tasks / one_process_s:.2f} tasks/s; "
                      f"{cluster_s:.2f} s against {one_process_s:.2f} s)", speedup >= 1.6)

    worst = 0.0
    for policy in sc.policy_names:
        block = capsim.run_block(sc, capsim.ReplicateBlock(policy, 0, REPLICATES))
        worst = max(worst, len(pickle.dumps(block)) / REPLICATES)
    failures += check("pickled results of a 30-day run without series, per replicate (the worst of the 8 policies)",
                      "< 50 kB", f"{worst / 1000:.1f} kB", worst < 50_000)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
