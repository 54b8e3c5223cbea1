r"""IT capacity, cooling technology, facility power, PUE and water (formulation §2).

(4) Capacity: L[s,k,t] ≤ usable · Cap_IT[s,k]                            `it_load_limit[s,k,t]`
    Σ_k Cap_IT[s,k] ≤ MaxIT[s]                                            `max_it_limit[s]`
(5) Facility power: P[s,t] = Σ_k pue[s,k,t] · L[s,k,t]                   `facility_mw[s,t]`
    (an Expression; pue from the Cooling curve at the hour's ambient temperature); it draws
    from the site's bus (balance term `facility`, sign −1)
(8) Annual PUE cap: Σ_t ω_t P[s,t] ≤ PUEcap[s] · Σ_t ω_t Σ_k L[s,k,t]      `pue_cap_limit[s]`
(9) Water cap (sites with a cap): Σ_t ω_t Σ_k wue[s,k,t] · L[s,k,t] ≤ WaterCap[s]
                                                                          `water_cap_limit[s]`
(2a) Existing capacity: Cap_IT[s,k] ≥ Exist_IT[s,k] (lower bound, never retired);
    new capacity Cap_IT_new[s,k] = Cap_IT[s,k] − Exist_IT[s,k] ≥ 0 (an Expression)
Costs (per site): facility_capital Σ_k a·capex[k] · Cap_IT_new[s,k] (new capacity only),
facility_om Σ_k om·capex[k] · Cap_IT[s,k] (all capacity) [M yuan/yr].
Units: MW, MWh; wue in L/kWh equals m3/MWh, so water is in m3.
MILP mode (15) is added by `add_milp` (see policy order in build).
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import CAPACITY, SITE_CAP, Limit, add_balance_term, add_cost, add_limit


def add_facility(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.usable_share = pyo.Param(initialize=data.param("usable_share"), mutable=True)
    m.max_it_mw = pyo.Param(m.S, mutable=True, initialize=data.param("max_it_mw"))
    m.pue_cap = pyo.Param(m.S, mutable=True, initialize=data.param("pue_cap"))
    m.pue = pyo.Param(m.S, m.K, m.T, initialize=data.param("pue"), within=pyo.Reals)
    m.wue = pyo.Param(m.S, m.K, m.T, initialize=data.param("wue"), within=pyo.Reals)

    m.it_existing_mw = pyo.Param(m.S, m.K, mutable=True, initialize=data.param("it_existing_mw"))
    m.Cap_IT = pyo.Var(
        m.S,
        m.K,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, k: (m.it_existing_mw[s, k], None),
        doc="IT capacity, existing + new [MW]",
    )
    m.Cap_IT_new = pyo.Expression(
        m.S, m.K, rule=lambda m, s, k: m.Cap_IT[s, k] - m.it_existing_mw[s, k]
    )
    m.L = pyo.Var(m.S, m.K, m.T, domain=pyo.NonNegativeReals, doc="IT load by cooling [MW]")

    m.it_load_limit = pyo.Constraint(
        m.S, m.K, m.T, rule=lambda m, s, k, t: m.L[s, k, t] <= m.usable_share * m.Cap_IT[s, k]
    )
    m.max_it_limit = pyo.Constraint(
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

    capped = data.param("water_cap_m3")
    m.SW = pyo.Set(initialize=list(capped), ordered=True)
    m.water_cap_m3 = pyo.Param(m.SW, mutable=True, initialize=capped)
    m.water_cap_limit = pyo.Constraint(m.SW, rule=lambda m, s: m.water_m3[s] <= m.water_cap_m3[s])

    m.facility_capital_rate = pyo.Param(
        m.K, mutable=True, initialize=data.param("facility_capital_rate")
    )
    m.facility_om_rate = pyo.Param(m.K, mutable=True, initialize=data.param("facility_om_rate"))

    add_balance_term(m, "facility", -1, lambda m, s, t: m.facility_mw[s, t])
    add_cost(
        m,
        "facility_capital",
        10,
        site=lambda m, s: sum(m.facility_capital_rate[k] * m.Cap_IT_new[s, k] for k in m.K),
    )
    add_cost(
        m,
        "facility_om",
        11,
        site=lambda m, s: sum(m.facility_om_rate[k] * m.Cap_IT[s, k] for k in m.K),
    )
    add_limit(
        m,
        Limit(
            "max_it_limit",
            ("site",),
            "buildable IT capacity",
            "site",
            role=CAPACITY,
            rank=5,
            unit="M yuan/(MW*yr)",
            meaning="1 MW less buildable IT capacity at the site",
            elastic="one",
            captive=True,
            describe=lambda m, s, amount: (
                f"site {s}: needs {amount:,.1f} MW more IT capacity than its buildable "
                f"{pyo.value(m.max_it_mw[s]):,.1f} MW"
            ),
        ),
    )
    add_limit(
        m,
        Limit(
            "pue_cap_limit",
            ("site",),
            "annual PUE cap",
            "site",
            role=SITE_CAP,
            rank=3,
            unit="yuan/MWh facility",
            factor=1e6,
            meaning="1 MWh less facility energy allowed by the site's PUE cap",
            elastic="kilo",
            dispatch=True,
            captive=True,
            describe=_describe_pue_cap,
        ),
    )
    add_limit(
        m,
        Limit(
            "water_cap_limit",
            ("site",),
            "water cap",
            "site",
            role=SITE_CAP,
            rank=4,
            unit="yuan/m3",
            factor=1e6,
            meaning="a water cap 1 m³ lower",
            elastic="rhs",
            dispatch=True,
            describe=lambda m, s, amount: (
                f"site {s}: water cap {pyo.value(m.water_cap_m3[s]):,.0f} m3/yr is "
                f"{amount:,.0f} m3 below the water the served load needs"
            ),
        ),
    )


def _describe_pue_cap(m: pyo.ConcreteModel, s: str, amount: float) -> str:
    it = float(pyo.value(m.it_energy_mwh[s]))
    needed = float(pyo.value(m.facility_energy_mwh[s])) / it if it > 1e-5 else float("nan")
    cooling = ", ".join(m.K)
    return (
        f"site {s}: cannot meet its {pyo.value(m.pue_cap[s]):.3g} PUE cap with "
        f"{cooling} cooling: the plan needs an annual PUE of {needed:.3f}"
    )


def add_milp(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""(15) MILP mode: Open[s] ∈ {0,1}, modules N[s,k] ∈ ℤ+, one cooling tech per site.

    Cap_IT_new[s,k] = size · N[s,k]                                       `modular[s,k]`
    Cap_IT_new[s,k] ≤ MaxIT[s] · Y[s,k]; Σ_k Y[s,k] ≤ Open[s]             `one_cooling[s]`
    Σ_t ω_t (pue[s,k,t] − PUEcap[s]) L[s,k,t]                          `pue_cap_cooling[s,k]`
        ≤ usable · Σ_t ω_t · (max pue[s,·,·] + PUEcap[s]) · Σ_k' Exist_IT[s,k']
    (the annual PUE cap per cooling technology: a valid inequality of the MILP, which has
    one new technology per site, so that no other technology's load can make up for k's PUE
    beyond what existing capacity allows; without existing capacity the right side is 0. It
    cuts off the relaxation's mixing of technologies and leaves the MILP's solutions as they
    are: formulation §9)
    (modules, the cooling choice and opening apply to new capacity: existing IT neither
    needs whole modules nor opens the site)
    Cost (plan-only: no site's re-dispatch LP holds the binaries): site_opening
    Σ_s open_cost[s] · Open[s] [M yuan/yr].
    """
    m.module_size_mw = pyo.Param(initialize=data.param("module_size_mw"))
    m.open_cost_myuan = pyo.Param(m.S, mutable=True, initialize=data.param("open_cost_myuan"))
    m.Open = pyo.Var(m.S, domain=pyo.Binary)
    m.Y = pyo.Var(m.S, m.K, domain=pyo.Binary)
    m.N = pyo.Var(m.S, m.K, domain=pyo.NonNegativeIntegers)
    m.modular = pyo.Constraint(
        m.S, m.K, rule=lambda m, s, k: m.Cap_IT_new[s, k] == m.module_size_mw * m.N[s, k]
    )
    m.cooling_choice = pyo.Constraint(
        m.S, m.K, rule=lambda m, s, k: m.Cap_IT_new[s, k] <= m.max_it_mw[s] * m.Y[s, k]
    )
    m.one_cooling = pyo.Constraint(m.S, rule=lambda m, s: sum(m.Y[s, k] for k in m.K) <= m.Open[s])
    m.pue_cap_cooling = pyo.Constraint(m.S, m.K, rule=_pue_cap_cooling)
    add_cost(
        m,
        "site_opening",
        100,
        plan=lambda m: sum(m.open_cost_myuan[s] * m.Open[s] for s in m.S),
    )


def _pue_cap_cooling(m: pyo.ConcreteModel, s: str, k: str) -> pyo.Expression:
    """`m.pue_cap_cooling[s,k]` (formulation §9): technology k's share of the site's annual
    PUE cap (8), Σ_t ω_t (pue − PUEcap) L [MWh], within what the other technologies' load
    can offset. In a MILP plan with Y[s,k] = 1 the others run on existing capacity only
    (L ≤ usable · Exist_IT), which offsets at most usable · Σ_t ω_t · PUEcap per MW; with
    Y[s,k] = 0, k itself runs on existing capacity and overshoots by at most usable ·
    Σ_t ω_t · max pue per MW. The right side bounds both (PUE and caps are ≥ 1), and stays
    valid when a re-solve changes the existing capacity or the cap (mutable Params)."""
    steps = list(m.T)
    highest = max(float(pyo.value(m.pue[s, kk, t])) for kk in m.K for t in steps)
    hours = sum(float(pyo.value(m.weight[t])) for t in steps)
    overshoot = sum(m.weight[t] * (m.pue[s, k, t] - m.pue_cap[s]) * m.L[s, k, t] for t in steps)
    existing = sum(m.it_existing_mw[s, kk] for kk in m.K)
    return overshoot <= m.usable_share * hours * (highest + m.pue_cap[s]) * existing
