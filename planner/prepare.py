"""Model data: a validated Case on chosen time steps, with every derived parameter computed
(vectorised) so that `models/` only declares sets, variables and constraints.

This is the one place where model parameters are derived from inputs; each traceable to one:
- routes A and link costs (planner.network),
- pue[s,k,t], wue[s,k,t] by linear interpolation of the Cooling curves at the site's ambient
  temperature (flat beyond the curve's ends),
- grid price [M yuan/MWh] = grid_price [yuan/kWh] · 1e-3 and tou_factor[s,t] =
  (1 − tou_energy_share) + tou_energy_share · price multiplier[s,t],
- annuity factors r / (1 − (1 + r)^−life) times capex, fixed O&M times capex,
- √ of the battery round-trip efficiency, yuan → M yuan (1e-6) of every price,
- the day structure of the time steps (prev[t], cyclic within a day or over the year),
- variable renewables as one technology dimension (`renewable_technologies`): capacity
  potential, capacity factor profile and cost rates per technology, all read from the
  Technologies rows (pv, wind, and any kind-renewable row with its profile and Potentials).
- existing capacity per site and technology (sheet Existing, 0 without a row).
`derive(case, time, links)` computes `ModelData` from a case on given time steps; `prepare`
also aggregates time. A sweep or scenario re-uses the time steps and calls `derive` again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.data import ModelData
from planner.grid_clean import as_param, grid_clean_share
from planner.inputs.case import Case
from planner.inputs.schema import RENEWABLE_KINDS, STANDARD_RENEWABLES
from planner.inputs.validate import renewable_profile
from planner.network import links, routes
from planner.prepare_hardware import demand_mw_equivalent, derive_hardware, pflops_classes
from planner.timeseries import TimeSlices, select

HOURS_PER_YEAR = 8760.0
MYUAN_PER_YUAN = 1e-6


@dataclass(frozen=True)
class Renewable:
    """One element v of the VRE set, read from the Technologies sheet.

    id: the VRE element and the name of its result columns and cost terms (`<id>_mw`,
    `<id>_capital`): the kind for pv and wind (one row each at most), the technology id for
    kind renewable. technology: the available Technologies row (None: pv or wind absent or
    unavailable, kept with potential 0 so that their result columns stay). profile: the
    name of its capacity-factor profile [MW/MW].
    """

    id: str
    technology: str | None
    profile: str


__all__ = [
    "ModelData",
    "Renewable",
    "annuity_factor",
    "derive",
    "existing_params",
    "prepare",
    "register_deriver",
    "renewable_technologies",
    "unregister_deriver",
]

# Derivations of blocks that plug in from outside (models.build.register_block): name →
# fn(case, time) returning {Param name: value in model units}, merged into ModelData.params.
Deriver = Callable[[Case, TimeSlices], dict]
DERIVERS: dict[str, Deriver] = {}


def register_deriver(name: str, fn: Deriver) -> None:
    """Add a plug-in block's parameter derivation to every `derive` from now on."""
    if name in DERIVERS:
        raise ValueError(f"deriver {name} is registered already")
    DERIVERS[name] = fn


def unregister_deriver(name: str) -> None:
    """Remove a derivation added with `register_deriver` (no error when absent)."""
    DERIVERS.pop(name, None)


def annuity_factor(rate: float, life_yr: float) -> float:
    """Capital recovery factor [1/yr]: r / (1 − (1 + r)^−n); 1/n when r = 0."""
    if rate == 0:
        return 1.0 / life_yr
    return rate / (1.0 - (1.0 + rate) ** (-life_yr))


def cost_rates(case: Case, kind: str) -> tuple[dict[str, float], dict[str, float]]:
    """{tech: annuity·capex}, {tech: om·capex} [M yuan per unit-year] of the available
    technologies of one kind."""
    t = case.technologies
    rate = float(case.settings["discount_rate"])
    rows = t[(t["kind"] == kind) & t["available"]]
    capital = {
        str(k): annuity_factor(rate, r["life_yr"]) * r["capex_myuan_per_unit"]
        for k, r in rows.iterrows()
    }
    om = {str(k): r["fixed_om_share"] * r["capex_myuan_per_unit"] for k, r in rows.iterrows()}
    return capital, om


def renewable_technologies(case: Case) -> list[Renewable]:
    """The VRE set of `case`: pv and wind first (always, so their result columns stay; with
    no potential when their row is absent or unavailable), then every available row of kind
    renewable in sheet order."""
    found = []
    for kind in STANDARD_RENEWABLES:
        row = case.technology(kind)
        profile = kind if row is None else renewable_profile(kind, row.get("profile"))
        found.append(Renewable(kind, None if row is None else str(row.name), profile))
    t = case.technologies
    for tech, row in t[(t["kind"] == "renewable") & t["available"]].iterrows():
        profile = renewable_profile("renewable", row["profile"])
        found.append(Renewable(str(tech), str(tech), profile))
    return found


def capacity_factor_profiles(case: Case) -> tuple[str, ...]:
    """Names of the profiles that are capacity factors [MW/MW] (clipped at 1 when typical
    days rescale them): pv, wind and the profile of every renewable Technologies row,
    available or not (a scenario may switch one on while re-using the time steps)."""
    t = case.technologies
    names = dict.fromkeys(STANDARD_RENEWABLES)
    for _, row in t[t["kind"].isin(RENEWABLE_KINDS)].iterrows():
        names.setdefault(renewable_profile(row["kind"], row["profile"]))
    return tuple(names)


def _vre_potential(case: Case, vre: Renewable) -> dict[str, float]:
    """{site: buildable MW} of one VRE element: Sites `<kind>_max_mw` for pv and wind,
    sheet Potentials for kind renewable (a site not listed: 0); 0 without an available row."""
    sites = [str(x) for x in case.sites.index]
    if vre.technology is None:
        return dict.fromkeys(sites, 0.0)
    if vre.id in STANDARD_RENEWABLES:
        return {x: float(case.sites.at[x, f"{vre.id}_max_mw"]) for x in sites}
    p = case.potentials
    rows = p[p["technology"] == vre.technology]
    listed = {str(x): float(v) for x, v in zip(rows["site"], rows["max_mw"], strict=True)}
    return {x: listed.get(x, 0.0) for x in sites}


def _vre_rates(case: Case, vre: Renewable) -> tuple[float, float]:
    """(annuity·capex, om·capex) [M yuan/(MW·yr)] of one VRE element (0 without a row)."""
    if vre.technology is None:
        return 0.0, 0.0
    if vre.id in STANDARD_RENEWABLES:
        capital, om = cost_rates(case, vre.id)
        return _single(capital), _single(om)
    row = case.technologies.loc[vre.technology]
    rate = float(case.settings["discount_rate"])
    capital = annuity_factor(rate, row["life_yr"]) * row["capex_myuan_per_unit"]
    return float(capital), float(row["fixed_om_share"] * row["capex_myuan_per_unit"])


def _single(rates: dict[str, float]) -> float:
    """The rate of the one technology of a kind (0 when there is none)."""
    return float(next(iter(rates.values()))) if rates else 0.0


def interpolate_curves(cooling: pd.DataFrame, temperature: pd.DataFrame, value: str) -> pd.Series:
    """Evaluate each cooling tech's curve of `value` (pue or wue_l_per_kwh) at every site and
    step. Returns a Series indexed (site, cooling, t)."""
    temps = temperature.to_numpy()  # T × S
    parts = []
    for tech, curve in cooling.groupby("cooling", sort=False):
        curve = curve.sort_values("ambient_c")
        values = np.interp(temps, curve["ambient_c"].to_numpy(), curve[value].to_numpy())
        frame = pd.DataFrame(values, columns=temperature.columns)
        frame.index.name = "t"
        long = frame.stack().rename(value)
        long.index = long.index.set_names(["t", "site"])
        parts.append(long.to_frame().assign(cooling=tech))
    table = pd.concat(parts).reset_index()
    return table.set_index(["site", "cooling", "t"])[value].sort_index()


def demand_peak_series(case: Case) -> pd.Series:
    """Hourly total IT demand [MW] over the year (shapes × MW), used to keep the peak day."""
    shapes = _shapes(case, case.profiles)
    mw = demand_mw_equivalent(case)  # PFLOPS rows at their families' mean MW/PFLOPS
    per_class = mw.groupby(case.demand["workload_class"]).sum()
    return (shapes[per_class.index] * per_class).sum(axis=1)


def _shapes(case: Case, profiles: dict[str, pd.DataFrame]) -> pd.DataFrame:
    n = len(next(iter(profiles.values())))
    demand = profiles.get("demand", pd.DataFrame(index=range(n)))
    columns = {}
    for w, shape in case.classes["shape"].items():
        columns[w] = demand[shape].to_numpy() if shape != "flat" else np.ones(n)
    return pd.DataFrame(columns, index=range(n))


def prepare(case: Case, time_option: str | None = None) -> ModelData:
    """Aggregate time and derive all model parameters for `case`."""
    option = time_option or str(case.settings["time"])
    time = select(
        case.profiles, option, demand_peak_series(case), shares=capacity_factor_profiles(case)
    )
    return derive(case, time)


def _prev_steps(day: np.ndarray, cyclic_year: bool) -> np.ndarray:
    """prev[t]: the step before t, cyclic over the year (full year) or within t's day."""
    n = len(day)
    if cyclic_year:
        return np.roll(np.arange(n), 1)
    first = np.r_[True, day[1:] != day[:-1]]
    last_of_day = np.zeros(n, dtype=int)
    ends = np.r_[np.flatnonzero(day[1:] != day[:-1]), n - 1]
    starts = np.flatnonzero(first)
    for s, e in zip(starts, ends, strict=True):
        last_of_day[s] = e
    return np.where(first, last_of_day, np.arange(n) - 1)


def _site_time(frame: pd.DataFrame) -> dict:
    """t × site frame → {(site, t): value}."""
    return {(s, int(t)): float(v) for (t, s), v in frame.stack().items()}


def _column(frame: pd.DataFrame, name: str, factor: float = 1.0) -> dict:
    return {str(k): float(x) * factor for k, x in frame[name].items()}


def _optional(value: object) -> float | None:
    return None if value is None else float(value)


def existing_params(case: Case) -> dict:
    """Existing capacity (sheet Existing; 0 where a site has no row), in model units:
    it_existing_mw[s,k] MW IT per available cooling technology, vre_existing_mw[s,v] MW,
    battery_existing_mwh[s] MWh and battery_existing_mw[s] MW (formulation §2a)."""
    sites = [str(x) for x in case.sites.index]
    table = case.extra.get("Existing")
    given: dict[tuple[str, str], float] = {}
    if table is not None and not table.empty:
        for site, tech, cap in zip(
            table["site"], table["technology"], table["capacity"], strict=True
        ):
            given[(str(site), str(tech))] = float(cap)

    def at(site: str, tech: str) -> float:
        return given.get((site, tech), 0.0)

    return {
        "it_existing_mw": {(s, k): at(s, k) for s in sites for k in case.cooling_techs},
        "vre_existing_mw": {
            (s, v.id): at(s, v.id) for s in sites for v in renewable_technologies(case)
        },
        "battery_existing_mwh": {s: at(s, "battery_energy") for s in sites},
        "battery_existing_mw": {s: at(s, "battery_power") for s in sites},
    }


def derive(case: Case, time: TimeSlices, link_table: pd.DataFrame | None = None) -> ModelData:
    """Every model parameter of `case` on the time steps `time` (links and routes derived
    unless `link_table` is given; routes follow the links)."""
    p = time.profiles
    s, policy, sites_frame = case.settings, case.policy, case.sites
    sites = list(sites_frame.index)
    temperature = p["temperature"][sites]
    share = float(s["tou_energy_share"])
    cooling = case.cooling[case.cooling["cooling"].isin(case.cooling_techs)]
    link_table = links(case) if link_table is None else link_table
    route_table = routes(case, link_table)
    steps = time.steps
    day = steps["day"].to_numpy()
    tou = (1.0 - share) + share * p["price"][sites]
    pue = interpolate_curves(cooling, temperature, "pue")
    wue = interpolate_curves(cooling, temperature, "wue_l_per_kwh")
    vre = renewable_technologies(case)
    # a profile of a kind-renewable technology has columns only where it has potential
    cf = {r.id: p[r.profile].reindex(columns=sites, fill_value=0.0) for r in vre}
    vre_max = {r.id: _vre_potential(case, r) for r in vre}
    demand = case.demand[case.demand["demand_mw"] > 0]
    demand_in_mw = demand[~demand["workload_class"].isin(pflops_classes(case))]
    route_keys = list(
        zip(route_table["region"], route_table["workload_class"], route_table["site"], strict=True)
    )
    used = {(r, site) for r, _, site in route_keys}
    link_caps = {
        (r, site): float(c)
        for r, site, c in zip(
            link_table["region"], link_table["site"], link_table["capacity_gbps"], strict=True
        )
        if not math.isnan(float(c)) and (r, site) in used
    }
    water = {
        str(k): float(v)
        for k, v in sites_frame["water_cap_m3"].items()
        if v is not None and not math.isnan(float(v))
    }
    eta = math.sqrt(float(s["battery_round_trip_efficiency"]))
    facility_capital, facility_om = cost_rates(case, "facility")
    vre_rates = {r.id: _vre_rates(case, r) for r in vre}
    battery = {k: cost_rates(case, k) for k in ("battery_energy", "battery_power")}
    v = case.vouchers
    voucher_routes = {}
    for name, row in v.iterrows():
        eligible = {x.strip() for x in str(row["eligible_sites"]).split(",")}
        issuer = row["issuer_region"]
        voucher_routes[str(name)] = tuple(
            (r, w, site) for r, w, site in route_keys if r == issuer and site in eligible
        )
    gec = policy.get("gec_price")
    params = {
        # sets and time
        "weight": dict(enumerate(steps["weight_h"].astype(float))),
        # facility
        "usable_share": float(s["usable_share"]),
        "max_it_mw": _column(sites_frame, "max_it_mw"),
        "pue_cap": _column(sites_frame, "pue_cap"),
        "pue": pue.to_dict(),
        "wue": wue.to_dict(),
        "water_cap_m3": water,
        # demand
        "demand_mw": {
            (str(r), str(w)): float(d)
            for r, w, d in zip(
                demand_in_mw["region"],
                demand_in_mw["workload_class"],
                demand_in_mw["demand_mw"],
                strict=True,
            )
        },
        "allow_unserved": bool(s["allow_unserved"]),
        # supply
        "vre_max_mw": {(site, r.id): vre_max[r.id][str(site)] for site in sites for r in vre},
        "grid_max_mw": _column(sites_frame, "grid_max_mw"),
        "cf": {
            (site, r.id, int(t)): float(x) for r in vre for (t, site), x in cf[r.id].stack().items()
        },
        "vre_capital_rate": {r.id: vre_rates[r.id][0] for r in vre},
        "vre_om_rate": {r.id: vre_rates[r.id][1] for r in vre},
        # grid price [M yuan/MWh]: tariff [yuan/kWh] · 1000 kWh/MWh · 1e-6 M yuan/yuan
        "grid_price_myuan_per_mwh": _column(sites_frame, "grid_price_yuan_per_kwh", 1e-3),
        "tou_factor": _site_time(tou),
        # storage
        "battery_on": case.technology("battery_energy") is not None
        and case.technology("battery_power") is not None,
        "eta_charge": eta,
        "eta_discharge": eta,
        "battery_energy_capital_rate": _single(battery["battery_energy"][0]),
        "battery_energy_om_rate": _single(battery["battery_energy"][1]),
        "battery_power_capital_rate": _single(battery["battery_power"][0]),
        "battery_power_om_rate": _single(battery["battery_power"][1]),
        "battery_wear_myuan_per_mwh": float(s["battery_wear_cost"]) * MYUAN_PER_YUAN,
        # network
        "bandwidth_gbps_per_mw": dict(
            zip(route_keys, route_table["bandwidth_gbps_per_mw"].astype(float), strict=True)
        ),
        "link_cost_myuan_per_gbps_yr": dict(
            zip(route_keys, route_table["cost_myuan_per_gbps_yr"].astype(float), strict=True)
        ),
        "link_capacity_gbps": link_caps,
        # policy
        "emission_factor": _column(sites_frame, "emission_factor_t_per_mwh"),
        "carbon_cap_t": _optional(policy.get("carbon_cap")),
        "carbon_price_myuan_per_t": float(s["carbon_price"]) * MYUAN_PER_YUAN,
        "green_share_min": _optional(policy.get("green_share_min")),
        "green_share_scope": "site" if policy.get("green_share_scope") == "site" else "overall",
        "gec_on": gec is not None,
        "gec_price_myuan_per_mwh": (float(gec) if gec is not None else 0.0) * MYUAN_PER_YUAN,
        "min_utilisation": _optional(policy.get("min_utilisation")),
        # hourly CFE (models/cfe.py): the grid's clean share per site and step, the target
        "grid_clean": as_param(grid_clean_share(case, p)),
        "cfe_min": _optional(policy.get("cfe_min")),
        "cfe_scope": "site" if policy.get("cfe_scope") == "site" else "overall",
        # green power trading contracts (models/contracts.py): premium [M yuan/MWh], profile
        "ppa_premium_myuan_per_mwh": None
        if _optional(policy.get("ppa_premium")) is None
        else float(policy["ppa_premium"]) * MYUAN_PER_YUAN,
        "ppa_profile": "pv" if policy.get("ppa_profile") == "pv" else "wind",
        # holds of --hold-full-year [t CO2/yr, MWh/yr]: 0 as prepared (planner.hold raises them)
        "carbon_cap_hold_t": 0.0,
        "green_share_hold_mwh": 0.0,
        "green_share_site_hold_mwh": dict.fromkeys(sites, 0.0),
        "cfe_hold_mwh": 0.0,
        "cfe_site_hold_mwh": dict.fromkeys(sites, 0.0),
        "voucher_budget_myuan": _column(v, "budget_myuan_per_yr"),
        # rate [-] · price [yuan/MWh IT] · 8760 h · 1e-6: M yuan per MW of eligible load
        "voucher_myuan_per_mw_yr": {
            str(k): float(v.at[k, "rate_share"])
            * float(v.at[k, "compute_price_yuan_per_mwh"])
            * HOURS_PER_YEAR
            * MYUAN_PER_YUAN
            for k in v.index
        },
        "voucher_routes": voucher_routes,
        # objective
        "facility_capital_rate": facility_capital,
        "facility_om_rate": facility_om,
        "unserved_myuan_per_mw_yr": float(s["unserved_penalty"]) * HOURS_PER_YEAR * MYUAN_PER_YUAN,
        "open_cost_myuan": {
            str(k): float(x) for k, x in sites_frame["open_cost_myuan_per_yr"].fillna(0.0).items()
        },
        "module_size_mw": float(s["module_size"]),
    }
    params.update(existing_params(case))
    shape = _shapes(case, p)
    params.update(derive_hardware(case, shape, annuity_factor))
    for name, fn in DERIVERS.items():
        extra = fn(case, time)
        clash = sorted(set(extra) & set(params))
        if clash:
            raise ValueError(f"deriver {name} redefines parameters {clash}")
        params.update(extra)
    return ModelData(
        name=f"{case.name}:{case.scenario}",
        regions=[str(r) for r in case.regions.index],
        sites=[str(x) for x in sites],
        classes=[str(w) for w in case.classes.index],
        cooling=list(case.cooling_techs),
        shiftable=[str(w) for w in case.classes.index[case.classes["flexibility"] == "shiftable"]],
        renewables=[r.id for r in vre],
        vouchers=[str(x) for x in v.index],
        weight_h=steps["weight_h"].to_numpy(dtype=float),
        day=day,
        prev=_prev_steps(day, time.cyclic_year),
        n_days=time.n_days,
        routes=route_table,
        links=link_table,
        pue=pue,
        wue=wue,
        cf=cf,
        temperature=temperature,
        tou_factor=tou,
        shape=shape,
        params=params,
        case=case,
        time=time,
    )


# --- power lines (sheet Lines, block models/lines.py) ----------------------------------------


def line_table(case: Case) -> pd.DataFrame:
    """The case's Lines rows whose two ends are sites of the case (a re-dispatch component
    keeps its own lines), with the derived route length [km] and whole-line loss share [-]:
    length = Lines · length, or great-circle distance of the two sites × route_factor;
    loss = Lines · loss, or loss_per_1000km × length / 1000 (at most 1)."""
    from planner.network import great_circle_km

    frame = case.extra.get("Lines")
    columns = ["line", "from_site", "to_site", "length_km", "loss"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    sites = case.sites
    inside = frame["from_site"].isin(sites.index) & frame["to_site"].isin(sites.index)
    lines = frame[inside].copy()
    if lines.empty:
        return pd.DataFrame(columns=columns)
    a, b = sites.loc[lines["from_site"]], sites.loc[lines["to_site"]]
    crow = great_circle_km(
        a["lat"].to_numpy(float),
        a["lon"].to_numpy(float),
        b["lat"].to_numpy(float),
        b["lon"].to_numpy(float),
    )
    given = pd.to_numeric(lines["length_km"], errors="coerce")
    factor = pd.to_numeric(lines["route_factor"], errors="coerce").fillna(1.2).to_numpy(float)
    lines["length_km"] = given.where(given.notna(), crow * factor).to_numpy(float)
    per_km = pd.to_numeric(lines["loss_per_1000km"], errors="coerce").fillna(0.03)
    whole = pd.to_numeric(lines["loss_share"], errors="coerce")
    lines["loss"] = whole.where(whole.notna(), per_km * lines["length_km"] / 1000.0).clip(0, 1)
    return lines.reset_index(drop=True)


def derive_lines(case: Case, time: TimeSlices) -> dict:
    """The Params of models/lines.py (model units), one value per line id:
    lines = ((line, from, to), ...) (structural); line_existing_mw, line_max_new_mw [MW];
    line_tariff_myuan_per_mwh = tariff [yuan/kWh] × 1e-3; line_capital_rate [M yuan/(MW·yr)]
    = annuity(rate, line_life_yr) × capex × length; line_om_rate = line_om_share × capex ×
    length;
    line_loss [-]."""
    lines = line_table(case)
    if lines.empty:
        return {"lines": ()}
    rate = float(case.settings["discount_rate"])

    def per_line(values) -> dict:
        return {str(k): float(v) for k, v in zip(lines["line"], values, strict=True)}

    def number(column: str, default: float) -> np.ndarray:
        return pd.to_numeric(lines[column], errors="coerce").fillna(default).to_numpy(float)

    capex = number("capex_myuan_per_mw_km", 0.0) * lines["length_km"].to_numpy(float)
    life = number("line_life_yr", 40.0)
    return {
        "lines": tuple((str(r.line), str(r.from_site), str(r.to_site)) for r in lines.itertuples()),
        "line_existing_mw": per_line(number("existing_mw", 0.0)),
        "line_max_new_mw": per_line(number("max_new_mw", 0.0)),
        "line_tariff_myuan_per_mwh": per_line(number("tariff_yuan_per_kwh", 0.0) * 1e-3),
        "line_capital_rate": per_line(
            [annuity_factor(rate, n) * c for n, c in zip(life, capex, strict=True)]
        ),
        "line_om_rate": per_line(number("line_om_share", 0.01) * capex),
        "line_loss": per_line(lines["loss"].to_numpy(float)),
    }


register_deriver("lines", derive_lines)
