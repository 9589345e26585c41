"""Sweeps: Scenario.patch, capsim sweep and capsim.sweep, in one process and on Dask.

The byte-for-byte checks compare a sweep point's files with those `capsim compare` writes for the
point's scenario written out as a file (alone and as shards merged): a point is the same comparison
whichever way it runs.
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

import capsim
from capsim import sweeps


def copy_case(source_dir, tmp_path, scenario="tests/data/scenarios/compare_uncertain.json",
              data="tests/data/traces/five_minutes.csv"):
    """The scenario and its data file under tmp_path, their folders kept relative to each other."""
    for rel in (scenario, data):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source_dir / rel, tmp_path / rel)
    return tmp_path / scenario


def write_patched(path, name, values):
    """The scenario file with the values set by hand (json, not capsim), beside the original."""
    doc = json.loads(path.read_text())
    for pointer, value in values.items():
        node = doc
        tokens = pointer.strip("/").split("/")
        for t in tokens[:-1]:
            node = node[int(t)] if isinstance(node, list) else node[t]
        node[int(tokens[-1]) if isinstance(node, list) else tokens[-1]] = value
    out = path.parent / name
    out.write_text(json.dumps(doc))
    return out


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def test_patch_returns_a_new_checked_scenario(data_dir):
    sc = capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json")
    assert sc.seed == 7
    other = sc.patch({"/simulation/seed": 11, "/simulation/replicates": 3})
    assert (other.seed, other.replicates) == (11, 3)
    assert (sc.seed, sc.replicates) == (7, 2)  # unchanged
    # A copy changed in code keeps its change through a patch (its document says what it runs).
    assert sc.with_seed(5).patch({"/simulation/replicates": 3}).seed == 5
    assert sc.with_replicates(4).patch({"/simulation/seed": 3}).replicates == 4
    # A throughput of 2 requests/s per node lets policy 'one' (one node) serve the 1-2 requests/s of
    # the five minutes: it stops breaching (at 1 request/s it breaches in every replicate).
    assert capsim.compare(sc).comparison.policies[2].risk.p_breach == 1.0
    faster = sc.patch({"/services/0/throughput_rps/g5.xlarge": 2})
    assert capsim.compare(faster).comparison.policies[2].risk.p_breach == 0.0
    assert json.loads(faster.document_text)["services"][0]["throughput_rps"]["g5.xlarge"] == 2

    with pytest.raises(capsim.ScenarioError) as e:
        sc.patch({"/services/0/replica/gpu": 2})
    assert "compare_ladder.json: /services/0/replica/gpu: expected a JSON pointer to a value the scenario sets" in str(e.value)
    assert "closest pointers that exist: /services/0/replica/gpus" in str(e.value)
    with pytest.raises(capsim.ScenarioError) as e:
        sc.patch({"/services/0/replicas": "two"}, label="sweep point 4: /services/0/replicas=\"two\"")
    assert ('compare_ladder.json (sweep point 4: /services/0/replicas="two"): /services/0/replicas: expected an integer'
            in str(e.value))
    assert 'got the string "two"' in str(e.value)


def test_cli_sweep_point_equals_compare_alone_and_sharded(cli, source_dir, tmp_path):
    scenario = copy_case(source_dir, tmp_path)
    out = tmp_path / "sweep"
    r = run([cli, "sweep", scenario, "--param", "/simulation/seed=7,8", "--param", "/compare/risk_tolerance=0.1,0.3",
             "-r", "4", "-o", out, "-q"])
    assert r.returncode == 0, r.stderr
    # Point 3 is seed 8 with tolerance 0.3 (the first parameter varies slowest).
    alone = write_patched(scenario, "point3.json", {"/simulation/seed": 8, "/compare/risk_tolerance": 0.3,
                                                    "/simulation/replicates": 4})
    assert run([cli, "compare", alone, "-o", tmp_path / "alone", "-q"]).returncode == 0
    for i in (0, 1):
        assert run([cli, "compare", alone, "--shard", f"{i}/2", "-o", tmp_path / "shards", "-q"]).returncode == 0
    assert run([cli, "merge", tmp_path / "shards", "-o", tmp_path / "merged", "-q"]).returncode == 0
    for name in ("summary.csv", "replicates.csv"):
        mine = (out / "points" / "3" / name).read_bytes()
        assert mine == (tmp_path / "alone" / name).read_bytes()
        assert mine == (tmp_path / "merged" / name).read_bytes()
    # The tidy table: 4 points x 3 policies x 4 replicates, led by the point and its values.
    lines = (out / "sweep.csv").read_text().splitlines()
    assert lines[0].startswith("point,/simulation/seed,/compare/risk_tolerance,policy,replicate,")
    assert len(lines) == 1 + 4 * 3 * 4
    assert lines[-1].startswith("3,8,0.3,one,3,")
    summary = (out / "sweep_summary.csv").read_text().splitlines()
    assert len(summary) == 1 + 4 * 3 and summary[1].startswith("0,7,0.1,two,")
    text = (out / "summary.txt").read_text()
    assert "point 3: /simulation/seed=8 /compare/risk_tolerance=0.3" in text


def test_python_sweep_writes_the_cli_bytes(cli, source_dir, tmp_path):
    scenario = copy_case(source_dir, tmp_path)
    assert run([cli, "sweep", scenario, "--param", "/simulation/seed=7,8", "-r", "3", "-o", tmp_path / "cli", "-q"]).returncode == 0
    result = capsim.sweep(capsim.load_scenario(scenario), {"/simulation/seed": [7, 8]}, 3)
    result.write(str(tmp_path / "py"))
    for name in ("sweep.csv", "sweep_summary.csv", "summary.txt", "points/0/summary.csv", "points/1/replicates.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    frame = result.to_pandas()
    assert list(frame.columns[:4]) == ["point", "/simulation/seed", "policy", "replicate"]
    assert len(frame) == 2 * 3 * 3
    assert result.points == [{"/simulation/seed": 7}, {"/simulation/seed": 8}]
    # Common random numbers: a parameter that changes no run (the risk tolerance only judges them) leaves
    # every replicate's results the same, while replicates differ among themselves (uncertain demand).
    crn = capsim.sweep(capsim.load_scenario(scenario), {"/compare/risk_tolerance": [0.1, 0.3]}, replicates=3)
    first, second = (capsim.replicates_csv(c.run, c.comparison.month_factor) for c in crn.comparisons)
    assert first == second
    demand = [r.services[0].sla.requests for r in crn.comparisons[0].run.policies[0].replicates]
    assert len(set(demand)) == 3


def test_points_that_fail_stop_or_continue(cli, source_dir, tmp_path):
    scenario = copy_case(source_dir, tmp_path)
    points = tmp_path / "points.json"
    points.write_text(json.dumps([{"/simulation/seed": 3}, {"/services/0/replicas": "two"}, {"/simulation/seed": 4}]))
    r = run([cli, "sweep", scenario, "--points", points, "-r", "2", "-o", tmp_path / "stop"])
    assert r.returncode == 2
    assert "1 of 3 sweep points cannot run; nothing ran (--on-error continue runs the others)" in r.stderr
    assert 'compare_uncertain.json (sweep point 1: /services/0/replicas="two"): /services/0/replicas: expected an integer' in r.stderr
    assert not (tmp_path / "stop").exists()
    r = run([cli, "sweep", scenario, "--points", points, "-r", "2", "-o", tmp_path / "go", "-q", "--on-error", "continue"])
    assert r.returncode == 1
    assert "1 of 3 sweep points failed (--on-error continue)" in r.stderr
    text = (tmp_path / "go" / "summary.txt").read_text()
    assert "3 points, 1 failed" in text and "  FAILED: " in text
    rows = (tmp_path / "go" / "sweep.csv").read_text().splitlines()
    assert {row.split(",")[0] for row in rows[1:]} == {"0", "2"}
    assert not (tmp_path / "go" / "points" / "1").exists()

    r = run([cli, "sweep", scenario, "--param", "/services/0/replica/gpu=1,2", "-o", tmp_path / "typo"])
    assert r.returncode == 2
    assert "closest pointers that exist: /services/0/replica/gpus" in r.stderr
    r = run([cli, "sweep", scenario, "--param", "/simulation/seed=1", "--on-error", "maybe", "-o", tmp_path / "x"])
    assert r.returncode == 2 and "--on-error 'maybe': expected stop" in r.stderr
    r = run([cli, "sweep", scenario, "--param", "/simulation/seed=1", "--block-size", "2", "-o", tmp_path / "x"])
    assert r.returncode == 2 and "--block-size cuts the tasks sent to a Dask cluster: give it with --dask" in r.stderr
    r = run([cli, "sweep", scenario, "--param", "/simulation/seed=1", "--points", points, "-o", tmp_path / "x"])
    assert r.returncode == 2 and "either as --param (their Cartesian product) or as --points FILE, not both" in r.stderr
    with pytest.raises(capsim.Error) as e:
        capsim.sweep(capsim.load_scenario(scenario), points=[{"/simulation/seed": 3}, {"/services/0/replicas": "two"}])
    assert "1 of 2 sweep points cannot run" in str(e.value)
    result = capsim.sweep(capsim.load_scenario(scenario), points=[{"/simulation/seed": 3}, {"/services/0/replicas": "two"}],
                          replicates=2, on_error="continue")
    assert result.comparisons[1] is None and list(result.errors) == [1]


def test_a_package_loads_without_the_scenarios_files(source_dir, tmp_path):
    scenario = copy_case(source_dir, tmp_path / "case")
    sc = capsim.compare_choices(capsim.load_scenario(scenario), [], "", 2)
    package = sweeps.scenario_package(sc)
    assert sorted(package["files"]) == ["traces/five_minutes.csv"] and package["dir"] == "scenarios"
    expected = capsim.run_block(sc, capsim.ReplicateBlock("one", 0, 2))
    shutil.rmtree(tmp_path / "case")  # what a worker without the file system sees
    got = sweeps.run_task(package, [("/simulation/seed", "7")], "point", ([], "", 2), capsim.ReplicateBlock("one", 0, 2))
    assert got == expected


def test_unreachable_scheduler_is_a_clear_error_within_10_s(cli, tmp_path, data_dir):
    pytest.importorskip("distributed")
    started = time.monotonic()
    r = run([cli, "sweep", data_dir / "scenarios" / "compare_ladder.json", "--param", "/simulation/seed=1,2",
             "--dask", "tcp://127.0.0.1:9", "-o", tmp_path / "x"], timeout=60)
    elapsed = time.monotonic() - started
    assert r.returncode == 2, r.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 5 s" in r.stderr
    assert elapsed < 10


def test_dask_sweep_with_a_killed_worker_equals_one_process(cli, source_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    scenario = copy_case(source_dir, tmp_path, "scenarios/gpu-inference-eks.json",
                         "scenarios/data/azure-llm-2024/coding_per_minute.get-metric-data.json")
    sc = capsim.load_scenario(scenario)
    grid = {"/simulation/seed": [1, 2]}
    policies = ["+hpa", "+spot"]
    here = capsim.sweep(sc, grid, replicates=6, policies=policies, baseline="+hpa")
    killed = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        def kill_one(done, total):
            if not killed:
                pid = sorted(client.run(os.getpid).values())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append((pid, done, total))
        remote = capsim.sweep(sc, grid, replicates=6, policies=policies, baseline="+hpa", client=client, block_size=1, progress=kill_one)
        assert killed[0][0] not in client.run(os.getpid).values()  # that worker is gone (its nanny started another)
        # The command line hands --dask to python3 -m capsim sweep: the same files as without it.
        common = [cli, "sweep", scenario, "--param", "/simulation/seed=1,2", "-r", "2", "--policies", "+hpa,+spot",
                  "--baseline", "+hpa", "-q"]
        r = run(common + ["--dask", cluster.scheduler_address, "--block-size", "1", "-o", tmp_path / "dask"], timeout=120)
        assert r.returncode == 0, r.stderr
    # 2 points x 2 policies x 6 blocks of one replicate; the kill came after the first of them.
    assert killed and killed[0][1:] == (1, 24)
    assert remote.table_csv() == here.table_csv()
    assert remote.summary_csv() == here.summary_csv()
    assert [c.comparison for c in remote.comparisons] == [c.comparison for c in here.comparisons]
    assert run(common + ["-o", tmp_path / "here"]).returncode == 0
    for name in ("sweep.csv", "sweep_summary.csv", "summary.txt", "points/1/replicates.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


def test_cli_sweep_shards_merge_into_the_sweep_bytes(cli, source_dir, tmp_path):
    # 3 points x 3 policies x 3 replicates = 27 runs over 4 shards (Kubernetes Indexed Job pods
    # 0..3): shard i runs the runs numbered i mod 4, point by point, so shards 0, 1 and 2 hold 7 runs
    # (27 = 4 x 6 + 3) and shard 3 holds 6; merged, every file is the unsharded sweep's.
    scenario = copy_case(source_dir, tmp_path)
    common = [cli, "sweep", scenario, "--param", "/simulation/seed=7,8,9", "-r", "3", "-q"]
    assert run(common + ["-o", tmp_path / "whole"]).returncode == 0
    for i in range(4):
        r = run(common + ["--shard", f"{i}/4", "-o", tmp_path / "shards"])
        assert r.returncode == 0, r.stderr
    held = []
    for i in range(4):
        doc = json.loads((tmp_path / "shards" / f"sweep-shard-{i}-of-4.json").read_text())
        held.append(sum(len(p["replicates"]) for point in doc["points"] for p in point["run"]["run"]["policies"]))
    assert held == [7, 7, 7, 6]
    r = run([cli, "merge", tmp_path / "shards", "-o", tmp_path / "merged"])
    assert r.returncode == 0, r.stderr
    assert "point 2: /simulation/seed=9" in r.stdout
    for name in ("sweep.csv", "sweep_summary.csv", "summary.txt", "points/0/summary.csv", "points/2/replicates.csv"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name

    # A missing shard, a shard of another sweep, a compare shard among them, and bad --shard values.
    (tmp_path / "shards" / "sweep-shard-3-of-4.json").rename(tmp_path / "kept.json")
    r = run([cli, "merge", tmp_path / "shards", "-o", tmp_path / "x"])
    assert r.returncode == 2 and "sweep shard 3 of 4 missing: merge needs all of them" in r.stderr
    assert run([cli, "sweep", scenario, "--param", "/simulation/seed=7,8,10", "-r", "3", "-q", "--shard", "3/4",
                "-o", tmp_path / "shards"]).returncode == 0
    r = run([cli, "merge", tmp_path / "shards", "-o", tmp_path / "x"])
    assert r.returncode == 2 and "are of different sweeps" in r.stderr
    assert "the scenario file, the points or the choices (policies, baseline, replicates, --on-error) changed" in r.stderr
    (tmp_path / "kept.json").replace(tmp_path / "shards" / "sweep-shard-3-of-4.json")
    assert run([cli, "compare", scenario, "-r", "2", "--shard", "0/2", "-q", "-o", tmp_path / "shards"]).returncode == 0
    r = run([cli, "merge", tmp_path / "shards", "-o", tmp_path / "x"])
    assert r.returncode == 2
    assert "cannot merge a sweep's shards (sweep-shard-I-of-N.json, from capsim sweep --shard) with a comparison's" in r.stderr
    r = run(common + ["--shard", "4/4", "-o", tmp_path / "x"])
    assert r.returncode == 2 and "--shard '4/4': expected INDEX/COUNT with 0 <= INDEX < COUNT" in r.stderr
    r = run(common + ["--shard", "0/2", "--dask", "tcp://127.0.0.1:9", "-o", tmp_path / "x"])
    assert r.returncode == 2 and "--dask sends the whole sweep to a Dask cluster: give one of them" in r.stderr


def test_cli_sweep_shards_keep_a_failed_point(cli, source_dir, tmp_path):
    # --on-error continue: a point that does not load is failed in every shard and in the merge, as in
    # the sweep run whole (exit 1 and the same files).
    scenario = copy_case(source_dir, tmp_path)
    points = tmp_path / "points.json"
    points.write_text(json.dumps([{"/simulation/seed": 3}, {"/services/0/replicas": "two"}, {"/simulation/seed": 4}]))
    common = [cli, "sweep", scenario, "--points", points, "-r", "2", "-q", "--on-error", "continue"]
    assert run(common + ["-o", tmp_path / "whole"]).returncode == 1
    for i in range(2):
        assert run(common + ["--shard", f"{i}/2", "-o", tmp_path / "shards"]).returncode == 1
    r = run([cli, "merge", tmp_path / "shards", "-o", tmp_path / "merged", "-q"])
    assert r.returncode == 1 and "1 of 3 sweep points failed" in r.stderr
    for name in ("sweep.csv", "sweep_summary.csv", "summary.txt"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def manifests_case(source_dir, tmp_path):
    """A scenario without policies whose service takes its pods from --manifests (the chat cluster),
    its trace and the manifests folder under tmp_path."""
    shutil.copytree(source_dir / "tests/data/manifests/chat-cluster", tmp_path / "k8s" / "chat-cluster")
    (tmp_path / "traces").mkdir(parents=True)
    shutil.copy(source_dir / "tests/data/traces/five_minutes.csv", tmp_path / "traces" / "five_minutes.csv")
    doc = json.loads((source_dir / "tests/data/scenarios/manifests_chat.json").read_text())
    del doc["policies"]
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "chat.json"
    path.write_text(json.dumps(doc))
    return path, tmp_path / "k8s" / "chat-cluster"


def test_manifests_given_outside_the_document_are_shipped(source_dir, tmp_path):
    scenario, manifests = manifests_case(source_dir, tmp_path / "case")
    sc = capsim.load_scenario(scenario, manifests=[manifests])
    assert sc.document_manifests == [str(manifests)]
    package = sweeps.scenario_package(sc)
    # The common folder of the scenario's folder, its trace and the manifests is case/.
    assert sorted(package["files"]) == ["k8s/chat-cluster/chat.yaml", "k8s/chat-cluster/karpenter.yaml",
                                        "k8s/chat-cluster/namespace.yaml", "traces/five_minutes.csv"]
    assert package["manifests"] == ["k8s/chat-cluster"] and package["dir"] == "scenarios"
    narrowed = capsim.compare_choices(sc, [], "", 2)
    expected = capsim.run_block(capsim.compare_choices(sc.patch({"/simulation/seed": 12}), [], "", 2),
                                capsim.ReplicateBlock("default", 0, 2))
    shutil.rmtree(tmp_path / "case")  # what a worker without the file system sees
    got = sweeps.run_task(package, [("/simulation/seed", "12")], "point", ([], "", 2), capsim.ReplicateBlock("default", 0, 2))
    assert got == expected
    assert narrowed.policy_names == ["default"]

    # A file that cannot be read when the sweep is sent: named, before anything runs.
    scenario, manifests = manifests_case(source_dir, tmp_path / "gone")
    sc = capsim.load_scenario(scenario, manifests=[manifests])
    shutil.rmtree(manifests)
    with pytest.raises(capsim.Error) as e:
        sweeps.scenario_package(sc)
    assert str(e.value) == (f"{manifests}: cannot send it to the Dask workers: No such file or directory (the scenario or its "
                            "manifests name it, and it could be read when the scenario loaded: was it moved or deleted since?)")
    scenario, manifests = manifests_case(source_dir, tmp_path / "trace-gone")
    sc = capsim.load_scenario(scenario, manifests=[manifests])
    os.remove(tmp_path / "trace-gone" / "traces" / "five_minutes.csv")
    with pytest.raises(capsim.Error) as e:
        sweeps.scenario_package(sc)
    assert "five_minutes.csv: cannot send it to the Dask workers: No such file or directory" in str(e.value)


def test_dask_sweep_with_manifests_from_the_command_line(cli, source_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    scenario, manifests = manifests_case(source_dir, tmp_path / "case")
    common = [cli, "sweep", scenario, "--manifests", manifests, "--param", "/simulation/seed=11,12", "-r", "2", "-q"]
    assert run(common + ["-o", tmp_path / "here"]).returncode == 0
    sc = capsim.load_scenario(scenario, manifests=[manifests])
    package = sweeps.scenario_package(sc)
    block = capsim.ReplicateBlock("default", 0, 2)
    expected = capsim.run_block(capsim.compare_choices(sc.patch({"/simulation/seed": 12}), [], "", 2), block)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        r = run(common + ["--dask", cluster.scheduler_address, "-o", tmp_path / "dask"], timeout=120)
        assert r.returncode == 0, r.stderr
        # The workers load the sent bytes: with the files gone from the (shared) disk, the same runs.
        shutil.rmtree(tmp_path / "case")
        [shipped] = client.scatter([package], broadcast=True, hash=False)
        got = client.submit(sweeps.run_task, shipped, [("/simulation/seed", "12")], "point", ([], "", 2), block, pure=False).result()
    assert got == expected
    for name in ("sweep.csv", "sweep_summary.csv", "summary.txt", "points/1/replicates.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


def shard_runs(doc):
    """(point, policy index, replicate) of every run a sweep shard file holds, from its JSON."""
    out = []
    for i, point in enumerate(doc["points"]):
        for k, p in enumerate(point["run"]["run"]["policies"]):
            out += [(i, k, r["replicate"]) for r in p["replicates"]]
    return sorted(out)


def test_python_sweep_shards_are_the_cli_shards_and_merge_to_the_sweep(cli, source_dir, tmp_path):
    # 3 points x 3 policies x 3 replicates = 27 runs, numbered point by point (point p's runs are
    # 9p .. 9p + 8, run 9p + 3k + r being policy k's replicate r). Shard 1 of 4 holds the runs
    # numbered 1 mod 4: 1, 5 (point 0: policy 0 replicate 1, policy 1 replicate 2), 9, 13, 17
    # (point 1: local runs 0, 4, 8: (0, 0), (1, 1), (2, 2)), 21, 25 (point 2: local 3, 7: (1, 0), (2, 1)).
    scenario = copy_case(source_dir, tmp_path)
    sc = capsim.load_scenario(scenario)
    grid = {"/simulation/seed": [7, 8, 9]}
    common = [cli, "sweep", scenario, "--param", "/simulation/seed=7,8,9", "-r", "3", "-q"]
    assert run(common + ["-o", tmp_path / "whole"]).returncode == 0
    parts = []
    for i in range(4):
        r = run(common + ["--shard", f"{i}/4", "-o", tmp_path / "cli"])
        assert r.returncode == 0, r.stderr
        part = capsim.sweep(sc, grid, 3, shard=(i, 4))
        assert isinstance(part, capsim.SweepShard) and (part.index, part.count) == (i, 4) and part.errors == {}
        path = part.write(str(tmp_path / "py"))
        assert path == str(tmp_path / "py" / f"sweep-shard-{i}-of-4.json") == str(tmp_path / "py" / part.file_name)
        assert (tmp_path / "py" / part.file_name).read_bytes() == (tmp_path / "cli" / part.file_name).read_bytes(), i
        assert part.to_json() == (tmp_path / "cli" / part.file_name).read_text()
        parts.append(part)
    assert shard_runs(json.loads(parts[1].to_json())) == [(0, 0, 1), (0, 1, 2), (1, 0, 0), (1, 1, 1), (1, 2, 2), (2, 1, 0), (2, 2, 1)]
    # 27 = 4 x 6 + 3: shards 0, 1, 2 hold 7 runs, shard 3 holds 6.
    assert [len(shard_runs(json.loads(p.to_json()))) for p in parts] == [7, 7, 7, 6]

    # Merged (in memory, from the folder, from files mixed with values): the unsharded sweep.
    whole = capsim.sweep(sc, grid, 3)
    for given in (parts, [str(tmp_path / "py")], [tmp_path / "cli" / "sweep-shard-0-of-4.json", *parts[1:]]):
        merged = capsim.merge_sweep_shards(given)
        assert isinstance(merged, capsim.SweepResult) and merged.errors == {}
        assert merged.points == [{"/simulation/seed": 7}, {"/simulation/seed": 8}, {"/simulation/seed": 9}]
        assert merged.table_csv() == whole.table_csv() and merged.summary_csv() == whole.summary_csv()
    merged.write(str(tmp_path / "merged"))
    r = run([cli, "merge", tmp_path / "py", "-o", tmp_path / "cli-merged"])
    assert r.returncode == 0, r.stderr
    for name in ("sweep.csv", "sweep_summary.csv", "summary.txt", "points/0/summary.csv", "points/2/replicates.csv"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
        assert (tmp_path / "cli-merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_python_sweep_shard_errors(cli, source_dir, tmp_path):
    scenario = copy_case(source_dir, tmp_path)
    sc = capsim.load_scenario(scenario)
    grid = {"/simulation/seed": [7, 8]}
    for bad in [(4, 4), (-1, 2), (0, 0), (1,), ("0", "2"), (True, 2), 3]:
        with pytest.raises(ValueError) as e:
            capsim.sweep(sc, grid, 2, shard=bad)
        assert str(e.value) == (f"shard={bad!r}: expected (INDEX, COUNT) with 0 <= INDEX < COUNT, such as (0, 4) "
                                "(Kubernetes Indexed Jobs number from 0)")
    with pytest.raises(ValueError, match="client sends the whole sweep to a Dask cluster: give one of them"):
        capsim.sweep(sc, grid, 2, shard=(0, 2), client=object())

    parts = [capsim.sweep(sc, grid, 2, shard=(i, 3)) for i in range(3)]
    with pytest.raises(capsim.Error, match="sweep shard 1 of 3 missing: merge needs all of them"):
        capsim.merge_sweep_shards([parts[0], parts[2]])
    with pytest.raises(capsim.Error, match=r"sweep shard 2 of 3 is given twice \(shard 2 of 3 of sweep 'compare-uncertain"):
        capsim.merge_sweep_shards(parts + [parts[2]])
    other = capsim.sweep(sc, {"/simulation/seed": [7, 9]}, 2, shard=(1, 3))
    with pytest.raises(capsim.Error) as e:
        capsim.merge_sweep_shards([parts[0], other, parts[2]])
    assert "are of different sweeps" in str(e.value)
    assert "the scenario file, the points or the choices (policies, baseline, replicates, --on-error) changed" in str(e.value)
    fewer = capsim.sweep(sc, grid, 1, shard=(1, 3))  # replicates are a choice: in the identity
    with pytest.raises(capsim.Error, match="are of different sweeps"):
        capsim.merge_sweep_shards([parts[0], fewer, parts[2]])
    with pytest.raises(capsim.Error, match="nothing to merge: no sweep shard given"):
        capsim.merge_sweep_shards([])
    (tmp_path / "empty").mkdir()
    with pytest.raises(capsim.Error, match=r"empty: no sweep shard file \(sweep-shard-I-of-N.json\) in the directory"):
        capsim.merge_sweep_shards(str(tmp_path / "empty"))
    with pytest.raises(TypeError, match="expected SweepShard values, files or folders, got int"):
        capsim.merge_sweep_shards([1])
    not_a_shard = tmp_path / "sweep-shard-0-of-1.json"
    not_a_shard.write_text('{"format": "capsim-result"}')
    with pytest.raises(capsim.Error, match="not a capsim sweep shard file"):
        capsim.merge_sweep_shards([not_a_shard])


def test_python_sweep_shards_keep_a_failed_point(cli, source_dir, tmp_path):
    # on_error='continue': a point that does not load is failed in each shard, as the CLI's shards
    # hold it (the same bytes), and in the merge, as in the sweep run whole.
    scenario = copy_case(source_dir, tmp_path)
    points = [{"/simulation/seed": 3}, {"/services/0/replicas": "two"}, {"/simulation/seed": 4}]
    (tmp_path / "points.json").write_text(json.dumps(points))
    sc = capsim.load_scenario(scenario)
    parts = []
    for i in range(2):
        assert run([cli, "sweep", scenario, "--points", tmp_path / "points.json", "-r", "2", "-q", "--on-error", "continue",
                    "--shard", f"{i}/2", "-o", tmp_path / "cli"]).returncode == 1
        part = capsim.sweep(sc, points=points, replicates=2, on_error="continue", shard=(i, 2))
        assert list(part.errors) == [1] and 'expected an integer from 0 to 1000000, got the string "two"' in part.errors[1]
        assert part.to_json() == (tmp_path / "cli" / part.file_name).read_text()
        parts.append(part)
    merged = capsim.merge_sweep_shards(parts)
    whole = capsim.sweep(sc, points=points, replicates=2, on_error="continue")
    assert list(merged.errors) == [1] and merged.comparisons[1] is None
    assert merged.table_csv() == whole.table_csv() and merged.summary_csv() == whole.summary_csv()
