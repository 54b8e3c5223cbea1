r"""Objective: minimise annual cost [M yuan/yr] (formulation §10).

The objective sums exactly the cost terms the blocks registered (models.registry):
- a site-attributable term is cost[term] = Σ_s cost_site[term, s]        `m.cost_site`
- a plan-only term is one expression                                       `m.cost`
total_cost = Σ_{term ∈ COST_TERMS} cost[term], so costs.csv adds up to the objective and the
sites' costs plus the plan-only terms add up to it too.
Today's terms (rank order): facility_capital, facility_om, pv_capital, pv_om, wind_capital,
wind_om, battery_capital, battery_om, battery_wear, grid_energy, carbon, bandwidth,
certificates (per site); unserved, vouchers, site_opening (plan-only).
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import registry


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    reg = registry(m)
    terms = reg.cost_terms()
    by_name = {c.name: c for c in terms}
    m.COST_TERMS = pyo.Set(initialize=[c.name for c in terms], ordered=True)
    m.SITE_COST_TERMS = pyo.Set(initialize=reg.site_terms(), ordered=True)
    m.cost_site = pyo.Expression(
        m.SITE_COST_TERMS, m.S, rule=lambda m, term, s: by_name[term].site(m, s)
    )

    def cost(m, term):
        c = by_name[term]
        if c.site_local:
            return sum(m.cost_site[term, s] for s in m.S)
        return c.plan(m)

    m.cost = pyo.Expression(m.COST_TERMS, rule=cost)
    m.total_cost = pyo.Objective(
        expr=sum(m.cost[term] for term in m.COST_TERMS), sense=pyo.minimize
    )
