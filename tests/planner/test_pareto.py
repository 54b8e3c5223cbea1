"""`dcplan pareto`: along the epsilon-constraint front cost rises and emissions fall, the ends
are the separately solved least-cost and least-emissions plans, the shadow price of the cap
grows as the cap tightens, and the knee is an interior point."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from models.build import build
from planner.charts import plotly_js
from planner.cli import app
from planner.inputs.case import Case
from planner.pareto import (
    ParetoOptions,
    cfe_levels,
    knee_index,
    pareto_front,
    parse_objectives,
)
from planner.prepare import prepare
from planner.run import RunOptions, solve_case
from planner.solve import ModelSolver
from planner.synthetic import case_tables, east_west_pair, small_case, write_case

# Interactive demand can only be served at `east` (grid-heavy); batch may go west, where wind
# and PV are cheap but limited; cutting emissions further means PV, wind and batteries in the
# east and more of them in the west, at rising cost.
CASE = east_west_pair()


def _case(**policy: float) -> Case:
    return small_case("pareto", **{**CASE, "policy": policy or None})


@pytest.fixture(scope="module")
def front() -> pd.DataFrame:
    return pareto_front(_case(), ParetoOptions(points=5)).table


def test_cost_rises_and_emissions_fall_along_the_front(front: pd.DataFrame):
    assert front["status"].tolist() == ["optimal"] * 5
    assert front["kind"].tolist() == ["least_cost", "cap", "cap", "cap", "least_emissions"]
    cost, emissions = front["cost_myuan"], front["emissions_t"]
    assert (cost.diff().dropna() >= -1e-6 * cost.abs().max()).all()
    assert (emissions.diff().dropna() <= 1e-6 * emissions.max()).all()
    assert cost.iloc[-1] > cost.iloc[0] * 1.01
    assert emissions.iloc[-1] < emissions.iloc[0] * 0.95
    caps = front["cap_emissions_t"].iloc[1:]
    assert emissions.iloc[1:].to_numpy() == pytest.approx(caps.to_numpy(), rel=1e-6)


def test_shadow_price_of_the_cap_grows_as_the_cap_tightens(front: pd.DataFrame):
    price = front["carbon_shadow_price_yuan_per_t"]
    assert price.iloc[0] == 0.0
    assert (price.iloc[1:] > 0).all()
    assert (price.diff().dropna() >= -1e-6 * price.max()).all()
    # the slope of the front between two caps lies between the shadow prices at its ends
    cost, emissions = front["cost_myuan"], front["emissions_t"]
    for i in range(1, len(front) - 1):
        slope = (
            (cost.iloc[i + 1] - cost.iloc[i]) * 1e6 / (emissions.iloc[i] - emissions.iloc[i + 1])
        )
        assert price.iloc[i] * (1 - 1e-6) <= slope <= price.iloc[i + 1] * (1 + 1e-6)


def test_least_cost_end_is_the_plan_a_normal_run_finds(front: pd.DataFrame):
    run = solve_case(_case(), RunOptions())
    summary = run.results.summary
    assert front["cost_myuan"].iloc[0] == pytest.approx(summary["objective_myuan"], rel=1e-6)
    assert front["emissions_t"].iloc[0] == pytest.approx(summary["emissions_t"], rel=1e-6)


def test_least_emissions_end_is_the_cheapest_plan_with_least_emissions(front: pd.DataFrame):
    model = build(prepare(_case()))
    model.total_cost.deactivate()
    model.least_emissions = pyo.Objective(expr=model.emissions_t)
    outcome = ModelSolver(model).solve()
    assert outcome.status == "optimal"
    least = float(pyo.value(model.emissions_t))
    assert front["emissions_t"].iloc[-1] == pytest.approx(least, rel=1e-5)
    # the same plan from a normal run with the front's last cap as the case's carbon cap
    capped = solve_case(_case(carbon_cap=float(front["cap_emissions_t"].iloc[-1])))
    assert front["cost_myuan"].iloc[-1] == pytest.approx(
        capped.results.summary["objective_myuan"], rel=1e-6
    )


def test_knee_is_the_point_farthest_from_the_chord(front: pd.DataFrame):
    assert front["knee"].sum() == 1
    knee = int(front.index[front["knee"]][0])
    assert 0 < knee < len(front) - 1
    assert knee_index(pd.Series([0.0, 1.0, 4.0]), pd.Series([4.0, 1.0, 0.0])) == 1
    assert knee_index(pd.Series([0.0, 4.0]), pd.Series([4.0, 0.0])) is None


def test_objectives_argument():
    assert parse_objectives("cost,emissions") == "emissions"
    assert parse_objectives("water, cost") == "water"
    for bad in ("cost", "cost,price", "emissions,water"):
        with pytest.raises(ValueError):
            parse_objectives(bad)


def test_cli_writes_a_cost_water_front(tmp_path: Path):
    raw, profiles = case_tables(**CASE)
    case = write_case(raw, profiles, tmp_path / "case")
    out = tmp_path / "front"
    runner = CliRunner()
    bad = runner.invoke(app, ["pareto", str(case), "--objectives", "cost,noise"])
    assert bad.exit_code == 2 and "cost,noise" in bad.output
    result = runner.invoke(
        app,
        ["pareto", str(case), "--objectives", "cost,water", "--points", "3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "pareto.csv")
    assert table["kind"].tolist() == ["least_cost", "cap", "least_water"]
    assert table["water_m3"].is_monotonic_decreasing
    assert table["cost_myuan"].is_monotonic_increasing
    assert (table["water_shadow_price_yuan_per_m3"].iloc[1:] > 0).all()
    for folder in table["folder"]:
        assert (out / folder / "summary.json").is_file()
    html = (out / "pareto.html").read_text()
    assert html.count(str(plotly_js())) == 1 and "knee" in html


def _all_fossil(case: Case) -> Case:
    """`case` with a measured grid clean share of 0 everywhere: the hourly CFE credited is
    then own renewables and the battery's net output, so no plan's CFE score exceeds its
    annual green share (the battery only loses energy), and any plan meeting an hourly target
    meets the annual one at the same level."""
    fossil = pd.DataFrame({s: np.zeros(8760) for s in case.sites.index})
    return dataclasses.replace(case, profiles={**case.profiles, "grid_clean": fossil})


@pytest.fixture(scope="module")
def cfe_front_table() -> pd.DataFrame:
    result = pareto_front(_all_fossil(_case()), ParetoOptions(secondary="cfe", points=5))
    assert result.exit_code == 0
    return result.table


def test_cfe_axis_ladders_hourly_and_annual_targets_from_60_to_100_percent(cfe_front_table):
    table = cfe_front_table
    assert cfe_levels(5) == [0.6, 0.7, 0.8, 0.9, 1.0]
    assert table["kind"].iloc[0] == "least_cost"
    for kind in ("cfe", "green_share"):
        rows = table[table["kind"] == kind]
        solved = rows[rows["status"] == "optimal"]
        # each ladder starts at 60% and goes up until the case cannot reach a level
        assert rows["level"].iloc[0] == 0.6 and len(solved) >= 2
        assert rows["level"].tolist() == cfe_levels(5)[: len(rows)]
        assert set(rows["status"].iloc[len(solved) :]) <= {"infeasible"}
        claim = solved["cfe_score" if kind == "cfe" else "certified_green_share"]
        assert (claim >= solved["level"] - 1e-6).all(), "every plan meets its target"


def test_cfe_front_cost_never_falls_as_the_target_rises(cfe_front_table):
    least = cfe_front_table["cost_myuan"].iloc[0]
    for kind in ("cfe", "green_share"):
        cost = cfe_front_table.loc[cfe_front_table["kind"] == kind, "cost_myuan"].dropna()
        assert (cost.diff().dropna() >= -1e-7 * cost.abs().max()).all()
        assert cost.iloc[0] >= least * (1 - 1e-9)
    cfe = cfe_front_table[cfe_front_table["kind"] == "cfe"].dropna(subset=["cost_myuan"])
    assert cfe["cost_myuan"].iloc[-1] > least * 1.01, "the highest hourly target reached costs"


def test_hourly_matching_costs_at_least_the_same_annual_share(cfe_front_table):
    table = cfe_front_table.dropna(subset=["cost_myuan"])
    hourly = table[table["kind"] == "cfe"].set_index("level")["cost_myuan"]
    annual = table[table["kind"] == "green_share"].set_index("level")["cost_myuan"]
    common = hourly.index.intersection(annual.index)
    assert len(common) >= 2
    assert (hourly[common] >= annual[common] * (1 - 1e-7)).all()
    assert (hourly[common] > annual[common] * (1 + 1e-4)).any(), "hourly is dearer somewhere"
    # a level the annual ladder reaches may be out of the hourly one's reach, never the reverse
    assert set(hourly.index) <= set(annual.index)


def test_cfe_shadow_price_grows_along_its_ladder(cfe_front_table):
    """The target's dual [yuan/MWh] is 0 where the least-cost plan meets it already, and grows
    with the level (the LP's optimal cost is convex in the target)."""
    rows = cfe_front_table[cfe_front_table["kind"] == "cfe"].dropna(subset=["cost_myuan"])
    least = cfe_front_table.iloc[0]
    price = rows["shadow_price_yuan_per_mwh"]
    assert (price.diff().dropna() >= -1e-6 * price.max()).all()
    slack = rows["level"] < least["cfe_score"] - 1e-9
    assert (price[slack] == 0).all()
    assert (price[~slack] > 0).all()


def test_cli_accepts_the_cfe_axis_and_draws_both_curves(tmp_path: Path):
    raw, profiles = case_tables(**CASE)
    case = write_case(raw, profiles, tmp_path / "case")
    out = tmp_path / "cfe"
    result = CliRunner().invoke(
        app,
        [
            "pareto",
            str(case),
            "--objectives",
            "cost,cfe",
            "--points",
            "3",
            "--out",
            str(out),
            "--no-write-points",
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "pareto.csv")
    assert table["kind"].iloc[0] == "least_cost"
    assert {"cfe", "green_share"} <= set(table["kind"])
    assert {"level", "cfe_score", "certified_green_share", "shadow_price_yuan_per_mwh"} <= set(
        table.columns
    )
    html = (out / "pareto.html").read_text()
    assert html.count(str(plotly_js())) == 1
    assert "hourly CFE score (24/7)" in html and "annual green share" in html
    assert parse_objectives("cost,cfe") == "cfe"
