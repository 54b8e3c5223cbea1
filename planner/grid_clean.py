"""The grid's hourly clean (carbon-free) share at each site, and its hourly emission factor.

A measured series replaces the generated one: a `grid_clean` profile in the case (Profiles
sheet, one column per site, share 0..1 per hour) is used as given. Otherwise the share is
generated from what the case already holds, like the other profiles [E]:

- the annual clean share c̄_s of the site's provincial grid is the clean (non-fossil) share of
  the province's published generation mix where the Sites sheet gives it (`grid_clean_share`,
  with its Sources row); else it follows from the published annual emission factor ef_s
  [t CO2/MWh] (Sites · emission_factor) and the emission factor of fossil supply ef_fossil
  (FOSSIL_EMISSION_FACTOR, 0.85 [E]):  c̄_s = clip(1 − ef_s / ef_fossil, 0, 1);
- its hourly shape: a firm part (hydro, nuclear) flat over the year, and a variable part
  (wind, PV: GRID_VRE_SHARE_OF_CLEAN, φ = 0.5 [E]) that follows the site's own normalised
  PV and wind profiles as proxies for the province's:

      c[s,t] = clip(c̄_s · ((1 − φ) + φ · ½ (pv[s,t] / mean pv_s + wind[s,t] / mean wind_s)), 0, 1)

  whose full-year mean is c̄_s (up to the clip, which rarely binds).

The hourly emission factor consistent with the annual one scales the fossil share of each hour
by the site's implied fossil factor ef_s / (1 − c̄_s):

    ef[s,t] = ef_s · (1 − c[s,t]) / (1 − c̄_s)                     (`hourly_emission_factor`)

whose full-year mean is ef_s (up to the clip). Where c̄_s is derived from ef_s this is
ef_fossil · (1 − c[s,t]). Where c̄_s is given, the implied fossil factor ef_s / (1 − c̄_s) can
differ from ef_fossil: the published factor counts the province's imports (a consumption mix),
the generation mix does not (`implied_fossil_factor`); a grid wholly clean (c̄_s = 1) has
ef[s,t] = 0. The model's emissions keep the annual factor (§8, 10): the
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
    """c̄_s [share] per site: the Sites sheet's `grid_clean_share` where given, else
    1 − emission factor / fossil emission factor, within [0, 1]."""
    fossil = fossil_factor(case)
    ef = case.sites["emission_factor_t_per_mwh"].astype(float)
    derived = (1.0 - ef / fossil).clip(0.0, 1.0)
    if "grid_clean_share" not in case.sites.columns:
        return derived
    given = pd.to_numeric(case.sites["grid_clean_share"], errors="coerce")
    return given.where(given.notna(), derived).astype(float).clip(0.0, 1.0)


def implied_fossil_factor(case: Case) -> pd.Series:
    """ef_s / (1 − c̄_s) [t CO2/MWh] per site: the emission factor of the grid's fossil part
    that makes the hourly factor average to the published annual one (NaN where c̄_s = 1)."""
    ef = case.sites["emission_factor_t_per_mwh"].astype(float)
    fossil_part = 1.0 - annual_clean_share(case)
    return ef / fossil_part.where(fossil_part > 0)


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
    """ef[t, s] [t CO2/MWh] = ef_s · (1 − c[t, s]) / (1 − c̄_s) (module doc; 0 where c̄_s = 1)."""
    implied = implied_fossil_factor(case).fillna(0.0)
    return (1.0 - clean) * implied[clean.columns]


def as_param(clean: pd.DataFrame) -> dict[tuple[str, int], float]:
    """{(site, t): c} for the model's `grid_clean` Param."""
    values = clean.to_numpy(dtype=float)
    return {
        (str(site), int(t)): float(values[i, j])
        for j, site in enumerate(clean.columns)
        for i, t in enumerate(np.asarray(clean.index))
    }
