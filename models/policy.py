r"""Policy limits: carbon, green share, utilisation, vouchers (formulation §8: 10, 11, 12, 14).

(10) E_s = Σ_t ω_t · ef[s] · G[s,t] + registered emission terms [t CO2]  `emissions_site_t`
     E = Σ_s E_s                                                           `emissions_t`
     E ≤ Ecap − hold_E (if set)                                           `carbon_cap_limit`
(11) Green share (if set), overall:
     green[s] = Σ_t ω_t (Σ_v VREu + PPAu) + registered green terms [MWh]   `green_mwh`
     (PPAu: contracted green power taken, models/contracts.py, when contracts are on;
     registered terms: e.g. a power line moves its sending node's green energy, models/lines.py)
     Σ_s green[s] + Σ_s GEC[s] − hold_G ≥ share · Σ_{s,t} ω_t P[s,t]       `green_share_limit`
     or per site (scope = site), with hold_G[s]                           `green_share_site[s]`
     hold_E [t CO2], hold_G [MWh]: 0 unless --hold-full-year tightens the typical days by the
     shortfall the full year measured (`carbon_cap_hold_t`, `green_share_hold_mwh`,
     `green_share_site_hold_mwh`; planner.hold).
     GEC[s] ≥ 0 [MWh] exists only when a certificate price is given.
(12) Utilisation (if set): Σ_t ω_t Σ_k L[s,k,t] ≥ minUtil · 8760 · Σ_k Cap_IT[s,k]
                                                                          `utilisation_limit[s]`
(14) Vouchers: voucher[v] ≤ Budget[v]                                     (variable bound)
     voucher[v] ≤ rate·price[v] · Σ_{(r_v,w,s)∈A, s∈elig(v)} x[r_v,w,s]    `voucher_use[v]`
     (voucher in M yuan/yr; rate·price = rate · price [yuan/MWh IT] · 8760 / 1e6 from prepare)
Costs: carbon = price [M yuan/t] · emissions (per site), certificates = gec price [M yuan/MWh]
· GEC[s] (per site), vouchers = − Σ_v voucher[v] (plan-only).
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.contracts import contract_mwh
from models.data import ModelData
from models.registry import CAPACITY, PLAN_CAP, SHARE_FLOOR, Limit, add_cost, add_limit, registry

HOURS_PER_YEAR = 8760.0


def add_policy(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.emission_factor = pyo.Param(m.S, mutable=True, initialize=data.param("emission_factor"))
    moved_t = registry(m).emissions  # e.g. the grey energy a power line carries
    m.emissions_site_t = pyo.Expression(
        m.S,
        rule=lambda m, s: (
            m.emission_factor[s] * sum(m.weight[t] * m.G[s, t] for t in m.T)
            + sum(e.expr(m, s) for e in moved_t)
        ),
    )
    m.emissions_t = pyo.Expression(expr=sum(m.emissions_site_t[s] for s in m.S))
    m.carbon_price_myuan_per_t = pyo.Param(
        initialize=data.param("carbon_price_myuan_per_t"), mutable=True
    )
    add_cost(m, "carbon", 50, site=lambda m, s: m.carbon_price_myuan_per_t * m.emissions_site_t[s])

    cap = data.param("carbon_cap_t")
    if cap is not None:
        m.carbon_cap_t = pyo.Param(initialize=cap, mutable=True)
        m.carbon_cap_hold_t = pyo.Param(initialize=data.param("carbon_cap_hold_t"), mutable=True)
        m.carbon_cap_limit = pyo.Constraint(
            expr=m.emissions_t <= m.carbon_cap_t - m.carbon_cap_hold_t
        )
        add_limit(
            m,
            Limit(
                "carbon_cap_limit",
                (),
                "carbon cap",
                "plan",
                role=PLAN_CAP,
                rank=2,
                unit="yuan/t CO2",
                factor=1e6,
                meaning="a carbon cap 1 t CO₂ lower",
                elastic="rhs",
                dispatch=True,
                describe=_describe_carbon,
                amount_unit="t CO2/yr",
                hold="carbon_cap_hold_t",
            ),
        )

    m.GEC = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="green certificates [MWh]")
    if not data.param("gec_on"):
        for s in m.S:
            m.GEC[s].fix(0.0)
    m.gec_price_myuan_per_mwh = pyo.Param(
        initialize=data.param("gec_price_myuan_per_mwh"), mutable=True
    )
    add_cost(m, "certificates", 70, site=lambda m, s: m.gec_price_myuan_per_mwh * m.GEC[s])
    moved_mwh = registry(m).green  # e.g. the green energy a power line delivers
    m.green_mwh = pyo.Expression(
        m.S,
        rule=lambda m, s: (
            sum(m.weight[t] * sum(m.VREu[s, v, t] for v in m.VRE) for t in m.T)
            + contract_mwh(m, s)
            + sum(g.expr(m, s) for g in moved_mwh)
        ),
    )
    share = data.param("green_share_min")
    if share is not None:
        m.green_share_min = pyo.Param(initialize=share, mutable=True)
        green = dict(
            unit="yuan/MWh green",
            factor=1e6,
            elastic="kilo",
            describe=_describe_green,
            amount_unit="MWh/yr",
        )
        if data.param("green_share_scope") == "site":
            m.green_share_site_hold_mwh = pyo.Param(
                m.S, initialize=data.param("green_share_site_hold_mwh"), mutable=True
            )
            m.green_share_site = pyo.Constraint(
                m.S,
                rule=lambda m, s: (
                    m.green_mwh[s] + m.GEC[s] - m.green_share_site_hold_mwh[s]
                    >= m.green_share_min * m.facility_energy_mwh[s]
                ),
            )
            add_limit(
                m,
                Limit(
                    "green_share_site",
                    ("site",),
                    "green power share",
                    "site",
                    role=SHARE_FLOOR,
                    rank=7,
                    meaning="1 MWh more green energy required at the site",
                    dispatch=True,
                    hold="green_share_site_hold_mwh",
                    **green,
                ),
            )
        else:
            m.green_share_hold_mwh = pyo.Param(
                initialize=data.param("green_share_hold_mwh"), mutable=True
            )
            m.green_share_limit = pyo.Constraint(
                expr=sum(m.green_mwh[s] + m.GEC[s] for s in m.S) - m.green_share_hold_mwh
                >= m.green_share_min * sum(m.facility_energy_mwh[s] for s in m.S)
            )
            add_limit(
                m,
                Limit(
                    "green_share_limit",
                    (),
                    "green power share",
                    "plan",
                    role=SHARE_FLOOR,
                    rank=6,
                    meaning="1 MWh more green energy required (overall target)",
                    dispatch=True,
                    hold="green_share_hold_mwh",
                    **green,
                ),
            )

    util = data.param("min_utilisation")
    if util is not None:
        m.min_utilisation = pyo.Param(initialize=util, mutable=True)
        m.utilisation_limit = pyo.Constraint(
            m.S,
            rule=lambda m, s: (
                m.it_energy_mwh[s]
                >= m.min_utilisation * HOURS_PER_YEAR * sum(m.Cap_IT[s, k] for k in m.K)
            ),
        )
        add_limit(
            m,
            Limit(
                "utilisation_limit",
                ("site",),
                "minimum utilisation",
                "site",
                role=SHARE_FLOOR,
                rank=8,
                unit="yuan/MWh IT",
                factor=1e6,
                meaning="1 MWh IT more required by the minimum utilisation",
                elastic="kilo",
                dispatch=True,
                describe=lambda m, s, amount: (
                    f"site {s}: minimum utilisation {pyo.value(m.min_utilisation):.0%} misses "
                    f"by {amount:,.0f} MWh/yr of IT energy"
                ),
            ),
        )

    _add_vouchers(m, data)


def _describe_carbon(m: pyo.ConcreteModel, key: object, amount: float) -> str:
    cap = float(pyo.value(m.carbon_cap_t))
    return (
        f"carbon cap {cap / 1e6:,.3f} Mt/yr is {amount / 1e6:,.3f} Mt below the least "
        f"emissions reachable ({(cap + amount) / 1e6:,.3f} Mt/yr)"
    )


def _describe_green(m: pyo.ConcreteModel, key: object, amount: float) -> str:
    where = "overall" if key is None else f"site {key}"
    return (
        f"green share {pyo.value(m.green_share_min):.0%} {where}: "
        f"{amount:,.0f} MWh/yr of green power short of the target"
    )


def _add_vouchers(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.voucher_budget_myuan = pyo.Param(
        m.V, mutable=True, initialize=data.param("voucher_budget_myuan")
    )
    m.voucher_myuan_per_mw_yr = pyo.Param(
        m.V, mutable=True, initialize=data.param("voucher_myuan_per_mw_yr")
    )
    m.voucher = pyo.Var(
        m.V,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, k: (0, m.voucher_budget_myuan[k]),
        doc="voucher subsidy used [M yuan/yr]",
    )
    eligible = data.param("voucher_routes")
    m.voucher_use = pyo.Constraint(
        m.V,
        rule=lambda m, k: (
            m.voucher[k] <= m.voucher_myuan_per_mw_yr[k] * sum(m.x[a] for a in eligible[k])
        ),
    )
    add_cost(m, "vouchers", 90, plan=lambda m: -sum(m.voucher[v] for v in m.V))
    add_limit(
        m,
        Limit(
            "voucher_use",
            ("voucher",),
            "voucher use",
            "plan",
            role=CAPACITY,
            rank=10,
            unit="M yuan/M yuan",
            meaning="1 M yuan less voucher budget",
        ),
    )
