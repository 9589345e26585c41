"""Plots of a run and a comparison with matplotlib (Debian: python3-matplotlib), drawn from the same
data and with the same conventions as the compare report's charts (report.html): demand against
ready capacity, cumulative cost, the lever ladder. Each function returns a matplotlib Figure.

matplotlib is imported when a plot is asked for; ``import capsim`` does not need it.
"""
import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("capsim.plot needs matplotlib (Debian: python3-matplotlib)") from e
    return plt


def _run_of(result):
    # A CompareResult plots its run; a RunResult is the run.
    return getattr(result, "run", result)


def _replicate(policy, replicate):
    for r in policy.replicates:
        if r.replicate == replicate:
            return r
    have = ", ".join(str(r.replicate) for r in policy.replicates)
    raise ValueError(f"policy '{policy.name}': no replicate {replicate} in the result (it holds {have or 'none'})")


def _selected(run, policies):
    if policies is None:
        return list(run.policies)
    names = [p.name for p in run.policies]
    missing = [n for n in policies if n not in names]
    if missing:
        raise ValueError(f"no policy named {', '.join(map(repr, missing))} in the result (policies: {', '.join(names)})")
    return [run.policy(n) for n in policies]


def _times(run, n, offset=0):
    start = np.datetime64(run.start_utc.replace("Z", ""), "us")
    return start + (np.arange(n) + offset) * np.timedelta64(int(round(run.period_s * 1e6)), "us")


def capacity(result, policies=None, services=None, replicate=0):
    """Demand against ready capacity, one panel per service: the demand (arrivals per period / the
    period, requests/s) drawn once when every policy sees the same (common random numbers), else per
    policy, and each policy's ready capacity (the requests its ready replicas could serve per period
    / the period). Needs the series (``keep_series=True``); x is each period's start, UTC."""
    plt = _pyplot()
    run = _run_of(result)
    chosen = _selected(run, policies)
    reps = [(p, _replicate(p, replicate)) for p in chosen]
    names = []
    for _, r in reps:
        for s in r.service_series:
            if s.name not in names:
                names.append(s.name)
    if services is not None:
        unknown = [s for s in services if s not in names]
        if unknown:
            raise ValueError(f"no series of service {', '.join(map(repr, unknown))} (services with series: {', '.join(names) or 'none'})")
        names = list(services)
    if not names:
        raise ValueError("capsim.plot.capacity: the result holds no series: run with keep_series=True")
    fig, axes = plt.subplots(len(names), 1, figsize=(10, 3.2 * len(names)), squeeze=False, sharex=True)
    for ax, name in zip(axes[:, 0], names):
        first_demand = None
        for p, r in reps:
            s = next((x for x in r.service_series if x.name == name), None)
            if s is None:
                continue
            t = _times(run, len(s.arrivals))
            demand = np.asarray(s.arrivals) / run.period_s
            if first_demand is None:
                ax.plot(t, demand, color="#222222", linewidth=1, label="demand", zorder=3)
                first_demand = demand
            elif not np.array_equal(demand, first_demand):
                ax.plot(t, demand, linestyle="--", linewidth=1, label=f"demand: {p.name}")
            ax.plot(t, np.asarray(s.capacity_requests) / run.period_s, linewidth=1, label=f"capacity: {p.name}")
        ax.set_title(f"Service {name} (replicate {replicate})")
        ax.set_ylabel("requests/s")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize="small")
    axes[-1, 0].set_xlabel("UTC")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def cumulative_cost_usd(run, replicate_result):
    """The running instances' USD/h at each period's end × the period, plus the EKS control plane's
    flat rate, summed: the report's cumulative cost (its last point approximates the window's bill)."""
    rate = np.asarray(replicate_result.cost_rate_usd_per_h, dtype=float)
    plane = replicate_result.cost.eks_control_plane_usd / (run.duration_s / 3600) if run.duration_s > 0 else 0.0
    step = np.where(np.isfinite(rate), (rate + plane) * run.period_s / 3600, 0.0)
    return np.cumsum(step)


def cost(result, policies=None, replicate=0):
    """Cumulative cost over the window, a line per policy (see cumulative_cost_usd); x is each
    period's end, UTC. Needs the series (``keep_series=True``)."""
    plt = _pyplot()
    run = _run_of(result)
    fig, ax = plt.subplots(figsize=(10, 4))
    drawn = 0
    for p in _selected(run, policies):
        r = _replicate(p, replicate)
        if len(r.cost_rate_usd_per_h) == 0:
            continue
        usd = cumulative_cost_usd(run, r)
        ax.plot(_times(run, len(usd), offset=1), usd, linewidth=1.2, label=p.name)
        drawn += 1
    if drawn == 0:
        plt.close(fig)
        raise ValueError("capsim.plot.cost: the result holds no cost series: run with keep_series=True")
    ax.set_title(f"Cumulative cost (replicate {replicate})")
    ax.set_ylabel("USD over the window")
    ax.set_xlabel("UTC")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def ladder_bars(comparison):
    """The lever ladder as bars (policy, parent, from_usd, to_usd): each policy that extends another
    runs from its parent's mean monthly cost to its own (the parent's minus the paired saving); the
    chain's root opens it from zero, as in report.html."""
    mean = {p.name: p.monthly_cost.mean_usd for p in comparison.policies}
    extends = {p.name: p.extends for p in comparison.policies}
    bars = []
    for s in comparison.ladder:
        start = mean.get(s.parent, float("nan"))
        end = start - s.saving.usd
        if not (np.isfinite(start) and np.isfinite(end)):
            continue
        root, hops = s.parent, 0
        while extends.get(root) and hops <= len(extends):
            root, hops = extends[root], hops + 1
        if not any(b[0] == root and b[1] == "" for b in bars) and np.isfinite(mean.get(root, float("nan"))):
            bars.append((root, "", 0.0, mean[root]))
        bars.append((s.policy, s.parent, start, end))
    return bars


def ladder(comparison):
    """Savings per lever: a bar per step of the lever ladder from the parent's mean monthly cost to
    the policy's (green saves, red costs more; grey: the chain's root), labelled with the saving in
    percent. Takes a Comparison or a CompareResult."""
    plt = _pyplot()
    c = getattr(comparison, "comparison", comparison)
    bars = ladder_bars(c)
    if not bars:
        raise ValueError("capsim.plot.ladder: no policy extends another: there is no lever ladder")
    pct = {s.policy: s.saving.pct for s in c.ladder}
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(bars)), 4.5))
    x = np.arange(len(bars))
    low = [min(b[2], b[3]) for b in bars]
    height = [abs(b[3] - b[2]) for b in bars]
    colors = ["#666666" if not b[1] else ("#009e73" if b[3] <= b[2] else "#d55e00") for b in bars]
    ax.bar(x, height, bottom=low, color=colors, width=0.6)
    for i, b in enumerate(bars):
        if b[1]:
            p = pct.get(b[0], float("nan"))
            if not np.isfinite(p):
                note = f"{b[3] - b[2]:+,.0f} USD"
            else:
                note = f"saves {p:.1f}%" if p >= 0 else f"costs {-p:.1f}% more"
        else:
            note = f"{b[3]:,.0f} USD"
        ax.annotate(note, (x[i], max(b[2], b[3])), textcoords="offset points", xytext=(0, 3), ha="center", fontsize="small")
    ax.set_xticks(x, [b[0] if not b[1] else f"{b[0]}\nvs {b[1]}" for b in bars], fontsize="small")
    ax.set_ylabel("USD per 30-day month (mean)")
    ax.set_title("Savings per lever")
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return fig
