"""Typical days: weights cover the year, annual means are kept, the peak day is kept.

The rescaling is checked by hand on small series where the clipping at a capacity factor of 1
bites, and through tsam on a year of profiles (tsam keeps column means itself; the rescaling
after it is the guarantee).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.timeseries import HOURS_PER_YEAR, _rescale, typical_days

DAYS = 365


def _weighted_mean(frame: pd.DataFrame, weight: np.ndarray) -> np.ndarray:
    return (frame.to_numpy() * weight[:, None]).sum(axis=0) / weight.sum()


def test_rescaling_without_clipping_multiplies_by_the_ratio_of_means():
    part = pd.DataFrame({"s": [0.1, 0.2, 0.3]})
    full = pd.DataFrame({"s": [0.3] * 3})  # target mean 0.3, part mean 0.2: factor 1.5
    out = _rescale("wind", part, full, np.ones(3))
    assert out["s"].tolist() == pytest.approx([0.15, 0.3, 0.45], rel=1e-12)


def test_rescaling_keeps_the_mean_when_clipping_at_one_bites():
    """[0.9, 0.5, 0.1] to a mean of 0.7: factor 1.4 would give 1.26, clipped to 1. The
    shortfall is spread over the unclipped steps: they need 2.1 − 1 = 1.1 from 0.6, a factor
    of 11/6, giving [1, 0.91667, 0.18333]."""
    part = pd.DataFrame({"s": [0.9, 0.5, 0.1]})
    full = pd.DataFrame({"s": [0.7, 0.7, 0.7]})
    out = _rescale("pv", part, full, np.ones(3))
    assert out["s"].tolist() == pytest.approx([1.0, 0.5 * 11 / 6, 0.1 * 11 / 6], rel=1e-12)
    assert out["s"].mean() == pytest.approx(0.7, rel=1e-12)


def test_rescaling_with_weights_keeps_the_weighted_mean_and_the_bound():
    rng = np.random.default_rng(3)
    part = pd.DataFrame({"a": rng.uniform(0, 1, 48), "b": rng.uniform(0, 0.2, 48)})
    weight = rng.integers(1, 30, 48).astype(float)
    full = pd.DataFrame({"a": [0.8] * 10, "b": [0.3] * 10})  # both need clipping
    out = _rescale("wind", part, full, weight)
    assert _weighted_mean(out, weight) == pytest.approx([0.8, 0.3], rel=1e-9)
    assert out.to_numpy().max() <= 1.0
    assert (out.to_numpy() >= part.to_numpy() - 1e-15).all()  # only ever scaled up here


def test_temperature_is_shifted_not_scaled():
    part = pd.DataFrame({"s": [-5.0, 5.0]})
    full = pd.DataFrame({"s": [10.0, 10.0]})
    out = _rescale("temperature", part, full, np.ones(2))
    assert out["s"].tolist() == pytest.approx([5.0, 15.0])


def _profiles() -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """A year of seasonal PV and gusty wind at two sites, and a demand shape with one peak."""
    rng = np.random.default_rng(7)
    hours = np.arange(HOURS_PER_YEAR)
    hour, day = hours % 24, hours // 24
    season = 0.6 + 0.4 * np.cos(2 * np.pi * (day - 172) / DAYS)
    sun = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    pv = pd.DataFrame(
        {s: np.clip(sun * season * rng.uniform(0.6, 1.0, DAYS)[day], 0, 1) for s in ("a", "b")}
    )
    gust = rng.uniform(0, 1, DAYS)[day]
    wind = pd.DataFrame({"a": np.where(gust > 0.8, 1.0, 0.3 * gust), "b": 0.9 * gust**3})
    temperature = pd.DataFrame(
        {s: 15 + 10 * np.cos(2 * np.pi * (day - 200) / DAYS) for s in ("a", "b")}
    )
    shape = 1.0 + 0.1 * np.sin(2 * np.pi * hour / 24)
    peak_day = 40
    shape[peak_day * 24 : peak_day * 24 + 24] *= 1.5
    shape /= shape.mean()
    demand = pd.DataFrame({"shape": shape})
    profiles = {"temperature": temperature, "pv": pv, "wind": wind, "demand": demand}
    return profiles, pd.Series(100.0 * shape)


@pytest.mark.parametrize("n_days", [2, 4, 8])
def test_typical_days_keep_every_annual_mean_and_cover_the_year(n_days: int):
    profiles, peak = _profiles()
    time = typical_days(profiles, n_days, peak)
    weight = time.steps["weight_h"].to_numpy()
    assert weight.sum() == pytest.approx(HOURS_PER_YEAR)
    assert len(time.day_of_year) == DAYS
    for name, full in profiles.items():
        kept = _weighted_mean(time.profiles[name], weight)
        assert kept == pytest.approx(full.mean().to_numpy(), rel=1e-9, abs=1e-12), name
    for name in ("pv", "wind"):
        assert time.profiles[name].to_numpy().max() <= 1.0


@pytest.mark.parametrize("n_days", [2, 8])
def test_the_peak_demand_day_is_kept_as_a_model_day(n_days: int):
    profiles, peak = _profiles()
    time = typical_days(profiles, n_days, peak)
    shape = time.profiles["demand"]["shape"].to_numpy()
    full = profiles["demand"]["shape"].to_numpy()
    assert shape.max() == pytest.approx(full.max(), rel=1e-9)
    peak_day = int(np.argmax(full)) // 24
    model_day = time.day_of_year[peak_day]
    kept = shape[time.steps["day"].to_numpy() == model_day]
    assert kept == pytest.approx(full[peak_day * 24 : peak_day * 24 + 24], rel=1e-9)
    weights = time.steps.groupby("day")["weight_h"].first()
    assert weights[model_day] == pytest.approx(1.0)  # the peak day stands for itself alone
