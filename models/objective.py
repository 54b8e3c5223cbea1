r"""Objective: minimise annual cost [M yuan/yr] (formulation §10).

cost[term] are named Expressions; the objective is their sum, so costs.csv adds up to it.
- facility_capital  Σ_{s,k} a(k) · capex[k] · Cap_IT[s,k]       a = annuity factor [1/yr]
- facility_om       Σ_{s,k} om[k] · capex[k] · Cap_IT[s,k]
- pv_capital, pv_om, wind_capital, wind_om, battery_capital, battery_om (same form; battery
  on Cap_E with the energy capex and on Cap_P with the power capex)
- battery_wear      Σ_{s,t} ω_t · wear · Dis[s,t] / 1e6
- grid_energy       Σ_{s,t} ω_t · tariff[s] · 1000 · tou[s,t] · G[s,t] / 1e6
- carbon            carbon_price · E / 1e6
- bandwidth         Σ_A bw[w] · c[r,s] · x[r,w,s]
- certificates      gec_price · Σ_s GEC[s] / 1e6
- unserved          penalty · 8760 · Σ u[r,w] / 1e6
- vouchers          − Σ_v voucher[v]
- site_opening      Σ_s open_cost[s] · Open[s]   (MILP mode)
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.prepare import ModelData, annuity_factor

HOURS_PER_YEAR = 8760.0
YUAN_PER_MYUAN = 1e6


def _cost_rates(data: ModelData, kind: str) -> tuple[dict, dict]:
    """{tech: annuity·capex}, {tech: om·capex} [M yuan per unit-year] for one kind."""
    t = data.case.technologies
    rate = float(data.case.settings["discount_rate"])
    rows = t[(t["kind"] == kind) & t["available"]]
    capital = {
        k: annuity_factor(rate, r["life_yr"]) * r["capex_myuan_per_unit"]
        for k, r in rows.iterrows()
    }
    om = {k: r["fixed_om_share"] * r["capex_myuan_per_unit"] for k, r in rows.iterrows()}
    return capital, om


def _single(rates: dict) -> float:
    return float(next(iter(rates.values()))) if rates else 0.0


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    case = data.case
    s = case.settings
    fac_cap, fac_om = _cost_rates(data, "facility")
    m.facility_capital_rate = pyo.Param(m.K, mutable=True, initialize=fac_cap)
    m.facility_om_rate = pyo.Param(m.K, mutable=True, initialize=fac_om)
    rates = {}
    for kind in ("pv", "wind", "battery_energy", "battery_power"):
        capital, om = _cost_rates(data, kind)
        rates[kind] = (_single(capital), _single(om))
    m.pv_capital_rate = pyo.Param(initialize=rates["pv"][0], mutable=True)
    m.pv_om_rate = pyo.Param(initialize=rates["pv"][1], mutable=True)
    m.wind_capital_rate = pyo.Param(initialize=rates["wind"][0], mutable=True)
    m.wind_om_rate = pyo.Param(initialize=rates["wind"][1], mutable=True)
    m.battery_energy_capital_rate = pyo.Param(initialize=rates["battery_energy"][0], mutable=True)
    m.battery_energy_om_rate = pyo.Param(initialize=rates["battery_energy"][1], mutable=True)
    m.battery_power_capital_rate = pyo.Param(initialize=rates["battery_power"][0], mutable=True)
    m.battery_power_om_rate = pyo.Param(initialize=rates["battery_power"][1], mutable=True)
    m.battery_wear_yuan_per_mwh = pyo.Param(initialize=float(s["battery_wear_cost"]), mutable=True)
    m.carbon_price = pyo.Param(initialize=float(s["carbon_price"]), mutable=True)
    m.unserved_penalty = pyo.Param(initialize=float(s["unserved_penalty"]), mutable=True)
    gec = case.policy.get("gec_price")
    m.gec_price = pyo.Param(initialize=float(gec) if gec is not None else 0.0, mutable=True)
    m.grid_tariff_yuan_per_kwh = pyo.Param(
        m.S, mutable=True, initialize=case.sites["grid_price_yuan_per_kwh"].astype(float).to_dict()
    )
    tou = data.tou_factor
    m.tou_factor = pyo.Param(
        m.S,
        m.T,
        within=pyo.Reals,
        initialize={(site, int(t)): float(v) for (t, site), v in tou.stack().items()},
    )
    open_cost = case.sites["open_cost_myuan_per_yr"].fillna(0.0).astype(float).to_dict()
    m.open_cost_myuan = pyo.Param(m.S, mutable=True, initialize=open_cost)

    def grid_energy(m):
        # tariff [yuan/kWh] · 1000 = yuan/MWh; / 1e6 = M yuan: net factor 1e-3
        return sum(
            m.grid_tariff_yuan_per_kwh[site]
            * 1e-3
            * sum(m.weight[t] * m.tou_factor[site, t] * m.G[site, t] for t in m.T)
            for site in m.S
        )

    terms = {
        "facility_capital": sum(
            m.facility_capital_rate[k] * m.Cap_IT[site, k] for site in m.S for k in m.K
        ),
        "facility_om": sum(m.facility_om_rate[k] * m.Cap_IT[site, k] for site in m.S for k in m.K),
        "pv_capital": m.pv_capital_rate * sum(m.Cap_PV[site] for site in m.S),
        "pv_om": m.pv_om_rate * sum(m.Cap_PV[site] for site in m.S),
        "wind_capital": m.wind_capital_rate * sum(m.Cap_WT[site] for site in m.S),
        "wind_om": m.wind_om_rate * sum(m.Cap_WT[site] for site in m.S),
        "battery_capital": sum(
            m.battery_energy_capital_rate * m.Cap_E[site]
            + m.battery_power_capital_rate * m.Cap_P[site]
            for site in m.S
        ),
        "battery_om": sum(
            m.battery_energy_om_rate * m.Cap_E[site] + m.battery_power_om_rate * m.Cap_P[site]
            for site in m.S
        ),
        "battery_wear": m.battery_wear_yuan_per_mwh
        / YUAN_PER_MYUAN
        * sum(m.weight[t] * m.Dis[site, t] for site in m.S for t in m.T),
        "grid_energy": grid_energy(m),
        "carbon": m.carbon_price / YUAN_PER_MYUAN * m.emissions_t,
        "bandwidth": sum(
            m.bandwidth_gbps_per_mw[a] * m.link_cost_myuan_per_gbps_yr[a] * m.x[a] for a in m.A
        ),
        "certificates": m.gec_price / YUAN_PER_MYUAN * sum(m.GEC[site] for site in m.S),
        "unserved": m.unserved_penalty
        * HOURS_PER_YEAR
        / YUAN_PER_MYUAN
        * sum(m.u[k] for k in m.RW),
        "vouchers": -sum(m.voucher[v] for v in m.V),
    }
    if hasattr(m, "Open"):
        terms["site_opening"] = sum(m.open_cost_myuan[site] * m.Open[site] for site in m.S)
    m.COST_TERMS = pyo.Set(initialize=list(terms), ordered=True)
    m.cost = pyo.Expression(m.COST_TERMS, rule=lambda m, term: terms[term])
    m.total_cost = pyo.Objective(
        expr=sum(m.cost[term] for term in m.COST_TERMS), sense=pyo.minimize
    )
