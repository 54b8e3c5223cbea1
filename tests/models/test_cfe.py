"""Hourly CFE matching (issue 16, items 2 and 5), solved by hand.

One site, flat load, constant 15 degC (constant PUE), daily-periodic profiles, so typical days
are exact; no carbon price. The day has two kinds of hour: twelve with sun (PV capacity
factor 1) and twelve without. The grid is all fossil (a measured `grid_clean` profile of
zeros replaces the generated share), so only own PV and the battery are clean.

- CFE credited in an hour = own PV used + battery discharge − charge + grid × 0; PV used is at
  most the load (the surplus is curtailed or charged), so with PV capacity C below the load
  P: score = 12 · C / (24 · P).
- A CFE target x > 1/2 with PV covering the sunny hours needs the night's energy
  D = (24x − 12) · P per day from the battery, which must hold D / η_d at sunset:
  battery energy = D / √η (η the round-trip efficiency).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from planner.run import RunOptions, solve_case
from planner.synthetic import daily, small_case

EF = 0.6  # t/MWh, the site's
ROUND_TRIP = 0.88  # Settings default, restated for the hand calculation
SUN = np.array([0.0] * 6 + [1.0] * 12 + [0.0] * 6)  # capacity factor by clock hour


def _case(pv_max: float, policy: dict | None = None, grid_price: float = 0.5):
    case = small_case(
        sites=[
            {
                "site": "s1",
                "lat": 31.0,
                "lon": 120.9,
                "pv_max": pv_max,
                "wind_max": 0.0,
                "emission_factor": EF,
                "grid_price": grid_price,
            }
        ],
        classes=[{"workload_class": "flat", "bandwidth": 1.0}],
        temperature=15.0,
        pv=daily(SUN),
        settings={"carbon_price": 0.0},
        policy=policy or {},
    )
    # a measured clean share replaces the generated one: an all-fossil grid
    fossil = pd.DataFrame({"s1": np.zeros(8760)})
    return dataclasses.replace(case, profiles={**case.profiles, "grid_clean": fossil})


def _solve(case):
    solved = solve_case(case, RunOptions())
    assert solved.outcome.status == "optimal", solved.explanation
    return solved, solved.results.sites.set_index("site").loc["s1"]


def test_cfe_score_is_matched_over_load_by_hand():
    solved, site = _solve(_case(pv_max=30.0))
    load_mw = site["facility_energy_mwh"] / 8760.0  # flat
    pv_mw = site["pv_mw"]
    assert 0 < pv_mw < load_mw, "PV is built, below the load: all of it is used"
    assert site["battery_mwh"] == pytest.approx(0.0, abs=1e-6)
    matched_per_day = sum(min(pv_mw * cf, load_mw) for cf in SUN)
    expected = matched_per_day / (24 * load_mw)
    assert site["cfe_score"] == pytest.approx(expected, rel=1e-6)
    assert solved.results.summary["cfe_score"] == pytest.approx(expected, rel=1e-6)
    # without a clean grid share, CFE here is the green share (own PV, nothing stored)
    assert site["cfe_score"] == pytest.approx(site["green_share"], rel=1e-6)


@pytest.mark.parametrize("target", [0.6, 0.75])
def test_storage_needed_for_a_cfe_target_by_hand(target):
    # cheap grid power (0.1 yuan/kWh, no carbon price): clean energy is built only for the target
    _, site = _solve(_case(pv_max=2000.0, policy={"cfe_min": target}, grid_price=0.1))
    load_mw = site["facility_energy_mwh"] / 8760.0
    assert site["cfe_score"] == pytest.approx(target, rel=1e-6)
    night_mwh = (24 * target - 12) * load_mw  # discharged each night
    assert site["battery_mwh"] == pytest.approx(night_mwh / math.sqrt(ROUND_TRIP), rel=1e-5)


def test_a_cfe_target_costs_more_than_none():
    cheap, _ = _solve(_case(pv_max=2000.0, grid_price=0.1))
    held, _ = _solve(_case(pv_max=2000.0, policy={"cfe_min": 0.75}, grid_price=0.1))
    assert held.outcome.objective > cheap.outcome.objective


def test_a_certificate_raises_the_annual_share_but_not_the_cfe_score():
    """With certificates at 2 yuan/MWh, a 60% annual green target is met with certificates
    (the cheapest way): the certified annual share reaches 60%, the dispatch and its hourly
    CFE score stay what they were without the target."""
    free, before = _solve(_case(pv_max=30.0, policy={"gec_price": 2.0}))
    bought, after = _solve(_case(pv_max=30.0, policy={"gec_price": 2.0, "green_share_min": 0.6}))
    assert before["certificates_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert after["certificates_mwh"] > 1000.0
    assert after["certified_green_share"] == pytest.approx(0.6, rel=1e-6)
    assert before["certified_green_share"] < 0.6 - 0.05
    assert after["cfe_score"] == pytest.approx(before["cfe_score"], rel=1e-9)
    assert bought.results.summary["cfe_score"] == pytest.approx(
        free.results.summary["cfe_score"], rel=1e-9
    )


def test_a_green_power_contract_raises_both_the_annual_share_and_the_cfe_score():
    """Without certificates, a 45% annual target beyond the 30 MW of own PV is met with a PV
    contract: its energy arrives in the sunny hours, where the load takes it (45% < the sunny
    half of the day: nothing needs storing), so the hourly score rises with the annual share;
    contracted energy is paid at tariff + premium."""
    premium = 30.0  # yuan/MWh
    _, own = _solve(_case(pv_max=30.0))
    solved, site = _solve(
        _case(
            pv_max=30.0,
            policy={"green_share_min": 0.45, "ppa_premium": premium, "ppa_profile": "pv"},
        )
    )
    facility = site["facility_energy_mwh"]
    assert site["contract_mwh"] > 1000.0
    assert site["battery_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert site["certified_green_share"] == pytest.approx(0.45, rel=1e-6)
    # all contracted energy taken is matched in its hour: CFE rises by contract ÷ load
    assert site["cfe_score"] == pytest.approx(
        own["cfe_score"] + site["contract_mwh"] / facility, rel=1e-6
    )
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    delivered = site["contract_capacity_mw"] * SUN.sum() * 365  # MWh/yr, take-or-pay
    assert costs["contract_energy"] == pytest.approx(delivered * (500.0 + premium) / 1e6, rel=1e-6)
