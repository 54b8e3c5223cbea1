"""Measured series become the model's profile year: leap years, 15-minute steps, UTC stamps,
gaps, and capacity factors given in the wrong unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.profile_import import ImportProblem, to_profile_year

HOURS = 8760


def _quarter_hours_utc(year: int) -> pd.DatetimeIndex:
    return pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="15min", inclusive="left")


def _clock_value(stamps_utc: pd.DatetimeIndex) -> np.ndarray:
    """China-time clock hour plus the fraction of the hour: its hourly mean is hour + 0.375."""
    local = stamps_utc.tz_localize("UTC").tz_convert("Asia/Shanghai")
    return local.hour + local.minute / 60.0


def test_a_leap_year_of_15_minute_utc_data_becomes_8760_china_time_hours():
    stamps = _quarter_hours_utc(2024)
    series = pd.Series(_clock_value(stamps), index=stamps, name="zhongwei")
    values, report = to_profile_year(series, "temperature", tz="UTC")
    assert values.shape == (HOURS,)
    assert report.year == 2024 and report.step_minutes == 15.0
    assert report.leap_day_dropped
    # UTC midnight is 08:00 in China: the first eight China-time hours of 2024 lie in 2023
    # UTC and are missing; the nearest value fills them
    assert report.missing_hours == 8 and report.longest_gap_h == 8
    hour_of_day = np.arange(HOURS) % 24
    assert values[8:] == pytest.approx(hour_of_day[8:] + 0.375, abs=1e-12)
    assert values[:8] == pytest.approx(np.full(8, 8.375))
    # 1 March 00:00 is hour 59·24 once 29 February is dropped
    assert values[59 * 24 + 5] == pytest.approx(5.375)


def test_gaps_are_filled_by_linear_interpolation_and_reported():
    hours = pd.date_range("2023-01-01", periods=HOURS, freq="h")
    ramp = np.arange(HOURS, dtype=float)
    series = pd.Series(ramp, index=hours, name="s")
    gap = slice(1000, 1006)
    series = series.drop(hours[gap])
    values, report = to_profile_year(series, "temperature")
    assert report.missing_hours == 6 and report.longest_gap_h == 6
    assert not report.leap_day_dropped
    assert values == pytest.approx(ramp)  # a straight line is rebuilt exactly
    assert any("6 missing hours" in line for line in report.lines())


def test_the_fullest_year_is_taken_unless_one_is_given():
    hours = pd.date_range("2022-12-01", "2024-01-10", freq="h", inclusive="left")
    series = pd.Series(hours.year.to_numpy(dtype=float), index=hours, name="s")
    values, report = to_profile_year(series, "temperature")
    assert report.year == 2023 and (values == 2023.0).all()
    with pytest.raises(ImportProblem, match="hours of 2022 missing"):
        to_profile_year(series, "temperature", year=2022)


def test_capacity_factors_in_mw_or_percent_are_refused():
    hours = pd.date_range("2023-01-01", periods=HOURS, freq="h")
    with pytest.raises(ImportProblem, match=r"capacity factors in \[0, 1\]"):
        to_profile_year(pd.Series(np.full(HOURS, 35.0), index=hours, name="s"), "pv")


def test_small_negative_capacity_factors_are_set_to_zero_and_counted():
    hours = pd.date_range("2023-01-01", periods=HOURS, freq="h")
    raw = np.where(np.arange(HOURS) % 24 < 6, -0.004, 0.3)
    values, report = to_profile_year(pd.Series(raw, index=hours, name="s"), "wind")
    assert report.clipped_to_zero == 6 * 365
    assert values.min() == 0.0 and values.max() == pytest.approx(0.3)


def test_steps_longer_than_an_hour_are_refused():
    stamps = pd.date_range("2023-01-01", periods=2920, freq="3h")
    with pytest.raises(ImportProblem, match="180 minutes"):
        to_profile_year(pd.Series(1.0, index=stamps, name="s"), "temperature")


def test_too_many_missing_hours_are_refused():
    hours = pd.date_range("2023-01-01", periods=HOURS // 2, freq="h")
    with pytest.raises(ImportProblem, match="at most 10%"):
        to_profile_year(pd.Series(1.0, index=hours, name="s"), "temperature")
