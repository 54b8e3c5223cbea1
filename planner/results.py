"""Turn a solved model into plain, tidy DataFrames with units in column names.

This is the only module that reads Pyomo values; writers and reports take its `Results`.
Column names are a public interface (see docs/results.md): keep them, add freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models.data import ModelData
from models.registry import connected_sites, key_text, registry
from planner.results_hardware import compute_summary, hardware_on, hardware_table, supply_table
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
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    hourly_lines: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The output tables by file name; `lines` and `hourly_lines` only when the case has
        power lines."""
        tables = {
            "sites": self.sites,
            "routing": self.routing,
            "hourly": self.hourly,
            "costs": self.costs,
            "duals": self.duals,
        }
        if len(self.lines):
            tables["lines"] = self.lines
        if len(self.hourly_lines):
            tables["hourly_lines"] = self.hourly_lines
        return tables


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


def hourly_table(
    m: pyo.ConcreteModel, data: ModelData, line_flows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per (site, step): dispatch, facility power, PUE and temperature; `line_flows`:
    the run's `line_hourly_table` when already computed."""
    L = _values(m.L, ["site", "cooling", "t"])
    it = L.groupby(level=["site", "t"]).sum().unstack("site").reindex(columns=data.sites)
    pue = data.pue.reindex(L.index)
    facility = (L * pue.to_numpy()).groupby(level=["site", "t"]).sum().unstack("site")
    facility = facility.reindex(columns=data.sites)
    used = _values(m.VREu, ["site", "tech", "t"])
    capacity = _values(m.Cap_VRE, ["site", "tech"])
    supply, curtailed = {}, np.zeros((len(data.steps), len(data.sites)))
    for v in data.renewables:
        v_used = used.xs(v, level="tech").unstack("site").reindex(columns=data.sites).to_numpy()
        cap = capacity.xs(v, level="tech").reindex(data.sites).to_numpy()
        supply[f"{v}_mw"] = v_used
        curtailed += np.clip(data.cf[v].to_numpy() * cap - v_used, 0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        pue_hour = np.where(it.to_numpy() > EPS, facility.to_numpy() / it.to_numpy(), np.nan)
    columns = {
        "it_load_mw": it.to_numpy(),
        "facility_mw": facility.to_numpy(),
        **supply,
        "grid_mw": _site_time(m.G, data).to_numpy(),
        "battery_charge_mw": _site_time(m.Ch, data).to_numpy(),
        "battery_discharge_mw": _site_time(m.Dis, data).to_numpy(),
        "battery_soc_mwh": _site_time(m.SoC, data).to_numpy(),
        "curtailed_mw": curtailed,
        "pue": pue_hour,
        "ambient_c": data.temperature.to_numpy(),
        **line_flows_by_site(
            line_hourly_table(m, data) if line_flows is None else line_flows, data
        ),
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
    renewables = [f"{v}_mw" for v in data.renewables]
    summed = [
        "it_load_mw",
        "facility_mw",
        "grid_mw",
        *renewables,
        "curtailed_mw",
        "battery_discharge_mw",
    ]
    weighted = hourly.assign(**{c: hourly[c] * hourly["weight_h"] for c in summed})
    energy = weighted.groupby("site", sort=False)[summed].sum().reindex(data.sites)
    frame = pd.DataFrame(index=pd.Index(data.sites, name="site"))
    frame["zone"] = sites["zone"].reindex(data.sites).to_numpy()
    frame["it_capacity_mw"] = cap.sum(axis=1)
    for k in case.technologies.index[case.technologies["kind"] == "facility"]:
        frame[f"it_capacity_{k}_mw"] = cap[k] if k in cap.columns else 0.0
    capacity = _values(m.Cap_VRE, ["site", "tech"])
    for v in data.renewables:
        frame[f"{v}_mw"] = capacity.xs(v, level="tech").reindex(data.sites)
    frame["battery_mwh"] = _values(m.Cap_E, ["site"]).reindex(data.sites)
    frame["battery_mw"] = _values(m.Cap_P, ["site"]).reindex(data.sites)
    for name, value in existing_and_new(m, data).items():
        frame[name] = value
    frame["it_energy_mwh"] = energy["it_load_mw"]
    frame["facility_energy_mwh"] = energy["facility_mw"]
    it = frame["it_energy_mwh"].where(frame["it_energy_mwh"] > EPS)
    frame["pue"] = frame["facility_energy_mwh"] / it
    frame["pue_cap"] = sites["pue_cap"].reindex(data.sites)
    frame["grid_energy_mwh"] = energy["grid_mw"]
    for v in data.renewables:
        frame[f"{v}_energy_mwh"] = energy[f"{v}_mw"]
    frame["curtailed_mwh"] = energy["curtailed_mw"]
    # emissions and green energy as the model counts them: a power line moves its sending
    # node's grid emissions and renewable energy to the receiving site (models/lines.py)
    frame["emissions_t"] = [float(pyo.value(m.emissions_site_t[s])) for s in data.sites]
    frame["water_m3"] = [float(pyo.value(m.water_m3[s])) for s in data.sites]
    frame["water_cap_m3"] = sites["water_cap_m3"].reindex(data.sites)
    gec = _values(m.GEC, ["site"]).reindex(data.sites)
    frame["certificates_mwh"] = gec
    facility_energy = frame["facility_energy_mwh"].where(frame["facility_energy_mwh"] > EPS)
    # green power contracts (models/contracts.py): capacity and energy taken
    has_contracts = m.component("contract_mwh") is not None
    frame["contract_capacity_mw"] = (
        _values(m.Cap_PPA, ["site"]).reindex(data.sites) if has_contracts else 0.0
    )
    frame["contract_mwh"] = [
        float(pyo.value(m.contract_mwh[s])) if has_contracts else 0.0 for s in data.sites
    ]
    # green_mwh (policy §11): own renewables used + contracts + registered terms (a line moves
    # its sending node's green energy to the receiving site)
    green_mwh = np.array([float(pyo.value(m.green_mwh[s])) for s in data.sites])
    green_mwh[np.abs(green_mwh) < EPS] = 0.0  # a supply node's sent-out green reads 0, not -0
    frame["green_mwh"] = green_mwh
    # green share without contracts (own renewables and line imports)
    frame["green_share"] = (frame["green_mwh"] - frame["contract_mwh"]) / facility_energy
    # the annual claim with contracts and unbundled certificates (GEC); the hourly CFE score
    # counts contracts (hour by hour) but not certificates
    frame["certified_green_share"] = (frame["green_mwh"] + gec.fillna(0.0)) / facility_energy
    # hourly CFE (models/cfe.py): clean energy matched hour by hour, and its share
    frame["cfe_mwh"] = [float(pyo.value(m.cfe_mwh[s])) for s in data.sites]
    frame["cfe_score"] = frame["cfe_mwh"] / facility_energy
    if "line_import_mw" in hourly.columns:
        moved = hourly.assign(
            imp=hourly["line_import_mw"] * hourly["weight_h"],
            exp=hourly["line_export_mw"] * hourly["weight_h"],
        )
        moved = moved.groupby("site", sort=False)[["imp", "exp"]].sum().reindex(data.sites)
        frame["line_import_mwh"] = moved["imp"]
        frame["line_export_mwh"] = moved["exp"]
    frame["utilisation"] = frame["it_energy_mwh"] / (
        HOURS_PER_YEAR * frame["it_capacity_mw"].where(frame["it_capacity_mw"] > EPS)
    )
    frame["cost_myuan"] = site_costs(m).sum(axis=0).reindex(data.sites)
    return frame.reset_index()


def marginal_energy_prices(m: pyo.ConcreteModel, outcome: SolveOutcome) -> dict[str, float]:
    """Marginal cost of one more MW of flat load at each site's bus [yuan/MWh], from the duals
    of `m.energy_balance[s,t]` (each already weighted by the step's hours): Σ_t dual × 1e6 /
    8760. Empty without duals (MILP, or duals not asked for). The balance is written supply =
    draws, so a dual is the cost of one more MW drawn (≥ 0)."""
    if not outcome.duals:
        return {}
    prices = {}
    for s in m.S:
        total = sum(float(outcome.duals.get(m.energy_balance[s, t], 0.0)) for t in m.T)
        prices[s] = abs(total) * 1e6 / HOURS_PER_YEAR
    return prices


def existing_and_new(m: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.Series]:
    """Capacity that existed (Existing sheet) and capacity the plan adds, per site
    (formulation §2.1): existing_it_mw / new_it_mw [MW IT, all cooling technologies],
    existing_<v>_mw / new_<v>_mw per renewable [MW], existing_battery_mwh / new_battery_mwh
    [MWh] and existing_battery_mw / new_battery_mw [MW]. Existing + new = the total column."""

    def per_site(param, var, names: list[str]) -> tuple[pd.Series, pd.Series]:
        total = _values(var, names)
        existing = pd.Series([float(pyo.value(param[k])) for k in total.index], index=total.index)
        new = (total - existing).clip(lower=0.0)  # solver tolerance: never below 0
        if len(names) > 1:
            return existing, new
        return existing.reindex(data.sites), new.reindex(data.sites)

    it_old, it_new = per_site(m.it_existing_mw, m.Cap_IT, ["site", "cooling"])
    out = {
        "existing_it_mw": it_old.groupby(level="site").sum().reindex(data.sites),
        "new_it_mw": it_new.groupby(level="site").sum().reindex(data.sites),
    }
    vre_old, vre_new = per_site(m.vre_existing_mw, m.Cap_VRE, ["site", "tech"])
    for v in data.renewables:
        out[f"existing_{v}_mw"] = vre_old.xs(v, level="tech").reindex(data.sites)
        out[f"new_{v}_mw"] = vre_new.xs(v, level="tech").reindex(data.sites)
    e_old, e_new = per_site(m.battery_existing_mwh, m.Cap_E, ["site"])
    p_old, p_new = per_site(m.battery_existing_mw, m.Cap_P, ["site"])
    out.update(
        existing_battery_mwh=e_old,
        new_battery_mwh=e_new,
        existing_battery_mw=p_old,
        new_battery_mw=p_new,
    )
    return out


def site_costs(m: pyo.ConcreteModel) -> pd.DataFrame:
    """The model's per-site cost attribution `m.cost_site` [M yuan/yr]: one row per
    site-attributable cost term, one column per site. The plan-only terms (`m.cost` of the
    terms not in `m.SITE_COST_TERMS`) add the rest of the objective."""
    values = {
        (term, s): float(pyo.value(m.cost_site[term, s])) for term in m.SITE_COST_TERMS for s in m.S
    }
    frame = pd.Series(values, dtype=float).unstack()
    return frame.reindex(index=list(m.SITE_COST_TERMS), columns=list(m.S)).fillna(0.0)


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


def duals_table(m: pyo.ConcreteModel, outcome: SolveOutcome) -> pd.DataFrame:
    """Duals of the model's registered limits (models.registry) in planner units.

    dual: the solver's dual in planner units (Pyomo's sign convention: change of annual cost
    per unit increase of the constraint's right-hand side as Pyomo stores it; a `≥` between two
    expressions is stored as `≤ 0`, so its sign flips). shadow_price = |dual|: the increase of
    annual cost per unit *tightening* of the limit (one more MW of demand, one unit lower cap,
    one unit higher target), ≥ 0 in an LP optimum. binding = |dual| > 1e-9 (model units).
    meaning: what one unit of shadow price buys, in words.
    """
    rows = []
    columns = ["constraint", "index", "dual", "shadow_price", "unit", "binding", "meaning"]
    if not outcome.duals:
        return pd.DataFrame(columns=columns)
    limits = [lim for lim in registry(m).limits.values() if lim.dual and lim.bound is None]
    for limit in sorted(limits, key=lambda lim: lim.rank):
        component = m.component(limit.name)
        if component is None:
            continue
        for index, con in component.items():
            value = outcome.duals.get(con)
            if value is None:
                continue
            converted = float(value) * limit.factor
            rows.append(
                (
                    limit.name,
                    key_text(index),
                    converted,
                    abs(converted),
                    limit.unit,
                    abs(value) > 1e-9,
                    limit.meaning,
                )
            )
    return pd.DataFrame(rows, columns=columns)


def collect(
    m: pyo.ConcreteModel, data: ModelData, outcome: SolveOutcome, options: dict | None = None
) -> Results:
    """All result tables and the summary of a solved model."""
    hourly_lines = line_hourly_table(m, data)
    hourly = hourly_table(m, data, hourly_lines)
    routing = routing_table(m, data)
    sites = site_table(m, data, hourly, routing)
    costs = _cost_terms(m)
    duals = duals_table(m, outcome)
    prices = marginal_energy_prices(m, outcome)
    if prices:
        sites["marginal_energy_yuan_per_mwh"] = sites["site"].map(prices)
    unserved = _values(m.u, ["region", "workload_class"])
    total_it = float(sites["it_energy_mwh"].sum())
    served = float(routing["served_mw"].sum())
    west = float(routing.loc[routing["zone"] == "west", "served_mw"].sum())
    facility = float(sites["facility_energy_mwh"].sum())
    # green without contracts (own renewables and line imports); contracts enter the certified share
    green = float(sites["green_mwh"].sum()) - float(sites["contract_mwh"].sum())
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
        "certified_green_share": (
            green
            + float(sites["contract_mwh"].sum())
            + float(sites["certificates_mwh"].fillna(0.0).sum())
        )
        / facility
        if facility > EPS
        else None,
        "cfe_score": float(sites["cfe_mwh"].sum()) / facility if facility > EPS else None,
        "west_share": west / served if served > EPS else None,
        "pue_avg": facility / total_it if total_it > EPS else None,
        "water_m3": float(sites["water_m3"].sum()),
        "unserved_mw": float(unserved.sum()) if len(unserved) else 0.0,
        "served_mw": served,
        "it_capacity_mw": float(sites["it_capacity_mw"].sum()),
        **{f"{v}_mw": float(sites[f"{v}_mw"].sum()) for v in data.renewables},
        "battery_mwh": float(sites["battery_mwh"].sum()),
        "options": options or {},
    }
    unserved_rows = unserved[unserved > EPS].rename("unserved_mw").reset_index()
    if len(unserved_rows):
        from planner.diagnose import explain_unserved

        summary["unserved_explanation"] = explain_unserved(data, unserved_rows)
    reg = registry(m)
    extra = {
        "unserved": unserved_rows,
        # what planner.redispatch needs from the plan's model, as plain data
        "plan_only_terms": reg.plan_terms(),
        "site_groups": connected_sites(m),
        "priced_limits": [
            lim.name
            for lim in reg.active_limits(m)
            if lim.scope == "plan" and lim.dispatch and lim.bound is None
        ],
        "renewables": list(data.renewables),
        # every limit's metadata (role, scope, unit, …): limits.json, what the report selects by
        "limits": reg.records(m),
    }
    lines = line_table(m, data, hourly_lines)
    if len(lines):
        extra["line_new_mw"] = dict(zip(lines["line"], lines["new_mw"], strict=True))
    if hardware_on(m):  # formulation §8b: hardware.csv, hardware_supply.csv, summary.compute
        extra["hardware"] = hardware_table(m, data)
        extra["hardware_supply"] = supply_table(m, data, duals)
        summary["compute"] = compute_summary(
            extra["hardware"], extra["hardware_supply"], sites, costs
        )
    return Results(summary, sites, routing, hourly, costs, duals, extra, lines, hourly_lines)


def line_hourly_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """One row per (line, step) when the case has power lines (`hourly_lines.*`): the flow
    sent on existing and on new capacity, its total and green part [MW, at the sending end],
    and the power delivered after losses [MW]; empty without lines."""
    ends = getattr(m, "line_ends", {})
    if not ends:
        return pd.DataFrame()
    lines = list(ends)
    steps = data.steps
    n_t = len(steps)

    def by_line(var) -> np.ndarray:  # L × T
        frame = _values(var, ["line", "t"]).unstack("t")
        return frame.reindex(index=lines).to_numpy()

    existing, new, green = by_line(m.FE), by_line(m.FN), by_line(m.FG)
    keep = 1.0 - np.array([float(pyo.value(m.line_loss[ln])) for ln in lines])
    flow = existing + new
    n_l = len(lines)
    return pd.DataFrame(
        {
            "line": np.repeat(np.array(lines, dtype=object), n_t),
            "from_site": np.repeat(np.array([ends[ln][0] for ln in lines], dtype=object), n_t),
            "to_site": np.repeat(np.array([ends[ln][1] for ln in lines], dtype=object), n_t),
            "timestep": np.tile(np.arange(n_t), n_l),
            "day": np.tile(steps["day"].to_numpy(), n_l),
            "hour": np.tile(steps["hour"].to_numpy(), n_l),
            "weight_h": np.tile(steps["weight_h"].to_numpy(), n_l),
            "flow_existing_mw": existing.reshape(-1),
            "flow_new_mw": new.reshape(-1),
            "flow_mw": flow.reshape(-1),
            "green_mw": green.reshape(-1),
            "delivered_mw": (keep[:, None] * flow).reshape(-1),
            "green_delivered_mw": (keep[:, None] * green).reshape(-1),
        }
    )


def line_flows_by_site(flows: pd.DataFrame, data: ModelData) -> dict[str, np.ndarray]:
    """Hourly line power at each site (T × S arrays) from `line_hourly_table`'s rows:
    line_import_mw (delivered, after losses), line_export_mw (sent) and
    line_green_import_mw (the green part delivered) [MW]; {} without lines."""
    if flows.empty:
        return {}

    def at(site_column: str, value: str) -> np.ndarray:
        summed = flows.groupby([site_column, "timestep"])[value].sum().unstack(site_column)
        return summed.reindex(index=range(len(data.steps)), columns=data.sites).fillna(0.0)

    return {
        "line_import_mw": at("to_site", "delivered_mw").to_numpy(),
        "line_export_mw": at("from_site", "flow_mw").to_numpy(),
        "line_green_import_mw": at("to_site", "green_delivered_mw").to_numpy(),
    }


def line_table(
    m: pyo.ConcreteModel, data: ModelData, flows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per power line (lines.csv): capacities [MW], energies [MWh/yr], utilisation,
    losses, cost [M yuan/yr] and the green share and emissions it carries; `flows`: the
    run's `line_hourly_table` when already computed."""
    ends = getattr(m, "line_ends", {})
    if not ends:
        return pd.DataFrame()
    weight = data.weight_h
    by_line = (line_hourly_table(m, data) if flows is None else flows).groupby("line", sort=False)
    rows = []
    for ln, (start, end) in ends.items():
        hours = by_line.get_group(ln)
        fe = hours["flow_existing_mw"].to_numpy()
        fn = hours["flow_new_mw"].to_numpy()
        fg = hours["green_mw"].to_numpy()
        loss = float(pyo.value(m.line_loss[ln]))
        new = max(0.0, float(pyo.value(m.Cap_L[ln])))
        new = 0.0 if new < SNAP else new  # solver noise such as -1e-12 MW reads as 0
        existing = float(pyo.value(m.line_existing_mw[ln]))
        sent = float(weight @ (fe + fn))
        green = float(weight @ fg)
        tariff = float(pyo.value(m.line_tariff_myuan_per_mwh[ln])) * float(weight @ fe)
        capital = float(pyo.value(m.line_capital_rate[ln])) * new
        om = float(pyo.value(m.line_om_rate[ln])) * new
        capacity = existing + new
        ef = float(pyo.value(m.emission_factor[start]))
        rows.append(
            {
                "line": ln,
                "from_site": start,
                "to_site": end,
                "existing_mw": existing,
                "existing_peak_mw": float(np.max(fe)) if len(fe) else 0.0,
                "new_mw": new,
                "capacity_mw": capacity,
                "sent_mwh": sent,
                "delivered_mwh": (1 - loss) * sent,
                "losses_mwh": loss * sent,
                "loss_share": loss,
                "utilisation": sent / (HOURS_PER_YEAR * capacity) if capacity > EPS else None,
                "peak_flow_mw": float(np.max(fe + fn)) if len(fe) else 0.0,
                "tariff_cost_myuan": tariff,
                "capital_cost_myuan": capital,
                "om_cost_myuan": om,
                "cost_myuan": tariff + capital + om,
                "green_mwh": green,
                "green_share": green / sent if sent > EPS else None,
                "emissions_t": ef * (sent - green),
            }
        )
    return pd.DataFrame(rows)
