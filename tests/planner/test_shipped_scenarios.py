"""Every scenario shipped with the default case solves, and moves the plan the expected way.

Solved at typical:2 (two representative days plus the peak day) to keep the suite fast; the
full-resolution baseline is covered by the default-case fixture. `air_only` is solved at
typical:4: its point is the hot hours in which air cooling misses Shaoguan's PUE cap, and the
two representative days of the 14-site clustering (issue 15 added the supply nodes' profiles)
are too mild for that (0 MW unserved at typical:2, 65 MW at typical:4, 74 MW at typical:8).
"""

from __future__ import annotations

import pytest

from planner.inputs.case import load_case
from planner.inputs.scenarios import scenario_names
from planner.inputs.tables import read_tables
from planner.results import Results
from planner.run import RunOptions, solve_case
from tests.planner.shipped import SHIPPED_SCENARIOS, WORKBOOK

CASE = WORKBOOK
SHIPPED = list(SHIPPED_SCENARIOS)
TIME = {"air_only": "typical:4"}  # the others at typical:2 (module doc)


def test_the_case_ships_the_required_scenarios():
    assert set(SHIPPED) <= set(scenario_names(read_tables(CASE)))


@pytest.fixture(scope="module")
def results() -> dict[str, Results]:
    out = {}
    for name in SHIPPED:
        solved = solve_case(load_case(CASE, name), RunOptions(time=TIME.get(name, "typical:2")))
        assert solved.outcome.status == "optimal", (name, solved.explanation)
        out[name] = solved.results
    return out


@pytest.fixture(scope="module")
def summaries(results) -> dict[str, dict]:
    return {name: r.summary for name, r in results.items()}


def _delivered_mwh(results: Results) -> float:
    """Energy the power lines deliver to data-centre sites [MWh/yr], from lines.csv."""
    return float(results.lines["delivered_mwh"].sum()) if len(results.lines) else 0.0


def _west_it_mw(results: Results) -> float:
    """IT capacity built at the western data-centre sites [MW] (supply nodes build none)."""
    sites = results.sites
    return float(sites.loc[sites["zone"] == "west", "it_capacity_mw"].sum())


def test_every_shipped_scenario_solves(summaries):
    assert set(summaries) == set(SHIPPED)


def test_east_only_costs_more_and_serves_nothing_in_the_west(summaries):
    assert summaries["east_only"]["objective_myuan"] > summaries["baseline"]["objective_myuan"]
    assert summaries["east_only"]["west_share"] == pytest.approx(0.0, abs=1e-9)


# --- move the watts or move the bits (issue 15) --------------------------------------------------


def test_the_baseline_uses_the_lines(results):
    """Western green power is cheaper than the eastern grid even after tariff and losses, so
    the baseline sends energy east over the existing lines."""
    assert _delivered_mwh(results["baseline"]) > 0
    lines = results["baseline"].lines.set_index("line")
    assert lines.loc["qinghai_henan", "sent_mwh"] > 0


def test_no_lines_costs_at_least_the_baseline_and_moves_no_energy(results, summaries):
    """Closing the lines to data centres only removes options: the cost cannot fall, and
    without the bases' green energy the emissions do not fall either."""
    base, closed = summaries["baseline"], summaries["no_lines"]
    assert closed["objective_myuan"] >= base["objective_myuan"] - 1e-6 * base["objective_myuan"]
    assert _delivered_mwh(results["no_lines"]) == pytest.approx(0.0, abs=1e-6)
    assert closed["emissions_t"] >= base["emissions_t"] - 1e-6 * base["emissions_t"]


def test_lines_only_builds_no_western_it_and_imports_power_instead(results, summaries):
    """No new western data centres: the compute stays east, the lines carry more energy than
    in the baseline, and the plan costs more than the baseline but less than east_only (the
    same sites with the lines closed)."""
    base, only = summaries["baseline"], summaries["lines_only"]
    assert only["west_share"] == pytest.approx(0.0, abs=1e-9)
    assert _west_it_mw(results["lines_only"]) == pytest.approx(0.0, abs=1e-6)
    assert _delivered_mwh(results["lines_only"]) > _delivered_mwh(results["baseline"])
    assert only["objective_myuan"] >= base["objective_myuan"]
    assert only["objective_myuan"] < summaries["east_only"]["objective_myuan"]
    assert only["emissions_t"] < summaries["east_only"]["emissions_t"]


def test_east_only_closes_the_lines_too(results):
    assert _delivered_mwh(results["east_only"]) == pytest.approx(0.0, abs=1e-6)


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
