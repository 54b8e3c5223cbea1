"""Parameters of the hardware block (sheet Hardware, demand in PFLOPS): formulation §12.

Called by `planner.prepare.derive`; every value in model units:
- mw_per_pflops[f] = kW per server / PFLOPS per server / 1000 [MW/PFLOPS]
- server capital rate[f] = annuity(r, life) · capex per server / PFLOPS per server
  [M yuan/(PFLOPS·yr)]
- supply[f] [PFLOPS] = supply [servers] · PFLOPS per server (or as given in PFLOPS)
- compatible (f, k): rack density of f ≤ max rack density of cooling k (blank = no limit)
- peak[w]: the largest value of class w's shape over the time steps (fixed classes; 1 for
  shiftable ones, whose hourly load the server-power row bounds)
- voucher domestic extra[v] = (domestic rate − rate)⁺ · price [yuan/MWh IT] · 8760 h · 1e-6
  [M yuan per MW of eligible domestic-chip load]
- unserved compute penalty[w] = unserved penalty [yuan/MWh] · 8760 · 1e-6 · max_f mw_per_pflops
  [M yuan/(PFLOPS·yr)]
"""

from __future__ import annotations

import math

import pandas as pd

HOURS_PER_YEAR = 8760.0
MYUAN_PER_YUAN = 1e-6


def _number(value: object) -> float | None:
    """A cell as float, None when blank."""
    if value is None:
        return None
    x = float(value)
    return None if math.isnan(x) else x


def accelerators(case) -> pd.DataFrame:
    """Accelerator rows of the Hardware sheet (empty without one), indexed by family."""
    hw = case.extra.get("Hardware")
    if hw is None or hw.empty:
        return pd.DataFrame()
    rows = hw[hw["kind"] == "accelerator"]
    return rows.set_index("family", drop=False).rename_axis(None)


def pflops_classes(case) -> set[str]:
    """Classes whose demand is in PFLOPS."""
    d = case.demand
    if "unit" not in d:
        return set()
    return {str(w) for w in d.loc[d["unit"] == "PFLOPS", "workload_class"]}


def serving(case) -> dict[str, list[str]]:
    """{class: accelerator families that list it}, families in sheet order."""
    out: dict[str, list[str]] = {}
    for f, row in accelerators(case).iterrows():
        for w in str(row["classes"]).split(","):
            out.setdefault(w.strip(), []).append(str(f))
    return out


def mw_per_pflops(case) -> dict[str, float]:
    """{family: MW per PFLOPS} of the accelerator families."""
    acc = accelerators(case)
    return {
        str(f): float(r["kw_per_server"]) / float(r["pflops_per_server"]) / 1000.0
        for f, r in acc.iterrows()
    }


def demand_mw_equivalent(case) -> pd.Series:
    """Demand [MW] per Demand row: MW rows as given, PFLOPS rows at the mean MW/PFLOPS of the
    families that can serve the class (used only to pick the peak day of time aggregation)."""
    d = case.demand
    values = d["demand_mw"].astype(float).copy()
    pf = pflops_classes(case)
    if not pf:
        return values
    mw = mw_per_pflops(case)
    serves = serving(case)
    for i, w in d["workload_class"].items():
        if w in pf:
            fams = serves.get(w, [])
            mean = sum(mw[f] for f in fams) / len(fams) if fams else 0.0
            values[i] = float(values[i]) * mean
    return values


def derive_hardware(case, shape: pd.DataFrame, annuity) -> dict:
    """The hardware block's parameters (hw_on False and empty values without Hardware)."""
    acc = accelerators(case)
    pf = pflops_classes(case)
    d = case.demand
    demand_pflops = (
        {
            (str(r), str(w)): float(x)
            for r, w, x, u in zip(
                d["region"], d["workload_class"], d["demand_mw"], d["unit"], strict=True
            )
            if u == "PFLOPS" and x > 0
        }
        if "unit" in d
        else {}
    )
    on = not acc.empty
    rate = float(case.settings["discount_rate"])
    mw = mw_per_pflops(case)
    limits = {}
    cooling = case.cooling
    for k in case.cooling_techs:
        given = (
            cooling.loc[cooling["cooling"] == k, "max_rack_kw"].dropna()
            if ("max_rack_kw" in cooling)
            else pd.Series(dtype=float)
        )
        limits[k] = float(given.iloc[0]) if len(given) else math.inf
    compatible = [
        (str(f), k)
        for f, r in acc.iterrows()
        for k in case.cooling_techs
        if float(r["rack_kw"]) <= limits[k]
    ]
    supply = {}
    for f, r in acc.iterrows():
        cap = _number(r["supply"])
        if cap is not None:
            per = 1.0 if r["supply_unit"] == "PFLOPS" else float(r["pflops_per_server"])
            supply[str(f)] = cap * per
    flexible = set(case.classes.index[case.classes["flexibility"] == "shiftable"])
    peak = {
        str(w): (1.0 if w in flexible else float(shape[w].max()) if len(shape) else 1.0) for w in pf
    }
    serves = serving(case)
    penalty = float(case.settings["unserved_penalty"]) * HOURS_PER_YEAR * MYUAN_PER_YUAN
    v = case.vouchers
    extra_rate = {}
    if "domestic_rate_share" in v:
        for k, row in v.iterrows():
            dom = _number(row["domestic_rate_share"])
            if dom is not None and dom > float(row["rate_share"]):
                extra_rate[str(k)] = (
                    (dom - float(row["rate_share"]))
                    * float(row["compute_price_yuan_per_mwh"])
                    * HOURS_PER_YEAR
                    * MYUAN_PER_YUAN
                )
    sites = case.sites
    discount = {}
    if "domestic_power_discount" in sites:
        discount = {
            str(s): float(x)
            for s, x in sites["domestic_power_discount"].items()
            if _number(x) is not None and float(x) > 0
        }
    share = case.policy.get("domestic_share_min")
    return {
        "hw_on": on,
        "hw_families": [str(f) for f in acc.index],
        "hw_mw_per_pflops": mw,
        "hw_pflops_per_server": {str(f): float(r["pflops_per_server"]) for f, r in acc.iterrows()},
        "hw_capital_rate": {
            str(f): annuity(rate, float(r["server_life_yr"]))
            * float(r["capex_myuan_per_server"])
            / float(r["pflops_per_server"])
            for f, r in acc.iterrows()
        },
        "hw_supply_pflops": supply,
        "hw_domestic": {str(f): float(r["origin"] == "domestic") for f, r in acc.iterrows()},
        "hw_compatible": compatible,
        "hw_serves": {w: tuple(serves.get(w, ())) for w in sorted(pf)},
        "demand_pflops": demand_pflops if on else {},
        "compute_peak": peak,
        "unserved_myuan_per_pflops_yr": {
            w: penalty * max((mw[f] for f in serves.get(w, ())), default=0.0) for w in sorted(pf)
        },
        "domestic_share_min": None if share is None or not on else float(share),
        "domestic_share_scope": "zone"
        if case.policy.get("domestic_share_scope") == "zone"
        else "overall",
        "site_zone": {str(s): str(z) for s, z in sites["zone"].items()},
        "domestic_power_discount": discount if on else {},
        "voucher_domestic_extra_myuan_per_mw_yr": extra_rate if on else {},
    }
