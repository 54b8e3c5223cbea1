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


def _two_nodes(line_loss: float, east_clean: float, west_clean: float, grid_max: float):
    """`east`, a data-centre site (flat load, no PV or wind), and `west`, a supply node (no
    IT) with 10 MW of cheap PV (capacity factor 1 in the twelve sunny hours) and a grid
    connection of `grid_max` MW; an existing 1000 MW line west → east, no tariff, loss
    `line_loss`. Measured grid clean shares: constant per node."""
    case = small_case(
        sites=[
            {"site": "east", "lat": 31.2, "lon": 121.5, "pv_max": 0.0, "wind_max": 0.0},
            {
                "site": "west",
                "lat": 36.0,
                "lon": 100.0,
                "zone": "west",
                "max_it": 0.0,
                "pv_max": 10.0,
                "wind_max": 0.0,
                "grid_max": grid_max,
                "grid_price": 0.25,
            },
        ],
        classes=[{"workload_class": "flat", "bandwidth": 1.0}],
        temperature=15.0,
        pv=daily(SUN),
        settings={"carbon_price": 0.0},
        lines=[
            {
                "line": "l1",
                "from": "west",
                "to": "east",
                "existing": 1000.0,
                "tariff": 0.0,
                "max_new": 0.0,
                "capex": 0.002,
                "length": 1000.0,
                "loss": line_loss,
                "life": 40.0,
                "om": 0.01,
            }
        ],
    )
    clean = pd.DataFrame({"east": np.full(8760, east_clean), "west": np.full(8760, west_clean)})
    return dataclasses.replace(case, profiles={**case.profiles, "grid_clean": clean})


def test_green_energy_arriving_over_a_line_is_credited_hour_by_hour():
    """All-fossil grids: the 10 MW of western PV (cheaper than the eastern grid) all go east in
    the sunny hours and are all used there (10 · (1 − loss) MW < the load). By hand, the
    east's CFE score is 12 · 10 · (1 − loss) / (24 · load) and the supply node keeps none; the
    annual green share counts the same energy, so the two are equal."""
    loss = 0.05
    solved = solve_case(_two_nodes(loss, 0.0, 0.0, grid_max=0.0), RunOptions())
    assert solved.outcome.status == "optimal", solved.explanation
    sites = solved.results.sites.set_index("site")
    east, west = sites.loc["east"], sites.loc["west"]
    load_mw = east["facility_energy_mwh"] / 8760.0
    assert 10.0 * (1 - loss) < load_mw
    assert west["pv_mw"] == pytest.approx(10.0, rel=1e-9)
    expected = 12 * 10.0 * (1 - loss) / (24 * load_mw)
    assert east["cfe_score"] == pytest.approx(expected, rel=1e-6)
    assert west["cfe_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert east["green_share"] == pytest.approx(expected, rel=1e-6)
    assert solved.results.summary["cfe_score"] == pytest.approx(expected, rel=1e-6)


def test_grid_energy_sent_over_a_line_is_credited_at_the_sending_grids_clean_share():
    """The west's grid (clean share 0.4, 0.25 yuan/kWh, 1000 MW) is cheaper than the east's
    (clean share 0.1), so east draws everything over the line: its whole load arrives over the
    line, 10 MW · (1 − loss) of it green in the sunny hours and the rest grey from the western
    grid, credited at 0.4. By hand: CFE_east = (1 − loss) · (PV sent + 0.4 · grid sent)."""
    loss = 0.05
    solved = solve_case(_two_nodes(loss, 0.1, 0.4, grid_max=1000.0), RunOptions())
    assert solved.outcome.status == "optimal", solved.explanation
    sites = solved.results.sites.set_index("site")
    east, west = sites.loc["east"], sites.loc["west"]
    assert east["grid_energy_mwh"] == pytest.approx(0.0, abs=1e-3), "the line is cheaper"
    sent_green = west["pv_energy_mwh"]
    sent_grey = west["grid_energy_mwh"]
    assert (1 - loss) * (sent_green + sent_grey) == pytest.approx(
        east["facility_energy_mwh"], rel=1e-6
    )
    expected = (1 - loss) * (sent_green + 0.4 * sent_grey)
    assert east["cfe_mwh"] == pytest.approx(expected, rel=1e-6)
    assert west["cfe_mwh"] == pytest.approx(0.0, abs=1e-3)
