r"""A test-only block: a diesel backup generator per site (the worked example of
docs/architecture.md, "How to add a block"). Nothing in `models/` or `planner/` names it.

Inputs: sheet `Diesel` (one row per site that may build one; sites without a row build none).

Parameters (derived in `derive_diesel`, model units):
- `m.diesel_max_mw[s]` MW: buildable capacity (Diesel · max_mw; 0 without a row)
- `m.diesel_capital_rate[s]` M yuan/(MW·yr): annuity(discount rate, life) × capex
- `m.diesel_fuel_myuan_per_mwh[s]` M yuan/MWh: Diesel · fuel [yuan/MWh] × 1e-6
- `m.diesel_ef[s]` t CO2/MWh, `m.diesel_backup_share[s]` [-]
- `m.diesel_permit_t[s]` t CO2/yr on `m.SDP` (sites with a permit)
Variables: `m.Cap_DG[s]` ∈ [0, max] MW, `m.DG[s,t]` ≥ 0 MW.
Constraints:
    DG[s,t] ≤ Cap_DG[s]                                                   `diesel_output[s,t]`
    Cap_DG[s] ≥ backup_share[s] · Σ_k Cap_IT[s,k]                         `diesel_backup[s]`
    diesel_emissions_t[s] = Σ_t ω_t ef[s] DG[s,t] ≤ permit[s]              `diesel_permit[s]`
Registered: balance term `diesel` (+DG); per-site costs `diesel_capital` (rate · Cap_DG) and
`diesel_fuel` (fuel · Σ_t ω_t DG); limits `diesel_backup` (role "capacity", dual in
M yuan/(MW·yr), elastic per MW) and `diesel_permit` (role "site cap": the report shows its
shadow price per site beside the PUE and water caps; dual in yuan/t CO2, elastic per 1% of
the permit).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import CAPACITY, SITE_CAP, Limit, add_balance_term, add_cost, add_limit
from planner import synthetic
from planner.inputs.schema import Column, Sheet
from planner.prepare import annuity_factor

FUEL_YUAN_PER_MWH = 300.0
PERMIT_T = 50000.0
EF_T_PER_MWH = 0.8

SHEET = Sheet(
    "Diesel",
    "table",
    "Diesel backup generators (test-only block).",
    key=("site",),
    required=False,
    columns=(
        Column("site", "site", dtype="str", ref="Sites", doc="Site that may build one."),
        Column("max_mw", "max", "MW", min=0, doc="Buildable capacity."),
        Column("capex_myuan_per_mw", "capex", "M yuan/MW", min=0, doc="Investment."),
        Column("life_yr", "life", "yr", min=1, doc="Economic life."),
        Column("fuel_yuan_per_mwh", "fuel", "yuan/MWh", min=0, doc="Fuel cost."),
        Column("emission_t_per_mwh", "emission", "t/MWh", min=0, doc="CO2 per MWh."),
        Column("backup_share", "backup", "share", min=0, doc="Backup MW per MW of IT."),
        Column(
            "permit_t",
            "permit",
            "t/yr",
            min=0,
            required=False,
            doc="Emission permit; blank = none.",
        ),
    ),
)


def case_tables(**row: object) -> tuple[dict, dict]:
    """Tables and profiles of synthetic.near_far_pair (s1 near, s2 far) with a Diesel row at
    s1: cheap fuel (the generator runs) and a permit that binds; `row` changes its cells."""
    raw, profiles = synthetic.case_tables(**synthetic.near_far_pair())
    values = {
        "site": "s1",
        "max_mw": 50.0,
        "capex": 3.0,
        "life": 15.0,
        "fuel": FUEL_YUAN_PER_MWH,
        "emission": EF_T_PER_MWH,
        "backup": 0.1,
        "permit": PERMIT_T,
        **row,
    }
    raw["Diesel"] = synthetic.table("Diesel", [values])
    return raw, profiles


def derive_diesel(case, time) -> dict:
    """The block's parameters from `case.extra['Diesel']` (planner side: prepare)."""
    rows = case.extra["Diesel"].set_index("site")
    rate = float(case.settings["discount_rate"])
    sites = [str(s) for s in case.sites.index]

    def per_site(fn) -> dict:
        return {s: float(fn(rows.loc[s])) if s in rows.index else 0.0 for s in sites}

    permits = {
        str(s): float(r["permit_t"])
        for s, r in rows.iterrows()
        if r["permit_t"] is not None and not math.isnan(float(r["permit_t"]))
    }
    return {
        "diesel_max_mw": per_site(lambda r: r["max_mw"]),
        "diesel_capital_rate": per_site(
            lambda r: annuity_factor(rate, float(r["life_yr"])) * r["capex_myuan_per_mw"]
        ),
        "diesel_fuel_myuan_per_mwh": per_site(lambda r: r["fuel_yuan_per_mwh"] * 1e-6),
        "diesel_ef": per_site(lambda r: r["emission_t_per_mwh"]),
        "diesel_backup_share": per_site(lambda r: r["backup_share"]),
        "diesel_permit_t": permits,
    }


def add_diesel(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Declare the diesel block on `m` (see module doc)."""
    for name in (
        "diesel_max_mw",
        "diesel_capital_rate",
        "diesel_fuel_myuan_per_mwh",
        "diesel_ef",
        "diesel_backup_share",
    ):
        m.add_component(name, pyo.Param(m.S, mutable=True, initialize=data.param(name)))
    permits = data.param("diesel_permit_t")
    m.SDP = pyo.Set(initialize=list(permits), ordered=True)
    m.diesel_permit_t = pyo.Param(m.SDP, mutable=True, initialize=permits)
    m.Cap_DG = pyo.Var(
        m.S, domain=pyo.NonNegativeReals, bounds=lambda m, s: (0, m.diesel_max_mw[s])
    )
    m.DG = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals, doc="diesel output [MW]")
    m.diesel_output = pyo.Constraint(m.S, m.T, rule=lambda m, s, t: m.DG[s, t] <= m.Cap_DG[s])
    m.diesel_backup = pyo.Constraint(
        m.S,
        rule=lambda m, s: (
            m.Cap_DG[s] >= m.diesel_backup_share[s] * sum(m.Cap_IT[s, k] for k in m.K)
        ),
    )
    m.diesel_emissions_t = pyo.Expression(
        m.S, rule=lambda m, s: m.diesel_ef[s] * sum(m.weight[t] * m.DG[s, t] for t in m.T)
    )
    m.diesel_permit = pyo.Constraint(
        m.SDP, rule=lambda m, s: m.diesel_emissions_t[s] <= m.diesel_permit_t[s]
    )

    add_balance_term(m, "diesel", 1, lambda m, s, t: m.DG[s, t])
    add_cost(m, "diesel_capital", 35, site=lambda m, s: m.diesel_capital_rate[s] * m.Cap_DG[s])
    add_cost(
        m,
        "diesel_fuel",
        45,
        site=lambda m, s: (
            m.diesel_fuel_myuan_per_mwh[s] * sum(m.weight[t] * m.DG[s, t] for t in m.T)
        ),
    )
    add_limit(
        m,
        Limit(
            "diesel_backup",
            ("site",),
            "diesel backup",
            "site",
            role=CAPACITY,
            rank=20,
            unit="M yuan/(MW*yr)",
            meaning="1 MW more diesel backup required at the site",
            elastic="one",
            describe=lambda m, s, amount: (
                f"site {s}: needs {amount:,.1f} MW more diesel backup than its buildable "
                f"{pyo.value(m.diesel_max_mw[s]):,.1f} MW"
            ),
        ),
    )
    add_limit(
        m,
        Limit(
            "diesel_permit",
            ("site",),
            "diesel emission permit",
            "site",
            role=SITE_CAP,
            rank=21,
            unit="yuan/t CO2",
            factor=1e6,
            meaning="a diesel emission permit 1 t CO₂ lower",
            elastic="rhs",
            dispatch=True,
            describe=lambda m, s, amount: (
                f"site {s}: diesel permit {pyo.value(m.diesel_permit_t[s]):,.0f} t/yr is "
                f"{amount:,.0f} t short"
            ),
        ),
    )
