"""Measured series → the model's hourly profile year (8760 rows, China Standard Time).

A planner's measured data come in every shape: another year, a leap year, 15-minute or
10-minute steps, UTC or local time stamps, gaps where a logger was down. `to_profile_year`
turns one such series into the row layout every profile file uses (``hour`` 0..8759, hour 0 =
1 January 00:00 China Standard Time, 29 February dropped; see `planner.profiles`) and says what
it did, so the change can be checked and recorded in the Sources sheet:

1. time stamps are parsed; naive ones are read in `tz` (default China Standard Time), aware
   ones are converted to it; duplicates keep their mean;
2. the calendar year with the most data is used (or the one given);
3. sub-hourly steps are averaged to hourly means (an hour stands for h:00 to h+1:00); steps
   longer than one hour are refused, since they cannot be turned into hours without inventing
   a shape;
4. 29 February is dropped (every model year has 365 days);
5. missing hours are filled by linear interpolation in time (ends: the nearest value); more
   than 10 % missing is refused;
6. capacity factors (pv, wind) must lie in [0, 1]: values a little below 0 (sensor offsets,
   down to −0.02) are set to 0 and counted; anything above 1 or further below 0 is refused
   (MW or % instead of MW per MW installed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.profiles import HOURS_PER_YEAR, TIMEZONE

MAX_MISSING_SHARE = 0.10
NEGATIVE_NOISE = 0.02  # capacity-factor offsets below zero that are set to 0
SHARE_PROFILES = ("pv", "wind")


class ImportProblem(ValueError):
    """A measured series that cannot become a profile year (exit code 2)."""


@dataclass
class ImportReport:
    """What `to_profile_year` did to one column, in words a planner can put in Sources."""

    column: str
    year: int
    step_minutes: float
    tz: str
    rows_read: int
    duplicates: int = 0
    leap_day_dropped: bool = False
    missing_hours: int = 0
    longest_gap_h: int = 0
    clipped_to_zero: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per fact, for the console and the Sources note."""
        out = [
            f"{self.column}: {self.rows_read} rows of {self.step_minutes:g}-minute data, "
            f"year {self.year}, time stamps read in {self.tz}, converted to {TIMEZONE}"
        ]
        if self.step_minutes < 60:
            out.append(f"  averaged to hourly means ({60 / self.step_minutes:g} steps per hour)")
        if self.duplicates:
            out.append(f"  {self.duplicates} duplicate time stamps averaged")
        if self.leap_day_dropped:
            out.append("  29 February dropped (leap year)")
        if self.missing_hours:
            out.append(
                f"  {self.missing_hours} missing hours filled by linear interpolation "
                f"(longest gap {self.longest_gap_h} h)"
            )
        if self.clipped_to_zero:
            out.append(f"  {self.clipped_to_zero} values slightly below 0 set to 0")
        out.extend(f"  {n}" for n in self.notes)
        return out


def read_series(path, time_column: str | None = None) -> pd.DataFrame:
    """A measured CSV as a frame indexed by its time stamps (first column unless named)."""
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ImportProblem(f"{path}: cannot read it as CSV ({exc})") from None
    if frame.shape[1] < 2:
        raise ImportProblem(f"{path}: needs a time column and at least one value column")
    column = time_column or frame.columns[0]
    if column not in frame.columns:
        raise ImportProblem(f"{path}: no column {column!r} (columns: {list(frame.columns)})")
    try:
        stamps = pd.to_datetime(frame[column], format="mixed")
    except (ValueError, TypeError) as exc:
        raise ImportProblem(f"{path}: column {column!r} is not time stamps ({exc})") from None
    values = frame.drop(columns=[column]).apply(pd.to_numeric, errors="coerce")
    values.index = pd.DatetimeIndex(stamps)
    return values


def _in_china_time(index: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    try:
        local = index.tz_localize(tz) if index.tz is None else index
        return local.tz_convert(TIMEZONE).tz_localize(None)
    except Exception as exc:  # unknown zone names and ambiguous DST stamps
        raise ImportProblem(f"time zone {tz!r}: {exc}") from None


def to_profile_year(
    series: pd.Series,
    profile: str,
    tz: str = TIMEZONE,
    year: int | None = None,
) -> tuple[np.ndarray, ImportReport]:
    """8760 hourly values of `series` (one measured column) and what was done to it."""
    name = str(series.name)
    clean = series.dropna()
    if clean.empty:
        raise ImportProblem(f"{name}: no numeric values")
    index = _in_china_time(pd.DatetimeIndex(clean.index), tz)
    clean = pd.Series(clean.to_numpy(dtype=float), index=index).sort_index()
    duplicates = int(clean.index.duplicated().sum())
    if duplicates:
        clean = clean.groupby(level=0).mean()
    steps = pd.Series(clean.index).diff().dt.total_seconds().dropna() / 60.0  # minutes
    step = float(steps.median()) if len(steps) else 60.0
    if step > 60.0 + 1e-9:
        raise ImportProblem(
            f"{name}: time step of {step:g} minutes; hourly or finer data are needed"
        )
    years = clean.index.year
    chosen = int(pd.Series(years).mode().iloc[0]) if year is None else int(year)
    clean = clean[years == chosen]
    if clean.empty:
        raise ImportProblem(f"{name}: no data in {chosen}")
    report = ImportReport(name, chosen, step, tz, len(series.dropna()), duplicates)
    hourly = clean.resample("h").mean()
    hours = pd.date_range(f"{chosen}-01-01", f"{chosen + 1}-01-01", freq="h", inclusive="left")
    hourly = hourly.reindex(hours)
    leap = (hours.month == 2) & (hours.day == 29)
    report.leap_day_dropped = bool(leap.any())
    hourly = hourly[~leap]
    missing = hourly.isna().to_numpy()
    report.missing_hours = int(missing.sum())
    if report.missing_hours > MAX_MISSING_SHARE * HOURS_PER_YEAR:
        raise ImportProblem(
            f"{name}: {report.missing_hours} of {HOURS_PER_YEAR} hours of {chosen} missing "
            f"(at most {MAX_MISSING_SHARE:.0%} can be filled)"
        )
    if report.missing_hours:
        runs = np.diff(np.r_[0, missing.astype(int), 0])
        starts, ends = np.flatnonzero(runs == 1), np.flatnonzero(runs == -1)
        report.longest_gap_h = int((ends - starts).max())
        position = pd.Series(hourly.to_numpy(), index=np.arange(HOURS_PER_YEAR, dtype=float))
        hourly = pd.Series(
            position.interpolate(method="index", limit_direction="both").to_numpy(),
            index=hourly.index,
        )
    values = hourly.to_numpy(dtype=float)
    if profile in SHARE_PROFILES:
        values, report.clipped_to_zero = _capacity_factors(name, values)
    return values, report


def _capacity_factors(name: str, values: np.ndarray) -> tuple[np.ndarray, int]:
    if values.max() > 1.0 + 1e-9:
        raise ImportProblem(
            f"{name}: values up to {values.max():g}; pv and wind profiles are capacity "
            "factors in [0, 1] (MW per MW installed): divide MW by the installed MW, or % by 100"
        )
    if values.min() < -NEGATIVE_NOISE:
        raise ImportProblem(f"{name}: values down to {values.min():g} (below 0)")
    small = values < 0
    return np.where(small, 0.0, np.minimum(values, 1.0)), int(small.sum())
