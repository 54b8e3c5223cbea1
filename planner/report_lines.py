"""The report's power-line parts (issue 15): lines on a map and "Move bits or move watts".

Everything here reads the files of a results folder (`planner.report.RunFolder`): lines.csv,
sites.csv (its `marginal_energy_yuan_per_mwh`, from the duals of the energy balance),
routing.csv and the inputs used. The chart traces are their own function
(`power_line_traces`) so that any map (lon/lat plane or geo) can draw them.

"Move bits or move watts", per demand region r and per MWh of IT energy of one more MW:
- *local grid*: the nearest site of zone east that no line lands at;
- *import over a line*: the nearest site a line lands at;
- *move load west*: the western site (max_it > 0) region r routes to in the plan (the
  cheapest; the nearest when it routes none west), plus the route's bandwidth cost.
Cost = PUE of the site × its marginal energy price (dual of its energy balance, yuan/MWh:
marginal, the plan's capacities may adjust) + bandwidth per MWh IT (west only). IT hall
capex per MW is the same in all three ways and left out. Emissions = the site's emissions ÷
its IT energy in the plan (t CO2/MWh IT; an average, not a marginal figure: with lines, the
landing site's emissions include the grid energy the line carries).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner import charts

HOURS_PER_YEAR = 8760.0
LINE_COLOUR = "#7a4fb5"


def power_line_traces(lines: pd.DataFrame, site_xy: pd.DataFrame, geo: bool = False) -> list:
    """One trace per line from its sending node to its landing site (width ∝ capacity; dashed
    when no energy flows), plus a hover point at its middle. `geo`: Scattergeo traces (for a
    geo map) instead of Scatter on a lon/lat plane."""
    if lines.empty or site_xy.empty:
        return []
    known = lines["from_site"].isin(site_xy.index) & lines["to_site"].isin(site_xy.index)
    lines = lines[known]
    biggest = float(pd.to_numeric(lines["capacity_mw"]).max()) if len(lines) else 0.0
    traces, mid_lon, mid_lat, text = [], [], [], []
    for row in lines.itertuples(index=False):
        a, b = site_xy.loc[row.from_site], site_xy.loc[row.to_site]
        lon = [float(a["lon"]), float(b["lon"])]
        lat = [float(a["lat"]), float(b["lat"])]
        width = 1.5 + 8.5 * float(row.capacity_mw) / biggest if biggest > 0 else 1.5
        line = {"width": round(width, 2), "color": LINE_COLOUR}
        if not float(row.sent_mwh) > 0:
            line["dash"] = "dash"
        common = dict(mode="lines", line=line, hoverinfo="skip", showlegend=False)
        traces.append(
            go.Scattergeo(lon=lon, lat=lat, **common) if geo else go.Scatter(x=lon, y=lat, **common)
        )
        mid_lon.append(sum(lon) / 2)
        mid_lat.append(sum(lat) / 2)
        share = row.green_share if row.green_share is not None else float("nan")
        text.append(
            f"{charts.esc(row.line)}: {charts.esc(row.from_site)} → {charts.esc(row.to_site)}"
            f"<br>{float(row.capacity_mw):,.0f} MW ({float(row.new_mw):,.0f} new), "
            f"{float(row.delivered_mwh) / 1e3:,.0f} GWh/yr delivered"
            + ("" if math.isnan(float(share)) else f", {float(share):.0%} green")
        )
    hover = dict(
        mode="markers",
        marker={"size": 10, "color": "rgba(0,0,0,0)"},
        hovertext=text,
        hoverinfo="text",
        name="power lines",
        showlegend=False,
    )
    traces.append(
        go.Scattergeo(lon=mid_lon, lat=mid_lat, **hover)
        if geo
        else go.Scatter(x=mid_lon, y=mid_lat, **hover)
    )
    return traces


def power_line_map(lines: pd.DataFrame, site_xy: pd.DataFrame) -> go.Figure | None:
    """Sites and the power lines between them on a longitude/latitude plane."""
    traces = power_line_traces(lines, site_xy)
    if not traces:
        return None
    fig = go.Figure(traces)
    zones = site_xy["zone"].astype(str)
    fig.add_trace(
        go.Scatter(
            x=site_xy["lon"],
            y=site_xy["lat"],
            mode="markers+text",
            text=[charts.esc(s) for s in site_xy.index],
            textposition="top center",
            marker={"size": 9, "color": [charts.ZONE_COLOURS.get(z, "#555555") for z in zones]},
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(title="longitude [deg E]")
    fig.update_yaxes(title="latitude [deg N]", scaleanchor="x", scaleratio=1)
    return charts._layout(fig, "Power lines: sending node → landing site, width ∝ MW", 460)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from planner.network import great_circle_km

    return float(great_circle_km(lat1, lon1, lat2, lon2))


def bits_or_watts(
    sites: pd.DataFrame,
    lines: pd.DataFrame,
    routing: pd.DataFrame,
    site_xy: pd.DataFrame,
    region_xy: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (demand region, way) with the site, cost [yuan/MWh IT] and emissions
    [t CO2/MWh IT] of serving one more MW that way (module doc); empty without the marginal
    energy prices (MILP runs) or without lines."""
    price_column = "marginal_energy_yuan_per_mwh"
    if lines.empty or price_column not in sites or region_xy.empty:
        return pd.DataFrame()
    s = sites.set_index("site")
    pue_avg = float(
        s["facility_energy_mwh"].sum() / s["it_energy_mwh"].sum()
        if s["it_energy_mwh"].sum() > 0
        else 1.2
    )
    pue = pd.to_numeric(s["pue"], errors="coerce").fillna(pue_avg)
    it = pd.to_numeric(s["it_energy_mwh"], errors="coerce")
    intensity = (pd.to_numeric(s["emissions_t"]) / it.where(it > 0)).astype(float)
    landing = set(lines["to_site"].astype(str))
    max_it = pd.to_numeric(site_xy.get("max_it_mw"), errors="coerce")
    zone = s["zone"].astype(str)
    east = [x for x in s.index if zone[x] == "east" and x not in landing and x in site_xy.index]
    landed = [x for x in s.index if x in landing and x in site_xy.index]
    west = [
        x
        for x in s.index
        if zone[x] == "west" and x in site_xy.index and float(max_it.get(x, 0) or 0) > 0
    ]

    def nearest(region: str, candidates: list[str]) -> str | None:
        if not candidates:
            return None
        r = region_xy.loc[region]
        distance = [
            _km(r["lat"], r["lon"], site_xy.loc[c, "lat"], site_xy.loc[c, "lon"])
            for c in candidates
        ]
        return candidates[int(np.argmin(distance))]

    def energy(site: str) -> float:
        return float(pue[site]) * float(s.loc[site, price_column])

    rows = []
    for region in region_xy.index[region_xy["demand_mw"] > 0]:
        for way, site in (
            ("local grid", nearest(region, east)),
            ("import power over a line", nearest(region, landed)),
        ):
            if site is not None:
                rows.append((region, way, site, energy(site), 0.0, intensity.get(site)))
        used = routing[(routing["region"] == region) & routing["site"].isin(west)]
        bandwidth = {}
        for site, group in used.groupby("site"):
            served = float(group["served_mw"].sum())
            cost = float(group["bandwidth_cost_myuan"].sum())
            bandwidth[site] = cost * 1e6 / (served * HOURS_PER_YEAR) if served > 0 else 0.0
        if bandwidth:
            site = min(bandwidth, key=lambda x: energy(x) + bandwidth[x])
            rows.append((region, "move load west", site, energy(site), bandwidth[site], None))
        elif (site := nearest(region, west)) is not None:
            rows.append((region, "move load west", site, energy(site), float("nan"), None))
        if rows and rows[-1][1] == "move load west":
            rows[-1] = (*rows[-1][:5], intensity.get(rows[-1][2]))
    frame = pd.DataFrame(
        rows,
        columns=[
            "region",
            "way",
            "site",
            "energy_yuan_per_mwh_it",
            "bandwidth_yuan_per_mwh_it",
            "emissions_t_per_mwh_it",
        ],
    )
    frame["cost_yuan_per_mwh_it"] = frame["energy_yuan_per_mwh_it"] + frame[
        "bandwidth_yuan_per_mwh_it"
    ].fillna(0.0)
    return frame
