"""Time steps for the model: the full year (8760 h) or N typical days chosen by tsam.

`full`: every hour, weight 1 h. `typical:N`: tsam clusters the 365 days of all profiles
(temperature, PV, wind, price, demand shapes) into N representative days (hierarchical
clustering, medoids) and appends the day with the highest total demand exactly; each
representative day's weight is the number of days it stands for (Σ weights · 24 = 8760 h).
Representative series are then rescaled so each column's weighted annual mean equals the full
year's (PV, wind, price and demand multiplicatively, temperature additively): picking days
alone can lose a third of the wind. PV and wind stay ≤ 1: what the cap removes is spread over
the steps below it, so their means are kept too; so does every other capacity-factor profile
a renewable technology follows (the `shares` the caller names).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR
TSAM_SEED = 20301  # tsam's hierarchical clustering is deterministic; recorded for manifests
SHARE_PROFILES = ("pv", "wind")  # capacity factors [MW/MW] unless the caller names more
_OPTION = re.compile(r"^(full|typical:(\d+))$")


def parse_time_option(option: str) -> int | None:
    """'full' → None; 'typical:N' → N (1 ≤ N ≤ 365). Raises ValueError otherwise."""
    m = _OPTION.match(option.strip())
    if not m:
        raise ValueError(f"time must be 'full' or 'typical:N', not '{option}'")
    if m.group(2) is None:
        return None
    n = int(m.group(2))
    if not 1 <= n <= DAYS_PER_YEAR - 1:
        raise ValueError(f"typical:N needs 1 <= N <= {DAYS_PER_YEAR - 1}, not {n}")
    return n


@dataclass(frozen=True)
class TimeSlices:
    """Model time steps and the profile values at each.

    steps: index t = 0..T-1 with columns day (model day), hour (0..23), weight_h (hours of the
    year the step stands for). profiles: name → frame indexed like steps. day_of_year: for each
    of the 365 calendar days, the model day that represents it. mode: 'full' or 'typical:N'.
    """

    mode: str
    steps: pd.DataFrame
    profiles: dict[str, pd.DataFrame]
    day_of_year: np.ndarray

    @property
    def n_days(self) -> int:
        return int(self.steps["day"].max()) + 1

    @property
    def cyclic_year(self) -> bool:
        """Storage cycles over the year in full mode, within each day in typical mode."""
        return self.mode == "full"


def full_year(profiles: dict[str, pd.DataFrame]) -> TimeSlices:
    """Every hour of the year, weight 1 h."""
    hours = np.arange(HOURS_PER_YEAR)
    steps = pd.DataFrame(
        {"day": hours // HOURS_PER_DAY, "hour": hours % HOURS_PER_DAY, "weight_h": 1.0}
    )
    frames = {k: v.reset_index(drop=True) for k, v in profiles.items()}
    return TimeSlices("full", steps, frames, np.arange(DAYS_PER_YEAR))


def _stack(profiles: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [frame.add_prefix(f"{name}|") for name, frame in profiles.items()]
    data = pd.concat(parts, axis=1)
    data.index = pd.date_range("2030-01-01", periods=len(data), freq="h")
    return data


def typical_days(
    profiles: dict[str, pd.DataFrame],
    n_days: int,
    peak_series: pd.Series | None = None,
    shares: Collection[str] = SHARE_PROFILES,
) -> TimeSlices:
    """N tsam typical days plus the peak day of `peak_series` (e.g. total demand MW).
    `shares`: the profiles that are capacity factors [MW/MW], kept ≤ 1 when rescaled."""
    import tsam

    data = _stack(profiles)
    extremes = None
    if peak_series is not None and np.ptp(peak_series.to_numpy()) > 0:
        data["peak|total"] = peak_series.to_numpy()
        extremes = tsam.ExtremeConfig(method="append", max_value=["peak|total"])
    constant = [c for c in data.columns if data[c].std() == 0]
    if len(constant) == data.shape[1]:
        return _one_day(profiles)
    with warnings.catch_warnings():
        # tsam warns when a rescaled value exceeds the input maximum by ~1e-13
        warnings.simplefilter("ignore", UserWarning)
        result = _aggregate(tsam, data.drop(columns=constant), n_days, extremes)
    reps = result.cluster_representatives
    clusters = sorted(reps.index.get_level_values(0).unique())
    counts = np.array([result.cluster_counts[c] for c in clusters], dtype=float)
    day_index = {c: i for i, c in enumerate(clusters)}
    assignment = np.array([day_index[c] for c in result.cluster_assignments])
    n_model_days = len(clusters)
    steps = pd.DataFrame(
        {
            "day": np.repeat(np.arange(n_model_days), HOURS_PER_DAY),
            "hour": np.tile(np.arange(HOURS_PER_DAY), n_model_days),
            "weight_h": np.repeat(counts, HOURS_PER_DAY),
        }
    )
    values = reps.reindex(clusters, level=0).reset_index(drop=True)
    for c in constant:
        values[c] = data[c].iloc[0]
    out: dict[str, pd.DataFrame] = {}
    for name, frame in profiles.items():
        cols = [f"{name}|{c}" for c in frame.columns]
        part = values[cols].copy()
        part.columns = list(frame.columns)
        out[name] = _rescale(name, part, frame, steps["weight_h"].to_numpy(), name in shares)
    return TimeSlices(f"typical:{n_days}", steps, out, assignment)


def _one_day(profiles: dict[str, pd.DataFrame]) -> TimeSlices:
    """Every profile is constant: one day, weight 365, represents the year exactly."""
    steps = pd.DataFrame(
        {"day": 0, "hour": np.arange(HOURS_PER_DAY), "weight_h": float(DAYS_PER_YEAR)}
    )
    frames = {k: v.iloc[:HOURS_PER_DAY].reset_index(drop=True) for k, v in profiles.items()}
    return TimeSlices("typical:1", steps, frames, np.zeros(DAYS_PER_YEAR, dtype=int))


def _aggregate(tsam, data: pd.DataFrame, n_days: int, extremes):
    return tsam.aggregate(
        data,
        n_clusters=n_days,
        period_duration=HOURS_PER_DAY,
        cluster=tsam.ClusterConfig(method="hierarchical", representation="medoid"),
        extremes=extremes,
        preserve_column_means=True,
    )


def _rescale(
    name: str,
    part: pd.DataFrame,
    full: pd.DataFrame,
    weight: np.ndarray,
    share: bool | None = None,
) -> pd.DataFrame:
    """Match each column's weighted mean to the full year's (temperature by shifting);
    a capacity factor (`share`; default: pv and wind) stays ≤ 1 with its mean kept."""
    share = name in SHARE_PROFILES if share is None else share
    target = full.mean().to_numpy()
    mean = (part.to_numpy() * weight[:, None]).sum(axis=0) / weight.sum()
    if name == "temperature":
        return part + (target - mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(mean > 0, target / mean, 1.0)
    scaled = part * factor
    if share:
        scaled = _clip_keeping_mean(scaled, target, weight)
    return scaled


def _clip_keeping_mean(
    scaled: pd.DataFrame, target: np.ndarray, weight: np.ndarray, upper: float = 1.0
) -> pd.DataFrame:
    """Clip capacity factors at `upper` and spread what the clipping removed over the steps
    below it, in proportion to their values, until each column's weighted mean is `target`.

    Each round clips at least one more step, so it ends within the number of steps. A column
    whose target cannot be reached (every non-zero step at `upper`) keeps the largest mean it
    can; the caller's full-year data bound this (a mean ≤ 1 of values ≤ 1).
    """
    values = scaled.to_numpy(dtype=float).copy()
    total = weight.sum()
    for j in range(values.shape[1]):
        column = values[:, j]
        for _ in range(len(column)):
            over = column >= upper
            column[over] = upper
            missing = target[j] * total - (column * weight).sum()
            free = (column * weight)[~over].sum()
            if missing <= 1e-12 * max(target[j] * total, 1.0) or free <= 0:
                break
            column[~over] *= 1.0 + missing / free
        values[:, j] = column
    return pd.DataFrame(values, index=scaled.index, columns=scaled.columns)


def select(
    profiles: dict[str, pd.DataFrame],
    option: str,
    peak_series: pd.Series | None = None,
    shares: Collection[str] = SHARE_PROFILES,
) -> TimeSlices:
    """TimeSlices for a `--time` option ('full' or 'typical:N'); `shares` as in
    `typical_days`."""
    n = parse_time_option(option)
    if n is None:
        return full_year(profiles)
    return typical_days(profiles, n, peak_series, shares)
