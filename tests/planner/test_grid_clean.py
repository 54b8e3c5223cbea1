"""The grid's hourly clean share (planner/grid_clean.py): generated consistent with the annual
emission factor, or replaced by a measured series."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from planner.grid_clean import annual_clean_share, grid_clean_share, hourly_emission_factor
from planner.inputs.errors import InputErrors
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


@pytest.fixture(scope="module")
def mix_case():
    """Site a gives its province's generation-mix clean share (0.2), site b leaves it blank."""
    return small_case(
        sites=[
            {
                "site": "a",
                "lat": 31.0,
                "lon": 120.9,
                "emission_factor": 0.5737,
                "grid_clean_share": 0.2,
            },
            {"site": "b", "lat": 37.5, "lon": 105.2, "emission_factor": 0.5},
        ],
        wind=0.3,
    )


def test_a_published_generation_mix_sets_the_annual_clean_share(mix_case):
    clean = grid_clean_share(mix_case, mix_case.profiles)
    assert annual_clean_share(mix_case).to_dict() == pytest.approx(
        {"a": 0.2, "b": 1 - 0.5 / FOSSIL}, rel=1e-12
    )
    assert clean["a"].mean() == pytest.approx(0.2, rel=1e-9)
    assert clean["b"].mean() == pytest.approx(1 - 0.5 / FOSSIL, rel=1e-9)


def test_with_a_generation_mix_the_hourly_factor_still_averages_to_the_annual_one(mix_case):
    """ef[t] = ef_s (1 − c[t]) / (1 − c̄_s): the fossil part of each hour at the fossil factor
    the published annual factor implies, 0.5737 / 0.8 for site a."""
    clean = grid_clean_share(mix_case, mix_case.profiles)
    ef = hourly_emission_factor(mix_case, clean)
    assert ef["a"].mean() == pytest.approx(0.5737, rel=1e-9)
    assert ef["b"].mean() == pytest.approx(0.5, rel=1e-9)
    noon, midnight = 12, 0
    assert ef["a"].iloc[noon] == pytest.approx(0.5737 / 0.8 * (1 - clean["a"].iloc[noon]))
    assert ef["a"].iloc[noon] < ef["a"].iloc[midnight], "cleaner hours emit less"


def test_a_clean_share_outside_0_1_is_an_input_error():
    with pytest.raises(InputErrors) as caught:
        small_case(sites=[{"site": "a", "lat": 31.0, "lon": 120.9, "grid_clean_share": 1.5}])
    assert any("grid_clean_share" in str(p) for p in caught.value.errors)
