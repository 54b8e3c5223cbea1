"""Seeded generator of the default case's hourly profiles (8760 h, one calendar year).

This docstring is the generator's documentation. The profiles are synthetic [E/A]: they have
the published annual statistics of each site (DATA.md "Climate", "Renewable resources",
"Electricity prices", "Demand") and plausible hourly structure, but they are not measurements.
A planner who has measured hourly series replaces the CSV files (same columns) instead.

Inputs
------
`inputs/profiles/parameters.csv`, one row per site:

===============  ======  ==============================================================
column           unit    meaning
===============  ======  ==============================================================
site             -       site id (lowercase snake case), becomes the column name
lat, lon         deg     site position (north, east)
temp_mean_c      degC    annual mean air temperature
temp_seasonal_c  degC    seasonal half-range, (July mean - January mean) / 2
temp_diurnal_c   degC    diurnal half-range, (daily max - daily min) / 2
pv_cf            -       annual mean PV capacity factor (MWh per MW installed per hour)
wind_cf          -       annual mean wind capacity factor
tou              -       time-of-use pattern: ``standard`` or ``midday_valley``
===============  ======  ==============================================================

Time axis
---------
Row ``hour`` = 0..8759; hour 0 is 1 January 00:00 China Standard Time (UTC+8, no daylight
saving) and row h stands for the interval h:00 to h+1:00. Local clock hour is ``hour % 24``,
day index ``d = hour // 24`` (0..364) and the continuous year time in days is
``t = hour / 24``. In a leap year 29 February is dropped so that every year has 8760 rows.

Randomness
----------
Every random series draws from ``numpy.random.default_rng([seed, crc32(site), crc32(kind)])``
with ``kind`` in {"temperature", "pv", "wind"}: a site's series depend only on the base seed,
its own id and its own parameters, so adding, removing or reordering sites leaves the other
sites' series unchanged. An AR(1) process ``x[0] = sigma z[0]``,
``x[i] = phi x[i-1] + sqrt(1 - phi^2) sigma z[i]`` (z standard normal) is stationary from its
first value with standard deviation ``sigma`` and lag-1 autocorrelation ``phi``; it is computed
with a linear filter (``scipy.signal.lfilter``), not a Python loop.

temperature [degC]
------------------
``T = mean - A_s cos(2 pi (t - 14.5) / 365) + A_d cos(2 pi (hour % 24 - 15) / 24) + e``

* coldest at t = 14.5 d (15 January, noon), warmest half a year later (mid-July); A_s is
  ``temp_seasonal_c``;
* warmest at 15:00 local, coldest at 03:00; A_d is ``temp_diurnal_c``;
* e is AR(1) weather noise, ``phi = 0.97`` per hour (e-folding time about 33 h, i.e.
  synoptic weather lasting one to a few days) and stationary ``sigma = 2.5`` degC;
* finally the series is shifted so that its annual mean equals ``temp_mean_c`` exactly (the
  two cosines average to zero over the year; the shift removes the sample mean of e).

pv [capacity factor, 0..1, MW per MW installed]
-----------------------------------------------
1. Clear sky at mid-interval times (h:30 local, so a row approximates its hour's mean):
   pvlib solar position (NREL SPA) and the Ineichen/Perez clear-sky model with pvlib's bundled
   monthly Linke turbidity and altitude tables (``Location(lat, lon, tz="Asia/Shanghai")``;
   works offline, no download).
2. Fixed plane of array: tilt = |lat|, facing the equator (azimuth 180 deg in the northern
   hemisphere), isotropic sky diffuse, ground albedo 0.2
   (``pvlib.irradiance.get_total_irradiance``). Clear-sky factor ``c = POA / 1000 W/m2``,
   set to 0 whenever the sun is below the horizon (apparent zenith >= 90 deg).
3. Cloudiness (clear-sky index) ``k = clip(0.75 + 0.25 D[d] + 0.10 H, 0, 1)`` with D a daily
   AR(1) (phi = 0.5 per day, sigma = 1: sunny and overcast spells of a few days) and H an hourly
   AR(1) (phi = 0.8 per hour, sigma = 1: passing clouds).
4. ``cf = clip(s c k, 0, 1)``, with the scale s found by fixed-point iteration
   ``s <- s * target / mean(clip(s c k, 0, 1))`` until the annual mean equals ``pv_cf`` to
   1e-12 (clipping at 1 is why one step is not always enough). s lumps together system losses
   and the site's cloudiness beyond the generic process: it is 0.45 (Tianfu) to 0.79 (Horinger)
   for the default sites, so clear-day peaks are about 0.47 to 0.88.

wind [capacity factor, 0..1]
----------------------------
1. Gaussian AR(1) ``x`` in hourly wind speed, ``phi = 0.96`` per hour (e-folding time about
   one day), sigma = 1.
2. Weibull marginals by the probability integral transform, shape ``k = 2``:
   ``w = (-ln(1 - Phi(x)))^(1/k)`` (unit scale).
3. Mild shapes on the speed: diurnal ``1 + 0.08 cos(2 pi (hour % 24 - 3) / 24)`` (strongest at
   03:00, weakest at 15:00) and seasonal ``1 + 0.12 cos(2 pi (t - 75) / 365)`` (strongest in
   mid-March: winter and spring windy, late summer calm).
4. Speed ``v = c w shapes`` at hub height [m/s], with the Weibull scale c [m/s] chosen by
   bisection so that the mean of the power curve hits ``wind_cf``.
5. Generic power curve: 0 below cut-in 3 m/s, ``(v^3 - 3^3) / (12^3 - 3^3)`` up to rated
   12 m/s, 1 up to cut-out 25 m/s, 0 above.
6. A final exact polish with the same clipped fixed-point scaling as PV (the factor is 1 to
   within the bisection tolerance), so the annual mean equals ``wind_cf`` to 1e-12.

price [time-of-use multiplier of the energy component, dimensionless]
---------------------------------------------------------------------
Same pattern every day (DATA.md "Electricity prices"): valley 0.4 for hours 23..6
(23:00-07:00), peak 1.6 for hours 10, 11 (10:00-12:00) and 17..20 (17:00-21:00), flat 1.0
otherwise; divided by the day's mean (0.95) so that each day's mean multiplier is exactly 1
(the listed tariff is the average price): valley 0.4211, flat 1.0526, peak 1.6842, peak/valley
exactly 4. For ``midday_valley`` sites (Gansu: ``qingyang``), after that scaling the hours
10..15 (10:00-16:00) are set to half of the scaled flat multiplier (0.5263), so their daily mean
falls to 0.8158. The multiplier applies to the time-of-use share of the tariff only
(``tou_energy_share`` in the case settings).

demand [shape, annual mean exactly 1]
-------------------------------------
Columns ``realtime`` and ``interactive``: a 24-hour shape, linear between the hourly knots below
(periodic over midnight), times a weekend factor on the calendar year's Saturdays and Sundays
(1 January 2030 is a Tuesday), then divided by the annual mean. No noise.

===========  ==========================================================  =======
shape        knots, local hour: level (before normalising)               weekend
===========  ==========================================================  =======
realtime     0: 0.92, 4: 0.77, 8: 0.90, 11: 1.10, 17: 1.10, 20: 1.20,    0.97
             22: 1.10
interactive  0: 0.90, 4: 0.62, 8: 0.85, 11: 1.15, 14: 1.10, 17: 1.15,    0.95
             20: 1.28, 22: 1.20
===========  ==========================================================  =======

Resulting ratios to the annual mean: realtime peak 1.21 (20:00 on weekdays), trough 0.75
(04:00 on weekends); interactive peak 1.30, trough 0.60.

Output
------
`generate_profiles` returns one DataFrame per profile (``hour`` then one float column per site,
or per shape for demand); `write_profiles` writes them as ``<name>.csv`` with floats rounded to
6 decimals (temperature to 3). Regenerate the shipped files with ``python
scripts/make_profiles.py`` (or ``python -m planner.profiles``).
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pvlib
from scipy.signal import lfilter
from scipy.special import ndtr

HOURS_PER_YEAR = 8760
DAYS_PER_YEAR = 365
TIMEZONE = "Asia/Shanghai"
PROFILE_NAMES = ("temperature", "pv", "wind", "price", "demand")
PARAMETER_COLUMNS = (
    "site",
    "lat",
    "lon",
    "temp_mean_c",
    "temp_seasonal_c",
    "temp_diurnal_c",
    "pv_cf",
    "wind_cf",
    "tou",
)
TOU_PATTERNS = ("standard", "midday_valley")
DEMAND_SHAPES = ("realtime", "interactive")
CSV_DECIMALS = {"temperature": 3}
DEFAULT_DECIMALS = 6

# temperature
COLDEST_DAY = 14.5  # days after 1 Jan 00:00: 15 January, noon
WARMEST_HOUR = 15
TEMP_NOISE_PHI = 0.97  # per hour
TEMP_NOISE_SIGMA_C = 2.5

# pv
PV_ALBEDO = 0.2
CLOUD_MEAN = 0.75
CLOUD_DAILY_WEIGHT = 0.25
CLOUD_DAILY_PHI = 0.5  # per day
CLOUD_HOURLY_WEIGHT = 0.10
CLOUD_HOURLY_PHI = 0.8  # per hour

# wind
WIND_PHI = 0.96  # per hour
WEIBULL_SHAPE = 2.0
WIND_DIURNAL_AMPLITUDE = 0.08
WIND_WINDIEST_HOUR = 3
WIND_SEASONAL_AMPLITUDE = 0.12
WIND_WINDIEST_DAY = 75.0  # mid-March
CUT_IN_MS = 3.0
RATED_MS = 12.0
CUT_OUT_MS = 25.0

# price (DATA.md "Electricity prices")
TOU_VALLEY = 0.4
TOU_FLAT = 1.0
TOU_PEAK = 1.6
VALLEY_HOURS = (23, 0, 1, 2, 3, 4, 5, 6)
PEAK_HOURS = (10, 11, 17, 18, 19, 20)
MIDDAY_VALLEY_HOURS = (10, 11, 12, 13, 14, 15)

# demand: local hour -> level before normalising, and the weekend factor
DEMAND_KNOTS = {
    "realtime": {0: 0.92, 4: 0.77, 8: 0.90, 11: 1.10, 17: 1.10, 20: 1.20, 22: 1.10},
    "interactive": {
        0: 0.90,
        4: 0.62,
        8: 0.85,
        11: 1.15,
        14: 1.10,
        17: 1.15,
        20: 1.28,
        22: 1.20,
    },
}
DEMAND_WEEKEND_FACTOR = {"realtime": 0.97, "interactive": 0.95}

_HOUR = np.arange(HOURS_PER_YEAR)
_CLOCK_HOUR = _HOUR % 24
_DAY = _HOUR // 24
_YEAR_DAYS = _HOUR / 24.0


def site_rng(seed: int, site: str, kind: str) -> np.random.Generator:
    """Random generator for one site and one profile kind, independent of all other sites."""
    return np.random.default_rng([seed, zlib.crc32(site.encode()), zlib.crc32(kind.encode())])


def ar1(rng: np.random.Generator, n: int, phi: float, sigma: float = 1.0) -> np.ndarray:
    """Stationary AR(1) series of length n: std sigma, lag-1 autocorrelation phi."""
    z = rng.standard_normal(n)
    innovations = sigma * np.sqrt(1.0 - phi**2) * z
    innovations[0] = sigma * z[0]
    return lfilter([1.0], [1.0, -phi], innovations)


def scale_to_mean(base: np.ndarray, target: float, tol: float = 1e-12) -> np.ndarray:
    """``clip(s * base, 0, 1)`` with s iterated so that the mean equals target.

    Clipping at 1 lowers the mean, so s is refined by ``s <- s * target / mean`` until converged.
    Raises ValueError if the target cannot be reached (more than the share of non-zero hours).
    """
    base = np.clip(base, 0.0, None)
    if target <= 0.0:
        return np.zeros_like(base)
    reachable = float(np.mean(base > 0.0))
    if target >= reachable:
        raise ValueError(f"mean {target} not reachable: only {reachable:.4f} of hours non-zero")
    scale = target / base.mean()
    for _ in range(200):
        out = np.clip(scale * base, 0.0, 1.0)
        mean = out.mean()
        if abs(mean - target) <= tol:
            return out
        scale *= target / mean
    raise ValueError(f"scaling to mean {target} did not converge (reached {mean})")


def _year_times(year: int) -> pd.DatetimeIndex:
    """Hour-start times of the year in China Standard Time, 29 February dropped."""
    times = pd.date_range(
        f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=TIMEZONE, inclusive="left"
    )
    times = times[~((times.month == 2) & (times.day == 29))]
    assert len(times) == HOURS_PER_YEAR
    return times


class SiteParameters(NamedTuple):
    """One row of the parameters table (units in the module docstring)."""

    site: str
    lat: float
    lon: float
    temp_mean_c: float
    temp_seasonal_c: float
    temp_diurnal_c: float
    pv_cf: float
    wind_cf: float
    tou: str


def site_rows(params: pd.DataFrame) -> list[SiteParameters]:
    """The parameters table as typed rows, in table order."""
    rows = []
    for record in params[list(PARAMETER_COLUMNS)].to_dict("records"):
        numbers = {c: float(record[c]) for c in PARAMETER_COLUMNS if c not in ("site", "tou")}
        rows.append(SiteParameters(site=str(record["site"]), tou=str(record["tou"]), **numbers))
    return rows


def check_parameters(params: pd.DataFrame) -> None:
    """Raise one ValueError naming every problem in the parameters table."""
    problems = [f"missing column {c!r}" for c in PARAMETER_COLUMNS if c not in params.columns]
    if problems:
        raise ValueError("; ".join(problems))
    duplicated = params["site"][params["site"].duplicated()].tolist()
    if duplicated:
        problems.append(f"duplicate sites {duplicated}")
    numeric = [c for c in PARAMETER_COLUMNS if c not in ("site", "tou")]
    values = params[numeric].apply(pd.to_numeric, errors="coerce")
    for index, row in values.iterrows():
        site = params.at[index, "site"]
        where = f"site {site!r}"
        if not isinstance(site, str) or not site:
            problems.append(f"row {index}: site id missing")
        if params.at[index, "tou"] not in TOU_PATTERNS:
            problems.append(f"{where}: tou {params.at[index, 'tou']!r} not in {TOU_PATTERNS}")
        missing = [c for c in numeric if not np.isfinite(row[c])]
        if missing:
            problems.append(f"{where}: {', '.join(missing)} not a number")
            continue
        if not -90 <= row.lat <= 90 or not -180 <= row.lon <= 180:
            problems.append(f"{where}: lat/lon out of range")
        if row.temp_seasonal_c < 0 or row.temp_diurnal_c < 0:
            problems.append(f"{where}: temperature half-ranges must be >= 0")
        for column in ("pv_cf", "wind_cf"):
            if not 0 <= row[column] < 1:
                problems.append(f"{where}: {column} must be in [0, 1)")
    if problems:
        raise ValueError("; ".join(problems))


def temperature_series(site: SiteParameters, seed: int) -> np.ndarray:
    """Hourly air temperature [degC] of one site; annual mean exactly ``temp_mean_c``."""
    seasonal = -site.temp_seasonal_c * np.cos(2 * np.pi * (_YEAR_DAYS - COLDEST_DAY) / 365)
    diurnal = site.temp_diurnal_c * np.cos(2 * np.pi * (_CLOCK_HOUR - WARMEST_HOUR) / 24)
    noise = ar1(
        site_rng(seed, site.site, "temperature"), HOURS_PER_YEAR, TEMP_NOISE_PHI, TEMP_NOISE_SIGMA_C
    )
    temperature = seasonal + diurnal + noise
    return temperature - temperature.mean() + site.temp_mean_c


def clear_sky_pv(site: SiteParameters, times: pd.DatetimeIndex) -> np.ndarray:
    """Clear-sky plane-of-array irradiance / 1000 W/m2 at mid-interval times (0 at night)."""
    location = pvlib.location.Location(site.lat, site.lon, tz=TIMEZONE)
    mid = times + pd.Timedelta(minutes=30)
    solar = location.get_solarposition(mid)
    clear = location.get_clearsky(mid, model="ineichen", solar_position=solar)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt=abs(site.lat),
        surface_azimuth=180.0 if site.lat >= 0 else 0.0,
        solar_zenith=solar["apparent_zenith"],
        solar_azimuth=solar["azimuth"],
        dni=clear["dni"],
        ghi=clear["ghi"],
        dhi=clear["dhi"],
        albedo=PV_ALBEDO,
        model="isotropic",
    )["poa_global"].to_numpy()
    up = solar["apparent_zenith"].to_numpy() < 90.0
    return np.where(up, np.nan_to_num(np.clip(poa, 0.0, None)), 0.0) / 1000.0


def cloudiness(rng: np.random.Generator) -> np.ndarray:
    """Hourly clear-sky index in [0, 1]: a daily AR(1) spell plus an hourly AR(1) flicker."""
    daily = ar1(rng, DAYS_PER_YEAR, CLOUD_DAILY_PHI)[_DAY]
    hourly = ar1(rng, HOURS_PER_YEAR, CLOUD_HOURLY_PHI)
    index = CLOUD_MEAN + CLOUD_DAILY_WEIGHT * daily + CLOUD_HOURLY_WEIGHT * hourly
    return np.clip(index, 0.0, 1.0)


def pv_series(site: SiteParameters, times: pd.DatetimeIndex, seed: int) -> np.ndarray:
    """Hourly PV capacity factor of one site; annual mean exactly ``pv_cf``."""
    base = clear_sky_pv(site, times) * cloudiness(site_rng(seed, site.site, "pv"))
    return scale_to_mean(base, site.pv_cf)


def power_curve(speed_ms: np.ndarray) -> np.ndarray:
    """Generic turbine: output per MW rated at hub-height wind speed [m/s]."""
    ramp = (speed_ms**3 - CUT_IN_MS**3) / (RATED_MS**3 - CUT_IN_MS**3)
    return np.where(speed_ms >= CUT_OUT_MS, 0.0, np.clip(ramp, 0.0, 1.0))


def wind_series(site: SiteParameters, seed: int) -> np.ndarray:
    """Hourly wind capacity factor of one site; annual mean exactly ``wind_cf``."""
    x = ar1(site_rng(seed, site.site, "wind"), HOURS_PER_YEAR, WIND_PHI)
    # -log(Phi(-x)) = -log(1 - Phi(x)) without cancellation in the upper tail.
    unit_weibull = (-np.log(ndtr(-x))) ** (1.0 / WEIBULL_SHAPE)
    diurnal = 1 + WIND_DIURNAL_AMPLITUDE * np.cos(
        2 * np.pi * (_CLOCK_HOUR - WIND_WINDIEST_HOUR) / 24
    )
    seasonal = 1 + WIND_SEASONAL_AMPLITUDE * np.cos(
        2 * np.pi * (_YEAR_DAYS - WIND_WINDIEST_DAY) / 365
    )
    shape = unit_weibull * diurnal * seasonal
    target = site.wind_cf
    if target <= 0.0:
        return np.zeros(HOURS_PER_YEAR)
    # Mean output rises with the Weibull scale while few hours pass cut-out (CF up to ~0.5).
    low, high = 0.5, 15.0
    if power_curve(high * shape).mean() < target:
        raise ValueError(f"site {site.site!r}: wind_cf {target} not reachable")
    for _ in range(100):
        middle = 0.5 * (low + high)
        if power_curve(middle * shape).mean() < target:
            low = middle
        else:
            high = middle
    output = power_curve(high * shape)
    if abs(output.mean() - target) <= 1e-12:
        return output
    return scale_to_mean(output, target)


def price_pattern(tou: str) -> np.ndarray:
    """24 time-of-use multipliers (local hours 0..23) of one day."""
    raw = np.full(24, TOU_FLAT)
    raw[list(VALLEY_HOURS)] = TOU_VALLEY
    raw[list(PEAK_HOURS)] = TOU_PEAK
    scale = 1.0 / raw.mean()
    day = raw * scale
    if tou == "midday_valley":
        day[list(MIDDAY_VALLEY_HOURS)] = 0.5 * TOU_FLAT * scale
    return day


def demand_shape(name: str, times: pd.DatetimeIndex) -> np.ndarray:
    """Hourly demand shape (annual mean exactly 1) of one workload class."""
    knots = DEMAND_KNOTS[name]
    daily = np.interp(np.arange(24), list(knots), list(knots.values()), period=24)
    weekend = np.asarray(times.dayofweek >= 5)
    shape = daily[_CLOCK_HOUR] * np.where(weekend, DEMAND_WEEKEND_FACTOR[name], 1.0)
    return shape / shape.mean()


def generate_profiles(
    params: pd.DataFrame, year: int = 2030, seed: int = 20301
) -> dict[str, pd.DataFrame]:
    """Hourly profiles of every site in ``params`` (see the module docstring).

    Returns {"temperature", "pv", "wind", "price", "demand"} -> DataFrame with 8760 rows, a
    column ``hour`` (0..8759) and one float column per site (per shape for demand).
    """
    check_parameters(params)
    times = _year_times(year)
    columns: dict[str, dict[str, np.ndarray]] = {name: {} for name in PROFILE_NAMES}
    for site in site_rows(params):
        columns["temperature"][site.site] = temperature_series(site, seed)
        columns["pv"][site.site] = pv_series(site, times, seed)
        columns["wind"][site.site] = wind_series(site, seed)
        columns["price"][site.site] = price_pattern(site.tou)[_CLOCK_HOUR]
    for name in DEMAND_SHAPES:
        columns["demand"][name] = demand_shape(name, times)
    return {
        name: pd.DataFrame({"hour": _HOUR.copy(), **values}) for name, values in columns.items()
    }


def write_profiles(profiles: dict[str, pd.DataFrame], folder: Path) -> None:
    """Write ``<folder>/<name>.csv`` per profile; floats to 6 decimals (temperature 3).

    Fixed-point numbers (no exponent, no negative zero) and LF line endings, so the files are
    byte-identical on every platform for the same values.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in profiles.items():
        decimals = CSV_DECIMALS.get(name, DEFAULT_DECIMALS)
        rounded = frame.copy()
        floats = rounded.select_dtypes("float").columns
        # + 0.0 turns -0.0 (a tiny negative rounded) into 0.0.
        rounded[floats] = rounded[floats].round(decimals) + 0.0
        rounded.to_csv(
            folder / f"{name}.csv",
            index=False,
            float_format=f"%.{decimals}f",
            lineterminator="\n",
        )


def read_parameters(path: Path) -> pd.DataFrame:
    """The generator's parameter table (one row per site)."""
    return pd.read_csv(path, dtype={"site": str, "tou": str})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the default case's hourly profiles.")
    parser.add_argument("--parameters", type=Path, default=Path("inputs/profiles/parameters.csv"))
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="folder for the CSV files (default: the parameters file's folder)",
    )
    parser.add_argument("--year", type=int, default=2030)
    parser.add_argument("--seed", type=int, default=20301)
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else args.parameters.parent
    profiles = generate_profiles(read_parameters(args.parameters), args.year, args.seed)
    write_profiles(profiles, output)
    print(f"wrote {', '.join(f'{n}.csv' for n in profiles)} to {output}")


if __name__ == "__main__":
    main()
