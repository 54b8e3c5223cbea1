"""`dcplan pareto`: along the epsilon-constraint front cost rises and emissions fall, the ends
are the separately solved least-cost and least-emissions plans, the shadow price of the cap
grows as the cap tightens, and the knee is an interior point."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from models.build import build
from planner.charts import plotly_js
from planner.cli import app
from planner.inputs.case import Case
from planner.pareto import ParetoOptions, knee_index, pareto_front, parse_objectives
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
