r"""Battery storage (formulation §5: constraint 7).

SoC[s,t] = SoC[s,prev(t)] + η_c · Ch[s,t] − Dis[s,t] / η_d               `battery_soc[s,t]`
  prev(t) cyclic within each day (typical days) or over the year (full year)
Ch[s,t] ≤ Cap_P[s], Dis[s,t] ≤ Cap_P[s]                                   `charge_limit`,
                                                                          `discharge_limit`
SoC[s,t] ≤ Cap_E[s]                                                       `soc_limit`
η_c = η_d = √(round-trip efficiency). One-hour steps: MW × 1 h = MWh.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.prepare import ModelData


def add_storage(m: pyo.ConcreteModel, data: ModelData) -> None:
    case = data.case
    eta = math.sqrt(float(case.settings["battery_round_trip_efficiency"]))
    m.eta_charge = pyo.Param(initialize=eta, mutable=True)
    m.eta_discharge = pyo.Param(initialize=eta, mutable=True)
    m.Cap_E = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="battery energy [MWh]")
    m.Cap_P = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="battery power [MW]")
    if case.technology("battery_energy") is None or case.technology("battery_power") is None:
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
