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

    A policy's Savings Plans and Reserved Instances appear as in the CSV (``line_item_type``): usage
    they covered as SavingsPlanCoveredUsage (with its SavingsPlanNegation) or DiscountedUsage rows,
    their fees as SavingsPlanRecurringFee, SavingsPlanUpfrontFee (the hour's share of the upfront
    payment) or RIFee rows; ``effective_cost_usd`` is the amortised cost. ``cost_usd`` adds up to the
    run's total either way.
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
            covered = {}
            for c in rep.commitment_charges:
                if c.line >= 0:
                    covered.setdefault((c.line, c.hour), []).append(c)
            for h in rep.billing_hours:
                line = lines[h.line]
                parts = covered.get((h.line, h.hour), [])
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
                    "usage_h": h.usage_h - sum(c.usage_h for c in parts),
                    "cost_usd": h.cost_usd - sum(c.on_demand_usd for c in parts),
                    "line_item_type": "Usage",
                    "commitment": "",
                }
                row["effective_cost_usd"] = row["cost_usd"]
                for k, v in line.tags.items():
                    row["tag:" + k] = v
                if not parts or row["usage_h"] > 1e-12:
                    rows.append(row)
                for c in parts:
                    plan = c.commitment.startswith("savings-plan/")
                    kind = "SavingsPlanCoveredUsage" if plan else "DiscountedUsage"
                    rows.append({**row, "usage_h": c.usage_h, "cost_usd": c.on_demand_usd if plan else 0.0, "line_item_type": kind,
                                 "commitment": c.commitment, "effective_cost_usd": c.effective_usd})
                    if plan:
                        rows.append({**row, "usage_h": c.usage_h, "cost_usd": -c.on_demand_usd, "line_item_type": "SavingsPlanNegation",
                                     "commitment": c.commitment, "effective_cost_usd": 0.0})
            for c in rep.commitment_charges:
                if c.line >= 0:
                    continue
                plan = c.commitment.startswith("savings-plan/")
                fee = {"policy": p.name, "replicate": rep.replicate, "hour_start": first_hour + pd.Timedelta(hours=c.hour),
                       "resource": c.commitment, "aws_service": "ComputeSavingsPlans" if plan else "AmazonEC2", "category": "",
                       "instance_type": "", "zone": "", "capacity_type": "", "node_pool": "", "usage_h": c.held_h,
                       "cost_usd": c.recurring_fee_usd, "line_item_type": "SavingsPlanRecurringFee" if plan else "RIFee",
                       "commitment": c.commitment, "effective_cost_usd": c.effective_usd}
                rows.append(fee)
                if c.upfront_usd > 0:
                    rows.append({**fee, "cost_usd": c.upfront_usd, "line_item_type": "SavingsPlanUpfrontFee", "effective_cost_usd": 0.0})
    frame = pd.DataFrame(rows)
    if frame.empty or (period is None and not group_by):
        return frame
    for key in group_by:
        if key not in frame.columns:
            frame[key] = ""
    frame[list(group_by)] = frame[list(group_by)].fillna("")
    # Usage counted once: a negation repeats its covered usage, a fee has none (as --billing-by sums it).
    frame.loc[frame.line_item_type.isin(["SavingsPlanNegation", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "RIFee"]), "usage_h"] = 0.0
    frame["period_start"] = frame["hour_start"].dt.floor("D") if period == "day" else frame["hour_start"]
    keys = ["policy", "replicate", "period_start", *group_by]
    return frame.groupby(keys, sort=True, as_index=False)[["usage_h", "cost_usd"]].sum()
