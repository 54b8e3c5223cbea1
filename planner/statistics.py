"""Tables a planner asks of a results folder, read from its files (like PyPSA's `statistics`).

    from planner import load_run
    from planner.statistics import annual_energy, capacity, cost_breakdown

    run = load_run("results/china_east_west-baseline-20261129T120000Z")
    capacity(run)        # site, technology, capacity, unit (MW IT by cooling, MW, MWh)
    annual_energy(run)   # site × hourly power column, MWh per year (weights applied)
    cost_breakdown(run)  # cost term → M yuan/yr, adding up to the objective

Every function takes a `RunFolder` (`planner.load_run`) and returns a plain DataFrame or
Series; nothing here solves or touches a model.
"""

from __future__ import annotations

import re

import pandas as pd

from planner.report import RunFolder

_CAPACITY = re.compile(r"^(?:it_capacity_(?P<cooling>.+)|(?P<tech>.+))_(?P<unit>mw|mwh)$")
_NOT_CAPACITY = {"it_capacity_mw", "grid_max_mw", "max_it_mw"}


def capacity(run: RunFolder) -> pd.DataFrame:
    """Capacity built per site and technology: columns site, technology, capacity, unit.

    IT capacity is listed per cooling technology (`it_capacity_<cooling>_mw`, technology
    `it:<cooling>`, MW of IT); PV, wind and battery power in MW, battery energy in MWh, as the
    sites table holds them."""
    sites = run.table("sites")
    rows = []
    names = [c for c in sites.columns if c.endswith(("_mw", "_mwh")) and c not in _NOT_CAPACITY]
    for column in names:
        match = _CAPACITY.match(column)
        if match is None or column.startswith(("it_load", "facility", "it_energy")):
            continue
        if match["cooling"] is not None:
            technology = f"it:{match['cooling']}"
        elif column in ("pv_mw", "wind_mw", "battery_mw", "battery_mwh"):
            technology = match["tech"]
        else:
            continue
        unit = "MWh" if match["unit"] == "mwh" else "MW"
        for site, value in zip(sites["site"], sites[column], strict=True):
            rows.append((site, technology, float(value), unit))
    return pd.DataFrame(rows, columns=["site", "technology", "capacity", "unit"])


def annual_energy(run: RunFolder) -> pd.DataFrame:
    """Annual energy [MWh/yr] per site of every hourly power column (`*_mw`), each hour
    weighted by the hours of the year it stands for (`weight_h`)."""
    hourly = run.table("hourly")
    power = [c for c in hourly.columns if c.endswith("_mw")]
    weighted = hourly[power].mul(hourly["weight_h"], axis=0)
    weighted["site"] = hourly["site"]
    energy = weighted.groupby("site", sort=False).sum()
    energy.columns = [f"{c[: -len('_mw')]}_mwh" for c in power]
    return energy


def cost_breakdown(run: RunFolder) -> pd.Series:
    """Annual cost per term [M yuan/yr]; the terms add up to the run's objective."""
    costs = run.table("costs")
    return costs.set_index("term")["cost_myuan"].astype(float)
