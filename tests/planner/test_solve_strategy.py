"""The LP solve strategy (planner/solve.py, STRATEGIES): the dual simplex's time box, the
interior point fallback, the caller's time limit, and the infeasibility explanation at a
utilisation edge.

Expected optima come from a direct solve of an independent build of the same data with the
dual simplex alone (strategy "simplex", the solve before the strategy existed); the
utilisation shortfall is recomputed by hand from the case's numbers. No timings are tested:
the box is forced to 0 s so the fallback runs whatever the machine's speed."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from models.build import build
from planner.diagnose import explain_infeasibility
from planner.prepare import ModelData, prepare
from planner.run import RunOptions, solve_case
from planner.solve import ModelSolver, SolveOptions, SolveOutcome, simplex_box
from planner.synthetic import east_west_policies, small_case

USABLE = 0.85  # the default usable share of IT capacity
DEMAND_MW = 100.0  # small_case's single demand
HOURS = 8760.0


@pytest.fixture(scope="module")
def data() -> ModelData:
    return prepare(small_case(**east_west_policies()))


def _solve(data: ModelData, **options) -> tuple[pyo.ConcreteModel, SolveOutcome]:
    model = build(data)
    return model, ModelSolver(model, SolveOptions(**options)).solve()


@pytest.fixture(scope="module")
def direct(data: ModelData) -> SolveOutcome:
    """The dual simplex alone, no time box."""
    return _solve(data, strategy="simplex")[1]


def test_a_normal_lp_is_decided_by_the_boxed_simplex_alone(data: ModelData, direct):
    _, outcome = _solve(data)
    assert [(p.method, p.status, p.boxed) for p in outcome.phases] == [
        ("simplex", "kOptimal", True)
    ]
    assert outcome.method == "simplex"
    assert outcome.objective == pytest.approx(direct.objective, rel=1e-9)


def test_fallback_to_interior_point_gives_the_direct_optimum_and_duals(data: ModelData, direct):
    model, outcome = _solve(data, simplex_box=0.0)
    assert [(p.method, p.status) for p in outcome.phases] == [
        ("simplex", "kTimeLimit"),
        ("ipm", "kOptimal"),
    ]
    assert outcome.phases[0].boxed and outcome.phases[0].limit == 0.0
    assert outcome.status == "optimal" and outcome.exit_code == 0
    assert outcome.method == "ipm"
    assert outcome.objective == pytest.approx(direct.objective, rel=1e-7)
    # crossover leaves a basic solution: every row has its dual, as after the simplex
    rows = list(model.component_data_objects(pyo.Constraint, active=True))
    assert len(outcome.duals) == len(rows) == len(direct.duals)
    # the carbon cap binds in this case: its price is the same whichever method found it
    cap = model.carbon_cap_limit
    assert outcome.duals[cap] == pytest.approx(
        next(d for c, d in direct.duals.items() if c.name == cap.name), rel=1e-5
    )
    assert outcome.duals[cap] < 0


def test_interior_point_first_reaches_the_same_optimum(data: ModelData, direct):
    _, outcome = _solve(data, strategy="ipm")
    assert outcome.phases[0].method == "ipm"
    assert outcome.objective == pytest.approx(direct.objective, rel=1e-7)


def test_the_callers_time_limit_ends_the_strategy_without_a_fallback(data: ModelData):
    # a 0 s limit: the first phase stops at once; the limit is the caller's, not the box
    _, outcome = _solve(data, time_limit=0.0)
    assert len(outcome.phases) == 1 and not outcome.phases[0].boxed
    assert outcome.status == "no_solution" and outcome.exit_code == 3


def test_a_given_solver_runs_alone(data: ModelData, direct):
    _, outcome = _solve(data, solver_options={"solver": "ipm"})
    assert [p.method for p in outcome.phases] == ["given"]
    assert outcome.objective == pytest.approx(direct.objective, rel=1e-7)


def test_unknown_strategy_is_refused(data: ModelData):
    with pytest.raises(ValueError, match="strategy"):
        _solve(data, strategy="fastest")


def test_the_box_grows_with_the_square_of_the_lp_size():
    assert simplex_box(1_000) == simplex_box(150_000)
    assert simplex_box(300_000) == pytest.approx(4 * simplex_box(150_000))


# ---- infeasible at a utilisation edge


UTILISATION = 0.8501  # just above the usable share: no site can be used that much


def _edge_case():
    return small_case(policy={"min_utilisation": UTILISATION}, temperature=5.0)


def test_utilisation_just_beyond_the_usable_share_is_infeasible_and_explained():
    solved = solve_case(_edge_case(), RunOptions(time="typical:1"))
    assert solved.outcome.status in ("infeasible", "infeasible_or_unbounded")
    assert solved.outcome.exit_code == 1
    items = [i for i in solved.explanation["items"] if i["limit"] == "utilisation_limit"]
    assert [i["index"] for i in items] == ["s1"]
    # the site needs DEMAND_MW / USABLE of capacity; it can run at USABLE of it at most, so
    # the IT energy misses the minimum by (UTILISATION − USABLE) · 8760 h · capacity
    shortfall = (UTILISATION - USABLE) * HOURS * DEMAND_MW / USABLE
    assert items[0]["amount"] == pytest.approx(shortfall, rel=1e-3)
    assert "minimum utilisation" in solved.explanation["message"]


def test_the_explanation_reuses_interior_point_and_says_the_same():
    data = prepare(_edge_case(), "typical:1")
    first = ModelSolver(build(data), SolveOptions(simplex_box=0.0)).solve()
    assert first.method == "ipm" and first.status == "infeasible"
    learned = explain_infeasibility(data, None, first)
    fresh = explain_infeasibility(data, None, None)
    assert [(i["limit"], i["index"]) for i in learned["items"]] == [
        (i["limit"], i["index"]) for i in fresh["items"]
    ]
    for a, b in zip(learned["items"], fresh["items"], strict=True):
        assert a["amount"] == pytest.approx(b["amount"], rel=1e-5)
