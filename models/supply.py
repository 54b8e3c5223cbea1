r"""PV, wind and grid supply; the hourly energy balance (formulation §4 and §6: constraint 6).

G[s,t] + PVu[s,t] + WTu[s,t] + Dis[s,t] − Ch[s,t] = P[s,t]              `energy_balance[s,t]`
PVu[s,t] ≤ Cap_PV[s] · cf_pv[s,t]                                         `pv_output[s,t]`
WTu[s,t] ≤ Cap_WT[s] · cf_wt[s,t]                                         `wind_output[s,t]`
G[s,t] ≤ GridMax[s]                                                       (variable bound)
Cap_PV[s] ≤ PVmax[s], Cap_WT[s] ≤ WTmax[s]                                (variable bounds)
Curtailment = Cap·cf − used (reported, not a variable). Units: MW.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.prepare import ModelData


def add_supply(m: pyo.ConcreteModel, data: ModelData) -> None:
    case = data.case
    sites = case.sites
    pv_on = case.technology("pv") is not None
    wind_on = case.technology("wind") is not None
    m.pv_max_mw = pyo.Param(
        m.S, mutable=True, initialize=(sites["pv_max_mw"] * pv_on).astype(float).to_dict()
    )
    m.wind_max_mw = pyo.Param(
        m.S, mutable=True, initialize=(sites["wind_max_mw"] * wind_on).astype(float).to_dict()
    )
    m.grid_max_mw = pyo.Param(
        m.S, mutable=True, initialize=sites["grid_max_mw"].astype(float).to_dict()
    )
    m.cf_pv = pyo.Param(m.S, m.T, initialize=_long(data.pv_cf), within=pyo.Reals)
    m.cf_wind = pyo.Param(m.S, m.T, initialize=_long(data.wind_cf), within=pyo.Reals)

    m.Cap_PV = pyo.Var(m.S, domain=pyo.NonNegativeReals, bounds=lambda m, s: (0, m.pv_max_mw[s]))
    m.Cap_WT = pyo.Var(m.S, domain=pyo.NonNegativeReals, bounds=lambda m, s: (0, m.wind_max_mw[s]))
    m.G = pyo.Var(
        m.S,
        m.T,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, t: (0, m.grid_max_mw[s]),
        doc="grid import [MW]",
    )
    m.PVu = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals)
    m.WTu = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals)

    m.pv_output = pyo.Constraint(
        m.S, m.T, rule=lambda m, s, t: m.PVu[s, t] <= m.cf_pv[s, t] * m.Cap_PV[s]
    )
    m.wind_output = pyo.Constraint(
        m.S, m.T, rule=lambda m, s, t: m.WTu[s, t] <= m.cf_wind[s, t] * m.Cap_WT[s]
    )


def add_energy_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Called after storage so Ch/Dis exist."""
    m.energy_balance = pyo.Constraint(
        m.S,
        m.T,
        rule=lambda m, s, t: (
            m.G[s, t] + m.PVu[s, t] + m.WTu[s, t] + m.Dis[s, t] - m.Ch[s, t] == m.facility_mw[s, t]
        ),
    )


def _long(frame) -> dict:
    """t × site frame → {(site, t): value}."""
    stacked = frame.stack()
    return {(s, int(t)): float(v) for (t, s), v in stacked.items()}
