"""The MILP start (planner/mip_start.py): the rounded LP plan is a feasible MILP solution,
checked against the Pyomo model itself (every active constraint, every variable's bounds and
integrality), no better than the MILP optimum, and the MILP solved from it reaches the same
optimum as without it. The technology choice is checked on hand-made plans."""

from __future__ import annotations

import json
import time

import numpy as np
import pyomo.environ as pyo
import pytest

from models.build import BuildOptions, build
from planner.mip_start import choose_technology, milp_columns, rounded_start
from planner.prepare import ModelData, prepare
from planner.run import RunOptions, solve_case
from planner.solve import ModelSolver, SolveOptions, mip_text
from planner.synthetic import synthetic_case
from planner.writers import write_run

TOL = 1e-6  # feasibility tolerance, relative to a row's bound (as HiGHS's 1e-7 primal tol)


@pytest.fixture(scope="module")
def data() -> ModelData:
    # four sites, two regions, sites with different cooling technologies available
    return prepare(synthetic_case(n_sites=4, n_regions=2, seed=0, name="tiny"), "typical:2")


def _loaded(data: ModelData, **options) -> tuple[pyo.ConcreteModel, ModelSolver]:
    model = build(data, BuildOptions(mip=True))
    solver = ModelSolver(model, SolveOptions(**options))
    solver.load()
    return model, solver


def test_the_rounded_lp_plan_is_a_feasible_milp_solution(data: ModelData):
    model, solver = _loaded(data)
    start = rounded_start(solver)
    assert start.values is not None, start.text
    for var, value in zip(solver.compiled.cols, start.values, strict=True):
        var.set_value(float(value), skip_validation=True)
    for var in model.component_data_objects(pyo.Var, active=True):
        if var.value is None:
            continue
        lower, upper = var.bounds
        assert lower is None or var.value >= lower - TOL, var.name
        assert upper is None or var.value <= upper + TOL, var.name
        if not var.is_continuous():
            assert var.value == round(var.value), var.name
    for con in model.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        if con.has_lb():
            bound = pyo.value(con.lower)
            assert body >= bound - TOL * max(1.0, abs(bound)), con.name
        if con.has_ub():
            bound = pyo.value(con.upper)
            assert body <= bound + TOL * max(1.0, abs(bound)), con.name
    # one cooling technology at every site with modules, as formulation (15) demands
    built = {s for s in model.S if sum(pyo.value(model.N[s, k]) for k in model.K) > 0}
    assert built, "the start builds something"
    for s in built:
        assert sum(pyo.value(model.Y[s, k]) for k in model.K) == 1
        assert pyo.value(model.Open[s]) == 1


def test_the_start_is_no_better_than_the_milp_optimum_and_changes_no_optimum(data: ModelData):
    model, solver = _loaded(data, gap=0.0)
    start = rounded_start(solver)
    for var, value in zip(solver.compiled.cols, start.values, strict=True):
        var.set_value(float(value), skip_validation=True)
    start_cost = pyo.value(model.total_cost)
    with_start = solver.solve()
    _, plain = _loaded(data, gap=0.0, mip_start=False)
    without = plain.solve()
    assert with_start.status == without.status == "optimal"
    assert with_start.objective == pytest.approx(without.objective, rel=1e-6)
    assert start_cost >= with_start.objective - 1e-6 * abs(with_start.objective)
    assert start.relaxation <= with_start.objective + 1e-6 * abs(with_start.objective)
    assert "MILP start" in with_start.log


def test_the_columns_are_found_by_the_names_of_formulation_15(data: ModelData):
    model, solver = _loaded(data)
    columns = milp_columns(model, solver.compiled.col_of)
    assert columns.size == pytest.approx(float(data.case.settings["module_size"]))
    for s_i, s in enumerate(columns.sites):
        assert columns.opened[s_i] == solver.compiled.col_of[id(model.Open[s])]
        for k_i, k in enumerate(columns.techs):
            for cols, var in ((columns.cap, model.Cap_IT), (columns.modules, model.N)):
                assert solver.compiled.cols[cols[s_i, k_i]] is var[s, k]


def test_a_site_that_mixes_technologies_gets_the_most_efficient_one():
    capacity = np.array(
        [
            [300.0, 40.0, 0.0],  # mixes air and cold plate: cold plate (lower PUE)
            [0.0, 0.0, 120.0],  # immersion only
            [0.0, 0.0, 0.0],  # nothing built: nothing chosen
            [100.0, 0.5, 0.0],  # 0.5 MW of cold plate is below 1 %: air
        ]
    )
    pue = np.array([[1.30, 1.15, 1.08]] * 4)
    chosen = choose_technology(capacity, pue)
    assert chosen.tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0], [1, 0, 0]]


def test_mip_text_states_plan_bound_and_gap():
    solver = {
        "objective_myuan": 34000.0,
        "bound_myuan": 33966.0,
        "gap": 0.001,
        "status": "time_limit",
    }
    assert mip_text(solver) == (
        "MILP plan 34,000.0 M yuan/yr, best bound 33,966.0, gap 0.100 % (stopped at the time limit)"
    )
    assert mip_text({"objective_myuan": None}) is None


def test_a_milp_run_reports_its_bound_and_gap_in_the_report(tmp_path):
    case = synthetic_case(n_sites=4, n_regions=2, seed=0, name="tiny")
    options = RunOptions(time="typical:2", mip=True)
    solved = solve_case(case, options)
    folder = write_run(solved, tmp_path / "run", options, overwrite=True)
    outcome = solved.outcome
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"best bound {outcome.bound:,.1f}" in html
    assert f"gap {100 * outcome.gap:.3f} %" in html


def test_dcplan_run_mip_prints_the_bound_and_gap(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app
    from planner.synthetic import case_tables, near_far_pair, write_case

    raw, profiles = case_tables(**near_far_pair())
    path = write_case(raw, profiles, tmp_path / "case" / "small")
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(path), "--mip", "--out", str(out)])
    assert result.exit_code == 0, result.output
    solver = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["solver"]
    text = " ".join(result.output.split())  # whatever the console's width
    assert f"best bound {solver['bound_myuan']:,.1f}" in text
    assert f"gap {100 * solver['gap']:.3f} %" in text


def test_the_start_gets_at_most_its_share_of_the_time_limit(data: ModelData, monkeypatch):
    """The rounded LP start is given a deadline MIP_START_SHARE of the way to the solve's,
    so that HiGHS keeps the rest of the time limit for its search."""
    import planner.mip_start
    from planner.solve import MIP_START_SHARE

    given: list[float | None] = []

    def record(solver: ModelSolver, deadline: float | None = None) -> str:
        given.append(deadline)
        return "MILP start: recorded"

    monkeypatch.setattr(planner.mip_start, "set_rounded_start", record)
    limit = 1000.0  # s; the tiny MILP ends long before
    _, solver = _loaded(data, time_limit=limit)
    before = time.perf_counter()
    outcome = solver.solve()
    after = time.perf_counter()
    assert outcome.status == "optimal"
    assert len(given) == 1 and given[0] is not None
    assert before + MIP_START_SHARE * limit <= given[0] <= after + MIP_START_SHARE * limit
