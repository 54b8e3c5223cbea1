r"""Policy limits: carbon, green share, utilisation, vouchers (formulation §8: 10, 11, 12, 14).

(10) E = Σ_{s,t} ω_t · ef[s] · G[s,t]  [t CO2]                           `emissions_t`
     E ≤ Ecap (if set)                                                    `carbon_cap_limit`
(11) Green share (if set), overall:
     Σ_{s,t} ω_t (PVu + WTu) + Σ_s GEC[s] ≥ share · Σ_{s,t} ω_t P[s,t]     `green_share_limit`
     or per site (scope = site)                                           `green_share_site[s]`
     GEC[s] ≥ 0 [MWh] exists only when a certificate price is given.
(12) Utilisation (if set): Σ_t ω_t Σ_k L[s,k,t] ≥ minUtil · 8760 · Σ_k Cap_IT[s,k]
                                                                          `utilisation[s]`
(14) Vouchers: voucher[v] ≤ Budget[v]                                     (variable bound)
     voucher[v] ≤ rate[v] · price[v] · 8760 · Σ_{(r_v,w,s)∈A, s∈elig(v)} x[r_v,w,s] / 1e6
                                                                          `voucher_use[v]`
     (voucher in M yuan/yr; price in yuan/MWh of IT)
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.prepare import ModelData

HOURS_PER_YEAR = 8760.0


def add_policy(m: pyo.ConcreteModel, data: ModelData) -> None:
    case = data.case
    policy = case.policy
    sites = case.sites
    m.emission_factor = pyo.Param(
        m.S, mutable=True, initialize=sites["emission_factor_t_per_mwh"].astype(float).to_dict()
    )
    m.emissions_site_t = pyo.Expression(
        m.S, rule=lambda m, s: m.emission_factor[s] * sum(m.weight[t] * m.G[s, t] for t in m.T)
    )
    m.emissions_t = pyo.Expression(expr=sum(m.emissions_site_t[s] for s in m.S))

    if policy.get("carbon_cap") is not None:
        m.carbon_cap_t = pyo.Param(initialize=float(policy["carbon_cap"]), mutable=True)
        m.carbon_cap_limit = pyo.Constraint(expr=m.emissions_t <= m.carbon_cap_t)

    gec_on = policy.get("gec_price") is not None
    m.GEC = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="green certificates [MWh]")
    if not gec_on:
        for s in m.S:
            m.GEC[s].fix(0.0)
    m.green_mwh = pyo.Expression(
        m.S, rule=lambda m, s: sum(m.weight[t] * (m.PVu[s, t] + m.WTu[s, t]) for t in m.T)
    )
    share = policy.get("green_share_min")
    if share is not None:
        m.green_share_min = pyo.Param(initialize=float(share), mutable=True)
        if policy.get("green_share_scope") == "site":
            m.green_share_site = pyo.Constraint(
                m.S,
                rule=lambda m, s: (
                    m.green_mwh[s] + m.GEC[s] >= m.green_share_min * m.facility_energy_mwh[s]
                ),
            )
        else:
            m.green_share_limit = pyo.Constraint(
                expr=sum(m.green_mwh[s] + m.GEC[s] for s in m.S)
                >= m.green_share_min * sum(m.facility_energy_mwh[s] for s in m.S)
            )

    util = policy.get("min_utilisation")
    if util is not None:
        m.min_utilisation = pyo.Param(initialize=float(util), mutable=True)
        m.utilisation = pyo.Constraint(
            m.S,
            rule=lambda m, s: (
                m.it_energy_mwh[s]
                >= m.min_utilisation * HOURS_PER_YEAR * sum(m.Cap_IT[s, k] for k in m.K)
            ),
        )

    _add_vouchers(m, data)


def _add_vouchers(m: pyo.ConcreteModel, data: ModelData) -> None:
    v = data.case.vouchers
    m.voucher_budget_myuan = pyo.Param(
        m.V, mutable=True, initialize=v["budget_myuan_per_yr"].astype(float).to_dict()
    )
    m.voucher_rate = pyo.Param(
        m.V, mutable=True, initialize=v["rate_share"].astype(float).to_dict()
    )
    m.voucher_price = pyo.Param(
        m.V, mutable=True, initialize=v["compute_price_yuan_per_mwh"].astype(float).to_dict()
    )
    m.voucher = pyo.Var(
        m.V,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, k: (0, m.voucher_budget_myuan[k]),
        doc="voucher subsidy used [M yuan/yr]",
    )
    eligible = {}
    for name, row in v.iterrows():
        sites = {s.strip() for s in str(row["eligible_sites"]).split(",")}
        issuer = row["issuer_region"]
        eligible[name] = [(r, w, s) for r, w, s in m.A if r == issuer and s in sites]
    m.voucher_use = pyo.Constraint(
        m.V,
        rule=lambda m, k: (
            m.voucher[k]
            <= m.voucher_rate[k]
            * m.voucher_price[k]
            * HOURS_PER_YEAR
            / 1e6
            * sum(m.x[a] for a in eligible[k])
        ),
    )
