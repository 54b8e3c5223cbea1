"""The grid's hourly clean share (planner/grid_clean.py): generated consistent with the annual
emission factor, or replaced by a measured series."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from planner.grid_clean import annual_clean_share, grid_clean_share, hourly_emission_factor
from planner.prepare import prepare
from planner.synthetic import small_case

FOSSIL = 0.85  # planner.grid_clean.FOSSIL_EMISSION_FACTOR [t/MWh], restated


@pytest.fixture(scope="module")
def case():
    return small_case(
        sites=[
            {"site": "a", "lat": 31.0, "lon": 120.9, "emission_factor": 0.5737},
            {"site": "b", "lat": 37.5, "lon": 105.2, "emission_factor": 0.1},
        ],
        wind=0.3,
    )


def test_generated_share_has_the_annual_mean_the_emission_factor_implies(case):
    clean = grid_clean_share(case, case.profiles)
    expected = {"a": 1 - 0.5737 / FOSSIL, "b": 1 - 0.1 / FOSSIL}
    assert annual_clean_share(case).to_dict() == pytest.approx(expected, rel=1e-12)
    assert clean["a"].mean() == pytest.approx(expected["a"], rel=1e-9)
    assert ((clean >= 0) & (clean <= 1)).all().all()
    # more clean power in sunny hours: noon cleaner than midnight
    assert clean["a"].iloc[12] > clean["a"].iloc[0]
    # b's mean is clipped in sunny hours (0.88 x up to 1.5 > 1), so its mean may fall short
    assert clean["b"].mean() <= expected["b"] + 1e-12


def test_hourly_emission_factor_averages_to_the_annual_factor(case):
    clean = grid_clean_share(case, case.profiles)
    ef = hourly_emission_factor(case, clean)
    assert ef["a"].mean() == pytest.approx(0.5737, rel=1e-9)


def test_a_measured_series_replaces_the_generated_one(case):
    measured = pd.DataFrame({"a": np.full(8760, 0.3), "b": np.linspace(0, 1, 8760)})
    profiles = {**case.profiles, "grid_clean": measured}
    given = dataclasses.replace(case, profiles=profiles)
    data = prepare(given, "full")
    clean = data.param("grid_clean")
    assert clean[("a", 0)] == 0.3 and clean[("a", 8759)] == 0.3
    assert clean[("b", 8759)] == pytest.approx(1.0)
