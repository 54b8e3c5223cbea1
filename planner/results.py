"""Turn a solved model into plain, tidy DataFrames with units in column names.

This is the only module that reads Pyomo values; writers and reports take its `Results`.
Column names are a public interface (see docs/results.md): keep them, add freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.prepare import ModelData
from planner.solve import SolveOutcome

HOURS_PER_YEAR = 8760.0
EPS = 1e-6
SNAP = 1e-9


@dataclass
class Results:
    """Result tables of one run (see docs/results.md for every column)."""

    summary: dict
    sites: pd.DataFrame
    routing: pd.DataFrame
    hourly: pd.DataFrame
    costs: pd.DataFrame
    duals: pd.DataFrame
    extra: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "sites": self.sites,
            "routing": self.routing,
            "hourly": self.hourly,
            "costs": self.costs,
            "duals": self.duals,
        }


def _values(var, names: list[str]) -> pd.Series:
    """Var values as a Series with a MultiIndex (or plain index) named `names`."""
    data = var.extract_values()
    if not data:  # e.g. no admissible route: still indexed by `names`, so joins work
        index = (
            pd.MultiIndex.from_arrays([[] for _ in names], names=names)
            if len(names) > 1
            else pd.Index([], name=names[0])
        )
        return pd.Series([], index=index, dtype=float)
    index = (
        pd.MultiIndex.from_tuples(list(data), names=names)
        if len(names) > 1
        else pd.Index(list(data), name=names[0])
    )
    values = np.array([0.0 if v is None else v for v in data.values()], dtype=float)
    values[np.abs(values) < SNAP] = 0.0  # solver noise such as -2e-13 MW reads as 0
    return pd.Series(values, index=index)


def _site_time(var, data: ModelData) -> pd.DataFrame:
    """An (S, T)-indexed var as a T × S frame."""
    series = _values(var, ["site", "t"])
    return series.unstack("site").reindex(columns=data.sites)


def hourly_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """One row per (site, step): dispatch, facility power, PUE and temperature."""
    L = _values(m.L, ["site", "cooling", "t"])
    it = L.groupby(level=["site", "t"]).sum().unstack("site").reindex(columns=data.sites)
    pue = data.pue.reindex(L.index)
    facility = (L * pue.to_numpy()).groupby(level=["site", "t"]).sum().unstack("site")
    facility = facility.reindex(columns=data.sites)
    pv_used, wind_used = _site_time(m.PVu, data), _site_time(m.WTu, data)
    cap_pv = _values(m.Cap_PV, ["site"]).reindex(data.sites)
    cap_wt = _values(m.Cap_WT, ["site"]).reindex(data.sites)
    pv_avail = data.pv_cf.to_numpy() * cap_pv.to_numpy()
    wind_avail = data.wind_cf.to_numpy() * cap_wt.to_numpy()
    curtailed = np.clip(pv_avail - pv_used.to_numpy(), 0, None) + np.clip(
        wind_avail - wind_used.to_numpy(), 0, None
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        pue_hour = np.where(it.to_numpy() > EPS, facility.to_numpy() / it.to_numpy(), np.nan)
    columns = {
        "it_load_mw": it.to_numpy(),
        "facility_mw": facility.to_numpy(),
        "pv_mw": pv_used.to_numpy(),
        "wind_mw": wind_used.to_numpy(),
        "grid_mw": _site_time(m.G, data).to_numpy(),
        "battery_charge_mw": _site_time(m.Ch, data).to_numpy(),
        "battery_discharge_mw": _site_time(m.Dis, data).to_numpy(),
        "battery_soc_mwh": _site_time(m.SoC, data).to_numpy(),
        "curtailed_mw": curtailed,
        "pue": pue_hour,
        "ambient_c": data.temperature.to_numpy(),
    }
    steps = data.steps
    n_t, n_s = len(steps), len(data.sites)
    frame = pd.DataFrame(
        {
            "site": np.tile(np.array(data.sites, dtype=object), n_t),
            "timestep": np.repeat(np.arange(n_t), n_s),
            "day": np.repeat(steps["day"].to_numpy(), n_s),
            "hour": np.repeat(steps["hour"].to_numpy(), n_s),
            "weight_h": np.repeat(steps["weight_h"].to_numpy(), n_s),
            **{k: v.reshape(-1) for k, v in columns.items()},
        }
    )
    order = pd.Categorical(frame["site"], categories=data.sites, ordered=True)
    return (
        frame.assign(_o=order)
        .sort_values(["_o", "timestep"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def _cost_terms(m: pyo.ConcreteModel) -> pd.DataFrame:
    rows = [(term, float(pyo.value(m.cost[term]))) for term in m.COST_TERMS]
    return pd.DataFrame(rows, columns=["term", "cost_myuan"])


def site_table(
    m: pyo.ConcreteModel, data: ModelData, hourly: pd.DataFrame, routing: pd.DataFrame
) -> pd.DataFrame:
    """Per-site capacities, annual energies, PUE, water, emissions and attributable cost."""
    case = data.case
    sites = case.sites
    cap = _values(m.Cap_IT, ["site", "cooling"]).unstack("cooling").reindex(data.sites)
    weighted = hourly.assign(
        **{
            c: hourly[c] * hourly["weight_h"]
            for c in (
                "it_load_mw",
                "facility_mw",
                "grid_mw",
                "pv_mw",
                "wind_mw",
                "curtailed_mw",
                "battery_discharge_mw",
            )
        }
    )
    energy = (
        weighted.groupby("site", sort=False)[
            [
                "it_load_mw",
                "facility_mw",
                "grid_mw",
                "pv_mw",
                "wind_mw",
                "curtailed_mw",
                "battery_discharge_mw",
            ]
        ]
        .sum()
        .reindex(data.sites)
    )
    frame = pd.DataFrame(index=pd.Index(data.sites, name="site"))
    frame["zone"] = sites["zone"].reindex(data.sites).to_numpy()
    frame["it_capacity_mw"] = cap.sum(axis=1)
    for k in case.technologies.index[case.technologies["kind"] == "facility"]:
        frame[f"it_capacity_{k}_mw"] = cap[k] if k in cap.columns else 0.0
    frame["pv_mw"] = _values(m.Cap_PV, ["site"]).reindex(data.sites)
    frame["wind_mw"] = _values(m.Cap_WT, ["site"]).reindex(data.sites)
    frame["battery_mwh"] = _values(m.Cap_E, ["site"]).reindex(data.sites)
    frame["battery_mw"] = _values(m.Cap_P, ["site"]).reindex(data.sites)
    frame["it_energy_mwh"] = energy["it_load_mw"]
    frame["facility_energy_mwh"] = energy["facility_mw"]
    it = frame["it_energy_mwh"].where(frame["it_energy_mwh"] > EPS)
    frame["pue"] = frame["facility_energy_mwh"] / it
    frame["pue_cap"] = sites["pue_cap"].reindex(data.sites)
    frame["grid_energy_mwh"] = energy["grid_mw"]
    frame["pv_energy_mwh"] = energy["pv_mw"]
    frame["wind_energy_mwh"] = energy["wind_mw"]
    frame["curtailed_mwh"] = energy["curtailed_mw"]
    frame["emissions_t"] = frame["grid_energy_mwh"] * sites["emission_factor_t_per_mwh"].reindex(
        data.sites
    )
    frame["water_m3"] = [float(pyo.value(m.water_m3[s])) for s in data.sites]
    frame["water_cap_m3"] = sites["water_cap_m3"].reindex(data.sites)
    gec = _values(m.GEC, ["site"]).reindex(data.sites)
    frame["certificates_mwh"] = gec
    facility_energy = frame["facility_energy_mwh"].where(frame["facility_energy_mwh"] > EPS)
    frame["green_share"] = (frame["pv_energy_mwh"] + frame["wind_energy_mwh"]) / facility_energy
    frame["utilisation"] = frame["it_energy_mwh"] / (
        HOURS_PER_YEAR * frame["it_capacity_mw"].where(frame["it_capacity_mw"] > EPS)
    )
    frame["cost_myuan"] = _site_costs(m, data, frame, energy, routing)
    return frame.reset_index()


def _site_costs(
    m, data: ModelData, frame: pd.DataFrame, energy: pd.DataFrame, routing: pd.DataFrame
) -> pd.Series:
    """Annual cost attributable to each site [M yuan/yr]: capital and O&M of what is built
    there, grid energy, carbon, battery wear and bandwidth of routes into it."""
    cost = pd.Series(0.0, index=frame.index)
    cap = _values(m.Cap_IT, ["site", "cooling"])
    rate = {
        k: pyo.value(m.facility_capital_rate[k]) + pyo.value(m.facility_om_rate[k]) for k in m.K
    }
    cost += (
        (cap * cap.index.get_level_values("cooling").map(rate).to_numpy())
        .groupby(level="site")
        .sum()
        .reindex(frame.index)
        .fillna(0.0)
    )
    cost += frame["pv_mw"] * (pyo.value(m.pv_capital_rate) + pyo.value(m.pv_om_rate))
    cost += frame["wind_mw"] * (pyo.value(m.wind_capital_rate) + pyo.value(m.wind_om_rate))
    cost += frame["battery_mwh"] * (
        pyo.value(m.battery_energy_capital_rate) + pyo.value(m.battery_energy_om_rate)
    )
    cost += frame["battery_mw"] * (
        pyo.value(m.battery_power_capital_rate) + pyo.value(m.battery_power_om_rate)
    )
    cost += energy["battery_discharge_mw"] * pyo.value(m.battery_wear_yuan_per_mwh) / 1e6
    grid = pd.Series(
        {
            s: pyo.value(
                sum(
                    m.grid_tariff_yuan_per_kwh[s]
                    * 1e-3
                    * m.weight[t]
                    * m.tou_factor[s, t]
                    * m.G[s, t]
                    for t in m.T
                )
            )
            for s in frame.index
        }
    )
    cost += grid
    cost += frame["emissions_t"] * pyo.value(m.carbon_price) / 1e6
    cost += frame["certificates_mwh"] * pyo.value(m.gec_price) / 1e6
    if not routing.empty:
        cost += (
            routing.groupby("site")["bandwidth_cost_myuan"].sum().reindex(frame.index).fillna(0.0)
        )
    return cost


def routing_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Served demand on each used route, with its RTT and bandwidth cost."""
    x = _values(m.x, ["region", "workload_class", "site"]).rename("served_mw")
    r = data.routes.set_index(["region", "workload_class", "site"])
    frame = r.join(x, how="inner")
    frame = frame[frame["served_mw"] > EPS].reset_index()
    frame["bandwidth_gbps"] = frame["served_mw"] * frame["bandwidth_gbps_per_mw"]
    frame["bandwidth_cost_myuan"] = frame["bandwidth_gbps"] * frame["cost_myuan_per_gbps_yr"]
    zone = data.case.sites["zone"]
    frame["zone"] = frame["site"].map(zone)
    frame["max_rtt_ms"] = frame["workload_class"].map(data.case.classes["max_rtt_ms"])
    columns = [
        "region",
        "workload_class",
        "site",
        "served_mw",
        "rtt_ms",
        "max_rtt_ms",
        "zone",
        "route_km",
        "bandwidth_gbps",
        "bandwidth_cost_myuan",
    ]
    return frame[columns]


_DUAL_SPECS = {
    # component: (index names, factor to planner unit, unit)
    "demand_met": (("region", "workload_class"), 1e6 / HOURS_PER_YEAR, "yuan/MWh IT"),
    "carbon_cap_limit": ((), 1e6, "yuan/t CO2"),
    "pue_cap_limit": (("site",), 1e6, "yuan/MWh facility"),
    "water_cap_limit": (("site",), 1e6, "yuan/m3"),
    "max_it": (("site",), 1.0, "M yuan/(MW*yr)"),
    "green_share_limit": ((), 1e6, "yuan/MWh green"),
    "green_share_site": (("site",), 1e6, "yuan/MWh green"),
    "utilisation": (("site",), 1e6, "yuan/MWh IT"),
    "link_capacity": (("region", "site"), 1.0, "M yuan/(Gbps*yr)"),
    "voucher_use": (("voucher",), 1.0, "M yuan/M yuan"),
}


def duals_table(m: pyo.ConcreteModel, outcome: SolveOutcome) -> pd.DataFrame:
    """Duals of the planner-relevant constraints in planner units.

    dual: the solver's dual in planner units (Pyomo's sign convention: change of annual cost
    per unit increase of the constraint's right-hand side as Pyomo stores it; a `≥` between two
    expressions is stored as `≤ 0`, so its sign flips). shadow_price = |dual|: the increase of
    annual cost per unit *tightening* of the limit (one more MW of demand, one unit lower cap,
    one unit higher target), ≥ 0 in an LP optimum. binding = |dual| > 1e-9 (model units).
    """
    rows = []
    columns = ["constraint", "index", "dual", "shadow_price", "unit", "binding"]
    if not outcome.duals:
        return pd.DataFrame(columns=columns)
    for name, (_, factor, unit) in _DUAL_SPECS.items():
        component = getattr(m, name, None)
        if component is None:
            continue
        for index, con in component.items():
            value = outcome.duals.get(con)
            if value is None:
                continue
            label = (
                ""
                if index is None
                else ("/".join(map(str, index)) if isinstance(index, tuple) else str(index))
            )
            converted = float(value) * factor
            rows.append((name, label, converted, abs(converted), unit, abs(value) > 1e-9))
    return pd.DataFrame(rows, columns=columns)


def collect(
    m: pyo.ConcreteModel, data: ModelData, outcome: SolveOutcome, options: dict | None = None
) -> Results:
    """All result tables and the summary of a solved model."""
    hourly = hourly_table(m, data)
    routing = routing_table(m, data)
    sites = site_table(m, data, hourly, routing)
    costs = _cost_terms(m)
    duals = duals_table(m, outcome)
    unserved = _values(m.u, ["region", "workload_class"])
    total_it = float(sites["it_energy_mwh"].sum())
    served = float(routing["served_mw"].sum())
    west = float(routing.loc[routing["zone"] == "west", "served_mw"].sum())
    facility = float(sites["facility_energy_mwh"].sum())
    green = float(sites["pv_energy_mwh"].sum() + sites["wind_energy_mwh"].sum())
    summary = {
        "case": data.case.name,
        "scenario": data.case.scenario,
        "time": data.time.mode,
        "status": outcome.status,
        "objective_myuan": float(costs["cost_myuan"].sum()),
        "solver_objective_myuan": outcome.objective,
        "gap": outcome.gap,
        "emissions_t": float(pyo.value(m.emissions_t)),
        "green_share": green / facility if facility > EPS else None,
        "west_share": west / served if served > EPS else None,
        "pue_avg": facility / total_it if total_it > EPS else None,
        "water_m3": float(sites["water_m3"].sum()),
        "unserved_mw": float(unserved.sum()) if len(unserved) else 0.0,
        "served_mw": served,
        "it_capacity_mw": float(sites["it_capacity_mw"].sum()),
        "pv_mw": float(sites["pv_mw"].sum()),
        "wind_mw": float(sites["wind_mw"].sum()),
        "battery_mwh": float(sites["battery_mwh"].sum()),
        "options": options or {},
    }
    unserved_rows = unserved[unserved > EPS].rename("unserved_mw").reset_index()
    if len(unserved_rows):
        from planner.diagnose import explain_unserved

        summary["unserved_explanation"] = explain_unserved(data, unserved_rows)
    extra = {"unserved": unserved_rows}
    return Results(summary, sites, routing, hourly, costs, duals, extra)
