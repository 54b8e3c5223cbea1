"""Explain why a case is infeasible, in planner terms and with amounts.

Method (elastic programming): rebuild the LP, give each limit family a non-negative slack
(demand via unserved load, IT capacity, PUE caps, water caps, carbon cap, green share,
utilisation, bandwidth, grid connection), minimise the weighted sum of slacks, and report
every limit that had to be violated and by how much. Slacks are scaled to comparable
planner units (MW, 1000 MWh, 1% of a cap) so that the cheapest explanation is also the
smallest one. Static checks add why a demand cannot be served: which sites are within its
RTT limit and whether each can meet its PUE cap with the cooling technologies available.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models.build import BuildOptions, build
from planner.prepare import ModelData
from planner.solve import ModelSolver, SolveOptions, SolveOutcome

TOL = 1e-5


@dataclass(frozen=True)
class Family:
    """A relaxable limit family: component name, slack unit scale, and the words to use."""

    component: str
    scale: str  # "one": slack in model units; "rhs": share of the right-hand side
    weight: float
    what: str


FAMILIES = (
    Family("max_it", "one", 1.0, "buildable IT capacity"),
    Family("pue_cap_limit", "kilo", 1.0, "annual PUE cap"),
    Family("water_cap_limit", "rhs", 1.0, "water cap"),
    Family("carbon_cap_limit", "rhs", 1.0, "carbon cap"),
    Family("green_share_limit", "kilo", 1.0, "green power share"),
    Family("green_share_site", "kilo", 1.0, "green power share"),
    Family("utilisation", "kilo", 1.0, "minimum utilisation"),
    Family("link_capacity", "rhs", 1.0, "link bandwidth"),
)
DEMAND_WEIGHT = 1e4  # per MW unserved: a limit is named before demand is dropped
GRID_WEIGHT = 1.0  # per MW over the grid connection


def best_annual_pue(data: ModelData) -> pd.DataFrame:
    """Lowest annual PUE each site can reach with each available cooling technology if its
    IT load were flat (weighted mean of the hourly PUE). Index site, columns cooling."""
    weight = data.steps["weight_h"].to_numpy()
    pue = data.pue.unstack("t")
    values = (pue.to_numpy() * weight).sum(axis=1) / weight.sum()
    return pd.Series(values, index=pue.index).unstack("cooling")


def _scale(family: Family, con) -> float:
    if family.scale == "kilo":
        return 1000.0
    if family.scale == "rhs":
        bound = con.upper if con.upper is not None else con.lower
        value = abs(float(pyo.value(bound))) if bound is not None else 0.0
        return max(value * 0.01, 1.0)
    return 1.0


def _relax(m: pyo.ConcreteModel, family: Family) -> list[tuple]:
    component = getattr(m, family.component, None)
    if component is None:
        return []
    keys = list(component.keys())
    slack = pyo.Var(keys, domain=pyo.NonNegativeReals)
    m.add_component(f"elastic_{family.component}", slack)
    terms = []
    for key in keys:
        con = component[key]
        scale = _scale(family, con)
        if con.upper is not None and con.lower is None:
            con.set_value(con.body - scale * slack[key] <= con.upper)
        elif con.lower is not None and con.upper is None:
            con.set_value(con.body + scale * slack[key] >= con.lower)
        else:
            continue
        terms.append((family, key, slack[key], scale))
    return terms


def elastic_model(data: ModelData) -> tuple[pyo.ConcreteModel, list[tuple]]:
    """The LP with every limit family made elastic and the slack sum as objective."""
    m = build(data, BuildOptions(mip=False))
    terms: list[tuple] = []
    for family in FAMILIES:
        terms.extend(_relax(m, family))
    for key in m.RW:
        m.u[key].unfix()
    m.elastic_grid = pyo.Var(m.S, domain=pyo.NonNegativeReals)
    for s in m.S:
        for t in m.T:
            m.G[s, t].setub(None)
    m.grid_limit = pyo.Constraint(
        m.S, m.T, rule=lambda m, s, t: m.G[s, t] <= m.grid_max_mw[s] + m.elastic_grid[s]
    )
    m.total_cost.deactivate()
    m.elastic_objective = pyo.Objective(
        expr=sum(f.weight * v for f, _, v, _ in terms)
        + DEMAND_WEIGHT * sum(m.u[k] for k in m.RW)
        + GRID_WEIGHT * sum(m.elastic_grid[s] for s in m.S)
    )
    return m, terms


def _key_text(key) -> str:
    if key is None:
        return ""
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _describe(family: Family, key, amount: float, m: pyo.ConcreteModel, data: ModelData) -> str:
    """One sentence for a violated limit; amount in model units of the constraint."""
    case = data.case
    name = family.component
    if name == "max_it":
        return (
            f"site {key}: needs {amount:,.1f} MW more IT capacity than its buildable "
            f"{pyo.value(m.max_it_mw[key]):,.1f} MW" + _captive_demand(data, key)
        )
    if name == "pue_cap_limit":
        it = float(pyo.value(m.it_energy_mwh[key]))
        needed = float(pyo.value(m.facility_energy_mwh[key])) / it if it > TOL else float("nan")
        cooling = ", ".join(case.cooling_techs)
        return (
            f"site {key}: cannot meet its {pyo.value(m.pue_cap[key]):.3g} PUE cap with "
            f"{cooling} cooling: the plan needs an annual PUE of {needed:.3f}"
            + _captive_demand(data, key)
        )
    if name == "water_cap_limit":
        return (
            f"site {key}: water cap {pyo.value(m.water_cap_m3[key]):,.0f} m3/yr is "
            f"{amount:,.0f} m3 below the water the served load needs"
        )
    if name == "carbon_cap_limit":
        cap = float(pyo.value(m.carbon_cap_t))
        return (
            f"carbon cap {cap / 1e6:,.3f} Mt/yr is {amount / 1e6:,.3f} Mt below the least "
            f"emissions reachable ({(cap + amount) / 1e6:,.3f} Mt/yr)"
        )
    if name in ("green_share_limit", "green_share_site"):
        where = "overall" if key is None else f"site {key}"
        return (
            f"green share {pyo.value(m.green_share_min):.0%} {where}: "
            f"{amount:,.0f} MWh/yr of green power short of the target"
        )
    if name == "utilisation":
        return (
            f"site {key}: minimum utilisation {pyo.value(m.min_utilisation):.0%} misses "
            f"by {amount:,.0f} MWh/yr of IT energy"
        )
    if name == "link_capacity":
        return (
            f"link {_key_text(key)}: needs {amount:,.1f} Gbps more than its "
            f"{pyo.value(m.link_capacity_gbps[key]):,.1f} Gbps"
        )
    return f"{family.what} {_key_text(key)} violated by {amount:,.3g}"


def _captive_demand(data: ModelData, site: str) -> str:
    """', the only site within reach of ...' for demands that can go nowhere else."""
    r = data.routes
    counts = r.groupby(["region", "workload_class"])["site"].transform("size")
    captive = r[(r["site"] == site) & (counts == 1)]
    if captive.empty:
        return ""
    demand = data.case.demand.set_index(["region", "workload_class"])["demand_mw"]
    parts = []
    for row in captive.itertuples():
        limit = data.case.classes.at[row.workload_class, "max_rtt_ms"]
        reach = "no RTT limit" if pd.isna(limit) else f"{limit:g} ms"
        parts.append(
            f"region {row.region}, class {row.workload_class} "
            f"({demand[(row.region, row.workload_class)]:,.0f} MW, {reach})"
        )
    return "; it is the only site within reach of " + ", ".join(parts)


def demand_reasons(data: ModelData, region: str, workload_class: str) -> str:
    """Why (region, class) cannot be served where it could go: sites within its RTT limit and
    whether each can build IT and meet its PUE cap with the cooling available."""
    case = data.case
    limit = case.classes.at[workload_class, "max_rtt_ms"]
    routes = data.routes[
        (data.routes["region"] == region) & (data.routes["workload_class"] == workload_class)
    ]
    within = "any distance" if pd.isna(limit) else f"{limit:g} ms"
    if routes.empty:
        return f"no site with buildable IT capacity is within {within}"
    best = best_annual_pue(data)
    cooling = ", ".join(case.cooling_techs)
    notes = []
    for site in routes["site"]:
        cap = float(case.sites.at[site, "pue_cap"])
        reach = float(np.nanmin(best.loc[site].to_numpy())) if site in best.index else np.nan
        if not np.isnan(reach) and reach > cap + 1e-9:
            notes.append(
                f"{site} cannot meet its {cap:g} PUE cap with {cooling} cooling "
                f"(best annual PUE {reach:.3f})"
            )
        else:
            notes.append(f"{site} (up to {case.sites.at[site, 'max_it_mw']:,.0f} MW)")
    lead = "the only site" if len(notes) == 1 else "sites"
    return f"{lead} within {within}: " + "; ".join(notes)


def explain_infeasibility(data: ModelData, options=None, first: SolveOutcome | None = None) -> dict:
    """Solve the elastic LP and return {'message', 'conflicts': [...], 'items': [...]}.
    first: the infeasible solve; where only interior point decided it, the elastic LP starts
    with interior point too (planner/solve.py, STRATEGIES)."""
    m, terms = elastic_model(data)
    strategy = "ipm" if first is not None and first.method == "ipm" else "auto"
    time_limit = getattr(options, "time_limit", None)
    solver = ModelSolver(m, SolveOptions(time_limit=time_limit, strategy=strategy))
    outcome = solver.solve(want_duals=False)
    if not outcome.has_solution:
        return {
            "message": "the case is infeasible and the elastic re-solve found no "
            "explanation (status " + outcome.status + ")",
            "conflicts": [],
            "items": [],
        }
    items = []
    for family, key, var, scale in terms:
        amount = float(var.value or 0.0) * scale
        if amount > TOL * max(scale, 1.0):
            items.append(
                {
                    "limit": family.component,
                    "index": _key_text(key),
                    "amount": amount,
                    "text": _describe(family, key, amount, m, data),
                }
            )
    for region, w in m.RW:
        amount = float(m.u[region, w].value or 0.0)
        if amount > TOL:
            text = (
                f"region {region}, class {w}: {amount:,.1f} MW cannot be served: "
                + demand_reasons(data, region, w)
            )
            items.append(
                {"limit": "demand_met", "index": f"{region}/{w}", "amount": amount, "text": text}
            )
    for s in m.S:
        amount = float(m.elastic_grid[s].value or 0.0)
        if amount > TOL:
            items.append(
                {
                    "limit": "grid_max",
                    "index": s,
                    "amount": amount,
                    "text": f"site {s}: needs {amount:,.1f} MW more grid connection than "
                    f"its {pyo.value(m.grid_max_mw[s]):,.0f} MW",
                }
            )
    conflicts = [i["text"] for i in items]
    message = (
        ("these limits cannot all hold: " + "; ".join(conflicts))
        if conflicts
        else "infeasible, but every limit could be met in the elastic re-solve (numerical trouble?)"
    )
    return {"message": message, "conflicts": conflicts, "items": items}


def explain_unserved(data: ModelData, unserved: pd.DataFrame) -> list[str]:
    """Sentences for demand left unserved in a solved plan (allow_unserved on)."""
    return [
        f"region {r.region}, class {r.workload_class}: {r.unserved_mw:,.1f} MW unserved: "
        + demand_reasons(data, r.region, r.workload_class)
        for r in unserved.itertuples()
    ]
