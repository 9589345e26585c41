"""capsim.plot draws the run's own numbers; the compare report from Python is report.html's bytes."""
import subprocess

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import capsim  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines_by_label(ax):
    return {l.get_label(): l for l in ax.get_lines()}


def test_capacity_plots_demand_and_ready_capacity(data_dir):
    r = capsim.run(capsim.load_scenario(data_dir / "scenarios" / "hand.json"), keep_series=True)
    fig = capsim.plot.capacity(r)
    assert isinstance(fig, matplotlib.figure.Figure)
    (ax,) = fig.axes
    lines = lines_by_label(ax)
    assert set(lines) == {"demand", "capacity: default"}
    # hand.json: 60, 180, 180, 60, 0 requests a minute = 1, 3, 3, 1, 0 req/s; two replicas at 1 req/s.
    np.testing.assert_allclose(lines["demand"].get_ydata(), [1, 3, 3, 1, 0])
    np.testing.assert_allclose(lines["capacity: default"].get_ydata(), [2, 2, 2, 2, 2])
    x = lines["demand"].get_xdata()
    assert x[0] == np.datetime64("2024-05-10T00:00:00") and x[1] - x[0] == np.timedelta64(60, "s")
    with pytest.raises(ValueError, match="no series of service 'web'"):
        capsim.plot.capacity(r, services=["web"])
    with pytest.raises(ValueError, match="keep_series=True"):
        capsim.plot.capacity(capsim.run(capsim.load_scenario(data_dir / "scenarios" / "hand.json")))


def test_capacity_draws_demand_once_under_common_random_numbers(data_dir):
    c = capsim.compare(capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json"), keep_series=True)
    lines = lines_by_label(capsim.plot.capacity(c).axes[0])
    assert set(lines) == {"demand", "capacity: two", "capacity: three", "capacity: one"}
    np.testing.assert_allclose(lines["capacity: three"].get_ydata(), [3] * 5)
    np.testing.assert_allclose(lines["capacity: one"].get_ydata(), [1] * 5)


def test_cost_plots_the_cumulative_bill(data_dir):
    r = capsim.run(capsim.load_scenario(data_dir / "scenarios" / "hand.json"), keep_series=True)
    (ax,) = capsim.plot.cost(r).axes
    y = lines_by_label(ax)["default"].get_ydata()
    # Two g5.xlarge (1.006 USD/h) and the control plane (0.10 USD/h): 2.112 USD/h, a minute a step.
    np.testing.assert_allclose(y, 2.112 / 60 * np.arange(1, 6))
    assert y[-1] == pytest.approx(r.policies[0].replicates[0].cost.total_usd)
    with pytest.raises(ValueError, match="no policy named 'x'"):
        capsim.plot.cost(r, policies=["x"])


def test_ladder_bars(data_dir):
    c = capsim.compare(capsim.load_scenario(data_dir / "scenarios" / "compare_ladder.json"))
    (ax,) = capsim.plot.ladder(c).axes
    bars = [(p.get_y(), p.get_y() + p.get_height()) for p in ax.patches]
    # Monthly means (30 days = 720 h): two 2 x 1.006 + 0.10 = 2.112 USD/h -> 1520.64; three 3.118 USD/h
    # -> 2244.96; one 1.106 USD/h -> 796.32. The root opens from zero; each step runs from its parent's.
    expected = [(0, 1520.64), (1520.64, 2244.96), (796.32, 1520.64)]
    for (lo, hi), (elo, ehi) in zip(bars, expected):
        assert lo == pytest.approx(elo) and hi == pytest.approx(ehi)
    assert len(bars) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["two", "three\nvs two", "one\nvs two"]


def test_report_html_matches_the_cli(data_dir, cli, tmp_path):
    scenario = data_dir / "scenarios" / "compare_ladder.json"
    subprocess.run([cli, "compare", str(scenario), "-o", str(tmp_path / "cli")], check=True, capture_output=True)
    c = capsim.compare(capsim.load_scenario(scenario), keep_series=True)
    page = (tmp_path / "cli" / "report.html").read_text()
    assert c.to_html() == page
    assert capsim.report_html(c, tmp_path / "py.html") == page
    assert (tmp_path / "py.html").read_text() == page
    c.write_html(tmp_path / "again.html")
    assert (tmp_path / "again.html").read_text() == page
    with pytest.raises(TypeError, match="expected a CompareResult"):
        capsim.report_html(c.run)
