r"""Green power trading contracts (绿电交易, formulation §8.6), if Policy · ppa_premium is set.

A site may contract Cap_PPA[s] MW of a named renewable plant (Policy · ppa_profile: `wind` or `pv`,
the site's own capacity-factor profile of that kind standing for a plant in its province).
The contract delivers Cap_PPA[s] · cf[s,v,t] MWh in each hour, all of it paid (take-or-pay) at the
site's grid tariff plus the premium; the site takes what it can use, the rest is spilled:

    PPAu[s,t] ≤ cf[s,v,t] · Cap_PPA[s]                                          `contract_take[s,t]`
    balance term: contract PPAu (+1) (§6)
    cost contract_energy = (price[s] + premium) · Σ_t ω_t cf[s,v,t] · Cap_PPA[s]   (per site)

Contracted energy taken is green and carbon-free: it counts in the annual green share (11:
`contract_mwh[s]` = Σ_t ω_t PPAu[s,t] is added to `green_mwh`) and, hour by hour, in the CFE
credited (models/cfe.py); spilled energy counts in neither. It is not grid import G, so it
emits nothing and does not use the grid connection's G bound. Units: MW, MWh/yr, M yuan.
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import add_balance_term, add_cost


def add_contracts(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Contract capacity per site, the energy taken each hour and its cost (module doc)."""
    if data.param("ppa_premium_myuan_per_mwh") is None:
        return
    kind = data.param("ppa_profile")
    m.ppa_premium_myuan_per_mwh = pyo.Param(
        initialize=data.param("ppa_premium_myuan_per_mwh"), mutable=True
    )
    m.Cap_PPA = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="contracted plant capacity [MW]")
    m.PPAu = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals, doc="contracted energy taken [MW]")
    m.contract_take = pyo.Constraint(
        m.S, m.T, rule=lambda m, s, t: m.PPAu[s, t] <= m.cf[s, kind, t] * m.Cap_PPA[s]
    )
    m.contract_delivered_mwh = pyo.Expression(
        m.S, rule=lambda m, s: sum(m.weight[t] * m.cf[s, kind, t] for t in m.T) * m.Cap_PPA[s]
    )
    m.contract_mwh = pyo.Expression(
        m.S, rule=lambda m, s: sum(m.weight[t] * m.PPAu[s, t] for t in m.T)
    )
    add_balance_term(m, "contract", 1, lambda m, s, t: m.PPAu[s, t])
    add_cost(
        m,
        "contract_energy",
        45,
        site=lambda m, s: (
            (m.grid_price_myuan_per_mwh[s] + m.ppa_premium_myuan_per_mwh)
            * m.contract_delivered_mwh[s]
        ),
    )


def contract_taken(m: pyo.ConcreteModel, s: str, t: int):
    """Contracted power taken at site s in step t [MW] (0 without contracts)."""
    return m.PPAu[s, t] if m.component("PPAu") is not None else 0.0


def contract_mwh(m: pyo.ConcreteModel, s: str):
    """Contracted energy taken at site s [MWh/yr] (0 without contracts)."""
    return m.contract_mwh[s] if m.component("contract_mwh") is not None else 0.0
