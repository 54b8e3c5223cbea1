"""Infeasible cases get an explanation naming the conflicting limit and its amount."""

from __future__ import annotations

import pytest

from planner.run import RunOptions, solve_case
from planner.synthetic import small_case

HOT = 30.0  # degC: air PUE 1.39 at this temperature (default curve)
AIR_ONLY = {"cold_plate": {"available": False}, "immersion": {"available": False}}


def _explain(case):
    solved = solve_case(case, RunOptions(time="typical:1"))
    assert solved.outcome.status in ("infeasible", "infeasible_or_unbounded")
    assert solved.outcome.exit_code == 1
    assert solved.explanation is not None
    return solved.explanation


def _item(explanation, limit):
    items = [i for i in explanation["items"] if i["limit"] == limit]
    assert items, explanation
    return items[0]


def test_pue_cap_unreachable_with_air_names_the_site_and_the_needed_pue():
    case = small_case(
        sites=[{"site": "hot", "pue_cap": 1.25}], temperature=HOT, technologies=AIR_ONLY
    )
    item = _item(_explain(case), "pue_cap_limit")
    assert item["index"] == "hot"
    assert "1.25 PUE cap with air cooling" in item["text"]
    assert "1.390" in item["text"]


def test_carbon_cap_below_least_emissions_reports_the_gap():
    # grid only, flat load 100 MW, constant PUE: least emissions = 100 * pue * 8760 * ef
    case = small_case(
        temperature=5.0,
        policy={"carbon_cap": 1000.0},
        sites=[{"site": "s1", "emission_factor": 0.5}],
        technologies=AIR_ONLY,
    )
    pue = 1.12 + (1.16 - 1.12) * 0.5  # air curve at 5 degC
    least = 100.0 * pue * 8760 * 0.5
    item = _item(_explain(case), "carbon_cap_limit")
    assert item["amount"] == pytest.approx(least - 1000.0, rel=1e-4)
    assert "below the least emissions reachable" in item["text"]


def test_demand_beyond_buildable_capacity_names_the_shortfall():
    case = small_case(sites=[{"site": "s1", "max_it": 50.0}], demand={("r1", "flat"): 100.0})
    item = _item(_explain(case), "max_it_limit")
    # 100 MW of load needs 100 / 0.85 MW of capacity
    assert item["amount"] == pytest.approx(100.0 / 0.85 - 50.0, rel=1e-4)
    assert "site s1" in item["text"]


def test_latency_limit_that_no_site_meets_leaves_demand_unserved_with_reason():
    case = small_case(
        regions=[{"region": "gba", "lat": 23.1, "lon": 113.3}],
        sites=[{"site": "far", "lat": 40.0, "lon": 90.0}],
        classes=[{"workload_class": "realtime", "max_rtt": 5.0}],
        demand={("gba", "realtime"): 19.0},
    )
    assert any("within the 5 ms RTT limit" in w.message for w in case.warnings)
    item = _item(_explain(case), "demand_met")
    assert item["index"] == "gba/realtime"
    assert item["amount"] == pytest.approx(19.0)
    assert "no site with buildable IT capacity is within 5 ms" in item["text"]


def test_water_cap_too_small_reports_missing_water():
    case = small_case(sites=[{"site": "s1", "water_cap": 1000.0}], temperature=5.0)
    item = _item(_explain(case), "water_cap_limit")
    # cheapest water: immersion 0.05 m3/MWh * 100 MW * 8760 h = 43,800 m3
    assert item["amount"] == pytest.approx(100 * 8760 * 0.05 - 1000.0, rel=1e-3)


def test_green_share_without_any_renewables_reports_the_shortfall():
    case = small_case(policy={"green_share_min": 0.5}, temperature=5.0, technologies=AIR_ONLY)
    item = _item(_explain(case), "green_share_limit")
    pue = 1.14
    assert item["amount"] == pytest.approx(0.5 * 100 * pue * 8760, rel=1e-4)


def test_grid_connection_too_small_without_renewables():
    case = small_case(
        sites=[{"site": "s1", "grid_max": 50.0}], temperature=5.0, technologies=AIR_ONLY
    )
    item = _item(_explain(case), "grid_max_limit")
    assert item["amount"] == pytest.approx(100 * 1.14 - 50.0, rel=1e-4)


def test_bandwidth_limit_too_small_names_the_link():
    case = small_case(links=[{"region": "r1", "site": "s1", "capacity": 10.0}])
    item = _item(_explain(case), "link_capacity")
    assert item["index"] == "r1/s1"
    assert item["amount"] == pytest.approx(100.0 - 10.0, rel=1e-4)


def test_allow_unserved_attaches_the_reason_to_the_plan():
    case = small_case(
        regions=[{"region": "gba", "lat": 23.1, "lon": 113.3}],
        sites=[{"site": "hot", "lat": 24.8, "lon": 113.6, "pue_cap": 1.25}],
        classes=[{"workload_class": "realtime", "max_rtt": 5.0}],
        demand={("gba", "realtime"): 19.0},
        temperature=HOT,
        technologies=AIR_ONLY,
        settings={"allow_unserved": True},
    )
    solved = solve_case(case, RunOptions(time="typical:1"))
    assert solved.outcome.status == "optimal"
    summary = solved.results.summary
    assert summary["unserved_mw"] == pytest.approx(19.0)
    (reason,) = summary["unserved_explanation"]
    assert "the only site within 5 ms" in reason
    assert "hot cannot meet its 1.25 PUE cap with air cooling" in reason


def test_utilisation_above_the_usable_share_names_the_site():
    # IT load can reach only 85% of capacity, so a 90% minimum utilisation cannot hold
    case = small_case(policy={"min_utilisation": 0.9}, temperature=5.0)
    item = _item(_explain(case), "utilisation_limit")
    assert item["index"] == "s1"
    # shortfall = (0.9 − 0.85) · 8760 · capacity, with capacity = 100 / 0.85 MW
    assert item["amount"] == pytest.approx(0.05 * 8760 * 100 / 0.85, rel=1e-3)
