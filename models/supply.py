r"""Variable renewables and grid supply; the hourly energy balance (formulation §4 and §6).

Variable renewables are one technology dimension v ∈ VRE (pv, wind, ...: rows of the
Technologies sheet with a capacity factor profile each):
VREu[s,v,t] ≤ cf[s,v,t] · Cap_VRE[s,v]                                   `vre_output[s,v,t]`
VREexist[s,v] ≤ Cap_VRE[s,v] ≤ VREmax[s,v]                               (variable bounds;
    existing capacity is never retired; Cap_VRE_new[s,v] = Cap_VRE[s,v] − VREexist[s,v])
G[s,t] ≤ GridMax[s]                                                       (variable bound,
                                                                          limit `grid_max_limit`)
Balance terms: grid G (+1), renewables Σ_v VREu (+1).
Costs (per site): <v>_capital = a·capex[v] · Cap_VRE_new[s,v] (new only), <v>_om = om·capex[v] ·
Cap_VRE[s,v] for each v (pv_capital, pv_om, wind_capital, wind_om), and grid_energy =
price[s] · Σ_t ω_t · tou[s,t] · G[s,t] (price in M yuan/MWh).

Energy balance (`add_energy_balance`, after every block that registers a balance term):
Σ_{terms with sign +1} term[s,t] = Σ_{terms with sign −1} term[s,t]      `energy_balance[s,t]`
(today: G + Σ_v VREu + Dis = P + Ch). Curtailment = Cap·cf − used (reported). Units: MW.
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import CAPACITY, Limit, add_balance_term, add_cost, add_limit, registry


def add_supply(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.vre_max_mw = pyo.Param(m.S, m.VRE, mutable=True, initialize=data.param("vre_max_mw"))
    m.grid_max_mw = pyo.Param(m.S, mutable=True, initialize=data.param("grid_max_mw"))
    m.cf = pyo.Param(m.S, m.VRE, m.T, initialize=data.param("cf"), within=pyo.Reals)
    # default 0: a renewable added to ModelData without existing capacity has none
    m.vre_existing_mw = pyo.Param(
        m.S, m.VRE, mutable=True, default=0.0, initialize=data.param("vre_existing_mw")
    )

    m.Cap_VRE = pyo.Var(
        m.S,
        m.VRE,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, v: (m.vre_existing_mw[s, v], m.vre_max_mw[s, v]),
        doc="variable renewable capacity, existing + new [MW]",
    )
    m.Cap_VRE_new = pyo.Expression(
        m.S, m.VRE, rule=lambda m, s, v: m.Cap_VRE[s, v] - m.vre_existing_mw[s, v]
    )
    m.G = pyo.Var(
        m.S,
        m.T,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, t: (0, m.grid_max_mw[s]),
        doc="grid import [MW]",
    )
    m.VREu = pyo.Var(m.S, m.VRE, m.T, domain=pyo.NonNegativeReals, doc="renewable output used")

    m.vre_output = pyo.Constraint(
        m.S, m.VRE, m.T, rule=lambda m, s, v, t: m.VREu[s, v, t] <= m.cf[s, v, t] * m.Cap_VRE[s, v]
    )

    m.vre_capital_rate = pyo.Param(m.VRE, mutable=True, initialize=data.param("vre_capital_rate"))
    m.vre_om_rate = pyo.Param(m.VRE, mutable=True, initialize=data.param("vre_om_rate"))
    m.grid_price_myuan_per_mwh = pyo.Param(
        m.S, mutable=True, initialize=data.param("grid_price_myuan_per_mwh")
    )
    m.tou_factor = pyo.Param(m.S, m.T, within=pyo.Reals, initialize=data.param("tou_factor"))

    add_balance_term(m, "grid", 1, lambda m, s, t: m.G[s, t])
    add_balance_term(m, "renewables", 1, lambda m, s, t: sum(m.VREu[s, v, t] for v in m.VRE))
    for i, v in enumerate(m.VRE):
        add_cost(
            m,
            f"{v}_capital",
            20 + 2 * i,
            site=lambda m, s, v=v: m.vre_capital_rate[v] * m.Cap_VRE_new[s, v],
        )
        add_cost(
            m, f"{v}_om", 21 + 2 * i, site=lambda m, s, v=v: m.vre_om_rate[v] * m.Cap_VRE[s, v]
        )
    add_cost(
        m,
        "grid_energy",
        40,
        site=lambda m, s: (
            m.grid_price_myuan_per_mwh[s]
            * sum(m.weight[t] * m.tou_factor[s, t] * m.G[s, t] for t in m.T)
        ),
    )
    add_limit(
        m,
        Limit(
            "grid_max_limit",
            ("site",),
            "grid connection",
            "site",
            role=CAPACITY,
            dual=False,
            elastic="one",
            bound=("G", "grid_max_mw"),
            slack_index=(0,),
            describe=lambda m, s, amount: (
                f"site {s}: needs {amount:,.1f} MW more grid connection than "
                f"its {pyo.value(m.grid_max_mw[s]):,.0f} MW"
            ),
        ),
    )


def add_energy_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ of the registered supplies = Σ of the registered draws, per site and step."""
    terms = registry(m).balance
    supplies = [b.expr for b in terms if b.sign > 0]
    draws = [b.expr for b in terms if b.sign < 0]
    m.energy_balance = pyo.Constraint(
        m.S,
        m.T,
        rule=lambda m, s, t: sum(e(m, s, t) for e in supplies) == sum(e(m, s, t) for e in draws),
    )
