"""Batch jobs from Python and the command line, on the shipped nightly batch scenario
(scenarios/nightly-batch.json: a nightly embedding job, 16 GPU-hours in 4 pods, due 6 hours after
01:00 New York time, over 14 days from 2024-05-10 00:00Z)."""
import json
import pickle
import subprocess

import pytest

import capsim

G5_XLARGE_ON_DEMAND = 1.006  # USD/h, the bundled catalog's us-east-1 price


def nightly(source_dir):
    return source_dir / "scenarios" / "nightly-batch.json"


def test_batch_results_from_python(source_dir):
    sc = capsim.load_scenario(nightly(source_dir))
    r = capsim.compare(sc, policies=["on-demand", "uniform-progress"], baseline="on-demand", replicates=2)
    od = r.run.policies[0].replicates[0]
    # One job a night at 01:00 EDT (05:00Z), the first on May 10, the last on May 23: 14 jobs.
    assert [j.arrival_s for j in od.jobs] == [5 * 3600 + d * 86400 for d in range(14)]
    assert all(j.deadline_s == j.arrival_s + 6 * 3600 for j in od.jobs)
    assert len(od.batch) == 1 and od.batch[0].jobs == 14 and od.batch[0].purchasing == "on-demand"
    for j in od.jobs:
        assert j.deadline_met and not j.open and j.spot_gpu_hours == 0
        # 16 GPU-hours of work plus 7 checkpoints of 60 s in each of the 4 pods, at least.
        assert j.on_demand_gpu_hours >= 16 + 4 * 7 * 60 / 3600
        # Each pod holds a whole g5.xlarge (its one GPU), the cheapest on-demand g5 Karpenter picks.
        assert j.cost_usd == pytest.approx(j.on_demand_gpu_hours * G5_XLARGE_ON_DEMAND)
    assert od.batch[0].cost_per_job_usd == pytest.approx(sum(j.cost_usd for j in od.jobs) / 14)
    up = r.run.policies[1].replicates[0]
    assert up.batch[0].purchasing == "uniform-progress"
    assert sum(j.spot_gpu_hours for j in up.jobs) > 0
    risk = {p.name: p.batch[0] for p in r.comparison.policies}
    assert risk["on-demand"].spot_gpu_hour_share == 0 and risk["on-demand"].miss_share_mean == 0
    assert risk["uniform-progress"].cost_per_job_usd_mean < risk["on-demand"].cost_per_job_usd_mean
    back = pickle.loads(pickle.dumps(r))
    assert back.run == r.run and back.comparison == r.comparison
    text = capsim.format_compare(r.comparison, r.run, 120)
    assert "Batch job nightly-embeddings" in text and "deadline-miss share" in text
    page = capsim.render_report_html(r.comparison, r.run)
    assert "<h2>Batch jobs</h2>" in page
    # On-demand: no spot GPU-hours; its row shows 0% on spot and its cost per job.
    od_row = page[page.index("<h2>Batch jobs</h2>"):].split("<tr><td>on-demand</td>")[1].split("</tr>")[0]
    assert "<td>on-demand</td>" in od_row and "0.0%" in od_row
    assert f"{risk['on-demand'].cost_per_job_usd_mean:,.2f}" in od_row


def run_cli(cli, *args):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True)


def test_batch_compare_cli_shards_and_files(cli, source_dir, tmp_path):
    scenario = nightly(source_dir)
    single, shards, merged = tmp_path / "single", tmp_path / "shards", tmp_path / "merged"
    args = ("--policies", "on-demand,spot-one-pool,uniform-progress-one-pool", "-r", 2)
    p = run_cli(cli, "compare", scenario, *args, "-o", single)
    assert p.returncode == 0, p.stderr
    assert "Batch job nightly-embeddings" in p.stdout and "lateness P95 (s)" in p.stdout
    for i in range(2):
        assert run_cli(cli, "compare", scenario, *args, "--shard", f"{i}/2", "-o", shards).returncode == 0
    assert run_cli(cli, "merge", shards, "-o", merged).returncode == 0
    for f in ("result.json", "summary.csv", "replicates.csv", "timeseries.csv"):
        assert (merged / f).read_bytes() == (single / f).read_bytes(), f
    doc = json.loads((single / "result.json").read_text())
    rep = doc["policies"][0]["replicates"][0]
    assert rep["batch"][0]["job"] == "nightly-embeddings" and len(rep["jobs"]) == 14
    assert "batch.0.miss_share" in (single / "replicates.csv").read_text().splitlines()[0]
    # Comparison policies come by rank; each carries its template's purchasing policy.
    assert sorted(b["purchasing"] for p in doc["comparison"]["policies"] for b in p["batch"]) == ["on-demand", "spot", "uniform-progress"]


def test_replay_job_greedy_and_uniform_progress_by_hand():
    # 4 h of work, deadline 8 h, changeover 0.5 h, checkpoints every hour (free), looks every hour;
    # spot for the first two hours only (the C++ test's pattern). Greedy: spot 0-2 h (preempted at 2
    # with 1 h kept, 0.5 h lost), idle until R - look < C + d at 4 h, on-demand 0.5 + 3 h: done at
    # 7.5 h. Uniform progress: behind at 3 h (cp 1 < ep 1.5), on-demand from there: done at 6.5 h.
    h = 3600.0
    avail = [1, 1] + [0] * 8
    g = capsim.replay_job("greedy", 4 * h, 8 * h, avail, h, changeover_s=0.5 * h, checkpoint_interval_s=h,
                          spot_usd_per_h=0.3, on_demand_usd_per_h=1.0)
    assert g.finished and g.met and g.finish_s == pytest.approx(7.5 * h)
    assert (g.spot_hours, g.on_demand_hours, g.launches, g.preemptions) == pytest.approx((2, 3.5, 2, 1))
    assert g.work_lost_s == pytest.approx(0.5 * h) and g.cost_usd == pytest.approx(2 * 0.3 + 3.5)
    up = capsim.replay_job("uniform-progress", 4 * h, 8 * h, avail, h, changeover_s=0.5 * h, checkpoint_interval_s=h)
    assert up.finish_s == pytest.approx(6.5 * h) and up.on_demand_hours == pytest.approx(3.5)
    # Spot-only never finishes without spot.
    assert not capsim.replay_job("spot", h, 2 * h, [0] * 10, h).finished
    with pytest.raises(ValueError, match=r"policy: expected on-demand, spot, greedy or uniform-progress, got 'gredy' \(did you mean 'greedy'\?\)"):
        capsim.replay_job("gredy", h, 2 * h, [1], h)
    with pytest.raises(ValueError, match=r"spot_available\[1\]: expected 1 \(spot on offer\) or 0 \(none\), got 5"):
        capsim.replay_job("spot", h, 2 * h, [1, 5], h)
    with pytest.raises(ValueError, match=r"deadline_s: expected a number > 0, got 0"):
        capsim.replay_job("spot", h, 0, [1], h)
