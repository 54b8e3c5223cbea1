"""Small cases whose optimum is known by hand: the model must find exactly that plan.

Each case is built in code (`planner.synthetic`) and solved with `planner.run.solve_case`
on a few typical days (its profiles repeat every day, so typical days lose nothing).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from planner.run import RunOptions, Solved, solve_case
from planner.synthetic import small_case, solar_day

REL = 1e-6
HOURS = 8760.0
# Default case technologies and settings, restated here as the hand calculation uses them.
RATE, LIFE_FACILITY, OM_FACILITY = 0.07, 20.0, 0.02
CAPEX = {"air": 50.0, "cold_plate": 54.0, "immersion": 60.0}  # M yuan/MW IT
USABLE = 0.85
CARBON_PRICE = 95.0  # yuan/t
BANDWIDTH_COST = 0.05  # M yuan/(Gbps·yr·100 km)
ROUTE_FACTOR, FIBRE_KM_PER_MS, EQUIPMENT_MS = 1.4, 200.0, 2.0


def _solve(**kw) -> Solved:
    solved = solve_case(small_case(**kw), RunOptions())
    assert solved.outcome.status == "optimal", solved.outcome.status
    assert solved.results is not None
    return solved


def _site(solved: Solved, site: str) -> pd.Series:
    return solved.results.sites.set_index("site").loc[site]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance [km] (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def test_one_site_grid_only_case_costs_exactly_the_closed_form():
    demand_mw, price, ef = 120.0, 0.5, 0.6  # MW IT, yuan/kWh, t/MWh
    region, site = (31.2, 121.5), (32.1, 121.5)  # about 100 km apart
    solved = _solve(
        regions=[{"region": "r1", "lat": region[0], "lon": region[1]}],
        sites=[
            {
                "site": "s1",
                "lat": site[0],
                "lon": site[1],
                "grid_price": price,
                "emission_factor": ef,
                "pv_max": 0.0,
                "wind_max": 0.0,
                "pue_cap": 1.5,
            }
        ],
        classes=[{"workload_class": "flat", "bandwidth": 1.0}],
        demand={("r1", "flat"): demand_mw},
        temperature=15.0,
        price=1.0,
    )
    annuity = RATE / (1 - (1 + RATE) ** -LIFE_FACILITY)
    # PUE at a constant 15 degC from the curves: air between (10, 1.16) and (18, 1.19);
    # cold plate flat at 1.10 below 25 degC; immersion flat at 1.04 below 30 degC.
    pue = {
        "air": 1.16 + (15 - 10) / (18 - 10) * (1.19 - 1.16),
        "cold_plate": 1.10,
        "immersion": 1.04,
    }
    route_km = _km(*region, *site) * ROUTE_FACTOR
    bandwidth = BANDWIDTH_COST * route_km / 100 * 1.0 * demand_mw

    def parts(k: str) -> dict[str, float]:
        energy_mwh = demand_mw * pue[k] * HOURS
        return {
            "facility_capital": demand_mw / USABLE * annuity * CAPEX[k],
            "facility_om": demand_mw / USABLE * OM_FACILITY * CAPEX[k],
            "grid_energy": energy_mwh * price * 1e-3,
            "carbon": CARBON_PRICE * ef * energy_mwh * 1e-6,
            "bandwidth": bandwidth,
        }

    totals = {k: sum(parts(k).values()) for k in pue}
    best = min(totals, key=totals.get)
    assert best == "air"  # cooling saves less energy cost than its capex premium here
    assert solved.outcome.objective == pytest.approx(totals[best], rel=REL)
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    for term, value in parts(best).items():
        assert costs[term] == pytest.approx(value, rel=REL), term
    others = costs.drop(list(parts(best)))
    assert np.allclose(others.to_numpy(), 0.0, atol=1e-6), others[others.abs() > 1e-6]
    s1 = _site(solved, "s1")
    assert s1["it_capacity_air_mw"] == pytest.approx(demand_mw / USABLE, rel=REL)
    assert s1["pue"] == pytest.approx(pue["air"], rel=REL)
    assert s1["battery_mwh"] == pytest.approx(0.0, abs=1e-6)
    rtt = 2 * route_km / FIBRE_KM_PER_MS + EQUIPMENT_MS
    assert solved.results.routing["rtt_ms"].iloc[0] == pytest.approx(rtt, rel=1e-9)


def test_realtime_stays_near_while_batch_goes_to_the_cheap_far_site():
    solved = _solve(
        regions=[{"region": "r1", "lat": 31.2, "lon": 121.5}],
        sites=[
            {"site": "near", "lat": 31.5, "lon": 121.5, "grid_price": 0.8},
            {"site": "far", "lat": 37.5, "lon": 105.2, "grid_price": 0.3, "zone": "west"},
        ],
        classes=[
            {"workload_class": "realtime", "max_rtt": 5.0, "bandwidth": 1.0},
            {"workload_class": "batch", "bandwidth": 0.2},
        ],
        demand={("r1", "realtime"): 50.0, ("r1", "batch"): 50.0},
    )
    # the far site is about 1,650 km away (25 ms round trip), beyond the realtime limit
    assert ("r1", "realtime", "far") not in set(solved.model.A)
    served = solved.results.routing.set_index(["workload_class", "site"])["served_mw"]
    assert served.to_dict() == pytest.approx(
        {("realtime", "near"): 50.0, ("batch", "far"): 50.0}, rel=REL
    )


@pytest.mark.parametrize("pue_cap", [1.25, 1.115])
def test_a_pue_cap_forces_liquid_cooling_at_a_hot_site(pue_cap):
    # At 30 degC air runs at PUE 1.39, cold plate at 1.115 (between 1.10 at 25 and 1.13 at
    # 35 degC). Power is so cheap (0.1 yuan/kWh) that without a cap air alone is cheapest;
    # the annual cap then allows at most a share (cap − 1.115)/(1.39 − 1.115) of air, and
    # the cheapest plan uses exactly that much air and cold plate for the rest.
    def plan(cap: float) -> pd.Series:
        solved = _solve(
            sites=[{"site": "hot", "pue_cap": cap, "grid_price": 0.1}], temperature=30.0
        )
        return _site(solved, "hot")

    free = plan(2.0)
    assert free["it_capacity_air_mw"] == pytest.approx(100.0 / USABLE, rel=REL)
    assert free["it_capacity_cold_plate_mw"] == pytest.approx(0.0, abs=1e-6)
    assert free["pue"] == pytest.approx(1.39, rel=REL)

    capped = plan(pue_cap)
    air_share = (pue_cap - 1.115) / (1.39 - 1.115)
    assert capped["it_capacity_mw"] == pytest.approx(100.0 / USABLE, rel=REL)
    assert capped["it_capacity_cold_plate_mw"] > 0
    assert capped["it_capacity_air_mw"] == pytest.approx(
        air_share * 100.0 / USABLE, rel=REL, abs=1e-6
    )
    assert capped["it_capacity_immersion_mw"] == pytest.approx(0.0, abs=1e-6)
    assert capped["pue"] == pytest.approx(pue_cap, rel=REL)


def test_shiftable_load_moves_into_pv_hours():
    def hourly_it(flexibility: str) -> pd.Series:
        solved = _solve(
            sites=[{"site": "s1", "pv_max": 2000.0, "grid_price": 1.0}],
            classes=[{"workload_class": "batch", "flexibility": flexibility, "bandwidth": 0.2}],
            demand={("r1", "batch"): 100.0},
            # cheap IT capacity and no battery: moving load is the way to use midday PV
            technologies={
                "air": {"capex": 10.0},
                "battery_energy": {"available": False},
                "battery_power": {"available": False},
            },
            pv=solar_day(0.2),
        )
        assert _site(solved, "s1")["pv_mw"] > 0
        return solved.results.hourly.groupby("hour")["it_load_mw"].mean()

    sun = solar_day(0.2)[:24] > 0
    shifted = hourly_it("shiftable")
    assert shifted.mean() == pytest.approx(100.0, rel=REL)  # daily energy kept
    assert shifted[sun].mean() > 1.5 * shifted[~sun].mean()
    fixed = hourly_it("fixed")
    assert np.allclose(fixed.to_numpy(), 100.0, rtol=REL)


def _two_site_case(carbon_price: float):
    rng = np.random.default_rng(7)
    wind = np.clip(0.3 + 0.2 * np.repeat(rng.standard_normal(365), 24), 0.0, 1.0)
    common = {"pv_max": 200.0, "wind_max": 200.0}
    return {
        "sites": [
            {
                "site": "dirty",
                "lat": 31.4,
                "lon": 121.3,
                "grid_price": 0.30,
                "emission_factor": 1.0,
                **common,
            },
            {
                "site": "clean",
                "lat": 31.0,
                "lon": 121.7,
                "grid_price": 0.35,
                "emission_factor": 0.2,
                **common,
            },
        ],
        "classes": [
            {"workload_class": "flat"},
            {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
        ],
        "demand": {("r1", "flat"): 150.0, ("r1", "batch"): 150.0},
        "wind": wind,
        "pv": solar_day(0.15),
        "settings": {"carbon_price": carbon_price, "time": "typical:3"},
    }


def test_a_higher_carbon_price_never_raises_emissions():
    emissions = []
    for price in (0.0, 200.0, 1000.0):
        solved = _solve(**_two_site_case(price))
        emissions.append(solved.results.summary["emissions_t"])
    assert all(b <= a * (1 + REL) for a, b in itertools.pairwise(emissions))
    assert emissions[-1] < 0.5 * emissions[0]  # the price does move the plan


def test_demand_dual_matches_a_finite_difference_re_solve():
    # The dual of demand_met[r1, batch] is the marginal cost of 1 MW more batch demand.
    # batch has a flat shape, so changing it leaves the typical days (chosen on the demand
    # peak of the shaped realtime class) unchanged and the re-solves are comparable.
    hours = np.arange(8760)
    wind = np.clip(0.3 + 0.2 * np.repeat(np.random.default_rng(7).standard_normal(365), 24), 0, 1)

    def case(batch_mw: float) -> dict:
        return {
            "sites": [
                {
                    "site": "a",
                    "lat": 31.4,
                    "lon": 121.3,
                    "grid_price": 0.6,
                    "pv_max": 300.0,
                    "wind_max": 300.0,
                },
                {
                    "site": "b",
                    "lat": 37.5,
                    "lon": 105.2,
                    "grid_price": 0.35,
                    "zone": "west",
                    "pv_max": 3000.0,
                    "wind_max": 3000.0,
                    "pue_cap": 1.2,
                },
            ],
            "classes": [
                {"workload_class": "realtime", "max_rtt": 5.0, "shape": "diurnal"},
                {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
            ],
            "demand": {("r1", "realtime"): 80.0, ("r1", "batch"): batch_mw},
            "wind": wind,
            "pv": solar_day(0.16),
            "temperature": {
                "a": 16 + 10 * np.sin(2 * np.pi * (hours / 8760 - 0.3)),
                "b": 9 + 12 * np.sin(2 * np.pi * (hours / 8760 - 0.3)),
            },
            "demand_shapes": {"diurnal": 1 + 0.3 * np.sin(2 * np.pi * (np.arange(24) - 9) / 24)},
            "settings": {"time": "typical:3"},
        }

    base_mw, delta = 200.0, 0.5
    base = _solve(**case(base_mw))
    up = _solve(**case(base_mw + delta))
    down = _solve(**case(base_mw - delta))
    to_yuan_per_mwh = 1e6 / HOURS  # M yuan/yr per MW → yuan per MWh of IT
    right = (up.outcome.objective - base.outcome.objective) / delta * to_yuan_per_mwh
    left = (base.outcome.objective - down.outcome.objective) / delta * to_yuan_per_mwh
    duals = base.results.duals
    row = duals[(duals["constraint"] == "demand_met") & (duals["index"] == "r1/batch")]
    assert len(row) == 1 and row["unit"].iloc[0] == "yuan/MWh IT"
    dual = float(row["dual"].iloc[0])
    assert dual > 0
    # convexity of the LP value in its right-hand side: left ≤ dual ≤ right
    assert left - 1e-6 * abs(left) <= dual <= right + 1e-6 * abs(right)
    assert dual == pytest.approx(right, rel=1e-5)
