"""Every scenario shipped with the default case solves, and moves the plan the expected way.

Solved at typical:2 (two representative days plus the peak day) to keep the suite fast; the
full-resolution baseline is covered by the default-case fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.inputs.case import load_case
from planner.inputs.scenarios import scenario_names
from planner.inputs.tables import read_tables
from planner.run import RunOptions, solve_case

CASE = Path(__file__).resolve().parents[2] / "inputs" / "china_east_west.xlsx"
SHIPPED = ["baseline", "policy_2025", "carbon_200", "east_only", "air_only", "no_vouchers"]


def test_the_case_ships_the_required_scenarios():
    assert set(SHIPPED) <= set(scenario_names(read_tables(CASE)))


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict]:
    out = {}
    for name in SHIPPED:
        solved = solve_case(load_case(CASE, name), RunOptions(time="typical:2"))
        assert solved.outcome.status == "optimal", (name, solved.explanation)
        out[name] = solved.results.summary
    return out


def test_every_shipped_scenario_solves(summaries):
    assert set(summaries) == set(SHIPPED)


def test_east_only_costs_more_and_serves_nothing_in_the_west(summaries):
    assert summaries["east_only"]["objective_myuan"] > summaries["baseline"]["objective_myuan"]
    assert summaries["east_only"]["west_share"] == pytest.approx(0.0, abs=1e-9)


def test_air_only_has_higher_pue_and_leaves_gba_realtime_partly_unserved(summaries):
    assert summaries["air_only"]["pue_avg"] > summaries["baseline"]["pue_avg"]
    assert summaries["air_only"]["unserved_mw"] > 0
    assert any("gba" in line for line in summaries["air_only"]["unserved_explanation"])


def test_higher_carbon_price_does_not_raise_emissions(summaries):
    assert summaries["carbon_200"]["emissions_t"] <= summaries["baseline"]["emissions_t"] + 1e-6


def test_policy_2025_reaches_80_percent_green_power(summaries):
    assert summaries["policy_2025"]["green_share"] >= 0.8 - 1e-6


def test_no_vouchers_costs_at_least_the_voucher_budget_more(summaries):
    delta = summaries["no_vouchers"]["objective_myuan"] - summaries["baseline"]["objective_myuan"]
    assert delta > 0
