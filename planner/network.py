"""Region-to-site network: distances, round-trip times, bandwidth cost, admissible routes.

RTT [ms] = 2 · great-circle km · route factor / fibre speed [km/ms] + equipment delay [ms],
unless the Links sheet gives a measured RTT. Bandwidth cost [M yuan/(Gbps·yr)] = Settings
bandwidth_cost [M yuan/(Gbps·yr·100 km)] · route km / 100, unless Links overrides it.
All computations are vectorised over the region × site grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.inputs.errors import InputError

if TYPE_CHECKING:
    from planner.inputs.case import Case

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance [km] between points given in degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def links(case: Case) -> pd.DataFrame:
    """One row per (region, site): distance_km, route_km, rtt_ms, capacity_gbps (NaN = no
    limit) and cost_myuan_per_gbps_yr, with Links overrides applied."""
    s = case.settings
    regions, sites = case.regions, case.sites
    grid = pd.MultiIndex.from_product([regions.index, sites.index], names=["region", "site"])
    r = regions.loc[grid.get_level_values(0)]
    t = sites.loc[grid.get_level_values(1)]
    km = great_circle_km(
        r["lat"].to_numpy(), r["lon"].to_numpy(), t["lat"].to_numpy(), t["lon"].to_numpy()
    )
    route_km = km * float(s["rtt_route_factor"])
    frame = pd.DataFrame(
        {
            "distance_km": km,
            "route_km": route_km,
            "rtt_ms": 2 * route_km / float(s["fibre_speed"]) + float(s["rtt_equipment"]),
            "capacity_gbps": np.nan,
            "cost_myuan_per_gbps_yr": float(s["bandwidth_cost"]) * route_km / 100.0,
        },
        index=grid,
    )
    if not case.links.empty:
        over = case.links.set_index(["region", "site"])
        for column in ("rtt_ms", "capacity_gbps", "cost_myuan_per_gbps_yr"):
            given = over[column].dropna()
            frame.loc[given.index, column] = given.to_numpy()
    return frame.reset_index()


def routes(case: Case, link_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Admissible routes A = {(r, w, s): demand > 0, RTT(r, s) <= max RTT(w)}.

    Columns: region, workload_class, site, rtt_ms, bandwidth_gbps_per_mw,
    cost_myuan_per_gbps_yr, and the class flexibility. Sites with no buildable IT are left out.
    """
    link_table = links(case) if link_table is None else link_table
    demand = case.demand[case.demand["demand_mw"] > 0][["region", "workload_class"]]
    classes = case.classes[["max_rtt_ms", "bandwidth_gbps_per_mw", "flexibility"]]
    pairs = demand.merge(classes, left_on="workload_class", right_index=True)
    candidate = pairs.merge(link_table, on="region")
    limit = candidate["max_rtt_ms"].fillna(np.inf)
    buildable = candidate["site"].map(case.sites["max_it_mw"]) > 0
    keep = (candidate["rtt_ms"] <= limit + 1e-9) & buildable
    columns = [
        "region",
        "workload_class",
        "site",
        "rtt_ms",
        "bandwidth_gbps_per_mw",
        "cost_myuan_per_gbps_yr",
        "flexibility",
        "route_km",
    ]
    return (
        candidate.loc[keep, columns]
        .sort_values(["region", "workload_class", "site"])
        .reset_index(drop=True)
    )


def rtt_warnings(case: Case) -> list[InputError]:
    """Warn for each demand (region, class) that no site with buildable IT can reach within its
    RTT limit (before solving; the solve would then be infeasible or leave it unserved)."""
    found = routes(case)
    served = set(zip(found["region"], found["workload_class"], strict=True))
    problems = []
    for _, row in case.demand.iterrows():
        if row["demand_mw"] <= 0 or (row["region"], row["workload_class"]) in served:
            continue
        limit = case.classes.at[row["workload_class"], "max_rtt_ms"]
        reach = (
            "can serve"
            if pd.isna(limit)
            else f"is within the {limit:g} ms RTT limit of"  # a class without limit: no site
        )
        problems.append(
            InputError(
                "Demand",
                int(row["excel_row"]),
                "workload_class",
                f"no site with buildable IT capacity {reach} "
                f"region {row['region']}: {row['demand_mw']:g} MW cannot be served",
                row["workload_class"],
                "warning",
            )
        )
    return problems
