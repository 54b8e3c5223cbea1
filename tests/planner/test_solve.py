"""`planner.solve`: the compiled HiGHS arrays match the Pyomo model, the direct and persistent
interfaces agree, a re-solve after changing mutable Params (or the value of a fixed Var)
equals a fresh build and solve without recompiling, structural changes recompile, statuses
map to exit codes, and the solution written back to the Vars satisfies every constraint.

Every expected value comes from an independent fresh build and solve of the same model data,
from Pyomo's `generate_standard_repn`, or by hand; never from the code under test."""

from __future__ import annotations

from collections.abc import Callable

import highspy
import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from models.build import build
from planner.prepare import ModelData, prepare
from planner.solve import CompiledModel, ModelSolver, SolveOptions, SolveOutcome
from planner.synthetic import east_west_policies, small_case

# Two sites (east_west_pair): interactive demand only reaches `east`, batch may go `west`.
# East has a water cap, a voucher for west has a binding budget (a Var bound), and a binding
# carbon cap; u (unserved demand) is fixed at 0 because allow_unserved is off.
CASE = east_west_policies()
CAPACITY = ("Cap_IT", "Cap_VRE", "Cap_E", "Cap_P")
DEMAND = ("yrd", "batch")
INF = highspy.kHighsInf

Change = Callable[[pyo.ConcreteModel], None]


@pytest.fixture(scope="module")
def data() -> ModelData:
    return prepare(small_case(**CASE))


@pytest.fixture(scope="module")
def base(data: ModelData) -> SolveOutcome:
    """The unchanged model, built and solved once."""
    return _fresh(data)


@pytest.fixture(scope="module")
def infeasible_data() -> ModelData:
    # 100 MW of demand, but only 50 MW of IT can be built
    return prepare(small_case(sites=[{"site": "s1", "max_it": 50.0}]))


def _fresh(
    data: ModelData, change: Change | None = None, options: SolveOptions | None = None
) -> SolveOutcome:
    """A new model of `data` with `change` applied before anything is compiled, solved by a
    new ModelSolver (no re-solve involved)."""
    model = build(data)
    if change is not None:
        change(model)
    return ModelSolver(model, options).solve()


def _objective(model: pyo.ConcreteModel) -> pyo.Objective:
    return next(model.component_data_objects(pyo.Objective, active=True))


def _active_rows(model: pyo.ConcreteModel) -> list:
    return list(model.component_data_objects(pyo.Constraint, active=True))


def _worst_violation(model: pyo.ConcreteModel) -> tuple[float, str]:
    """The largest amount [model units] by which an active constraint's body, evaluated at
    the Vars' values, lies outside its bounds."""
    worst = (0.0, "")
    for con in _active_rows(model):
        body = pyo.value(con.body)
        lower = 0.0 if con.lb is None else con.lb - body
        upper = 0.0 if con.ub is None else body - con.ub
        worst = max(worst, (max(lower, upper), con.name))
    return worst


def _two_variable_lp() -> pyo.ConcreteModel:
    """min 2x + 3y  s.t.  c1: x + y ≥ 4,  c2: x ≤ 3,  x, y ≥ 0.
    By hand: x = 3, y = 1, objective 9; one more unit of c1's bound costs 3 (another y),
    one more unit of c2's bound saves 1 (x replaces y at 2 instead of 3)."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.cost = pyo.Objective(expr=2 * m.x + 3 * m.y)
    m.c1 = pyo.Constraint(expr=m.x + m.y >= 4)
    m.c2 = pyo.Constraint(expr=m.x <= 3)
    return m


# --------------------------------------------------------------------------- interfaces


def test_direct_and_persistent_interfaces_reach_the_same_plan(data: ModelData):
    direct_model, persistent_model = build(data), build(data)
    direct = ModelSolver(direct_model).solve()
    persistent = ModelSolver(persistent_model, SolveOptions(interface="persistent")).solve()
    assert direct.status == persistent.status == "optimal"
    assert direct.objective == pytest.approx(persistent.objective, rel=1e-7)
    for name in CAPACITY:
        ours = getattr(direct_model, name)
        theirs = getattr(persistent_model, name)
        for index in ours:
            assert ours[index].value == pytest.approx(theirs[index].value, rel=1e-7, abs=1e-6), (
                ours[index].name
            )
    for index in direct_model.demand_met:
        ours = direct.duals[direct_model.demand_met[index]]
        theirs = persistent.duals[persistent_model.demand_met[index]]
        assert ours == pytest.approx(theirs, rel=1e-6), index
        assert ours > 0, "more demand costs more"


@pytest.mark.parametrize("interface", ["direct", "persistent"])
def test_duals_of_a_hand_solved_lp_follow_the_documented_sign(interface: str):
    model = _two_variable_lp()
    outcome = ModelSolver(model, SolveOptions(interface=interface)).solve()
    assert outcome.status == "optimal"
    assert outcome.objective == pytest.approx(9.0)
    assert (model.x.value, model.y.value) == pytest.approx((3.0, 1.0))
    assert outcome.duals[model.c1] == pytest.approx(3.0)  # binding ≥ row of a min: ≥ 0
    assert outcome.duals[model.c2] == pytest.approx(-1.0)  # binding ≤ row: ≤ 0


@pytest.mark.parametrize(
    ("row", "param", "step", "sign"),
    [
        (("demand_met", DEMAND), ("demand_mw", DEMAND), 0.01, 1),  # = row [MW]: costs more
        (("demand_met", ("yrd", "interactive")), ("demand_mw", ("yrd", "interactive")), 0.01, 1),
        (("carbon_cap_limit", None), ("carbon_cap_t", None), 10.0, -1),  # binding ≤ row [t]
    ],
)
def test_dual_is_the_objective_change_per_unit_of_the_bound(
    data: ModelData, base: SolveOutcome, row: tuple, param: tuple, step: float, sign: int
):
    """Checked against a finite difference of two fresh solves."""
    model = build(data)
    outcome = ModelSolver(model).solve()
    con = getattr(model, row[0])
    dual = outcome.duals[con if row[1] is None else con[row[1]]]

    def raise_bound(m: pyo.ConcreteModel) -> None:
        p = getattr(m, param[0])
        p = p if param[1] is None else p[param[1]]
        p.set_value(pyo.value(p) + step)

    moved = _fresh(data, raise_bound)
    assert dual == pytest.approx((moved.objective - base.objective) / step, rel=1e-4)
    assert sign * dual > 1e-9, "the row binds, with the documented sign"


# --------------------------------------------------------------------------- re-solves


def _set(name: str, index: object, value: float) -> Change:
    def change(m: pyo.ConcreteModel) -> None:
        param = getattr(m, name)
        (param if index is None else param[index]).set_value(value)

    return change


def _fix_unserved(m: pyo.ConcreteModel) -> None:
    m.u[DEMAND].fix(10.0)  # still fixed, another value: a constant in demand_met


# name → change that keeps the structure (what changes in HiGHS)
RESOLVES: dict[str, Change] = {
    "carbon_price (objective coefficient)": _set("carbon_price_myuan_per_t", None, 300e-6),
    "demand_mw (right-hand side)": _set("demand_mw", DEMAND, 150.0),
    "carbon_cap_t (right-hand side)": _set("carbon_cap_t", None, 420000.0),
    "pue_cap (matrix coefficient)": _set("pue_cap", "west", 1.1),
    "usable_share (matrix coefficients of many rows)": _set("usable_share", None, 0.7),
    "voucher_budget_myuan (Var bound)": _set("voucher_budget_myuan", "v1", 1.0),
    "vre_max_mw (Var bound)": _set("vre_max_mw", ("west", "wind"), 150.0),
    "u fixed at another value (fixed Var)": _fix_unserved,
}


@pytest.mark.parametrize("change", RESOLVES.values(), ids=RESOLVES.keys())
def test_resolve_after_a_change_equals_a_fresh_build_without_recompiling(
    data: ModelData, base: SolveOutcome, change: Change
):
    model = build(data)
    solver = ModelSolver(model)
    first = solver.solve()
    assert first.objective == pytest.approx(base.objective, rel=1e-9)
    compiled, highs = solver.compiled, solver.highs
    change(model)
    again = solver.solve()
    fresh = _fresh(data, change)
    assert fresh.status == again.status == "optimal"
    assert fresh.objective != pytest.approx(base.objective, rel=1e-6), "the change must matter"
    assert again.objective == pytest.approx(fresh.objective, rel=1e-7)
    assert solver.compiled is compiled and solver.highs is highs, "recompiled"
    assert again.iterations < fresh.iterations, "HiGHS should warm-start from its basis"
    assert pyo.value(_objective(model)) == pytest.approx(again.objective, rel=1e-9)


def test_changes_accumulate_over_several_resolves_and_undo_exactly(
    data: ModelData, base: SolveOutcome
):
    model = build(data)
    solver = ModelSolver(model)
    solver.solve()
    compiled = solver.compiled
    applied: list[Change] = []
    steps = [
        _set("carbon_price_myuan_per_t", None, 300e-6),
        _set("demand_mw", DEMAND, 150.0),
        _set("usable_share", None, 0.7),
        _set("voucher_budget_myuan", "v1", 1.0),
        _set("carbon_price_myuan_per_t", None, 150e-6),  # the same Param again
    ]
    for step in steps:
        step(model)
        applied.append(step)
        again = solver.solve()

        def everything(m: pyo.ConcreteModel, done: tuple = tuple(applied)) -> None:
            for c in done:
                c(m)

        assert again.objective == pytest.approx(_fresh(data, everything).objective, rel=1e-7)
    reference = build(data)  # the original values
    for name in ("carbon_price_myuan_per_t", "demand_mw", "usable_share", "voucher_budget_myuan"):
        ours, theirs = getattr(model, name), getattr(reference, name)
        for index in ours:
            ours[index].set_value(pyo.value(theirs[index]))
    undone = solver.solve()
    assert undone.objective == pytest.approx(base.objective, rel=1e-7)
    assert solver.compiled is compiled


def test_resolve_without_changes_needs_no_iterations(data: ModelData, base: SolveOutcome):
    solver = ModelSolver(build(data))
    solver.solve()
    compiled = solver.compiled
    again = solver.solve()
    assert again.objective == pytest.approx(base.objective, rel=1e-9)
    assert again.iterations == 0
    assert solver.compiled is compiled


def test_a_coefficient_through_zero_and_back(data: ModelData, base: SolveOutcome):
    """usable_share = 0 removes Cap_IT from every it_capacity row (no IT load possible: the
    model is infeasible); restoring it must put the coefficients back, from either start."""
    usable = pyo.value(build(data).usable_share)
    model = build(data)
    solver = ModelSolver(model)
    solver.solve()
    compiled = solver.compiled
    model.usable_share.set_value(0.0)
    assert solver.solve().exit_code == 1
    model.usable_share.set_value(usable)
    assert solver.solve().objective == pytest.approx(base.objective, rel=1e-7)
    assert solver.compiled is compiled

    model = build(data)
    model.usable_share.set_value(0.0)  # zero when compiled
    solver = ModelSolver(model)
    assert solver.solve().exit_code == 1
    model.usable_share.set_value(usable)
    assert solver.solve().objective == pytest.approx(base.objective, rel=1e-7)


def test_resolve_turns_an_infeasible_model_optimal(infeasible_data: ModelData):
    model = build(infeasible_data)
    solver = ModelSolver(model)
    assert solver.solve().exit_code == 1
    model.max_it_mw["s1"].set_value(200.0)
    again = solver.solve()
    fresh = _fresh(infeasible_data, _set("max_it_mw", "s1", 200.0))
    assert again.status == fresh.status == "optimal"
    assert again.objective == pytest.approx(fresh.objective, rel=1e-7)


def test_changes_between_load_and_first_solve_are_used(data: ModelData):
    model = build(data)
    solver = ModelSolver(model)
    solver.load()
    model.carbon_price_myuan_per_t.set_value(300e-6)
    outcome = solver.solve()
    assert outcome.objective == pytest.approx(
        _fresh(data, _set("carbon_price_myuan_per_t", None, 300e-6)).objective, rel=1e-7
    )


def test_a_numeric_bound_changed_after_a_solve_is_used(data: ModelData):
    def cap(m: pyo.ConcreteModel) -> None:
        m.Cap_IT["west", "air"].setub(100.0)  # below its optimum (about 141 MW)

    model = build(data)
    solver = ModelSolver(model)
    solver.solve()
    cap(model)
    again = solver.solve()
    assert again.objective == pytest.approx(_fresh(data, cap).objective, rel=1e-7)


# --------------------------------------------------------------------------- structure


def _fix_capacity(m: pyo.ConcreteModel) -> None:
    m.Cap_IT["west", "air"].fix(100.0)


def _drop_carbon_cap(m: pyo.ConcreteModel) -> None:
    m.carbon_cap_limit.deactivate()


def _allow_unserved(m: pyo.ConcreteModel) -> None:
    m.u[DEMAND].unfix()  # a new column, in the objective too; cheap enough to be used
    m.unserved_myuan_per_mw_yr.set_value(1.0 * 8760 * 1e-6)  # 1 yuan/MWh


def _add_constraint(m: pyo.ConcreteModel) -> None:
    m.extra = pyo.Constraint(expr=m.Cap_IT["west", "air"] <= 100.0)


def _swap_constraints(m: pyo.ConcreteModel) -> None:
    """One row out, another in: the number of rows stays the same."""
    _drop_carbon_cap(m)
    _add_constraint(m)


def _integer_capacity(m: pyo.ConcreteModel) -> None:
    m.Cap_IT["west", "air"].domain = pyo.NonNegativeIntegers


STRUCTURAL: dict[str, Change] = {
    "fix a column": _fix_capacity,
    "deactivate a constraint": _drop_carbon_cap,
    "unfix a fixed Var": _allow_unserved,
    "add a constraint": _add_constraint,
    "swap a constraint for another": _swap_constraints,
    "change a domain": _integer_capacity,
}


@pytest.mark.parametrize("change", STRUCTURAL.values(), ids=STRUCTURAL.keys())
def test_structural_change_recompiles_and_equals_a_fresh_build(
    data: ModelData, base: SolveOutcome, change: Change
):
    model = build(data)
    solver = ModelSolver(model)
    solver.solve()
    compiled = solver.compiled
    change(model)
    again = solver.solve()
    fresh = _fresh(data, change)
    assert fresh.status == again.status == "optimal"
    assert fresh.objective != pytest.approx(base.objective, rel=1e-7), "the change must matter"
    assert again.objective == pytest.approx(fresh.objective, rel=1e-7)
    assert solver.compiled is not compiled
    assert _worst_violation(model)[0] <= 1e-6


def test_unfixing_a_var_recompiles(data: ModelData, base: SolveOutcome):
    """u held at 10 MW, then unfixed with nothing else changed: the fresh answer serves all
    demand (unserved demand is far too expensive), as the unchanged model does."""
    model = build(data)
    _fix_unserved(model)
    solver = ModelSolver(model)
    held = solver.solve()
    assert held.objective != pytest.approx(base.objective, rel=1e-6)
    compiled = solver.compiled
    model.u[DEMAND].unfix()
    again = solver.solve()
    fresh = _fresh(data, lambda m: m.u[DEMAND].unfix())
    assert again.objective == pytest.approx(fresh.objective, rel=1e-7)
    assert again.objective == pytest.approx(base.objective, rel=1e-7)
    assert solver.compiled is not compiled
    assert model.u[DEMAND].value == pytest.approx(0.0, abs=1e-9)


def test_a_variable_entering_a_row_recompiles():
    """min x  s.t.  x + p·y ≥ 1,  0 ≤ y ≤ 0.25: with p = 0, y is in no row and no column
    (x = 1); with p = 1, y enters the row (x = 0.75)."""
    m = pyo.ConcreteModel()
    m.p = pyo.Param(initialize=0.0, mutable=True)
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(bounds=(0, 0.25))
    m.cost = pyo.Objective(expr=m.x)
    m.c = pyo.Constraint(expr=m.x + m.p * m.y >= 1)
    solver = ModelSolver(m)
    assert solver.solve().objective == pytest.approx(1.0)
    assert solver.compiled.n_cols == 1
    m.p.set_value(1.0)
    assert solver.solve().objective == pytest.approx(0.75)
    assert solver.compiled.n_cols == 2
    assert m.y.value == pytest.approx(0.25)


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize("interface", ["direct", "persistent"])
def test_infeasible_model_has_no_solution_and_exit_code_1(
    infeasible_data: ModelData, interface: str
):
    outcome = _fresh(infeasible_data, options=SolveOptions(interface=interface))
    assert outcome.status in ("infeasible", "infeasible_or_unbounded")
    assert outcome.exit_code == 1
    assert not outcome.has_solution
    assert outcome.objective is None
    assert outcome.duals == {}


def test_optimal_model_has_exit_code_0(base: SolveOutcome):
    assert base.status == "optimal"
    assert base.termination == "convergenceCriteriaSatisfied"
    assert base.has_solution
    assert base.exit_code == 0
    assert base.bound == base.objective and base.gap == 0.0


def test_iteration_limit_before_a_solution_exits_3(data: ModelData):
    outcome = _fresh(data, options=SolveOptions(solver_options={"simplex_iteration_limit": 5}))
    assert outcome.status == "no_solution"
    assert outcome.termination == "iterationLimit"
    assert not outcome.has_solution and outcome.objective is None
    assert outcome.exit_code == 3


@pytest.mark.parametrize(
    ("status", "has_solution", "code"),
    [
        ("optimal", True, 0),
        ("time_limit", True, 0),  # a limit with a solution is written (status time_limit)
        ("no_solution", False, 3),
        ("infeasible", False, 1),
        ("unbounded", False, 1),
        ("unbounded", True, 1),
        ("infeasible_or_unbounded", False, 1),
        ("interrupted", False, 3),
        ("error", False, 3),
    ],
)
def test_exit_code_of_each_status(status: str, has_solution: bool, code: int):
    outcome = SolveOutcome(status, "", has_solution, None, None, None, 0.0, "")
    assert outcome.exit_code == code


def test_unknown_interface_or_highs_option_is_refused(data: ModelData):
    with pytest.raises(ValueError, match="interface"):
        ModelSolver(build(data), SolveOptions(interface="lp_file"))
    with pytest.raises(ValueError, match="no_such_option"):
        ModelSolver(build(data), SolveOptions(solver_options={"no_such_option": 1})).solve()


# --------------------------------------------------------------------------- compiled arrays


def test_compiled_arrays_match_the_standard_repn_of_each_row(data: ModelData):
    """Rows = active constraints in order; columns = unfixed Vars with a nonzero coefficient
    in a row or the objective; entries, row bounds, costs and offset as Pyomo derives them."""
    model = build(data)
    compiled = CompiledModel(model)  # arrays kept (ModelSolver releases them once loaded)
    rows = _active_rows(model)
    assert [id(c) for c in compiled.rows] == [id(c) for c in rows]
    expected_rows = []
    columns: set[int] = set()
    for con in rows:
        repn = generate_standard_repn(con.body, compute_values=True)
        assert repn.is_linear()
        coefficients: dict[int, float] = {}
        for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
            assert not var.fixed
            if coef:
                coefficients[id(var)] = coefficients.get(id(var), 0.0) + coef
        columns |= coefficients.keys()
        constant = pyo.value(repn.constant)
        lower = -INF if con.lb is None else con.lb - constant
        upper = INF if con.ub is None else con.ub - constant
        expected_rows.append((coefficients, lower, upper))
    objective = generate_standard_repn(_objective(model).expr, compute_values=True)
    cost = {id(v): c for v, c in zip(objective.linear_vars, objective.linear_coefs, strict=True)}
    columns |= {key for key, c in cost.items() if c}

    assert compiled.n_rows == len(rows)
    assert compiled.n_cols == len(columns)
    assert {id(v) for v in compiled.cols} == columns
    assert compiled.nnz == sum(len(coefficients) for coefficients, _, _ in expected_rows)
    assert not compiled.is_mip
    for i, (coefficients, lower, upper) in enumerate(expected_rows):
        span = slice(compiled.row_start[i], compiled.row_start[i + 1])
        got = {
            id(compiled.cols[j]): v
            for j, v in zip(compiled.row_index[span], compiled.row_value[span], strict=True)
        }
        assert got == pytest.approx(coefficients, rel=1e-12), rows[i].name
        assert compiled.row_lower[i] == pytest.approx(lower, rel=1e-12), rows[i].name
        assert compiled.row_upper[i] == pytest.approx(upper, rel=1e-12), rows[i].name
    for j, var in enumerate(compiled.cols):
        assert compiled.cost[j] == pytest.approx(cost.get(id(var), 0.0), rel=1e-12), var.name
        lower, upper = var.bounds
        assert compiled.col_lower[j] == (-INF if lower is None else lower), var.name
        assert compiled.col_upper[j] == (INF if upper is None else upper), var.name
    assert compiled.offset == pytest.approx(pyo.value(objective.constant), abs=1e-9)


def test_highs_holds_the_compiled_shape(data: ModelData):
    model = build(data)
    solver = ModelSolver(model)
    solver.load()
    compiled = solver.compiled
    assert compiled.n_rows == len(_active_rows(model))
    assert (solver.highs.getNumRow(), solver.highs.getNumCol(), solver.highs.getNumNz()) == (
        compiled.n_rows,
        compiled.n_cols,
        compiled.nnz,
    )


# --------------------------------------------------------------------------- write-back


def test_solution_written_to_the_vars_satisfies_every_active_constraint(data: ModelData):
    model = build(data)
    solver = ModelSolver(model)
    first = solver.solve()
    worst, name = _worst_violation(model)
    assert worst <= 1e-6, name
    assert all(var.value is not None for var in solver.compiled.cols)
    assert pyo.value(_objective(model)) == pytest.approx(first.objective, rel=1e-9)

    model.demand_mw[DEMAND].set_value(150.0)  # an incremental re-solve writes back too
    again = solver.solve()
    worst, name = _worst_violation(model)
    assert worst <= 1e-6, name
    assert pyo.value(_objective(model)) == pytest.approx(again.objective, rel=1e-9)
    served = sum(model.x[r, w, s].value for r, w, s in model.A if (r, w) == DEMAND)
    assert served == pytest.approx(150.0, rel=1e-9)
