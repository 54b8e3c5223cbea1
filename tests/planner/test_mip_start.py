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
from planner.mip_start import choose_technology, dive_technology, milp_columns, rounded_start
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


class FakeRelaxation:
    """Restricted LPs of a hand-made 3-site, 3-technology case: each restriction's objective
    is a table lookup by the technologies left to the sites; each records what it was asked."""

    def __init__(self, table: dict, capacities: dict):
        self.table, self.capacities, self.asked = table, capacities, []

    def __call__(self, allowed: np.ndarray):
        key = tuple(tuple(np.flatnonzero(row)) for row in allowed)
        self.asked.append(key)
        if key not in self.table:
            return None  # infeasible
        return self.table[key], self.capacities[key]


ALL = (0, 1, 2)


def test_the_technology_dive_decides_the_most_even_mix_first_and_keeps_the_cheapest():
    # site 0 mixes 60/40 (air, cold plate), site 1 mixes 90/10, site 2 uses immersion only
    capacity = np.array([[60.0, 40.0, 0.0], [90.0, 10.0, 0.0], [0.0, 0.0, 50.0]])
    pue = np.array([[1.30, 1.15, 1.08]] * 3)
    after_site0_air = np.array([[100.0, 0.0, 0.0], [30.0, 70.0, 0.0], [0.0, 0.0, 50.0]])
    after_site0_cp = np.array([[0.0, 100.0, 0.0], [95.0, 5.0, 0.0], [0.0, 0.0, 50.0]])
    final = np.array([[100.0, 0.0, 0.0], [0.0, 100.0, 0.0], [0.0, 0.0, 50.0]])
    oracle = FakeRelaxation(
        table={
            ((0,), ALL, ALL): 1000.0,  # site 0 on air: cheaper, although cold plate is more
            ((1,), ALL, ALL): 1010.0,  # efficient (the rule's pick) and air the larger share
            ((0,), (0,), ALL): 1030.0,
            ((0,), (1,), ALL): 1020.0,  # then site 1 (now 30/70): cold plate is cheaper
        },
        capacities={
            ((0,), ALL, ALL): after_site0_air,
            ((1,), ALL, ALL): after_site0_cp,
            ((0,), (0,), ALL): final,
            ((0,), (1,), ALL): final,
        },
    )
    chosen, solved = dive_technology(capacity, pue, oracle)
    site0_first = [((0,), ALL, ALL), ((1,), ALL, ALL)]
    assert oracle.asked == [*site0_first, ((0,), (0,), ALL), ((0,), (1,), ALL)]
    assert solved == 4
    assert chosen.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    # the most-efficient rule alone would have put site 0 on cold plate
    assert choose_technology(capacity, pue)[0].tolist() == [0, 1, 0]


def test_the_technology_dive_skips_infeasible_restrictions_and_stops_when_none_solves():
    capacity = np.array([[60.0, 40.0, 0.0], [0.0, 80.0, 20.0]])
    pue = np.array([[1.30, 1.15, 1.08]] * 2)
    one_each = np.array([[0.0, 100.0, 0.0], [0.0, 80.0, 20.0]])
    oracle = FakeRelaxation(
        table={((1,), ALL): 500.0},  # site 0 on air has no plan; site 1 then has none at all
        capacities={((1,), ALL): one_each},
    )
    chosen, solved = dive_technology(capacity, pue, oracle)
    assert oracle.asked == [((0,), ALL), ((1,), ALL), ((1,), (1,)), ((1,), (2,))]
    assert solved == 4
    # site 0 took cold plate; site 1, still mixing when the dive stopped, gets the rule's pick
    assert chosen.tolist() == [[0, 1, 0], [0, 0, 1]]


def test_a_relaxation_that_mixes_nowhere_needs_no_lp():
    capacity = np.array([[0.0, 70.0, 0.0], [0.0, 0.0, 0.0], [40.0, 0.1, 0.0]])
    oracle = FakeRelaxation(table={}, capacities={})
    chosen, solved = dive_technology(capacity, np.array([[1.30, 1.15, 1.08]] * 3), oracle)
    assert (solved, oracle.asked) == (0, [])
    assert chosen.tolist() == [[0, 1, 0], [0, 0, 0], [1, 0, 0]]


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

    def record(solver: ModelSolver, deadline: float | None = None) -> tuple[str, bool]:
        given.append(deadline)
        return "MILP start: recorded", False

    monkeypatch.setattr(planner.mip_start, "set_rounded_start", record)
    limit = 1000.0  # s; the tiny MILP ends long before
    _, solver = _loaded(data, time_limit=limit)
    before = time.perf_counter()
    outcome = solver.solve()
    after = time.perf_counter()
    assert outcome.status == "optimal"
    assert len(given) == 1 and given[0] is not None
    assert before + MIP_START_SHARE * limit <= given[0] <= after + MIP_START_SHARE * limit


def _sub_mips(solver: ModelSolver) -> tuple[bool, bool]:
    highs = solver.highs
    names = ("mip_heuristic_run_rens", "mip_heuristic_run_rins")
    return tuple(highs.getOptionValue(name)[1] for name in names)  # (status, value)


def test_with_the_start_the_search_runs_without_its_sub_mip_heuristics(data: ModelData):
    """RENS and RINS look for a first plan; once HiGHS has the start they are off, without a
    start they are on (also when the same model is solved again), and a raw option wins."""
    _, solver = _loaded(data)
    assert solver.solve().status == "optimal"
    assert "MILP start: the LP plan dived" in solver.solve().log
    assert _sub_mips(solver) == (False, False)
    solver.options = SolveOptions(mip_start=False)
    assert solver.solve().status == "optimal"
    assert _sub_mips(solver) == (True, True)
    _, raw = _loaded(data, solver_options={"mip_heuristic_run_rins": True})
    assert raw.solve().status == "optimal"
    assert _sub_mips(raw) == (False, True)
