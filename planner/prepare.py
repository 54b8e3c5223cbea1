"""Model data: a validated Case on chosen time steps, with every derived parameter computed
(vectorised) so that `models/` only declares sets, variables and constraints.

Derived here, each traceable to an input:
- routes A and link costs (planner.network),
- pue[s,k,t], wue[s,k,t] by linear interpolation of the Cooling curves at the site's ambient
  temperature (flat beyond the curve's ends),
- grid price [yuan/MWh] = grid_price [yuan/kWh] · 1000 · tou_factor[s,t] with
  tou_factor = (1 − tou_energy_share) + tou_energy_share · price multiplier[s,t],
- annuity factors r / (1 − (1 + r)^−life).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.inputs.case import Case
from planner.network import links, routes
from planner.timeseries import TimeSlices, select


@dataclass(frozen=True)
class ModelData:
    """Everything `models.build` needs. Series are indexed as named in their docstring."""

    case: Case
    time: TimeSlices
    links: pd.DataFrame  # region, site, rtt_ms, capacity_gbps, cost_myuan_per_gbps_yr
    routes: pd.DataFrame  # region, workload_class, site, ...
    pue: pd.Series  # (site, cooling, t) → PUE [-]
    wue: pd.Series  # (site, cooling, t) → WUE [L/kWh IT] = [m3/MWh IT]
    temperature: pd.DataFrame  # t × site [degC]
    pv_cf: pd.DataFrame  # t × site [MW/MW installed]
    wind_cf: pd.DataFrame  # t × site
    tou_factor: pd.DataFrame  # t × site [-], multiplies the average tariff
    shape: pd.DataFrame  # t × workload_class [-], mean 1 over the year (flat = 1)

    @property
    def sites(self) -> list[str]:
        return list(self.case.sites.index)

    @property
    def steps(self) -> pd.DataFrame:
        return self.time.steps


def annuity_factor(rate: float, life_yr: float) -> float:
    """Capital recovery factor [1/yr]: r / (1 − (1 + r)^−n); 1/n when r = 0."""
    if rate == 0:
        return 1.0 / life_yr
    return rate / (1.0 - (1.0 + rate) ** (-life_yr))


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
    per_class = case.demand.groupby("workload_class")["demand_mw"].sum()
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
    time = select(case.profiles, option, demand_peak_series(case))
    p = time.profiles
    sites = list(case.sites.index)
    temperature = p["temperature"][sites]
    share = float(case.settings["tou_energy_share"])
    cooling = case.cooling[case.cooling["cooling"].isin(case.cooling_techs)]
    link_table = links(case)
    return ModelData(
        case=case,
        time=time,
        links=link_table,
        routes=routes(case, link_table),
        pue=interpolate_curves(cooling, temperature, "pue"),
        wue=interpolate_curves(cooling, temperature, "wue_l_per_kwh"),
        temperature=temperature,
        pv_cf=p["pv"][sites],
        wind_cf=p["wind"][sites],
        tou_factor=(1.0 - share) + share * p["price"][sites],
        shape=_shapes(case, p),
    )
