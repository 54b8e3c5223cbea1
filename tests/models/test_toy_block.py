"""A block plugs in without an edit to any shared module: the diesel backup generator of
`tests/models/diesel_block.py` (its own schema sheet, derivation and model block, registered
here) shows up in the energy balance, the costs, costs.csv, the sites' costs, the duals, the
infeasibility explanation, the report and `models.update`."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pyomo.environ as pyo
import pytest

from models.update import update
from planner import synthetic
from planner.inputs.case import build_case
from planner.prepare import derive, prepare
from planner.run import RunOptions, run, solve_case
from tests.models import diesel_block
from tests.models.diesel_block import EF_T_PER_MWH, FUEL_YUAN_PER_MWH, PERMIT_T, case_tables


def _case(**row: object):
    """near_far_pair (s1 near, s2 far) with a diesel row at s1."""
    raw, profiles = case_tables(**row)
    return build_case(raw, None, "diesel", scenario=None, profiles=profiles)


@pytest.fixture
def solved(diesel):
    result = solve_case(_case(), RunOptions())
    assert result.outcome.status == "optimal"
    return result


def test_diesel_output_enters_the_energy_balance(solved):
    m = solved.model
    hourly = solved.results.hourly
    dg = pd.Series({(s, t): pyo.value(m.DG[s, t]) for s in m.S for t in m.T})
    assert dg.max() > 1.0, "cheap fuel: the generator runs"
    supply = (
        hourly["grid_mw"]
        + hourly["pv_mw"]
        + hourly["wind_mw"]
        + hourly["battery_discharge_mw"]
        - hourly["battery_charge_mw"]
        + dg.reindex(list(zip(hourly["site"], hourly["timestep"], strict=True))).to_numpy()
    )
    assert (supply - hourly["facility_mw"]).abs().max() < 1e-6


def test_diesel_costs_are_in_the_cost_table_and_the_sites_cost(solved):
    m = solved.model
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    weight = solved.data.weight_h
    energy_mwh = sum(weight[t] * pyo.value(m.DG["s1", t]) for t in m.T)
    assert costs["diesel_fuel"] == pytest.approx(FUEL_YUAN_PER_MWH * 1e-6 * energy_mwh, rel=1e-9)
    capital = diesel_block.annuity_factor(0.07, 15.0) * 3.0 * pyo.value(m.Cap_DG["s1"])
    assert costs["diesel_capital"] == pytest.approx(capital, rel=1e-9)
    assert costs.sum() == pytest.approx(solved.outcome.objective, rel=1e-9)
    sites = solved.results.sites.set_index("site")["cost_myuan"]
    plan_only = costs[solved.results.extra["plan_only_terms"]].sum()
    assert sites.sum() + plan_only == pytest.approx(solved.outcome.objective, rel=1e-9)
    assert pyo.value(m.cost_site["diesel_fuel", "s1"]) == pytest.approx(costs["diesel_fuel"])


def test_the_permit_binds_and_its_dual_is_reported_in_planner_units(solved):
    m = solved.model
    emitted = sum(solved.data.weight_h[t] * EF_T_PER_MWH * pyo.value(m.DG["s1", t]) for t in m.T)
    assert emitted == pytest.approx(PERMIT_T, rel=1e-6)
    duals = solved.results.duals.set_index("constraint")
    row = duals.loc["diesel_permit"]
    assert row["unit"] == "yuan/t CO2" and bool(row["binding"])
    assert "diesel emission permit" in row["meaning"]
    # one more tonne allowed saves at most the fuel-for-grid swap of 1/ef MWh
    assert 0 < row["shadow_price"] < 2000 / EF_T_PER_MWH


def test_files_and_report_show_the_block(diesel, tmp_path):
    """The case written as a CSV folder (Diesel sheet included) and run like any other."""
    raw, profiles = case_tables()
    path = synthetic.write_case(raw, profiles, tmp_path / "case")
    folder = run(path, RunOptions(), out=tmp_path / "run").folder
    costs = pd.read_csv(folder / "costs.csv")
    assert {"diesel_capital", "diesel_fuel"} <= set(costs["term"])
    duals = pd.read_csv(folder / "duals.csv")
    assert "diesel_permit" in set(duals["constraint"])
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "diesel_fuel" in report and "diesel emission permit" in report


def test_an_impossible_backup_requirement_is_explained(diesel):
    """Realtime demand (40 MW) can only go to s1; full backup of its IT capacity needs
    40 / usable_share MW of diesel, but only 10 MW can be built there."""
    solved = solve_case(_case(backup=1.0, max_mw=10.0), RunOptions())
    assert solved.outcome.status in ("infeasible", "infeasible_or_unbounded")
    items = {i["limit"]: i for i in solved.explanation["items"]}
    assert set(items) == {"diesel_backup"}
    assert items["diesel_backup"]["index"] == "s1"
    assert items["diesel_backup"]["amount"] == pytest.approx(40.0 / 0.85 - 10.0, rel=1e-6)
    assert "more diesel backup" in solved.explanation["message"]


def test_a_new_fuel_price_is_pushed_into_the_built_model(diesel):
    case = _case()
    data = prepare(case)
    from models.build import build

    m = build(data)
    dearer = dataclasses.replace(
        case, extra={"Diesel": case.extra["Diesel"].assign(fuel_yuan_per_mwh=450.0)}
    )
    assert update(m, derive(dearer, data.time)) == ["diesel_fuel_myuan_per_mwh"]
    assert pyo.value(m.diesel_fuel_myuan_per_mwh["s1"]) == pytest.approx(450e-6)
