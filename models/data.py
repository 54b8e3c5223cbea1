"""The data container between `planner.prepare` and `models/`: neutral (pandas and numpy only).

`ModelData` holds everything the formulation needs, already derived and in model units
(MW, MWh, t, m3, M yuan). `models/` declares its Params one-to-one from `ModelData.params`
(the key is the Param's name) and never derives a value; `planner.prepare` is the one place
where values are derived from inputs (annuities, √η, unit conversions, time-of-use factors).
A built model takes a re-prepared `ModelData` through `models.update` (sweeps, scenarios).

`case` and `time` are the planner's objects the data was prepared from (a `Case` and its
`TimeSlices`): planner code (results, diagnose, reports) reads them; `models/` does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# A Param value: a scalar, {index: value} over the Param's index set, or None (the optional
# component is off). Non-numeric entries (str, bool, tuples) are switches that shape the
# model: a change of one is structural (needs a rebuild).
ParamValue = Any


@dataclass(frozen=True)
class ModelData:
    """Everything `models.build` needs.

    Sets (lists keep sheet order): regions, sites, classes (workload classes), cooling
    (available cooling technologies K), shiftable (classes that may move within a day),
    renewables (ids of the variable renewable technologies VRE, in sheet order), vouchers.
    Time: weight_h[t] [h], day[t], prev[t] (the step before t, cyclic within its day or the
    year), n_days. Tables: routes (region, workload_class, site, bandwidth_gbps_per_mw,
    cost_myuan_per_gbps_yr, rtt_ms, ...), links (region, site, rtt_ms, capacity_gbps, ...),
    pue and wue (site, cooling, t) → [-] and [m3/MWh IT], cf (tech → t × site [MW/MW]),
    temperature (t × site [degC]), tou_factor (t × site [-]), shape (t × class [-], mean 1).
    params: every Param's value by Param name (see docs/formulation.md for units).
    """

    name: str
    regions: list[str]
    sites: list[str]
    classes: list[str]
    cooling: list[str]
    shiftable: list[str]
    renewables: list[str]
    vouchers: list[str]
    weight_h: np.ndarray
    day: np.ndarray
    prev: np.ndarray
    n_days: int
    routes: pd.DataFrame
    links: pd.DataFrame
    pue: pd.Series
    wue: pd.Series
    cf: Mapping[str, pd.DataFrame]
    temperature: pd.DataFrame
    tou_factor: pd.DataFrame
    shape: pd.DataFrame
    params: Mapping[str, ParamValue]
    case: Any = None
    time: Any = None

    @property
    def steps(self) -> pd.DataFrame:
        """The time steps (t, day, hour, weight_h, ...) of `time`."""
        return self.time.steps

    @property
    def pv_cf(self) -> pd.DataFrame:
        """Capacity factor of the `pv` technology (t × site); zeros when there is none."""
        return self._cf("pv")

    @property
    def wind_cf(self) -> pd.DataFrame:
        """Capacity factor of the `wind` technology (t × site); zeros when there is none."""
        return self._cf("wind")

    def _cf(self, tech: str) -> pd.DataFrame:
        if tech in self.cf:
            return self.cf[tech]
        return pd.DataFrame(0.0, index=range(len(self.weight_h)), columns=self.sites)

    def param(self, name: str) -> ParamValue:
        """The value of Param `name` (KeyError names the known ones)."""
        try:
            return self.params[name]
        except KeyError:
            known = sorted(self.params)
            raise KeyError(f"ModelData has no parameter {name!r}; known: {known}") from None
