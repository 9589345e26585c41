"""capsim compare from Python and from the command line, on the hand-worked ladder
(tests/data/scenarios/compare_ladder.json: monthly costs 1520.64, 2244.96, 796.32 USD; see
tests/comparison_test.cpp for the arithmetic)."""
import csv
import io
import json
import pickle
import subprocess

import pytest

import capsim


def ladder(data_dir):
    return data_dir / "scenarios" / "compare_ladder.json"


def test_compare_from_python(data_dir):
    sc = capsim.load_scenario(ladder(data_dir))
    r = capsim.compare(sc, replicates=3)
    c = r.comparison
    assert [p.name for p in c.policies] == ["two", "three", "one"]
    assert c.policies[0].monthly_cost.mean_usd == pytest.approx(1520.64)
    assert c.policies[2].vs_baseline.usd == pytest.approx(1520.64 - 796.32)
    assert c.policies[2].risk.p_breach == 1.0 and c.policies[0].risk.p_breach == 0.0
    assert c.recommendation.policy == "two"
    assert [(s.policy, s.parent) for s in c.ladder] == [("three", "two"), ("one", "two")]
    assert c.replicates == 3 and len(r.run.policies[0].replicates) == 3
    back = pickle.loads(pickle.dumps(r))
    assert back.comparison == c and back.run == r.run
    # The comparison can be drawn again from the run alone.
    assert capsim.compare_policies(r.run) == c
    text = capsim.format_compare(c, r.run, 100)
    assert "Recommendation: two" in text
    page = capsim.render_report_html(c, r.run)
    assert page.startswith("<!DOCTYPE html>") and page.count('class="chart"') >= 7 and "http" not in page
    summary = list(csv.DictReader(io.StringIO(capsim.comparison_summary_csv(c))))
    assert [row["name"] for row in summary] == ["two", "three", "one"]
    assert float(summary[1]["monthly_cost.mean_usd"]) == pytest.approx(2244.96)
    with pytest.raises(capsim.Error, match=r"policy 'thre' is not in scenario 'compare-ladder' \(did you mean 'three'\?\)"):
        capsim.compare(sc, policies=["thre"])


def run_cli(cli, *args):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True)


def test_compare_cli_writes_its_files_the_same_whatever_the_threads(cli, data_dir, tmp_path):
    outs = []
    for threads in (1, 2):
        out = tmp_path / f"t{threads}"
        p = run_cli(cli, "compare", ladder(data_dir), "-r", 4, "-j", threads, "-o", out)
        assert p.returncode == 0, p.stderr
        assert "Recommendation: two" in p.stdout
        assert "Savings per lever" in p.stdout
        outs.append({f: (out / f).read_bytes() for f in ("result.json", "summary.csv", "replicates.csv", "timeseries.csv")})
    assert outs[0] == outs[1]
    doc = json.loads(outs[0]["result.json"])
    assert doc["format_version"] == 4
    assert doc["comparison"]["recommendation"]["policy"] == "two"
    assert doc["comparison"]["policies"][1]["extends"] == "two"
    reps = list(csv.DictReader(io.StringIO(outs[0]["replicates.csv"].decode())))
    assert len(reps) == 3 * 4  # policies × replicates
    assert float(reps[0]["monthly_cost_usd"]) == pytest.approx(1520.64)
    # timeseries.csv: replicate 0's periods, five per service and five of the cluster, per policy.
    rows = list(csv.DictReader(io.StringIO(outs[0]["timeseries.csv"].decode())))
    assert len(rows) == 3 * (5 + 5) and {r["replicate"] for r in rows} == {"0"}


def test_compare_cli_bad_choices(cli, data_dir, tmp_path):
    p = run_cli(cli, "compare", ladder(data_dir), "--policies", "one,thre", "-o", tmp_path / "x")
    assert p.returncode == 2
    assert "policy 'thre' is not in scenario 'compare-ladder' (did you mean 'three'?)" in p.stderr
    p = run_cli(cli, "compare", ladder(data_dir), "--policies", "one,three", "-o", tmp_path / "x")
    assert p.returncode == 2 and "the baseline 'two' is not among the policies to compare (one, three)" in p.stderr
    p = run_cli(cli, "compare", ladder(data_dir), "-r", 0, "-o", tmp_path / "x")
    assert p.returncode == 2 and "--replicates" in p.stderr and "0" in p.stderr
    a_file = tmp_path / "file"
    a_file.write_text("not a directory")
    p = run_cli(cli, "compare", ladder(data_dir), "-o", a_file)
    assert p.returncode == 2
    assert f"--out '{a_file}' is a file, not a directory" in p.stderr
    assert a_file.read_text() == "not a directory"
    # Nothing was written for the runs refused above.
    assert not (tmp_path / "x").exists()


def test_an_uncertain_world_makes_breach_a_probability(data_dir):
    sc = capsim.load_scenario(data_dir / "scenarios" / "compare_uncertain.json")
    r = capsim.compare(sc)
    assert r.run.uncertain == ["demand_scale: lognormal(median 1, sigma 0.25) (multiplies demand, per replicate)"]
    worlds = [[rep.world.demand_scale for rep in p.replicates] for p in r.run.policies]
    assert worlds[0] == worlds[1] == worlds[2]  # every policy in the same worlds
    assert len(set(worlds[0])) == 20  # a different one per replicate
    # The two-node fleet serves 380/480 of the trace; its objective (75% within 10 s) breaks when
    # demand is scaled up enough. The breach share is the share of replicates that broke it.
    two = r.comparison.policies[0]
    breached = [rep.services[0].objective.breached for rep in r.run.policies[0].replicates]
    assert two.risk.breaches == sum(breached)
    assert 0 < two.risk.p_breach < 1
    # Breaches happen in the replicates with more demand: every breached world's scale exceeds every kept one's.
    scales = worlds[0]
    assert min(s for s, b in zip(scales, breached) if b) > max(s for s, b in zip(scales, breached) if not b)
    assert "no uncertainty section" not in " ".join(r.comparison.warnings)


def test_shards_merge_into_what_one_compare_writes(cli, data_dir, tmp_path):
    scenario = data_dir / "scenarios" / "compare_uncertain.json"
    single, shards, merged = tmp_path / "single", tmp_path / "shards", tmp_path / "merged"
    assert run_cli(cli, "compare", scenario, "-q", "-j", 2, "-o", single).returncode == 0
    for i in range(3):
        p = run_cli(cli, "compare", scenario, "--shard", f"{i}/3", "-o", shards)
        assert p.returncode == 0, p.stderr
    assert sorted(f.name for f in shards.iterdir()) == ["shard-0-of-3.json", "shard-1-of-3.json", "shard-2-of-3.json"]
    p = run_cli(cli, "merge", shards, "-o", merged)
    assert p.returncode == 0, p.stderr
    assert "Recommendation:" in p.stdout
    for f in ("result.json", "summary.csv", "replicates.csv", "timeseries.csv"):
        assert (merged / f).read_bytes() == (single / f).read_bytes(), f
    # A missing shard, a shard of another count, a shard of another seed: refused, saying which.
    p = run_cli(cli, "merge", shards / "shard-0-of-3.json", shards / "shard-2-of-3.json", "-o", tmp_path / "m1")
    assert p.returncode == 2 and "shard 1 of 3 missing: merge needs all of them" in p.stderr
    other = tmp_path / "other"
    assert run_cli(cli, "compare", scenario, "--shard", "1/2", "-o", other).returncode == 0
    p = run_cli(cli, "merge", shards / "shard-0-of-3.json", other / "shard-1-of-2.json", "-o", tmp_path / "m2")
    assert p.returncode == 2
    assert f"shards do not belong together: {other / 'shard-1-of-2.json'} is of shard count 2, {shards / 'shard-0-of-3.json'} of shard count 3" in p.stderr
    doc = json.loads(scenario.read_text())
    doc["simulation"]["seed"] = 8
    doc["traces"]["t"]["file"] = str(data_dir / "traces" / "five_minutes.csv")  # the copy lives elsewhere
    copy = tmp_path / "seed8.json"
    copy.write_text(json.dumps(doc))
    assert run_cli(cli, "compare", copy, "--shard", "1/3", "-o", tmp_path / "seed8").returncode == 0
    p = run_cli(cli, "merge", shards / "shard-0-of-3.json", tmp_path / "seed8" / "shard-1-of-3.json", shards / "shard-2-of-3.json",
                "-o", tmp_path / "m3")
    assert p.returncode == 2 and "is of seed 8" in p.stderr and "of seed 7" in p.stderr
    p = run_cli(cli, "compare", scenario, "--shard", "3/3", "-o", tmp_path / "x")
    assert p.returncode == 2 and "--shard '3/3': expected INDEX/COUNT with 0 <= INDEX < COUNT" in p.stderr
    not_a_shard = tmp_path / "shard-0-of-1.json"
    not_a_shard.write_text('{"format": "capsim-result"}')
    p = run_cli(cli, "merge", not_a_shard, "-o", tmp_path / "m4")
    assert p.returncode == 2 and "not a capsim shard file" in p.stderr
