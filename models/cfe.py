r"""Hourly carbon-free energy (24/7 CFE) matching (formulation §8.5).

In each step t the clean supply credited to site s is its own renewables used, plus the net
energy from its battery, plus its grid imports times the grid's clean share in that hour
(the PyPSA 24/7 CFE rule, Riepin & Brown 2024), plus contracted green power taken (PPAu,
models/contracts.py; spilled contract energy is not credited), plus the registered hourly
clean terms M[s,t] (`models.registry.HourTerm`: a power line delivers (1 − loss) × its green
part and its grey part × the sending grid's clean share, models/lines.py):

    CFE[s,t] = Σ_v VREu[s,v,t] + Dis[s,t] − Ch[s,t] + c[s,t] · G[s,t] + PPAu[s,t] + M[s,t] [MW]
    CFE_s = Σ_t ω_t · CFE[s,t]                                   `cfe_mwh[s]` [MWh/yr]
    score_s = CFE_s / Σ_t ω_t P[s,t]                              (reported, results)

c[s,t] ∈ [0, 1] is the grid's hourly clean share (`grid_clean[s,t]`, planner.grid_clean).
Excess credited in other hours is capped at zero: VREu is what the bus takes in hour t
(≤ load + charge by the energy balance), so an hour's surplus is curtailed or stored, and
only storage (Dis − Ch, losses counted) moves clean energy between hours. Grid charging is
credited at c[s,t] when drawn and fully when discharged, less the full charge: net, the
charge's fossil part is debited.

Policy `cfe_min` (if set), overall or per site (`cfe_scope`):
    Σ_s CFE_s − hold ≥ cfe_min · Σ_s Σ_t ω_t P[s,t]                        `cfe_limit`
    CFE_s − hold_s ≥ cfe_min · Σ_t ω_t P[s,t]                              `cfe_site[s]`
hold, hold_s [MWh/yr] = 0 unless --hold-full-year tightens them (`cfe_hold_mwh`,
`cfe_site_hold_mwh`). All of it is linear. Certificates (GEC) do not enter: they are annual
and unbundled, so they move the green share (§8, 11), not the CFE score.
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.contracts import contract_taken
from models.data import ModelData
from models.registry import SHARE_FLOOR, Limit, add_limit, registry


def add_cfe(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The grid's hourly clean share, the CFE credited per site, and the optional target."""
    m.grid_clean = pyo.Param(m.S, m.T, initialize=data.param("grid_clean"), mutable=True)
    moved = registry(m).clean  # e.g. what a power line delivers (models/lines.py)
    m.cfe_mwh = pyo.Expression(
        m.S,
        rule=lambda m, s: sum(
            m.weight[t]
            * (
                sum(m.VREu[s, v, t] for v in m.VRE)
                + m.Dis[s, t]
                - m.Ch[s, t]
                + m.grid_clean[s, t] * m.G[s, t]
                + contract_taken(m, s, t)
                + sum(c.expr(m, s, t) for c in moved)
            )
            for t in m.T
        ),
    )
    target = data.param("cfe_min")
    if target is None:
        return
    m.cfe_min = pyo.Param(initialize=target, mutable=True)
    common = dict(
        unit="yuan/MWh CFE",
        factor=1e6,
        elastic="kilo",
        dispatch=True,
        amount_unit="MWh/yr",
        describe=_describe_cfe,
    )
    if data.param("cfe_scope") == "site":
        m.cfe_site_hold_mwh = pyo.Param(
            m.S, initialize=data.param("cfe_site_hold_mwh"), mutable=True
        )
        m.cfe_site = pyo.Constraint(
            m.S,
            rule=lambda m, s: (
                m.cfe_mwh[s] - m.cfe_site_hold_mwh[s] >= m.cfe_min * m.facility_energy_mwh[s]
            ),
        )
        add_limit(
            m,
            Limit(
                "cfe_site",
                ("site",),
                "hourly CFE target",
                "site",
                role=SHARE_FLOOR,
                rank=7.5,
                meaning="1 MWh more hourly-matched clean energy required at the site",
                hold="cfe_site_hold_mwh",
                **common,
            ),
        )
    else:
        m.cfe_hold_mwh = pyo.Param(initialize=data.param("cfe_hold_mwh"), mutable=True)
        m.cfe_limit = pyo.Constraint(
            expr=sum(m.cfe_mwh[s] for s in m.S) - m.cfe_hold_mwh
            >= m.cfe_min * sum(m.facility_energy_mwh[s] for s in m.S)
        )
        add_limit(
            m,
            Limit(
                "cfe_limit",
                (),
                "hourly CFE target",
                "plan",
                role=SHARE_FLOOR,
                rank=6.5,
                meaning="1 MWh more hourly-matched clean energy required (overall target)",
                hold="cfe_hold_mwh",
                **common,
            ),
        )


def _describe_cfe(m: pyo.ConcreteModel, key: object, amount: float) -> str:
    where = "overall" if key is None else f"site {key}"
    return (
        f"hourly CFE {pyo.value(m.cfe_min):.0%} {where}: "
        f"{amount:,.0f} MWh/yr of hourly-matched clean energy short of the target"
    )
