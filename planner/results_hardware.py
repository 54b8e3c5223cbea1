"""Results of the hardware block (formulation §8b): hardware.csv, the supply table with the
supply-cap shadow prices, and the compute figures of the summary. Empty when the case has no
accelerator families (no `m.H`)."""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from models.data import ModelData
from models.registry import SUPPLY_CAP, registry

EPS = 1e-6
HOURS_PER_YEAR = 8760.0

HARDWARE_COLUMNS = [
    "site",
    "family",
    "origin",
    "cooling",
    "pflops",
    "servers",
    "racks",
    "server_mw",
    "served_pflops",
    "served_it_mw",
    "server_capital_myuan",
]
SUPPLY_COLUMNS = [
    "family",
    "origin",
    "supply_pflops",
    "supply_servers",
    "installed_pflops",
    "installed_servers",
    "binding",
    "shadow_price_yuan_per_pflops_yr",
    "shadow_price_yuan_per_server_yr",
]


def hardware_on(m: pyo.ConcreteModel) -> bool:
    return m.component("H") is not None


def _families(data: ModelData) -> pd.DataFrame:
    hw = data.case.extra["Hardware"]
    return hw[hw["kind"] == "accelerator"].set_index("family")


def hardware_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """One row per (site, family, cooling) with installed compute: PFLOPS, servers, racks,
    server nameplate MW; served PFLOPS and IT MW (annual averages) split over the family's
    coolings in proportion to its installed PFLOPS."""
    if not hardware_on(m):
        return pd.DataFrame(columns=HARDWARE_COLUMNS)
    fam = _families(data)
    served: dict[tuple[str, str], float] = {}
    for (_, _, s, f), v in m.c.items():
        served[s, f] = served.get((s, f), 0.0) + float(pyo.value(v))
    installed = {k: float(pyo.value(v)) for k, v in m.H.items()}
    per_site_family: dict[tuple[str, str], float] = {}
    for (s, f, _), x in installed.items():
        per_site_family[s, f] = per_site_family.get((s, f), 0.0) + x
    rows = []
    for (s, f, k), pflops in installed.items():
        if pflops <= EPS:
            continue
        row = fam.loc[f]
        servers = pflops / float(row["pflops_per_server"])
        server_mw = servers * float(row["kw_per_server"]) / 1000.0
        part = pflops / per_site_family[s, f]
        compute = served.get((s, f), 0.0) * part
        rows.append(
            {
                "site": s,
                "family": f,
                "origin": row["origin"],
                "cooling": k,
                "pflops": pflops,
                "servers": servers,
                "racks": server_mw * 1000.0 / float(row["rack_kw"]),
                "server_mw": server_mw,
                "served_pflops": compute,
                "served_it_mw": compute * float(pyo.value(m.mw_per_pflops[f])),
                "server_capital_myuan": pflops * float(pyo.value(m.server_capital_rate[f])),
            }
        )
    return pd.DataFrame(rows, columns=HARDWARE_COLUMNS)


def supply_table(m: pyo.ConcreteModel, data: ModelData, duals: pd.DataFrame) -> pd.DataFrame:
    """One row per accelerator family: supply, installed, and the supply cap's shadow price
    in yuan per extra PFLOPS-year and per extra server-year ("what one more imported
    accelerator server is worth per year of its use")."""
    if not hardware_on(m):
        return pd.DataFrame(columns=SUPPLY_COLUMNS)
    fam = _families(data)
    # the limits of role "supply cap" (models.registry.ROLES): the national supply per family
    supply_caps = [lim.name for lim in registry(m).with_role(m, SUPPLY_CAP)]
    caps = (
        duals[duals["constraint"].isin(supply_caps)]
        .groupby("index", sort=False)
        .agg(shadow_price=("shadow_price", "sum"), binding=("binding", "any"))
    )
    rows = []
    for f in m.F:
        per = float(fam.at[f, "pflops_per_server"])
        installed = sum(float(pyo.value(v)) for (_, ff, _), v in m.H.items() if ff == f)
        supply = float(pyo.value(m.supply_pflops[f])) if f in m.FS else None
        price = float(caps.at[f, "shadow_price"]) if f in caps.index else 0.0
        rows.append(
            {
                "family": f,
                "origin": fam.at[f, "origin"],
                "supply_pflops": supply,
                "supply_servers": None if supply is None else supply / per,
                "installed_pflops": installed,
                "installed_servers": installed / per,
                "binding": bool(caps.at[f, "binding"]) if f in caps.index else False,
                "shadow_price_yuan_per_pflops_yr": price,
                "shadow_price_yuan_per_server_yr": price * per,
            }
        )
    return pd.DataFrame(rows, columns=SUPPLY_COLUMNS)


def compute_summary(
    hardware: pd.DataFrame, supply: pd.DataFrame, sites: pd.DataFrame, costs: pd.DataFrame
) -> dict:
    """The compute figures of summary.json ("compute"): installed and served PFLOPS, domestic
        share of installed accelerator PFLOPS, MW per PFLOPS served, IT and facility energy per
        PFLOPS-year [MWh], share of the IT capacity built on cooling other than `air` (all
    classes), server capex."""
    installed = float(hardware["pflops"].sum())
    served = float(hardware["served_pflops"].sum())
    domestic = float(hardware.loc[hardware["origin"] == "domestic", "pflops"].sum())
    it_mw = float(hardware["served_it_mw"].sum())
    pue = sites.set_index("site")["pue"].fillna(1.0)
    facility_mw = float((hardware["served_it_mw"] * hardware["site"].map(pue)).sum())
    capacity = sites.filter(like="it_capacity_").drop(columns=["it_capacity_mw"], errors="ignore")
    total_capacity = float(capacity.to_numpy().sum())
    liquid = total_capacity - float(capacity.get("it_capacity_air_mw", pd.Series(0.0)).sum())
    term = costs.set_index("term")["cost_myuan"]
    return {
        "pflops_installed": installed,
        "pflops_served": served,
        "domestic_share": domestic / installed if installed > EPS else None,
        "mw_per_pflops": it_mw / served if served > EPS else None,
        "it_mwh_per_pflops_yr": it_mw * HOURS_PER_YEAR / served if served > EPS else None,
        "facility_mwh_per_pflops_yr": facility_mw * HOURS_PER_YEAR / served
        if served > EPS
        else None,
        "liquid_cooled_share": liquid / total_capacity if total_capacity > EPS else None,
        "server_capital_myuan": float(term.get("server_capital", 0.0)),
        "families": {
            str(r["family"]): {
                "installed_pflops": float(r["installed_pflops"]),
                "shadow_price_yuan_per_pflops_yr": float(r["shadow_price_yuan_per_pflops_yr"]),
                "shadow_price_yuan_per_server_yr": float(r["shadow_price_yuan_per_server_yr"]),
            }
            for _, r in supply.iterrows()
        },
    }
