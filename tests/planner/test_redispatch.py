"""`planner.redispatch`: a plan's capacities dispatched over the full year, one LP per site.

The small cases have daily-periodic profiles (every day of the year alike), so their
typical-day plan is exact: re-dispatching it over 8760 h must give back its own cost.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from planner.redispatch import (
    TOTAL,
    RedispatchOptions,
    redispatch,
    site_tasks,
    solve_site,
)
from planner.run import RunOptions, solve_case
from planner.synthetic import east_west_pair, small_case

# one site, two cooling technologies on offer; 15 degC all year, so PUE is constant
ONE_SITE = {"sites": [{"site": "s1", "lat": 31.0, "lon": 120.9, "pv_max": 100.0}]}


@pytest.fixture(scope="module")
def plan():
    solved = solve_case(small_case(**ONE_SITE), RunOptions())
    assert solved.outcome.status == "optimal"
    return solved


def test_an_exact_plan_redispatches_to_its_own_cost(plan):
    table = redispatch(plan.case, plan.results, RedispatchOptions(workers=1))
    total = table.set_index("site").loc[TOTAL]
    assert total["status"] == "optimal"
    assert total["annual_cost_myuan"] == pytest.approx(plan.outcome.objective, rel=1e-7)
    assert abs(total["cost_error_pct"]) < 1e-5
    site = table.set_index("site").loc["s1"]
    planned = plan.results.sites.set_index("site").loc["s1"]
    assert site["emissions_t"] == pytest.approx(planned["emissions_t"], rel=1e-6, abs=1e-6)
    assert site["pue"] == pytest.approx(planned["pue"], rel=1e-9)
    assert site["relaxed"] == ""
    # the full year: 8760 hourly steps in the site LP
    assert site["rows"] > 8760 * 5


def test_site_lp_leaves_out_cooling_the_plan_did_not_build(plan):
    (task,) = site_tasks(plan.case, plan.results)
    built = [k for k, mw in task.capacities[task.site]["Cap_IT"].items() if mw > 1e-6]
    assert built, "the plan serves demand, so it builds some IT capacity"
    assert task.case.cooling_techs == built


def test_a_limit_the_full_year_cannot_meet_is_broken_by_the_least_amount(plan):
    """With load and cooling fixed, facility energy is fixed: a PUE cap below the site's PUE
    can only be broken, by facility − cap × IT energy (MWh)."""
    (task,) = site_tasks(plan.case, plan.results)
    pue = float(plan.results.sites.set_index("site").loc["s1", "pue"])
    cap = pue - 0.05
    sites = task.case.sites.copy()
    sites["pue_cap"] = cap
    tight = dataclasses.replace(task, case=dataclasses.replace(task.case, sites=sites))
    row = solve_site(tight)
    assert row["status"] == "optimal"
    assert row["relaxed"] == "pue_cap_limit"
    expected = row["facility_energy_mwh"] - cap * row["it_energy_mwh"]
    assert expected > 0
    assert row["limit_excess"] == pytest.approx(expected, rel=1e-6)
    # the penalty is not a cost: the reported cost equals the plan's (dispatch unchanged)
    planned = float(plan.results.sites.set_index("site").loc["s1", "cost_myuan"])
    assert row["annual_cost_myuan"] == pytest.approx(planned, rel=1e-6)


def test_idle_site_is_not_solved():
    two = {
        "sites": [
            {"site": "near", "lat": 31.0, "lon": 120.9},
            {"site": "far", "lat": 31.1, "lon": 121.0, "grid_price": 5.0},
        ]
    }
    solved = solve_case(small_case(**two), RunOptions())
    far = solved.results.sites.set_index("site").loc["far"]
    assert far["it_capacity_mw"] == pytest.approx(0.0, abs=1e-6)
    (task,) = [t for t in site_tasks(solved.case, solved.results) if t.site == "far"]
    row = solve_site(task)
    assert row["status"] == "idle"
    assert row["annual_cost_myuan"] == 0.0
    assert math.isnan(row.get("rows", math.nan))


def test_worker_processes_give_the_same_table_as_one_process():
    solved = solve_case(small_case(**east_west_pair()), RunOptions())
    parallel = redispatch(solved.case, solved.results, RedispatchOptions(workers=2))
    assert list(parallel["status"]) == ["optimal", "optimal", "optimal"]
    assert parallel.set_index("site").loc[TOTAL, "annual_cost_myuan"] == pytest.approx(
        solved.outcome.objective, rel=1e-7
    )


@pytest.mark.parametrize(
    ("changes", "options", "term"),
    [
        ({"sites": [{"site": "s1", "open_cost": 50.0}]}, RunOptions(mip=True), "site_opening"),
        (
            {"sites": [{"site": "s1", "max_it": 60.0}], "settings": {"allow_unserved": True}},
            RunOptions(),
            "unserved",
        ),
    ],
    ids=["site_opening_milp", "unserved_demand"],
)
def test_terms_no_site_lp_holds_are_carried_into_the_total(changes, options, term):
    """Site opening (MILP) and the penalty of demand the plan leaves unserved are fixed by
    the plan: the total still gives back the objective of an exact plan."""
    solved = solve_case(small_case(**changes), options)
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    assert costs[term] > 1.0
    table = redispatch(solved.case, solved.results, RedispatchOptions(workers=1))
    total = table.set_index("site").loc[TOTAL]
    assert total["plan_only_myuan"] == pytest.approx(costs[term], rel=1e-9)
    assert total["annual_cost_myuan"] == pytest.approx(solved.outcome.objective, rel=1e-7)
