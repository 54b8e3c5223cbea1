"""The grid's hourly clean (carbon-free) share at each site, and its hourly emission factor.

A measured series replaces the generated one: a `grid_clean` profile in the case (Profiles
sheet, one column per site, share 0..1 per hour) is used as given. Otherwise the share is
generated from what the case already holds, like the other profiles [E]:

- the annual clean share of the site's provincial grid follows from its published annual
  emission factor ef_s [t CO2/MWh] (Sites · emission_factor, which already reflects the
  province's generation mix and imports) and the emission factor of its fossil supply
  ef_fossil (FOSSIL_EMISSION_FACTOR, 0.85 [E]):  c̄_s = clip(1 − ef_s / ef_fossil, 0, 1);
- its hourly shape: a firm part (hydro, nuclear) flat over the year, and a variable part
  (wind, PV: GRID_VRE_SHARE_OF_CLEAN, φ = 0.5 [E]) that follows the site's own normalised
  PV and wind profiles as proxies for the province's:

      c[s,t] = clip(c̄_s · ((1 − φ) + φ · ½ (pv[s,t] / mean pv_s + wind[s,t] / mean wind_s)), 0, 1)

  whose full-year mean is c̄_s (up to the clip, which rarely binds).

The hourly emission factor consistent with the annual one is the fossil factor times the
fossil share, ef[s,t] = ef_fossil · (1 − c[s,t]), whose full-year mean is ef_s
(`hourly_emission_factor`). The model's emissions keep the annual factor (§8, 10): the
hourly factor is what an hourly carbon account of the same plan would use.
Units: shares 0..1, t CO2/MWh.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.inputs.case import Case

# [E] Emission factor of fossil grid supply [t CO2/MWh]: the order of China's coal-fired
# supply (no primary source checked). With a province's published grid factor it gives the
# grid's annual clean share.
FOSSIL_EMISSION_FACTOR = 0.85
# [E] Share of the grid's clean supply from wind and PV (the rest hydro and nuclear, flat):
# China 2024, wind + solar about half of non-fossil generation (national, not provincial; not
# checked against the primary).
GRID_VRE_SHARE_OF_CLEAN = 0.5


def fossil_factor(case: Case) -> float:
    """The fossil supply's emission factor [t CO2/MWh]: FOSSIL_EMISSION_FACTOR unless the
    case's settings carry `fossil_emission_factor` (cases built in code)."""
    return float(case.settings.get("fossil_emission_factor", FOSSIL_EMISSION_FACTOR))


def annual_clean_share(case: Case) -> pd.Series:
    """c̄_s [share] per site: 1 − emission factor / fossil emission factor, within [0, 1]."""
    fossil = fossil_factor(case)
    ef = case.sites["emission_factor_t_per_mwh"].astype(float)
    return (1.0 - ef / fossil).clip(0.0, 1.0)


def _normalised(frame: pd.DataFrame, full_year: pd.DataFrame) -> pd.DataFrame:
    """frame / the full year's mean per column (1 where the mean is 0)."""
    means = full_year[frame.columns].mean()
    return frame.div(means.where(means > 0)).fillna(1.0)


def grid_clean_share(case: Case, profiles: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """c[t, s] [share 0..1] on the steps of `profiles` (the time slices' profiles): the
    case's `grid_clean` profile where it has one, else generated (module doc)."""
    sites = list(case.sites.index)
    if "grid_clean" in profiles:
        return profiles["grid_clean"][sites].astype(float).clip(0.0, 1.0)
    phi = float(case.settings.get("grid_vre_share_of_clean", GRID_VRE_SHARE_OF_CLEAN))
    pv = _normalised(profiles["pv"][sites], case.profiles["pv"])
    wind = _normalised(profiles["wind"][sites], case.profiles["wind"])
    shape = (1.0 - phi) + phi * 0.5 * (pv + wind)
    return (shape * annual_clean_share(case)).clip(0.0, 1.0)


def hourly_emission_factor(case: Case, clean: pd.DataFrame) -> pd.DataFrame:
    """ef[t, s] [t CO2/MWh] = fossil emission factor × (1 − c[t, s])."""
    return fossil_factor(case) * (1.0 - clean)


def as_param(clean: pd.DataFrame) -> dict[tuple[str, int], float]:
    """{(site, t): c} for the model's `grid_clean` Param."""
    values = clean.to_numpy(dtype=float)
    return {
        (str(site), int(t)): float(values[i, j])
        for j, site in enumerate(clean.columns)
        for i, t in enumerate(np.asarray(clean.index))
    }
