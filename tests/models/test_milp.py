"""The MILP mode (formulation §15) on cases small enough to solve by hand.

MILP mode adds whole modules of IT capacity (`Cap_IT = size · N`), one cooling technology per
site (`Cap_IT[s,k] ≤ MaxIT[s] · Y[s,k]`, `Σ_k Y[s,k] ≤ Open[s]`) and a yearly cost for every
site opened. Each case below is solved twice, as the LP and as the MILP, and both optima are
computed here from the inputs, so the test pins what the integer decisions change.

Every case runs at a constant 15 °C with the region and the sites at one point (no bandwidth
cost), grid power only, so the cost of a plan is closed-form:
  capacity [MW] · (annuity + O&M share) · capex  +  load [MW] · PUE · 8760 h · (tariff + carbon).
"""

from __future__ import annotations

import math

import pytest

from planner.run import RunOptions, Solved, solve_case
from planner.synthetic import small_case

REL = 1e-7
HOURS = 8760.0
RATE, LIFE, OM = 0.07, 20.0, 0.02  # default Settings discount rate; facility life and O&M
ANNUITY = RATE / (1 - (1 + RATE) ** -LIFE)
CAPEX = {"air": 50.0, "cold_plate": 54.0, "immersion": 60.0}  # M yuan/MW IT
USABLE = 0.85
CARBON_PRICE = 95.0  # yuan/t (default Settings)
EF = 0.6  # t/MWh (small-case site default)
# PUE at 15 °C from the default curves: air between (10, 1.16) and (18, 1.19).
PUE = {"air": 1.16 + 5 / 8 * 0.03, "cold_plate": 1.10, "immersion": 1.04}


def _energy_cost(load_mw: float, pue: float, price_yuan_per_kwh: float) -> float:
    """M yuan/yr of grid energy and carbon for a flat load."""
    mwh = load_mw * pue * HOURS
    return mwh * price_yuan_per_kwh * 1e-3 + mwh * EF * CARBON_PRICE * 1e-6


def _capacity_cost(cap_mw: float, cooling: str) -> float:
    return cap_mw * (ANNUITY + OM) * CAPEX[cooling]


def _solve(case_kw: dict, mip: bool) -> Solved:
    solved = solve_case(small_case(**case_kw), RunOptions(mip=mip, gap=0.0), explain=False)
    assert solved.outcome.status == "optimal", solved.outcome.status
    assert solved.results is not None
    return solved


def _capacity(solved: Solved, site: str, cooling: str) -> float:
    row = solved.results.sites.set_index("site").loc[site]
    return float(row[f"it_capacity_{cooling}_mw"])


PUE_CAP_CASE = {
    "sites": [{"site": "s1", "pue_cap": 1.15, "grid_price": 0.5}],
    "demand": {("r1", "flat"): 100.0},
    "settings": {"module_size": 25.0},
    "temperature": 15.0,
}


def test_lp_mixes_air_and_cold_plate_to_just_meet_the_pue_cap():
    """Air is cheaper per MW but its PUE (1.17875) breaks the cap of 1.15: the LP runs the
    largest air share α with α · 1.17875 + (1 − α) · 1.10 = 1.15."""
    alpha = (1.15 - PUE["cold_plate"]) / (PUE["air"] - PUE["cold_plate"])
    load = 100.0
    cost = (
        _capacity_cost(alpha * load / USABLE, "air")
        + _capacity_cost((1 - alpha) * load / USABLE, "cold_plate")
        + _energy_cost(load, 1.15, 0.5)
    )
    solved = _solve(PUE_CAP_CASE, mip=False)
    assert solved.outcome.objective == pytest.approx(cost, rel=REL)
    assert _capacity(solved, "s1", "air") == pytest.approx(alpha * load / USABLE, rel=1e-6)


def test_milp_builds_whole_modules_of_one_cooling_technology():
    """One cooling per site rules out the mix: all cold plate (immersion's capex premium of
    6 M yuan/MW outweighs its 0.06 PUE saving), in ⌈100 / 0.85 / 25⌉ = 5 modules of 25 MW."""
    modules = math.ceil(100.0 / USABLE / 25.0)
    assert modules == 5
    costs = {
        k: _capacity_cost(modules * 25.0, k) + _energy_cost(100.0, PUE[k], 0.5)
        for k in ("cold_plate", "immersion")
    }
    assert costs["cold_plate"] < costs["immersion"]
    solved = _solve(PUE_CAP_CASE, mip=True)
    assert solved.outcome.objective == pytest.approx(costs["cold_plate"], rel=REL)
    assert _capacity(solved, "s1", "cold_plate") == pytest.approx(125.0, rel=1e-9)
    assert _capacity(solved, "s1", "air") == pytest.approx(0.0, abs=1e-9)
    assert _capacity(solved, "s1", "immersion") == pytest.approx(0.0, abs=1e-9)
    lp = _solve(PUE_CAP_CASE, mip=False)
    assert solved.outcome.objective > lp.outcome.objective  # integrality costs something


OPENING_CASE = {
    "sites": [
        # cheap power, but only 100 MW of IT and a yearly cost to open
        {"site": "cheap", "grid_price": 0.3, "max_it": 100.0, "open_cost": 40.0},
        # dear power, free to open
        {"site": "dear", "grid_price": 0.6, "max_it": 1000.0, "open_cost": 0.0},
    ],
    "technologies": {"cold_plate": {"available": False}, "immersion": {"available": False}},
    "demand": {("r1", "flat"): 100.0},
    "settings": {"module_size": 25.0},
    "temperature": 15.0,
}


def _opening_plans() -> dict[str, float]:
    """Every candidate MILP plan of OPENING_CASE and its annual cost [M yuan/yr].

    `cheap` holds at most 4 modules (100 MW, serving 85 MW); the rest goes to `dear`.
    """
    pue, need = PUE["air"], 100.0
    plans = {
        "dear only": _capacity_cost(5 * 25.0, "air") + _energy_cost(need, pue, 0.6),
        "cheap 4 + dear 1": 40.0
        + _capacity_cost(5 * 25.0, "air")
        + _energy_cost(4 * 25.0 * USABLE, pue, 0.3)
        + _energy_cost(need - 4 * 25.0 * USABLE, pue, 0.6),
    }
    return plans


def test_milp_opens_the_cheap_site_only_when_its_savings_pay_the_opening_cost():
    plans = _opening_plans()
    best = min(plans, key=plans.get)
    assert best == "cheap 4 + dear 1"  # 85 MW at 0.3 yuan/kWh saves more than 40 M yuan/yr
    solved = _solve(OPENING_CASE, mip=True)
    assert solved.outcome.objective == pytest.approx(plans[best], rel=REL)
    assert _capacity(solved, "cheap", "air") == pytest.approx(100.0, rel=1e-9)
    assert _capacity(solved, "dear", "air") == pytest.approx(25.0, rel=1e-9)
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    assert costs["site_opening"] == pytest.approx(40.0, rel=1e-9)


def test_milp_leaves_the_cheap_site_closed_when_opening_costs_more_than_it_saves():
    plans = _opening_plans()
    saving = plans["dear only"] - (plans["cheap 4 + dear 1"] - 40.0)
    case = {**OPENING_CASE, "sites": [dict(s) for s in OPENING_CASE["sites"]]}
    case["sites"][0]["open_cost"] = saving + 1.0  # one M yuan/yr above break-even
    solved = _solve(case, mip=True)
    assert solved.outcome.objective == pytest.approx(plans["dear only"], rel=REL)
    assert _capacity(solved, "cheap", "air") == pytest.approx(0.0, abs=1e-9)
    assert _capacity(solved, "dear", "air") == pytest.approx(125.0, rel=1e-9)
