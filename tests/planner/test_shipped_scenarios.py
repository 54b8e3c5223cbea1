"""Every scenario shipped with the default case solves, and moves the plan the expected way.

Solved at typical:2 (two representative days plus the peak day) to keep the suite fast; the
full-resolution baseline is covered by the default-case fixture.
"""

from __future__ import annotations

import pytest

from planner.inputs.case import load_case
from planner.inputs.scenarios import scenario_names
from planner.inputs.tables import read_tables
from planner.run import RunOptions, solve_case
from tests.planner.shipped import SHIPPED_SCENARIOS, WORKBOOK

CASE = WORKBOOK
SHIPPED = list(SHIPPED_SCENARIOS)


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


# --- compute and chips (issue 14) ---------------------------------------------------------------


def test_an_import_ban_raises_power_energy_liquid_share_and_cost_per_unit_of_compute(summaries):
    """Domestic accelerators draw more power per PFLOPS (1.86-1.9 kW against 1.29 for the
    H100 class) and run in racks too dense for air: the same compute needs more MW, more MWh,
    more liquid-cooled capacity and more money."""
    ban, base = summaries["import_ban"]["compute"], summaries["baseline"]["compute"]
    assert base["domestic_share"] < 1.0  # imported accelerators are used in the baseline
    assert ban["domestic_share"] == pytest.approx(1.0)
    assert ban["pflops_served"] == pytest.approx(base["pflops_served"])
    for figure in ("mw_per_pflops", "it_mwh_per_pflops_yr", "liquid_cooled_share"):
        assert ban[figure] > base[figure], figure
    assert summaries["import_ban"]["objective_myuan"] > summaries["baseline"]["objective_myuan"]


def test_domestic_50_holds_half_domestic_and_its_subsidies_do_not_raise_the_cost(summaries):
    """The baseline is already over 50% domestic (the CloudMatrix class is cheapest per
    PFLOPS), so the mandate does not bind and the voucher top-up and power discount only cut
    the cost."""
    assert summaries["baseline"]["compute"]["domestic_share"] >= 0.5
    assert summaries["domestic_50"]["compute"]["domestic_share"] >= 0.5 - 1e-9
    assert summaries["domestic_50"]["objective_myuan"] < summaries["baseline"]["objective_myuan"]


def test_a_domestic_chip_shock_costs_more_and_lowers_the_domestic_share(summaries):
    shock, base = summaries["chip_shock"], summaries["baseline"]
    assert shock["objective_myuan"] > base["objective_myuan"]
    assert shock["compute"]["domestic_share"] < base["compute"]["domestic_share"]
    families = shock["compute"]["families"]
    assert families["ascend_910c_class"]["shadow_price_yuan_per_server_yr"] > 0
