"""Tests of the seeded profile generator and of the committed profile CSV files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.profiles import (
    HOURS_PER_YEAR,
    PROFILE_NAMES,
    generate_profiles,
    read_parameters,
    write_profiles,
)

PROFILE_FOLDER = Path(__file__).resolve().parents[2] / "inputs" / "profiles"
SITES = (
    "zhangjiakou",
    "yrd_demo",
    "wuhu",
    "shaoguan",
    "tianfu",
    "chongqing",
    "horinger",
    "guian",
    "qingyang",
    "zhongwei",
    "wuhan",
    "zhengzhou",
    "qinghai_hainan",  # supply nodes (issue 15): renewable bases without IT
    "hami",
)
SITE_PROFILES = ("temperature", "pv", "wind", "price")
WEATHER = ("temperature", "pv", "wind")
CSV_TOLERANCE = {"temperature": 5e-4}  # half of the last written decimal (3 decimals)
DEFAULT_CSV_TOLERANCE = 5e-7  # 6 decimals


@pytest.fixture(scope="module")
def params() -> pd.DataFrame:
    return read_parameters(PROFILE_FOLDER / "parameters.csv")


@pytest.fixture(scope="module")
def profiles(params: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return generate_profiles(params)


@pytest.fixture(scope="module")
def two_sites(params: pd.DataFrame) -> pd.DataFrame:
    """A small table (two sites, reversed order) for the seed tests, to keep them fast."""
    return params[params["site"].isin(["qingyang", "yrd_demo"])].iloc[::-1].reset_index(drop=True)


def site_values(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="hour")


def hour_of_day(frame: pd.DataFrame) -> np.ndarray:
    return frame["hour"].to_numpy() % 24


def test_parameters_list_the_default_sites_with_only_qingyang_midday_valley(params):
    assert tuple(params["site"]) == SITES
    assert set(params.loc[params["tou"] == "midday_valley", "site"]) == {"qingyang"}
    assert set(params["tou"]) == {"standard", "midday_valley"}


def test_every_profile_has_8760_rows_and_hour_column_first(profiles):
    assert set(profiles) == set(PROFILE_NAMES)
    for name, frame in profiles.items():
        assert len(frame) == HOURS_PER_YEAR, name
        assert frame.columns[0] == "hour", name
        np.testing.assert_array_equal(frame["hour"].to_numpy(), np.arange(HOURS_PER_YEAR))
        assert all(pd.api.types.is_float_dtype(t) for t in site_values(frame).dtypes), name
        assert np.isfinite(site_values(frame).to_numpy()).all(), name


def test_site_profiles_have_one_column_per_site_in_table_order(profiles):
    for name in SITE_PROFILES:
        assert tuple(site_values(profiles[name]).columns) == SITES, name
    assert tuple(site_values(profiles["demand"]).columns) == ("realtime", "interactive")


def test_same_seed_gives_identical_profiles_and_sites_do_not_affect_each_other(profiles, two_sites):
    again = generate_profiles(two_sites)
    for name in SITE_PROFILES:
        sites = list(two_sites["site"])
        pd.testing.assert_frame_equal(
            again[name][sites], profiles[name][sites], check_exact=True, obj=name
        )
    pd.testing.assert_frame_equal(again["demand"], profiles["demand"], check_exact=True)


def test_different_seed_gives_different_weather_with_the_same_annual_means(profiles, two_sites):
    other = generate_profiles(two_sites, seed=12345)
    sites = list(two_sites["site"])
    for name in WEATHER:
        new, old = other[name][sites].to_numpy(), profiles[name][sites].to_numpy()
        assert np.abs(new - old).max() > 0.1, name
        np.testing.assert_allclose(new.mean(axis=0), old.mean(axis=0), atol=1e-9)
    pd.testing.assert_frame_equal(other["price"][sites], profiles["price"][sites])


@pytest.mark.parametrize(
    ("name", "column"), [("temperature", "temp_mean_c"), ("pv", "pv_cf"), ("wind", "wind_cf")]
)
def test_annual_means_equal_the_parameters(profiles, params, name, column):
    expected = params.set_index("site")[column]
    measured = site_values(profiles[name]).mean()
    np.testing.assert_allclose(measured[expected.index], expected, rtol=0, atol=1e-4)


def test_temperature_is_coldest_in_january_and_warmest_in_the_afternoon(profiles, params):
    temperature = site_values(profiles["temperature"])
    day = profiles["temperature"]["hour"].to_numpy() // 24
    january, july = temperature[day < 31].mean(), temperature[(day >= 181) & (day < 212)].mean()
    half_range = params.set_index("site")["temp_seasonal_c"]
    # The seeded weather noise moves a monthly mean by well under 2 degC.
    np.testing.assert_allclose((july - january) / 2, half_range, atol=2.0)
    by_hour = temperature.groupby(hour_of_day(profiles["temperature"])).mean()
    assert set(by_hour.idxmax()) <= {14, 15, 16}
    assert set(by_hour.idxmin()) <= {2, 3, 4}


def test_pv_is_zero_at_night_and_a_capacity_factor(profiles):
    pv = site_values(profiles["pv"])
    hour = hour_of_day(profiles["pv"])
    assert (pv[np.isin(hour, [0, 1, 2, 3, 22, 23])] == 0).all().all()
    assert pv.min().min() >= 0 and pv.max().max() <= 1
    assert (pv[np.isin(hour, [12, 13])].mean() > 0.3).all()


def test_wind_is_a_capacity_factor_stronger_at_night_and_in_spring(profiles):
    wind = site_values(profiles["wind"])
    assert wind.min().min() >= 0 and wind.max().max() <= 1
    assert (wind.max() == 1).all() and (wind.min() == 0).all()
    hour = hour_of_day(profiles["wind"])
    night, afternoon = wind[np.isin(hour, range(0, 6))], wind[np.isin(hour, range(12, 18))]
    assert night.to_numpy().mean() > afternoon.to_numpy().mean()


def test_price_is_the_daily_time_of_use_pattern(profiles):
    price = site_values(profiles["price"])
    daily_mean = price.groupby(profiles["price"]["hour"].to_numpy() // 24).mean()
    standard = [s for s in SITES if s != "qingyang"]
    np.testing.assert_allclose(daily_mean[standard].to_numpy(), 1.0, rtol=0, atol=1e-12)
    assert (daily_mean["qingyang"] < 1).all()
    np.testing.assert_allclose(price.max() / price.min(), 4.0, rtol=1e-12)
    first_day = price.iloc[:24]
    assert (price.to_numpy() == np.tile(first_day.to_numpy(), (365, 1))).all()
    # valley 23:00-07:00, peak 10:00-12:00 and 17:00-21:00, flat otherwise
    low, high = first_day["yrd_demo"].min(), first_day["yrd_demo"].max()
    assert list(first_day.index[first_day["yrd_demo"] == low]) == [0, 1, 2, 3, 4, 5, 6, 23]
    assert list(first_day.index[first_day["yrd_demo"] == high]) == [10, 11, 17, 18, 19, 20]
    flat = first_day.at[7, "yrd_demo"]
    np.testing.assert_allclose(first_day.loc[10:15, "qingyang"], flat / 2, rtol=1e-12)
    np.testing.assert_allclose(first_day.loc[16:23, "qingyang"], first_day.loc[16:23, "yrd_demo"])


def test_demand_shapes_have_mean_one_and_a_night_trough(profiles):
    demand = site_values(profiles["demand"])
    np.testing.assert_allclose(demand.mean(), 1.0, rtol=0, atol=1e-12)
    by_hour = demand.groupby(hour_of_day(profiles["demand"])).mean()
    assert (by_hour.idxmin() == 4).all()
    swing = demand.max() - demand.min()
    assert swing["interactive"] > swing["realtime"]
    assert 1.15 <= demand["realtime"].max() <= 1.25 and 0.7 <= demand["realtime"].min() <= 0.8
    assert 1.25 <= demand["interactive"].max() <= 1.35
    assert 0.55 <= demand["interactive"].min() <= 0.65


def test_committed_csv_files_equal_a_fresh_generation(profiles):
    for name in PROFILE_NAMES:
        committed = pd.read_csv(PROFILE_FOLDER / f"{name}.csv", float_precision="round_trip")
        tolerance = CSV_TOLERANCE.get(name, DEFAULT_CSV_TOLERANCE)
        assert list(committed.columns) == list(profiles[name].columns), name
        np.testing.assert_array_equal(committed["hour"], profiles[name]["hour"])
        difference = np.abs(site_values(committed).to_numpy() - site_values(profiles[name]))
        assert difference.max().max() <= tolerance * (1 + 1e-6), (
            f"{name}.csv differs from the generator: run python scripts/make_profiles.py"
        )


def test_write_profiles_rounds_and_reads_back(profiles, tmp_path):
    write_profiles({"temperature": profiles["temperature"]}, tmp_path)
    text = (tmp_path / "temperature.csv").read_text()
    assert "\r" not in text and "e-" not in text and "-0.000," not in text
    back = pd.read_csv(tmp_path / "temperature.csv")
    np.testing.assert_allclose(
        back.drop(columns="hour"), site_values(profiles["temperature"]), rtol=0, atol=5.01e-4
    )


def test_bad_parameters_are_all_reported_together(params):
    bad = params.copy()
    bad.loc[0, "tou"] = "weekly"
    bad.loc[1, "pv_cf"] = 1.5
    with pytest.raises(ValueError, match=r"tou 'weekly'.*pv_cf must be in"):
        generate_profiles(bad)
