r"""Battery storage (formulation §5: constraint 7).

SoC[s,t] = SoC[s,prev(t)] + η_c · Ch[s,t] − Dis[s,t] / η_d               `battery_soc[s,t]`
  prev(t) cyclic within each day (typical days) or over the year (full year)
Ch[s,t] ≤ Cap_P[s], Dis[s,t] ≤ Cap_P[s]                                   `charge_limit`,
                                                                          `discharge_limit`
SoC[s,t] ≤ Cap_E[s]                                                       `soc_limit`
η_c = η_d = √(round-trip efficiency) (derived in prepare). One-hour steps: MW × 1 h = MWh.
Balance terms: discharge Dis (+1), charge Ch (−1).
Existing: Cap_E[s] ≥ Eexist[s], Cap_P[s] ≥ Pexist[s] (lower bounds, never retired); new
capacity Cap_E_new = Cap_E − Eexist, Cap_P_new = Cap_P − Pexist (Expressions).
Costs (per site): battery_capital on new capacity Cap_E_new (energy capex) and Cap_P_new
(power capex), battery_om on all capacity Cap_E and Cap_P;
battery_wear = wear [M yuan/MWh] · Σ_t ω_t Dis[s,t].
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import add_balance_term, add_cost


def add_storage(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.eta_charge = pyo.Param(initialize=data.param("eta_charge"), mutable=True)
    m.eta_discharge = pyo.Param(initialize=data.param("eta_discharge"), mutable=True)
    m.battery_existing_mwh = pyo.Param(
        m.S, mutable=True, initialize=data.param("battery_existing_mwh")
    )
    m.battery_existing_mw = pyo.Param(
        m.S, mutable=True, initialize=data.param("battery_existing_mw")
    )
    m.Cap_E = pyo.Var(
        m.S,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s: (m.battery_existing_mwh[s], None),
        doc="battery energy, existing + new [MWh]",
    )
    m.Cap_P = pyo.Var(
        m.S,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s: (m.battery_existing_mw[s], None),
        doc="battery power, existing + new [MW]",
    )
    m.Cap_E_new = pyo.Expression(m.S, rule=lambda m, s: m.Cap_E[s] - m.battery_existing_mwh[s])
    m.Cap_P_new = pyo.Expression(m.S, rule=lambda m, s: m.Cap_P[s] - m.battery_existing_mw[s])
    if not data.param("battery_on"):
        for s in m.S:
            m.Cap_E[s].fix(0.0)
            m.Cap_P[s].fix(0.0)
    m.Ch = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals)
    m.Dis = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals)
    m.SoC = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals)
    prev = m.prev

    m.battery_soc = pyo.Constraint(
        m.S,
        m.T,
        rule=lambda m, s, t: (
            m.SoC[s, t]
            == m.SoC[s, int(prev[t])] + m.eta_charge * m.Ch[s, t] - m.Dis[s, t] / m.eta_discharge
        ),
    )
    m.charge_limit = pyo.Constraint(m.S, m.T, rule=lambda m, s, t: m.Ch[s, t] <= m.Cap_P[s])
    m.discharge_limit = pyo.Constraint(m.S, m.T, rule=lambda m, s, t: m.Dis[s, t] <= m.Cap_P[s])
    m.soc_limit = pyo.Constraint(m.S, m.T, rule=lambda m, s, t: m.SoC[s, t] <= m.Cap_E[s])

    for name in (
        "battery_energy_capital_rate",
        "battery_energy_om_rate",
        "battery_power_capital_rate",
        "battery_power_om_rate",
        "battery_wear_myuan_per_mwh",
    ):
        m.add_component(name, pyo.Param(initialize=data.param(name), mutable=True))

    add_balance_term(m, "battery_discharge", 1, lambda m, s, t: m.Dis[s, t])
    add_balance_term(m, "battery_charge", -1, lambda m, s, t: m.Ch[s, t])
    add_cost(
        m,
        "battery_capital",
        30,
        site=lambda m, s: (
            m.battery_energy_capital_rate * m.Cap_E_new[s]
            + m.battery_power_capital_rate * m.Cap_P_new[s]
        ),
    )
    add_cost(
        m,
        "battery_om",
        31,
        site=lambda m, s: (
            m.battery_energy_om_rate * m.Cap_E[s] + m.battery_power_om_rate * m.Cap_P[s]
        ),
    )
    add_cost(
        m,
        "battery_wear",
        32,
        site=lambda m, s: (
            m.battery_wear_myuan_per_mwh * sum(m.weight[t] * m.Dis[s, t] for t in m.T)
        ),
    )
