r"""Demand and site load (formulation §3: constraints 1–3).

(1) Demand: Σ_{s:(r,w,s)∈A} x[r,w,s] + u[r,w] = D[r,w]                  `demand_met[r,w]`
    (u exists only when allow_unserved; the dual is the marginal cost of 1 MW of (r,w))
(2) Site load: Σ_k L[s,k,t] = Σ_{w fixed} shape[w,t] · y[s,w] + Σ_{w:(s,w)∈SF} f[s,w,t]
                                                                          `site_load[s,t]`
    with y[s,w] = Σ_{r:(r,w,s)∈A} x[r,w,s] the average load of class w at site s
                                                                          `site_class_load[s,w]`
    (y is the same sum written once: it keeps the route variables out of the hourly rows,
    which makes the LP much sparser for the solver)
(3) Shiftable classes keep their daily energy, for every day d:
    Σ_{t∈d} f[s,w,t] = |d| · y[s,w]                                       `flex_daily[s,w,d]`
Cost (plan-only): unserved = penalty [M yuan/(MW·yr)] · Σ u[r,w].
Units: MW (average IT load); shape dimensionless with annual mean 1.
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import DEMAND_PRICE, Limit, add_cost, add_limit


def add_demand(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.demand_mw = pyo.Param(m.RW, mutable=True, initialize=data.param("demand_mw"))
    m.x = pyo.Var(m.A, domain=pyo.NonNegativeReals, doc="served demand [MW]")
    m.u = pyo.Var(m.RW, domain=pyo.NonNegativeReals, doc="unserved demand [MW]")
    if not data.param("allow_unserved"):
        for k in m.RW:
            m.u[k].fix(0.0)

    def demand_met(m, r, w):
        return (
            sum(m.x[r, w, s] for s in m.routes_of_demand.get((r, w), ())) + m.u[r, w]
            == m.demand_mw[r, w]
        )

    m.demand_met = pyo.Constraint(m.RW, rule=demand_met)

    regions_of: dict = {}
    for r, w, s in m.A:
        regions_of.setdefault((s, w), []).append(r)
    m.SC = pyo.Set(dimen=2, ordered=True, initialize=sorted(regions_of))
    m.y = pyo.Var(m.SC, domain=pyo.NonNegativeReals, doc="average load of a class at a site")
    m.site_class_load = pyo.Constraint(
        m.SC, rule=lambda m, s, w: m.y[s, w] == sum(m.x[r, w, s] for r in regions_of[s, w])
    )

    m.f = pyo.Var(m.SF, m.T, domain=pyo.NonNegativeReals, doc="shiftable load [MW]")
    flex = set(m.WF)
    shape = data.shape
    shape_of = {w: shape[w].to_numpy() for w in m.W}
    fixed_classes = {s: [w for (ss, w) in m.SC if ss == s and w not in flex] for s in m.S}
    flex_classes = {s: [w for (ss, w) in m.SF if ss == s] for s in m.S}

    def site_load(m, s, t):
        served = sum(float(shape_of[w][t]) * m.y[s, w] for w in fixed_classes[s])
        shifted = sum(m.f[s, w, t] for w in flex_classes[s])
        return sum(m.L[s, k, t] for k in m.K) == served + shifted

    m.site_load = pyo.Constraint(m.S, m.T, rule=site_load)

    def flex_daily(m, s, w, d):
        hours = m.steps_of_day[d]
        return sum(m.f[s, w, t] for t in hours) == len(hours) * m.y[s, w]

    m.flex_daily = pyo.Constraint(m.SF, m.D, rule=flex_daily)

    m.unserved_myuan_per_mw_yr = pyo.Param(
        initialize=data.param("unserved_myuan_per_mw_yr"), mutable=True
    )
    add_cost(m, "unserved", 80, plan=lambda m: m.unserved_myuan_per_mw_yr * sum(m.u.values()))
    add_limit(
        m,
        Limit(
            "demand_met",
            ("region", "workload_class"),
            "demand",
            "plan",
            role=DEMAND_PRICE,
            rank=1,
            unit="yuan/MWh IT",
            factor=1e6 / 8760.0,
            meaning="one more MW of this region's demand of this class (per MWh IT)",
            slack_var="u",
            describe=lambda m, key, amount: (
                f"region {key[0]}, class {key[1]}: {amount:,.1f} MW cannot be served"
            ),
            weight=1e4,  # per MW unserved: a limit is named before demand is dropped
        ),
    )
