r"""Heterogeneous compute and chip supply (formulation §12: constraints H1–H9).

Built only when the case has accelerator families (sheet Hardware); otherwise no component
is declared and the model is the MW-only one. F accelerator families, RWP ⊆ R×W demand in
PFLOPS, AP ⊆ A its routes, APF = {(r,w,s,f): (r,w,s) ∈ AP, f serves w}, FK ⊆ F×K the
(family, cooling) pairs whose rack density the cooling can take.

Variables: c[r,w,s,f] ≥ 0 served compute [PFLOPS, annual average]; H[s,f,k] ≥ 0 installed
PFLOPS of family f on cooling k at s; u_pf[r,w] ≥ 0 unserved compute (fixed 0 unless
allow_unserved).
(H1) Σ_{s,f} c[r,w,s,f] + u_pf[r,w] = D_pf[r,w]                            `compute_met[r,w]`
(H2) x[r,w,s] = Σ_f mw_per_pflops[f] · c[r,w,s,f]                         `compute_power[r,w,s]`
     (IT power of the route [MW]; site_load then applies the class's shape hour by hour)
(H3) Σ_k H[s,f,k] ≥ Σ_{r,w} peak[w] · c[r,w,s,f]                          `compute_servers[s,f]`
(H4) Σ_{w∈WP fixed} shape[w,t]·y[s,w] + Σ_{w∈WP shiftable} f[s,w,t]
        ≤ Σ_{f,k} mw_per_pflops[f] · H[s,f,k]          (sites with a shiftable PFLOPS class)
                                                                          `server_power[s,t]`
(H5) Σ_f mw_per_pflops[f] · H[s,f,k] ≤ usable · Cap_IT[s,k]               `server_space[s,k]`
     (H exists only for compatible (f,k): racks no denser than the cooling's max)
(H6) Σ_{s,k} H[s,f,k] ≤ Supply[f]                      (families with a cap) `supply_cap[f]`
(H7) Σ_{f dom} H ≥ share · Σ_f H, over all sites or each zone's          `domestic_share_limit[z]`
(H8) vd[v] ≤ extra[v] · Σ_{(r_v,w,s) eligible, f dom} mw[f] · c[r_v,w,s,f] `voucher_domestic_use[v]`
     voucher[v] + vd[v] ≤ Budget[v]                                      `voucher_budget_shared[v]`
(H9) credit[s] ≤ disc[s] · price[s] · 8760 · Σ_{r,w,f dom} mw[f] · c[r,w,s,f]
                                                                          `power_discount_energy[s]`
     credit[s] ≤ disc[s] · price[s] · Σ_t ω_t tou[s,t] G[s,t]            `power_discount_bill[s]`
Costs (all plan-only: a full-year re-dispatch fixes facility capacities, not the hardware,
and carries them as planned): server_capital Σ_{s,f,k} rate[f] · H[s,f,k] (hardware.csv
gives it per site); domestic_power_discount −Σ_s credit[s]; unserved_compute Σ penalty[w] ·
u_pf; vouchers_domestic −Σ vd.
Units: PFLOPS, MW, M yuan/yr.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import (
    DEMAND_PRICE,
    SHARE_FLOOR,
    SUPPLY_CAP,
    Limit,
    Role,
    add_cost,
    add_limit,
)


def add_hardware(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Declare the hardware block when the case has accelerator families (see module doc)."""
    if not data.param("hw_on"):
        return
    families = data.param("hw_families")
    serves = data.param("hw_serves")
    m.F = pyo.Set(initialize=families, ordered=True)
    m.FK = pyo.Set(
        dimen=2, ordered=True, initialize=[fk for fk in data.param("hw_compatible") if fk[1] in m.K]
    )
    m.mw_per_pflops = pyo.Param(m.F, initialize=data.param("hw_mw_per_pflops"))
    m.pflops_per_server = pyo.Param(m.F, initialize=data.param("hw_pflops_per_server"))
    m.server_capital_rate = pyo.Param(m.F, mutable=True, initialize=data.param("hw_capital_rate"))
    m.domestic = pyo.Param(m.F, initialize=data.param("hw_domestic"))
    demand = data.param("demand_pflops")
    m.RWP = pyo.Set(dimen=2, ordered=True, initialize=list(demand))
    m.demand_pflops = pyo.Param(m.RWP, mutable=True, initialize=demand)
    pf_classes = {w for _, w in demand}
    m.AP = pyo.Set(dimen=3, ordered=True, initialize=[a for a in m.A if (a[0], a[1]) in demand])
    m.APF = pyo.Set(
        dimen=4,
        ordered=True,
        initialize=[(r, w, s, f) for r, w, s in m.AP for f in serves.get(w, ())],
    )
    m.SFK = pyo.Set(dimen=3, ordered=True, initialize=[(s, f, k) for s in m.S for f, k in m.FK])

    m.c = pyo.Var(m.APF, domain=pyo.NonNegativeReals, doc="served compute [PFLOPS]")
    m.H = pyo.Var(m.SFK, domain=pyo.NonNegativeReals, doc="installed compute [PFLOPS]")
    m.u_pf = pyo.Var(m.RWP, domain=pyo.NonNegativeReals, doc="unserved compute [PFLOPS]")
    if not data.param("allow_unserved"):
        for key in m.RWP:
            m.u_pf[key].fix(0.0)

    by_demand: dict = {}
    by_route: dict = {}
    by_site_family: dict = {}
    for r, w, s, f in m.APF:
        by_demand.setdefault((r, w), []).append((r, w, s, f))
        by_route.setdefault((r, w, s), []).append((r, w, s, f))
        by_site_family.setdefault((s, f), []).append((r, w, s, f))
    cooling_of: dict = {}
    for s, f, k in m.SFK:
        cooling_of.setdefault((s, f), []).append(k)

    m.compute_met = pyo.Constraint(
        m.RWP,
        rule=lambda m, r, w: (
            sum(m.c[i] for i in by_demand.get((r, w), ())) + m.u_pf[r, w] == m.demand_pflops[r, w]
        ),
    )
    m.compute_power = pyo.Constraint(
        m.AP,
        rule=lambda m, r, w, s: (
            m.x[r, w, s] == sum(m.mw_per_pflops[i[3]] * m.c[i] for i in by_route.get((r, w, s), ()))
        ),
    )
    peak = data.param("compute_peak")
    m.SFP = pyo.Set(dimen=2, ordered=True, initialize=list(by_site_family))
    m.compute_servers = pyo.Constraint(
        m.SFP,
        rule=lambda m, s, f: (
            sum(m.H[s, f, k] for k in cooling_of.get((s, f), ()))
            >= sum(peak[i[1]] * m.c[i] for i in by_site_family[s, f])
        ),
    )

    flexible = set(m.WF)
    shape = data.shape
    pf_at = {s: [w for (ss, w) in m.SC if ss == s and w in pf_classes] for s in m.S}
    flex_sites = [s for s in m.S if any(w in flexible for w in pf_at[s])]
    m.SSP = pyo.Set(initialize=flex_sites, ordered=True)

    def installed_mw(m, s):
        return sum(m.mw_per_pflops[f] * m.H[s, f, k] for (ss, f, k) in m.SFK if ss == s)

    def server_power(m, s, t):
        load = sum(
            m.f[s, w, t] if w in flexible else float(shape[w].iat[t]) * m.y[s, w] for w in pf_at[s]
        )
        return load <= installed_mw(m, s)

    m.server_power = pyo.Constraint(m.SSP, m.T, rule=server_power)
    m.server_space = pyo.Constraint(
        m.S,
        m.K,
        rule=lambda m, s, k: (
            sum(m.mw_per_pflops[f] * m.H[s, f, kk] for (f, kk) in m.FK if kk == k)
            <= m.usable_share * m.Cap_IT[s, k]
        ),
    )
    supply = data.param("hw_supply_pflops")
    m.FS = pyo.Set(initialize=[f for f in m.F if f in supply], ordered=True)
    m.supply_pflops = pyo.Param(m.FS, mutable=True, initialize=supply)
    m.supply_cap = pyo.Constraint(
        m.FS,
        rule=lambda m, f: (
            sum(m.H[s, ff, k] for (s, ff, k) in m.SFK if ff == f) <= m.supply_pflops[f]
        ),
    )
    _add_domestic_share(m, data)
    _add_vouchers_domestic(m, data)
    _add_power_discount(m, data)

    # plan-only: a full-year re-dispatch (planner/redispatch.py) fixes the plan's facility
    # capacities, not its hardware, so it carries these terms as planned
    add_cost(
        m,
        "server_capital",
        12,
        plan=lambda m: sum(m.server_capital_rate[f] * m.H[s, f, k] for (s, f, k) in m.SFK),
    )
    penalty = data.param("unserved_myuan_per_pflops_yr")
    add_cost(
        m, "unserved_compute", 81, plan=lambda m: sum(penalty[w] * m.u_pf[r, w] for r, w in m.RWP)
    )
    _pflops_limit(
        m,
        "compute_met",
        ("region", "workload_class"),
        "compute demand",
        DEMAND_PRICE,
        rank=2,
        meaning="one more PFLOPS of this region's demand of this class, per year",
        slack_var="u_pf",
        describe=lambda m, key, amount: (
            f"region {key[0]}, class {key[1]}: {amount:,.1f} PFLOPS cannot be served"
        ),
        weight=1e4,
    )
    _pflops_limit(
        m,
        "supply_cap",
        ("family",),
        "national supply of a hardware family",
        SUPPLY_CAP,
        rank=30,
        meaning="one more PFLOPS of this family available (per year of use)",
        elastic="rhs",
        describe=lambda m, f, amount: (
            f"family {f}: the plan needs {amount:,.1f} PFLOPS more than the "
            f"{pyo.value(m.supply_pflops[f]):,.1f} PFLOPS available"
        ),
    )


def _pflops_limit(
    m: pyo.ConcreteModel,
    name: str,
    index: tuple[str, ...],
    what: str,
    role: Role,
    **metadata: Any,
) -> None:
    """Register a plan-wide limit of the block: each is counted in PFLOPS, so its dual is in
    yuan per PFLOPS-year (model M yuan/yr × 1e6)."""
    add_limit(
        m,
        Limit(
            name, index, what, "plan", role=role, unit="yuan/(PFLOPS*yr)", factor=1e6, **metadata
        ),
    )


def _add_domestic_share(m: pyo.ConcreteModel, data: ModelData) -> None:
    share = data.param("domestic_share_min")
    zone_of = data.param("site_zone")
    scope = data.param("domestic_share_scope")
    groups: dict = {}
    if share is not None:
        for s in m.S:
            groups.setdefault(zone_of[s] if scope == "zone" else "all", []).append(s)
    m.Z = pyo.Set(initialize=list(groups), ordered=True)
    if share is not None:
        # only when set: a Param built for a blank share would read as "switched off" to
        # models.update and make every such model unfit for re-use (sweeps, kept site LPs)
        m.domestic_share_min = pyo.Param(initialize=share, mutable=True)

    def rule(m, z):
        sites = set(groups[z])
        chosen = [(s, f, k) for (s, f, k) in m.SFK if s in sites]
        domestic = sum(m.domestic[f] * m.H[s, f, k] for (s, f, k) in chosen)
        total = sum(m.H[s, f, k] for (s, f, k) in chosen)
        return domestic >= m.domestic_share_min * total

    m.domestic_share_limit = pyo.Constraint(m.Z, rule=rule)
    _pflops_limit(
        m,
        "domestic_share_limit",
        ("zone",),
        "domestic accelerator share",
        SHARE_FLOOR,
        rank=32,
        meaning="one more PFLOPS of domestic accelerators required (per year)",
        elastic="kilo",
        describe=lambda m, z, amount: (
            f"{'the plan' if z == 'all' else 'zone ' + z}: {amount:,.1f} PFLOPS short of "
            f"the {pyo.value(m.domestic_share_min):.0%} domestic accelerator share"
        ),
    )


def _add_vouchers_domestic(m: pyo.ConcreteModel, data: ModelData) -> None:
    extra = data.param("voucher_domestic_extra_myuan_per_mw_yr")
    routes = data.param("voucher_routes")
    m.VD = pyo.Set(initialize=[v for v in m.V if v in extra], ordered=True)
    m.voucher_domestic_rate = pyo.Param(m.VD, mutable=True, initialize=extra)
    m.vd = pyo.Var(m.VD, domain=pyo.NonNegativeReals, doc="domestic voucher top-up [M yuan/yr]")
    ap = set(m.AP)

    def use(m, v):
        eligible = [a for a in routes[v] if a in ap]
        return m.vd[v] <= m.voucher_domestic_rate[v] * sum(
            m.domestic[i[3]] * m.mw_per_pflops[i[3]] * m.c[i]
            for i in m.APF
            if (i[0], i[1], i[2]) in eligible
        )

    m.voucher_domestic_use = pyo.Constraint(m.VD, rule=use)
    m.voucher_budget_shared = pyo.Constraint(
        m.VD, rule=lambda m, v: m.voucher[v] + m.vd[v] <= m.voucher_budget_myuan[v]
    )
    add_cost(m, "vouchers_domestic", 91, plan=lambda m: -sum(m.vd[v] for v in m.VD))


def _add_power_discount(m: pyo.ConcreteModel, data: ModelData) -> None:
    discount = data.param("domestic_power_discount")
    m.SD = pyo.Set(initialize=[s for s in m.S if s in discount], ordered=True)
    m.power_discount = pyo.Param(m.SD, mutable=True, initialize=discount)
    m.credit = pyo.Var(m.SD, domain=pyo.NonNegativeReals, doc="grid bill cut [M yuan/yr]")
    hours = float(sum(data.weight_h))
    m.power_discount_energy = pyo.Constraint(
        m.SD,
        rule=lambda m, s: (
            m.credit[s]
            <= m.power_discount[s]
            * m.grid_price_myuan_per_mwh[s]
            * hours
            * sum(m.domestic[i[3]] * m.mw_per_pflops[i[3]] * m.c[i] for i in m.APF if i[2] == s)
        ),
    )
    m.power_discount_bill = pyo.Constraint(
        m.SD,
        rule=lambda m, s: (
            m.credit[s]
            <= m.power_discount[s]
            * m.grid_price_myuan_per_mwh[s]
            * sum(m.weight[t] * m.tou_factor[s, t] * m.G[s, t] for t in m.T)
        ),
    )
    add_cost(m, "domestic_power_discount", 46, plan=lambda m: -sum(m.credit[s] for s in m.SD))
