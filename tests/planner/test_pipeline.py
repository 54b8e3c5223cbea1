"""`planner.pipeline`: one object takes a case through prepare, build, load, solve, collect and
explain with one timer; it re-solves a changed case on the model it built; run, sweep, Pareto
and re-dispatch all go through it."""

from __future__ import annotations

import dataclasses

import pytest

from planner.inputs.case import Case, build_case
from planner.params import resolve
from planner.pareto import ParetoOptions, pareto_front
from planner.pipeline import Pipeline, RunOptions, Timer
from planner.redispatch import RedispatchOptions, site_tasks, solve_site
from planner.run import solve_case
from planner.sweep import CasePayload, Point, SweepOptions, clear_model_cache, run_point
from planner.synthetic import case_tables, east_west_pair, near_far_pair, small_case

FRESH = ("prepare", "build", "load", "solve", "extract")
RESOLVED = ("update", "solve", "extract")


def _priced(case: Case, carbon_price: float) -> Case:
    return dataclasses.replace(case, settings={**case.settings, "carbon_price": carbon_price})


def test_timer_times_each_phase_once_and_counts_a_nested_phase_in_the_outer_one():
    seen: list[str] = []
    timer = Timer(seen.append)
    with timer.phase("solve cap"):
        with timer.phase("solve"):
            pass
        with timer.phase("extract"):
            pass
    with timer.phase("write"):
        pass
    assert list(timer.timings) == ["solve cap", "write"]
    assert seen == ["solve cap", "write"]
    timer.reset()
    assert timer.timings == {}


def test_a_new_pipeline_runs_every_phase_in_order_and_reports_each():
    seen: list[str] = []
    pipeline = Pipeline(small_case(**near_far_pair()), RunOptions(), on_phase=seen.append)
    solved = pipeline.run()
    assert solved.outcome.status == "optimal"
    assert tuple(solved.timings) == FRESH
    assert seen == list(FRESH)
    assert solved.model is pipeline.model and solved.solver is pipeline.solver
    assert solved.results.summary["objective_myuan"] == pytest.approx(
        solved.outcome.objective, rel=1e-9
    )


def test_an_updated_case_is_re_solved_on_the_same_model_with_the_fresh_optimum():
    base = small_case(**east_west_pair())
    pipeline = Pipeline(base, RunOptions(time="typical:2"))
    first = pipeline.run()
    model, solver = pipeline.model, pipeline.solver
    priced = _priced(base, 400.0)
    assert pipeline.update(priced)
    again = pipeline.run()
    assert pipeline.model is model and pipeline.solver is solver  # nothing rebuilt
    assert tuple(again.timings) == RESOLVED
    assert again.case is priced
    fresh = Pipeline(priced, RunOptions(time="typical:2")).run()
    assert again.outcome.objective == pytest.approx(fresh.outcome.objective, rel=1e-9)
    assert again.outcome.objective > first.outcome.objective  # carbon now costs more


def test_a_structural_change_is_refused_and_leaves_the_pipeline_as_it_was():
    raw, profiles = case_tables(**east_west_pair())
    base = build_case(raw, None, "pair", profiles=profiles)
    pipeline = Pipeline(base, RunOptions(time="typical:2"))
    pipeline.run()
    timings = dict(pipeline.timings)
    moved = dataclasses.replace(base, sites=base.sites.assign(lat=base.sites["lat"] + 1.0))
    assert not pipeline.update(moved)
    assert pipeline.case is base
    assert pipeline.timings == timings


def test_an_infeasible_case_is_explained_in_a_diagnose_phase():
    pipeline = Pipeline(small_case(sites=[{"site": "s1", "max_it": 50.0}]), RunOptions())
    solved = pipeline.run()
    assert solved.results is None
    assert tuple(solved.timings) == ("prepare", "build", "load", "solve", "diagnose")
    assert "s1" in solved.explanation["message"]


def test_a_detached_solve_has_no_pyomo_objects():
    pipeline = Pipeline(small_case(**near_far_pair()), RunOptions())
    pipeline.run()
    assert pipeline.outcome.duals  # an LP solved to optimality has row duals
    detached = pipeline.solved(detached=True)
    assert detached.model is None and detached.solver is None
    assert detached.outcome.duals == {}
    assert detached.results is pipeline.results


@pytest.fixture
def pipeline_solves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the cases whose solves went through `Pipeline.solve`."""
    calls: list[str] = []
    original = Pipeline.solve

    def spy(self: Pipeline, *args, **kwargs):
        calls.append(self.case.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "solve", spy)
    return calls


def test_a_run_solves_through_the_pipeline(pipeline_solves):
    solved = solve_case(small_case(name="pair", **east_west_pair()), RunOptions(time="typical:2"))
    assert pipeline_solves == ["pair"]
    assert tuple(solved.timings) == FRESH


def test_a_sweep_point_solves_through_the_pipeline_and_the_next_re_solves_its_model(
    pipeline_solves,
):
    raw, profiles = case_tables(**east_west_pair())
    base = build_case(raw, None, "sweep", profiles=profiles)
    payload = CasePayload.from_case(raw, base)
    price = resolve("carbon_price", base)
    options = SweepOptions(time="typical:2")
    clear_model_cache()
    try:
        fresh = run_point(payload, Point(0, (("carbon_price", price, 100.0),)), options)
        reused = run_point(payload, Point(1, (("carbon_price", price, 200.0),)), options)
    finally:
        clear_model_cache()
    assert pipeline_solves == ["sweep", "sweep"]
    assert (fresh.reused, reused.reused) == (False, True)
    assert tuple(fresh.solved.timings) == ("read", *FRESH)
    assert tuple(reused.solved.timings) == ("read", *RESOLVED)
    assert reused.solved.outcome.objective > fresh.solved.outcome.objective


def test_a_pareto_front_re_solves_one_pipeline(pipeline_solves):
    case = small_case(name="pair", **east_west_pair())
    front = pareto_front(case, ParetoOptions(points=2, time="typical:2"))
    assert [p.kind for p in front.points] == ["least_cost", "least_emissions"]
    # least cost, least emissions alone, then least cost at least emissions
    assert pipeline_solves == ["pair"] * 3
    assert list(front.points[0].solved.timings) == ["prepare", "build", "load", "solve least_cost"]


def test_each_redispatched_site_solves_through_a_pipeline(pipeline_solves):
    plan = solve_case(small_case(name="one", sites=[{"site": "s1", "pv_max": 100.0}]))
    del pipeline_solves[:]
    (task,) = site_tasks(plan.case, plan.results)
    row = solve_site(task, RedispatchOptions(workers=1))
    assert pipeline_solves == ["one:s1"]
    assert row["status"] == "optimal"
    assert {f"{phase}_seconds" for phase in FRESH} <= set(row)
