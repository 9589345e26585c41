"""The forecast of the days after the window and spend anomaly detection, from Python and the
command line, on scenarios small enough to work out by hand."""
import json
import subprocess

import pytest

import capsim

DAY = 24 * 1.006  # a g5.xlarge's day on demand, USD


def test_forecast_of_a_flat_spend_is_exact(source_dir):
    # tests/data/scenarios/budget_history.json: 40 days of history and 6 simulated days, all at one
    # g5.xlarge's day: the forecast of the next 7 days is 7 such days, with a zero-wide band.
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "budget_history.json")
    f = capsim.run(sc).policies[0].replicates[0].forecast
    assert f.first_day_utc == "2024-05-16T00:00:00Z" and f.history_days == 46 and f.horizon_days == 7
    assert f.total_mean_usd == pytest.approx(7 * DAY) and f.total_lower_usd == pytest.approx(7 * DAY)
    assert list(f.daily_mean_usd) == pytest.approx([DAY] * 7)
    assert f.level == 0.8 and f.weekly
    assert [(m.month_start_utc, m.days) for m in f.months] == [("2024-05-01T00:00:00Z", 7)]


def test_forecast_horizon_is_checked_before_running(cli, source_dir, tmp_path):
    # tests/data/scenarios/anomaly.json holds 28 whole days and no history: 29 days cannot be forecast.
    scenario = source_dir / "tests" / "data" / "scenarios" / "anomaly.json"
    p = subprocess.run([cli, "run", str(scenario), "-q", "-o", str(tmp_path / "r.json"), "--forecast", "29"], capture_output=True, text=True)
    assert p.returncode == 2
    assert ("forecast: a horizon of 29 days needs at least as many days of spend to fit on (and 7 at least): the scenario has 28 "
            "(0 of history and the window's 28 whole days)") in p.stderr
    assert not (tmp_path / "r.json").exists()
    p = subprocess.run([cli, "run", str(scenario), "-q", "-o", str(tmp_path / "r.json"), "--forecast", "28"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    f = json.loads((tmp_path / "r.json").read_text())["policies"][0]["replicates"][0]["forecast"]
    assert f["horizon_days"] == 28 and f["first_day_utc"] == "2024-05-29T00:00:00Z"
    # Calendar months of the horizon: May 29-31 and June 1-25.
    assert [(m["month_start_utc"][:7], m["days"]) for m in f["months"]] == [("2024-05", 3), ("2024-06", 25)]
    assert sum(m["mean_usd"] for m in f["months"]) == pytest.approx(f["total_mean_usd"])
    assert f["total_lower_usd"] <= f["total_mean_usd"] <= f["total_upper_usd"]


def test_an_injected_day_of_spend_is_found_with_its_root_cause(cli, source_dir, tmp_path):
    # tests/data/scenarios/anomaly.json: one steady g5.xlarge for four weeks from 2024-05-01, and ten
    # more (node group 'burst', team=research) for 2024-05-20 only: 10 days' worth of extra spend.
    sc = capsim.load_scenario(source_dir / "tests" / "data" / "scenarios" / "anomaly.json")
    a = capsim.run(sc).policies[0].replicates[0].anomalies
    assert len(a) == 1
    assert a[0].day_utc == "2024-05-20T00:00:00Z" and a[0].direction == "above"
    assert a[0].expected_usd == pytest.approx(DAY) and a[0].actual_usd == pytest.approx(11 * DAY)
    assert a[0].impact_usd == pytest.approx(10 * DAY)
    assert a[0].root_cause == "node_pool=burst" and a[0].root_cause_impact_usd == pytest.approx(10 * DAY)
    p = subprocess.run([cli, "run", str(source_dir / "tests" / "data" / "scenarios" / "anomaly.json"), "-o", str(tmp_path / "r.json")],
                       capture_output=True, text=True, check=True)
    assert "2024-05-20 +241 USD node_pool=burst" in p.stdout


def test_compare_report_shows_commitments_forecast_and_anomalies(cli, source_dir, tmp_path):
    out = tmp_path / "out"
    subprocess.run([cli, "compare", str(source_dir / "tests" / "data" / "scenarios" / "commitments.json"), "-q", "-r", "2", "-o", str(out)],
                   check=True)
    html = (out / "report.html").read_text()
    assert "<h2>Commitments, forecast and anomalies</h2>" in html
    # The Compute plan's saving worked out in test_commitments.py: 6.036 - 5.021 = 1.015 USD over the window;
    # billed and effective alike (no upfront payment). The all-upfront plan's 6.00 was paid before the window:
    # billed 0 in it, 6.00 effective.
    assert '<td>savings-plan</td><td class="num">5.02</td><td class="num">5.02</td><td class="num">1.02</td><td class="num">41.7%</td>' in html
    assert '<td>too-much</td><td class="num">0.00</td><td class="num">6.00</td>' in html
    out = tmp_path / "out2"
    subprocess.run([cli, "compare", str(source_dir / "tests" / "data" / "scenarios" / "anomaly.json"), "-q", "-r", "2", "-o", str(out),
                    "--forecast", "7"], check=True)
    html = (out / "report.html").read_text()
    assert "(7 days)" in html and "<td class=\"num\">1.0</td></tr>" in html  # one anomalous day in each replicate


def test_a_focus_export_as_spend_history(cli, source_dir, tmp_path):
    # The anomaly scenario's four weeks of May (one g5.xlarge, ten more on May 20) exported in FOCUS,
    # then read back as the history of a run that starts where it ended (2024-05-29).
    focus = tmp_path / "may.focus.csv"
    subprocess.run([cli, "run", str(source_dir / "tests" / "data" / "scenarios" / "anomaly.json"), "-q", "-o", str(tmp_path / "a.json"),
                    "--focus", str(focus)], check=True)
    doc = json.loads((source_dir / "tests" / "data" / "scenarios" / "budget_history.json").read_text())
    doc["simulation"]["start"] = "2024-05-29T00:00:00Z"
    doc["traces"]["t"]["file"] = str(source_dir / "tests" / "data" / "traces" / "five_minutes.csv")
    doc["budgets"][0]["history"] = str(focus)
    doc["forecast"] = {"days": 7, "history": str(focus)}
    scenario = tmp_path / "june.json"
    scenario.write_text(json.dumps(doc))
    rep = capsim.run(capsim.load_scenario(scenario)).policies[0].replicates[0]
    # 28 days of history and the window's 6.
    assert rep.forecast.history_days == 34
    # May: 28 days of one instance, ten more for one day, then May 29-31 simulated.
    may = [b for b in rep.budgets if b.period_start_utc == "2024-05-01T00:00:00Z"][0]
    assert may.actual_usd == pytest.approx(28 * DAY + 10 * DAY + 3 * DAY)


def px(v):
    # The report's pixel numbers: to 0.1 px.
    return f"{round(v * 10) / 10:.1f}"


def test_compare_report_charts_budget_spend_against_its_alerts(cli, source_dir, tmp_path):
    # tests/data/scenarios/budget_history.json (test_budgets.py): one g5.xlarge (24.144 USD a day) for 6 days
    # from 2024-05-10, May's 700 USD budget holding 9 days of history: spend in May runs from 9 to 15 days'
    # worth; the 50% alert (350 USD) fires (350 - 9 x 24.144) / 1.006 hours in, the forecast one at the start.
    out = tmp_path / "out"
    subprocess.run([cli, "compare", str(source_dir / "tests" / "data" / "scenarios" / "budget_history.json"), "-q", "-r", "1", "-o", str(out)],
                   check=True)
    html = (out / "report.html").read_text()
    chart = html[html.index('data-chart="budget-alerts"'):]
    chart = chart[: chart.index("</svg>")]
    day = 24 * 1.006
    # The plot: x from 0 to 6 days over 730 px from x = 90; y from 0 to 1,000 USD over 200 px up from y = 234.
    sx = lambda days: 90 + days / 6 * 730
    sy = lambda usd: 234 - usd / 1000 * 200
    assert "Budget ml: 2024-05-01 to 2024-06-01, 700.00 USD" in chart
    line = chart[chart.index('<path class="line"'):]  # the one policy's spend
    d = line[line.index(' d="') + 4:]
    d = d[: d.index('"')]
    assert d.startswith(f"M{px(sx(0))},{px(sy(9 * day))}") and d.endswith(f"L{px(sx(6))},{px(sy(15 * day))}")
    assert d.count("L") == 6 * 24  # one point per clock hour
    for label, usd in (("ACTUAL &gt; 50%", 350), ("FORECASTED &gt; 100%", 700), ("ACTUAL &gt; 900.00 USD", 900)):
        assert f'y1="{px(sy(usd))}"' in chart and label in chart
    # The diamonds: 50% at its crossing, the forecast alert at the window's start, both at their thresholds.
    fired_days = (350 - 9 * day) / 1.006 / 24
    assert f'<path d="M{px(sx(fired_days))},{px(sy(350) - 5)}' in chart
    assert f'<path d="M{px(sx(0))},{px(sy(700) - 5)}' in chart


def test_compare_report_charts_the_forecast_and_lists_anomalies(cli, source_dir, tmp_path):
    # tests/data/scenarios/anomaly.json: 28 days of one g5.xlarge (24.144 USD a day) from 2024-05-01, ten more on May 20.
    out = tmp_path / "out"
    subprocess.run([cli, "compare", str(source_dir / "tests" / "data" / "scenarios" / "anomaly.json"), "-q", "-r", "1", "-o", str(out),
                    "--forecast", "7"], check=True)
    html = (out / "report.html").read_text()
    assert ("<td>2024-05-20</td><td>above</td><td class=\"num\">265.58</td><td class=\"num\">24.14</td>") in html
    assert "<td class=\"num\">+241.44</td><td>node_pool=burst</td><td class=\"num\">241.44</td>" in html
    chart = html[html.index('data-chart="spend-forecast"'):]
    chart = chart[: chart.index("</svg>")]
    assert "days from the first forecast day, 2024-05-29" in chart
    spend = chart[chart.index('data-series="spend: '):]
    d = spend[spend.index(' d="') + 4:]
    d = d[: d.index('"')]
    assert d.count("L") == 27  # the 28 days of the window
    # x from -30 to 10 days over 840 px from x = 90: May 1 is day -28, May 20 day -9.
    points = [p.split(",") for p in d[1:].split("L")]
    assert points[0][0] == px(90 + 2 / 40 * 840) and points[19][0] == px(90 + 21 / 40 * 840)
    # Every day but May 20 is the same day's spend; May 20 is eleven of them (higher on the page: a smaller y).
    ys = [float(p[1]) for p in points]
    assert len(set(ys[:19] + ys[20:])) == 1 and ys[19] < ys[0]
    forecast = chart[chart.index('data-series="forecast: '):]
    assert forecast[: forecast.index("/>")].count("L") == 6 and 'class="band"' in chart
