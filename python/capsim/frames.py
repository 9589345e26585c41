"""Results as pandas DataFrames, built by walking the result classes' field tables (``_fields``, in
the C++ tables' order), so a field added to a table becomes a column without naming it here.

pandas is imported only when a frame is asked for; the results' numpy arrays need no pandas.
"""
import numbers

import numpy as np

# A list of records becomes columns when each record names itself by one of these fields, uniquely
# within the list (services by name, batch templates by job); any other list is a log (nodes, bill
# lines, jobs, budgets' periods, decisions) with a frame of its own.
_KEY_FIELDS = ("name", "job")


def _pandas(what):
    try:
        import pandas
    except ImportError as e:
        raise ImportError(f"capsim: {what} needs pandas (Debian: python3-pandas); the results' numpy arrays do not") from e
    return pandas


def _is_record(v):
    return hasattr(type(v), "_fields")


def _record_key(items):
    fields = type(items[0])._fields
    for key in _KEY_FIELDS:
        if key in fields:
            names = [getattr(x, key) for x in items]
            if len(set(names)) == len(names):
                return key
    return None


def _flatten_value(key, v, row):
    if v is None:  # an optional record absent (a model that does not give it): its columns stay empty
        return
    if _is_record(v):
        flatten(v, row, key + ".")
    elif isinstance(v, (bool, str, numbers.Number)):
        row[key] = v
    elif isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (bool, str, numbers.Number)):
                row[f"{key}.{k}"] = x
    elif isinstance(v, list) and v and _is_record(v[0]):
        by = _record_key(v)
        if by is not None:
            for x in v:  # the key is in the column's name
                flatten(x, row, f"{key}.{getattr(x, by)}.", skip=by)
    # numpy arrays (per-period series) and lists of words: series_frame, the logs' frames


def flatten(record, row=None, prefix="", skip=None):
    """A result record as one flat dict: "cost.total_usd", "services.api.sla.missed_share", ..."""
    row = {} if row is None else row
    for f in type(record)._fields:
        if f != skip:
            _flatten_value(prefix + f, getattr(record, f), row)
    return row


def _plain_record(v):
    """A record as a dict (nested records and lists of them too), for cells of a log's frame."""
    if _is_record(v):
        return {f: _plain_record(getattr(v, f)) for f in type(v)._fields}
    if isinstance(v, list):
        return [_plain_record(x) for x in v]
    return v


def _records_rows(record, prefix_row):
    row = dict(prefix_row)
    for f in type(record)._fields:
        v = getattr(record, f)
        row[f] = _plain_record(v) if _is_record(v) or isinstance(v, list) else v
    return row


def to_pandas(result):
    """One row per policy and replicate: policy, replicate, then every summary field of the
    replicate as a column (world draw, cost, fleet, each service and batch template by name,
    commitments, the forecast's totals). Series and logs have their own frames."""
    pd = _pandas("to_pandas")
    rows = []
    for p in result.policies:
        for rep in p.replicates:
            row = {"policy": p.name}
            flatten(rep, row)
            rows.append(row)
    return pd.DataFrame(rows)


def comparison_frame(comparison):
    """One row per policy of a comparison (capsim compare's summary.csv): cost spread, savings,
    risks, rank, every field of PolicyComparison flattened."""
    pd = _pandas("Comparison.to_pandas")
    return pd.DataFrame([flatten(p) for p in comparison.policies])


def _period_starts(pd, result, n):
    start = pd.Timestamp(result.start_utc)
    return start + pd.to_timedelta(np.arange(n) * result.period_s, unit="s")


def series_frame(result):
    """The per-period series (kept with ``keep_series=True``) in long form, indexed by each period's
    start (a UTC DatetimeIndex): a row per period of each policy, replicate and service with the
    service's series, and a row per period of the cluster (service "") with ready_nodes and
    cost_rate_usd_per_h; a service row leaves the cluster's columns empty and a cluster row the
    services', so a column summed counts each figure once (as ``--series`` writes it)."""
    pd = _pandas("series_frame")
    from ._capsim import ServiceSeries
    series_fields = [f for f in ServiceSeries._fields if f != "name"]
    parts = []
    for p in result.policies:
        for rep in p.replicates:
            for s in rep.service_series:
                n = len(s.arrivals)
                cols = {"policy": [p.name] * n, "replicate": np.full(n, rep.replicate), "service": [s.name] * n}
                for f in series_fields:
                    cols[f] = getattr(s, f)
                parts.append(pd.DataFrame(cols, index=_period_starts(pd, result, n)))
            n = len(rep.ready_nodes)
            if n:
                cols = {"policy": [p.name] * n, "replicate": np.full(n, rep.replicate), "service": [""] * n,
                        "ready_nodes": rep.ready_nodes, "cost_rate_usd_per_h": rep.cost_rate_usd_per_h[:n]}
                parts.append(pd.DataFrame(cols, index=_period_starts(pd, result, n)))
    columns = ["policy", "replicate", "service", *series_fields, "ready_nodes", "cost_rate_usd_per_h"]
    if not parts:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], tz="UTC", name="period_start_utc"))
    frame = pd.concat(parts)[columns]
    frame.index.name = "period_start_utc"
    return frame


def records_frame(result, field):
    """A log of every replicate (a list-of-records field of ReplicateResult: "nodes", "jobs",
    "budgets", "anomalies", "cost_lines", ...) as one frame: policy, replicate, then the record's
    fields (nested records as dicts)."""
    pd = _pandas("records_frame")
    from ._capsim import ReplicateResult
    if field not in ReplicateResult._fields:
        raise KeyError(f"records_frame: ReplicateResult has no field {field!r} (fields: {', '.join(ReplicateResult._fields)})")
    rows = []
    for p in result.policies:
        for rep in p.replicates:
            for x in getattr(rep, field):
                if not _is_record(x):
                    raise TypeError(f"records_frame: {field!r} is not a list of records")
                rows.append(_records_rows(x, {"policy": p.name, "replicate": rep.replicate}))
    return pd.DataFrame(rows)


def nodes_frame(result):
    """The node log (kept with the series): a row per node of each policy and replicate, with the
    columns of ``--nodes`` (times in seconds from the window's start; -1: not in the window)."""
    return records_frame(result, "nodes")


def decisions_frame(result):
    """The provisioners' decisions (``explain=True``): a row per decision with ``kind`` (the
    Decisions field it comes from: launches, consolidations, consolidation_scores, unschedulable,
    unremovable), ordered by policy, replicate (in the result's order) and sequence; ``at`` is its
    UTC time."""
    pd = _pandas("decisions_frame")
    from ._capsim import Decisions
    rows = []
    for p in result.policies:
        for rep in p.replicates:
            taken = []
            for kind in Decisions._fields:
                v = getattr(rep.decisions, kind)
                if isinstance(v, list):
                    for x in v:
                        taken.append(_records_rows(x, {"policy": p.name, "replicate": rep.replicate, "kind": kind}))
            rows.extend(sorted(taken, key=lambda r: r["sequence"]))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame.insert(list(frame.columns).index("at_s") + 1, "at", pd.Timestamp(result.start_utc) + pd.to_timedelta(frame["at_s"], unit="s"))
    return frame
