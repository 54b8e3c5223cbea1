r"""IT capacity, cooling technology, facility power, PUE and water (formulation §2).

(4) Capacity: L[s,k,t] ≤ usable · Cap_IT[s,k]                            `it_capacity[s,k,t]`
    Σ_k Cap_IT[s,k] ≤ MaxIT[s]                                            `max_it[s]`
(5) Facility power: P[s,t] = Σ_k pue[s,k,t] · L[s,k,t]                   `facility_mw[s,t]`
    (an Expression; pue from the Cooling curve at the hour's ambient temperature)
(8) Annual PUE cap: Σ_t ω_t P[s,t] ≤ PUEcap[s] · Σ_t ω_t Σ_k L[s,k,t]      `pue_cap_limit[s]`
(9) Water cap (sites with a cap): Σ_t ω_t Σ_k wue[s,k,t] · L[s,k,t] ≤ WaterCap[s]
                                                                          `water_cap_limit[s]`
Units: MW, MWh; wue in L/kWh equals m3/MWh, so water is in m3.
MILP mode (15) is added by `add_milp` (see policy order in build).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.prepare import ModelData


def add_facility(m: pyo.ConcreteModel, data: ModelData) -> None:
    case = data.case
    sites = case.sites
    m.usable_share = pyo.Param(initialize=float(case.settings["usable_share"]), mutable=True)
    m.max_it_mw = pyo.Param(
        m.S, mutable=True, initialize=sites["max_it_mw"].astype(float).to_dict()
    )
    m.pue_cap = pyo.Param(m.S, mutable=True, initialize=sites["pue_cap"].astype(float).to_dict())
    pue = data.pue
    wue = data.wue
    m.pue = pyo.Param(m.S, m.K, m.T, initialize=pue.to_dict(), within=pyo.Reals)
    m.wue = pyo.Param(m.S, m.K, m.T, initialize=wue.to_dict(), within=pyo.Reals)

    m.Cap_IT = pyo.Var(m.S, m.K, domain=pyo.NonNegativeReals, doc="IT capacity [MW]")
    m.L = pyo.Var(m.S, m.K, m.T, domain=pyo.NonNegativeReals, doc="IT load by cooling [MW]")

    m.it_capacity = pyo.Constraint(
        m.S, m.K, m.T, rule=lambda m, s, k, t: m.L[s, k, t] <= m.usable_share * m.Cap_IT[s, k]
    )
    m.max_it = pyo.Constraint(
        m.S, rule=lambda m, s: sum(m.Cap_IT[s, k] for k in m.K) <= m.max_it_mw[s]
    )

    m.facility_mw = pyo.Expression(
        m.S, m.T, rule=lambda m, s, t: sum(m.pue[s, k, t] * m.L[s, k, t] for k in m.K)
    )
    m.it_energy_mwh = pyo.Expression(
        m.S, rule=lambda m, s: sum(m.weight[t] * m.L[s, k, t] for k in m.K for t in m.T)
    )
    m.facility_energy_mwh = pyo.Expression(
        m.S, rule=lambda m, s: sum(m.weight[t] * m.facility_mw[s, t] for t in m.T)
    )
    m.water_m3 = pyo.Expression(
        m.S,
        rule=lambda m, s: sum(
            m.weight[t] * m.wue[s, k, t] * m.L[s, k, t] for k in m.K for t in m.T
        ),
    )

    m.pue_cap_limit = pyo.Constraint(
        m.S, rule=lambda m, s: m.facility_energy_mwh[s] <= m.pue_cap[s] * m.it_energy_mwh[s]
    )

    capped = {
        s: float(v)
        for s, v in sites["water_cap_m3"].items()
        if v is not None and not math.isnan(float(v))
    }
    m.SW = pyo.Set(initialize=list(capped), ordered=True)
    m.water_cap_m3 = pyo.Param(m.SW, mutable=True, initialize=capped)
    m.water_cap_limit = pyo.Constraint(m.SW, rule=lambda m, s: m.water_m3[s] <= m.water_cap_m3[s])


def add_milp(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""(15) MILP mode: Open[s] ∈ {0,1}, modules N[s,k] ∈ ℤ+, one cooling tech per site.

    Cap_IT[s,k] = size · N[s,k]                                           `modular[s,k]`
    Cap_IT[s,k] ≤ MaxIT[s] · Y[s,k]; Σ_k Y[s,k] ≤ Open[s]                 `one_cooling[s]`
    """
    size = float(data.case.settings["module_size"])
    m.module_size_mw = pyo.Param(initialize=size)
    m.Open = pyo.Var(m.S, domain=pyo.Binary)
    m.Y = pyo.Var(m.S, m.K, domain=pyo.Binary)
    m.N = pyo.Var(m.S, m.K, domain=pyo.NonNegativeIntegers)
    m.modular = pyo.Constraint(
        m.S, m.K, rule=lambda m, s, k: m.Cap_IT[s, k] == m.module_size_mw * m.N[s, k]
    )
    m.cooling_choice = pyo.Constraint(
        m.S, m.K, rule=lambda m, s, k: m.Cap_IT[s, k] <= m.max_it_mw[s] * m.Y[s, k]
    )
    m.one_cooling = pyo.Constraint(m.S, rule=lambda m, s: sum(m.Y[s, k] for k in m.K) <= m.Open[s])
