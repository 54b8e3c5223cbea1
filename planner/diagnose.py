"""Explain why a case is infeasible, in planner terms and with amounts.

Method (elastic programming): rebuild the LP, relax every limit the model registered as
relaxable (`models.elastic.relax` over `models.registry` limits: demand via unserved load,
IT capacity, PUE caps, water caps, carbon cap, green share, utilisation, bandwidth, grid
connection, and whatever a new block registers), minimise the weighted sum of slacks, and
report every limit that had to be violated and by how much. Slacks are scaled to comparable
planner units (MW, 1000 MWh, 1% of a cap) so that the cheapest explanation is also the
smallest one; unserved demand weighs 1e4 per MW, so a limit is named before demand is
dropped. Each limit words its own violation (`Limit.describe`); static checks add why a
demand cannot be served: which sites are within its RTT limit and whether each can meet its
PUE cap with the cooling technologies available.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models.build import BuildOptions, build
from models.data import ModelData
from models.elastic import Slack, relax, slack_cost, violations
from models.registry import Limit, key_text, registry
from planner.solve import ModelSolver, SolveOptions, SolveOutcome

TOL = 1e-5


def best_annual_pue(data: ModelData) -> pd.DataFrame:
    """Lowest annual PUE each site can reach with each available cooling technology if its
    IT load were flat (weighted mean of the hourly PUE). Index site, columns cooling."""
    weight = data.steps["weight_h"].to_numpy()
    pue = data.pue.unstack("t")
    values = (pue.to_numpy() * weight).sum(axis=1) / weight.sum()
    return pd.Series(values, index=pue.index).unstack("cooling")


def relaxable(limit: Limit) -> bool:
    """Whether diagnose relaxes `limit`: it has an elastic scale or a slack variable."""
    return limit.elastic is not None or limit.slack_var is not None


def elastic_model(data: ModelData) -> tuple[pyo.ConcreteModel, list[Slack]]:
    """The LP with every relaxable limit made elastic and the weighted slack sum as
    objective."""
    m = build(data, BuildOptions(mip=False))
    limits = [lim for lim in registry(m).active_limits(m) if relaxable(lim)]
    # constraints first, then slack variables (demand), then bounds: the order of the items
    limits.sort(key=lambda lim: (lim.bound is not None, lim.slack_var is not None))
    slacks = relax(m, limits)
    m.total_cost.deactivate()
    m.elastic_objective = pyo.Objective(expr=slack_cost(slacks))
    return m, slacks


def _describe(limit: Limit, key, amount: float, m: pyo.ConcreteModel, data: ModelData) -> str:
    """One sentence for a violated limit; amount in model units of the constraint."""
    if limit.describe is not None:
        text = limit.describe(m, key, amount)
    else:
        text = f"{limit.what} {key_text(key)} violated by {amount:,.3g}"
    if limit.captive and limit.scope == "site":
        site = key if not isinstance(key, tuple) else key[limit.site_position]
        text += _captive_demand(data, site)
    if limit.index == ("region", "workload_class"):
        text += ": " + demand_reasons(data, *key)
    return text


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
    m, slacks = elastic_model(data)
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
    items = [
        {
            "limit": slack.limit.name,
            "index": key_text(slack.key),
            "amount": amount,
            "text": _describe(slack.limit, slack.key, amount, m, data),
        }
        for slack, amount in violations(slacks, TOL)
    ]
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
