"""The projected bill as a pandas DataFrame: one row per cost line per UTC clock hour (what the
``--billing`` CSV holds), or rolled up by period and dimensions.

pandas is needed only here; the rest of capsim works without it.
"""

GROUP_KEYS = ("node_pool", "capacity_type", "instance_type", "zone", "aws_service", "category", "resource")


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - pandas is in the install script
        raise ImportError("capsim.billing_frame needs pandas (Debian: python3-pandas)") from e
    return pandas


def billing_frame(result, period=None, group_by=()):
    """The bill of every replicate whose series were kept (``keep_series=True``).

    Without ``period`` or ``group_by``: a row per line per hour with the columns of the ``--billing``
    CSV (``hour_start`` a UTC timestamp, a ``tag:<key>`` column per tag key). With ``period`` ("hour"
    or "day", UTC) and/or ``group_by`` (names from GROUP_KEYS or "tag:<key>"): usage and cost summed
    per policy, replicate, period and group, as ``--billing-by`` / ``--billing-group`` write them.
    """
    pd = _pandas()
    for key in group_by:
        if key not in GROUP_KEYS and not (key.startswith("tag:") and len(key) > 4):
            raise ValueError(f"billing: cannot group by {key!r} (expected one of {', '.join(GROUP_KEYS)}, tag:<key>)")
    if period not in (None, "hour", "day"):
        raise ValueError(f"billing: period {period!r}: expected 'hour' or 'day'")
    # The window's first clock hour: hour 0 of every replicate's billing hours.
    first_hour = pd.Timestamp(result.start_utc).floor("h")
    rows = []
    for p in result.policies:
        for rep in p.replicates:
            lines = rep.cost_lines
            for h in rep.billing_hours:
                line = lines[h.line]
                row = {
                    "policy": p.name,
                    "replicate": rep.replicate,
                    "hour_start": first_hour + pd.Timedelta(hours=h.hour),
                    "resource": line.resource,
                    "aws_service": "AmazonEKS" if line.category == "eks_control_plane" else "AmazonEC2",
                    "category": line.category,
                    "instance_type": line.instance_type,
                    "zone": line.zone,
                    "capacity_type": line.capacity_type,
                    "node_pool": line.owner,
                    "usage_h": h.usage_h,
                    "cost_usd": h.cost_usd,
                }
                for k, v in line.tags.items():
                    row["tag:" + k] = v
                rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty or (period is None and not group_by):
        return frame
    for key in group_by:
        if key not in frame.columns:
            frame[key] = ""
    frame[list(group_by)] = frame[list(group_by)].fillna("")
    frame["period_start"] = frame["hour_start"].dt.floor("D") if period == "day" else frame["hour_start"]
    keys = ["policy", "replicate", "period_start", *group_by]
    return frame.groupby(keys, sort=True, as_index=False)[["usage_h", "cost_usd"]].sum()
