"""Solve a built model with HiGHS; map the status; re-solve after parameter changes.

The default path (`interface="direct"`) compiles the Pyomo model once into HiGHS's own
arrays: each active constraint and the objective are walked by Pyomo's `LinearRepnVisitor`
(the walker behind Pyomo's LP/MPS writers and standard form) into a sparse row-wise matrix that
`highspy.Highs.passModel` takes in one call. Measured on the default case (docs/benchmarks.md)
this is several times faster than Pyomo's persistent interfaces, which keep per-term
bookkeeping objects for later updates, and faster than writing an LP/MPS file for HiGHS to read.

Re-solves: while compiling, each row (and the objective) records which mutable Params and
fixed Vars its coefficients or bounds came from. Every `solve` (the first after `load` too)
compares those values, and every column's bounds, with what HiGHS holds; only affected rows
are walked again and sent as coefficient, bound and cost changes, so HiGHS keeps its basis and
warm-starts. A structural change (a constraint added, deactivated or new, a Var fixed or
unfixed, a domain changed, a new Var in a row) recompiles and reloads the model (cold start).

Primal values are written to the Pyomo Vars (`var.value`) after every solve that has a
solution; `SolveOutcome.duals` maps each ConstraintData to HiGHS's row dual, the change of
the objective per unit increase of the constraint's bound (the sign convention of Pyomo's
HiGHS interfaces): ≥ 0 for a binding ≥ row of a minimisation, ≤ 0 for a binding ≤ row.

`interface="persistent"` keeps Pyomo's persistent `pyomo.contrib.solver` Highs interface for
comparison (benchmarks, tests).

LP strategy (`STRATEGIES`, `run_strategy`; docs/benchmarks.md "Solve strategy"): the dual
simplex runs in a time box (`simplex_box`, from the LP's size); should it expire undecided
(a degenerate or near-infeasible LP on which the simplex stalls), interior point (IPX) with
crossover decides it. The caller's time limit bounds the whole. A MILP is one HiGHS MIP run,
started from the rounded LP plan (planner/mip_start.py).

Status → CLI exit code: optimal 0; infeasible/unbounded 1; time/iteration limit with a
solution → written with status time_limit (0); without a solution 3.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.numeric_types import native_types
from pyomo.core.base import SortComponents
from pyomo.core.staleflag import StaleFlagManager
from pyomo.repn.linear import LinearBeforeChildDispatcher, LinearRepnVisitor
from pyomo.repn.util import VarRecorder

# HiGHS options chosen by measurement on the default case (docs/benchmarks.md): dual simplex
# with Devex pricing needs more iterations than the default dual steepest edge but each is
# far cheaper, which halves the solve time of the planning LPs; it also warm-starts re-solves.
DEFAULT_HIGHS_OPTIONS: dict[str, object] = {
    "solver": "simplex",
    "simplex_strategy": 1,
    "simplex_dual_edge_weight_strategy": 1,
}
# Interior point (IPX) with crossover: a basic optimal solution (duals, a basis for warm
# re-solves) or a proof of infeasibility where the dual simplex stalls (near-limit policy
# cases, docs/benchmarks.md "Solve strategy").
IPM_OPTIONS: dict[str, object] = {"solver": "ipx", "run_crossover": "on"}
METHOD_OPTIONS: dict[str, dict[str, object]] = {
    "simplex": DEFAULT_HIGHS_OPTIONS,
    "ipm": IPM_OPTIONS,
}
# LP strategies: the methods tried in turn. In "auto" the dual simplex gets a time box
# (`simplex_box`); when it expires without deciding, IPX with crossover takes over, and
# should IPX end in an error, the dual simplex gets the rest of the time. "ipm" starts with
# IPX (for a model where the simplex is known to stall, e.g. the elastic re-solve of a case
# whose first solve needed IPX). "simplex": the dual simplex alone, no box (the strategy
# before issue 19, kept for comparison).
STRATEGIES: dict[str, tuple[str, ...]] = {
    "auto": ("simplex", "ipm", "simplex"),
    "ipm": ("ipm", "simplex"),
    "simplex": ("simplex",),
}
# The dual simplex time box [s] on an LP of up to BOX_REFERENCE_NNZ nonzeros; larger LPs get
# it scaled with the square of their size (simplex time grows about so: docs/benchmarks.md),
# so that a normal solve is never cut off. The default case (typical:8, about 1.1e5 nonzeros)
# solves in 2–7 s.
SIMPLEX_BOX_S = 30.0
BOX_REFERENCE_NNZ = 150_000

# MILP options, chosen by measurement on the default case (docs/benchmarks.md, "MILP")
MIP_OPTIONS: dict[str, object] = {}
# ... and once HiGHS has the start (planner/mip_start.py): its sub-MIP heuristics (RENS, RINS)
# look for a first plan, and took 19–67 s of a 120 s limit at the root of the default case
# (the raw solver or the start finding a plan within 0.06 % of the best known); without them
# the search reaches a 0.04 % gap in 120 s where it stayed at the root (0.21 %)
MIP_START_OPTIONS: dict[str, object] = {
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_rins": False,
}
# HiGHS's defaults, set again when there is no start (HiGHS keeps options between solves)
MIP_NO_START_OPTIONS: dict[str, object] = {key: True for key in MIP_START_OPTIONS}
# The share of a MILP's time limit the rounded LP start may use: measured on a loaded machine,
# the start could take the whole limit and leave HiGHS no time (docs/benchmarks.md, "MILP")
MIP_START_SHARE = 0.5

INTERFACES = ("direct", "persistent")


def simplex_box(nnz: int) -> float:
    """The dual simplex time box [s] of the "auto" strategy for an LP with `nnz` nonzeros."""
    return SIMPLEX_BOX_S * max(1.0, nnz / BOX_REFERENCE_NNZ) ** 2


@dataclass(frozen=True)
class SolveOptions:
    """time_limit [s]; gap: relative MIP gap [-]; threads: HiGHS threads (None: HiGHS
    default); solver_options: raw HiGHS options, applied over DEFAULT_HIGHS_OPTIONS;
    interface: 'direct' (compiled arrays into highspy) or 'persistent' (Pyomo's interface);
    strategy: LP methods in turn, a key of STRATEGIES ('auto' by default; a 'solver' in
    solver_options means that solver alone); simplex_box: the dual simplex time box of 'auto'
    [s] (None: from the LP size, `simplex_box`); mip_start: start a MILP from the rounded LP
    plan (planner/mip_start.py), within MIP_START_SHARE of the time limit; progress: called
    with each line HiGHS logs while it solves (the console shows the latest; None: nobody
    listens)."""

    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    solver_options: dict = field(default_factory=dict)
    interface: str = "direct"
    strategy: str = "auto"
    simplex_box: float | None = None  # [s]; None: simplex_box(nnz)
    mip_start: bool = True
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)


@dataclass
class SolveOutcome:
    """status: optimal | time_limit | infeasible | unbounded | infeasible_or_unbounded |
    interrupted | no_solution | error. objective and bound in M yuan/yr (None without a
    solution); gap relative [-]; seconds: wall time of `solve` [s] (HiGHS plus updating the
    model and reading the solution back); duals {ConstraintData: dual} (LPs solved to
    optimality only); iterations: simplex + IPM + crossover iterations of every phase;
    highs_seconds: HiGHS run time [s] of every phase; method: the method of the last phase;
    phases: each method tried (planner/solve.py, STRATEGIES)."""

    status: str
    termination: str
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    log: str
    duals: dict = field(default_factory=dict)
    iterations: int = 0
    highs_seconds: float = 0.0
    method: str = ""  # what decided: simplex | ipm | mip | "" (persistent interface)
    phases: list = field(default_factory=list)  # [SolvePhase] in the order they ran

    @property
    def exit_code(self) -> int:
        if self.status in ("optimal", "time_limit") and self.has_solution:
            return 0
        if self.status in ("infeasible", "unbounded", "infeasible_or_unbounded"):
            return 1
        return 3


@dataclass(frozen=True)
class SolvePhase:
    """One HiGHS run of a strategy: method (simplex | ipm | mip | given), HiGHS model status
    name, limit: its time limit [s] (None: none), boxed: the limit was the simplex's time box
    (not the caller's), seconds: wall time [s], iterations (simplex +
    IPM + crossover)."""

    method: str
    status: str
    limit: float | None
    boxed: bool
    seconds: float
    iterations: int


_MS = highspy.HighsModelStatus
# HiGHS model status → (planner status, termination name as Pyomo's TerminationCondition)
_STATUS: dict = {
    _MS.kOptimal: ("optimal", "convergenceCriteriaSatisfied"),
    _MS.kTimeLimit: ("time_limit", "maxTimeLimit"),
    _MS.kIterationLimit: ("time_limit", "iterationLimit"),
    _MS.kSolutionLimit: ("time_limit", "iterationLimit"),
    _MS.kObjectiveBound: ("time_limit", "objectiveLimit"),
    _MS.kObjectiveTarget: ("time_limit", "objectiveLimit"),
    _MS.kInfeasible: ("infeasible", "provenInfeasible"),
    _MS.kUnbounded: ("unbounded", "unbounded"),
    _MS.kUnboundedOrInfeasible: ("infeasible_or_unbounded", "infeasibleOrUnbounded"),
    _MS.kInterrupt: ("interrupted", "interrupted"),
    _MS.kHighsInterrupt: ("interrupted", "interrupted"),
}
_INF = highspy.kHighsInf
# statuses after which the next method of a strategy runs: HiGHS could not finish (numerical
# trouble), or the simplex's time box expired (a time limit ends a phase that was not boxed:
# it is the caller's)
_NEXT_AFTER = {"kTimeLimit", "kSolveError", "kUnknown", "kNotset"}


def _try_next(previous: SolvePhase) -> bool:
    """Whether a strategy goes on to its next method after `previous`."""
    if previous.status == "kTimeLimit":
        return previous.boxed
    return previous.status in _NEXT_AFTER


def mip_text(solver: dict) -> str | None:
    """One line on a MILP's proof for the console and the report, from the manifest's solver
    record (objective_myuan, bound_myuan [M yuan/yr], gap [-], status); None without a
    solution."""
    objective, bound, gap = (solver.get(k) for k in ("objective_myuan", "bound_myuan", "gap"))
    if objective is None:
        return None
    text = f"MILP plan {objective:,.1f} M yuan/yr"
    if bound is not None and math.isfinite(bound):
        text += f", best bound {bound:,.1f}"
    if gap is not None:
        text += f", gap {100 * gap:.3f} %"
    if solver.get("status") == "time_limit":
        text += " (stopped at the time limit)"
    return text


# --------------------------------------------------------------------------------------------
# Compiling a Pyomo model into HiGHS arrays


class _NoCache(dict):
    """A subexpression cache that never stores: every named Expression is walked wherever it
    is used, so each row records the Params inside it (the cost is a few repeated walks)."""

    def __setitem__(self, key, value) -> None:
        return None


class _TrackingDispatcher(LinearBeforeChildDispatcher):
    """Pyomo's linear before-child dispatcher, also noting mutable Params and fixed Vars."""

    @staticmethod
    def _before_param(visitor, child):
        visitor.params[id(child)] = child
        return LinearBeforeChildDispatcher._before_param(visitor, child)

    @staticmethod
    def record_monomial(visitor, result, coef, var):
        key = id(var)
        if key in visitor.var_map:
            # the common case, inlined: an unfixed variable already recorded (the base
            # method's own fast path); var_map only ever holds unfixed variables
            linear = result.linear
            if key in linear:
                linear[key] += coef
            elif coef:
                linear[key] = coef
            return None
        if var.fixed:
            visitor.fixed[key] = var
        return LinearBeforeChildDispatcher.record_monomial(visitor, result, coef, var)


class _TrackingVisitor(LinearRepnVisitor):
    """LinearRepnVisitor that collects, per walk, the mutable Params (`params`) and fixed Vars
    (`fixed`) that the result depends on (both {id: object}); reset them between walks."""

    before_child_dispatcher = _TrackingDispatcher()

    def __init__(self, var_map: dict):
        super().__init__(
            _NoCache(), var_recorder=VarRecorder(var_map, SortComponents.deterministic)
        )
        self.params: dict = {}
        self.fixed: dict = {}
        evaluate = self.evaluate
        params, fixed = self.params, self.fixed

        def tracked(expr):
            # every non-literal coefficient or constant (a Param or an expression of Params)
            # is evaluated here
            _collect_params(expr, params, fixed)
            return evaluate(expr)

        self.evaluate = tracked

    def reset(self) -> None:
        self.params.clear()
        self.fixed.clear()


def _collect_params(expr, params: dict, fixed: dict) -> None:
    """Add the mutable Params (to `params`) and fixed Vars (to `fixed`) inside a fixed
    expression, both {id: object}."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.__class__ in native_types or not hasattr(node, "is_expression_type"):
            continue
        if node.is_parameter_type():
            params[id(node)] = node
        elif node.is_variable_type():
            fixed[id(node)] = node
        elif node.is_expression_type() or node.is_named_expression_type():
            stack.extend(node.args)


def _value(expr) -> float | None:
    return None if expr is None else float(pyo.value(expr))


class StructureChanged(Exception):
    """The model no longer matches the loaded LP: it must be compiled again."""


@dataclass
class _Dependencies:
    """Which rows (and the objective) depend on which mutable Params / fixed Vars."""

    objects: dict = field(default_factory=dict)  # id → Param or fixed Var
    rows: dict = field(default_factory=dict)  # id → set of row numbers
    objective: set = field(default_factory=set)  # ids the objective depends on
    values: dict = field(default_factory=dict)  # id → value when last sent to HiGHS
    fixed_vars: dict = field(default_factory=dict)  # id → fixed Var (must stay fixed)

    def add(self, found: dict, row: int | None) -> None:
        for key, obj in found.items():
            if key not in self.objects:
                self.objects[key] = obj
                self.rows[key] = set()
                self.values[key] = obj.value
                if obj.is_variable_type():
                    self.fixed_vars[key] = obj
            if row is None:
                self.objective.add(key)
            else:
                self.rows[key].add(row)

    def changed(self) -> list[int]:
        """Ids whose value differs from the value last sent (and records the new values)."""
        out = []
        for key, obj in self.objects.items():
            now = obj.value
            if now != self.values[key]:
                out.append(key)
                self.values[key] = now
        return out


class CompiledModel:
    """A Pyomo LP/MILP as HiGHS arrays: rows = active constraints (declaration order),
    columns = the unfixed Vars that appear in them or in the objective (in the order Pyomo's
    VarRecorder meets them: by component, components in order of first appearance).

    `pass_to(highs)` loads it; `update(highs)` sends what changed since (see module doc).
    """

    def __init__(self, model: pyo.ConcreteModel):
        self.model = model
        var_map: dict = {}
        visitor = _TrackingVisitor(var_map)
        self._visitor = visitor
        self.deps = _Dependencies()
        objectives = list(model.component_data_objects(pyo.Objective, active=True))
        if len(objectives) != 1:
            raise ValueError(f"expected one active objective, found {len(objectives)}")
        self.objective = objectives[0]
        self.rows: list = list(model.component_data_objects(pyo.Constraint, active=True))
        n_rows = len(self.rows)
        row_lower = np.empty(n_rows)
        row_upper = np.empty(n_rows)
        first_col: dict[int, int] = {}  # id(var) → provisional column (first appearance)
        index: list[int] = []
        values: list[float] = []
        start = np.zeros(n_rows + 1, dtype=np.int64)
        nnz = 0
        for i, con in enumerate(self.rows):
            lower, upper, linear = self._walk_row(con, i)
            row_lower[i] = lower
            row_upper[i] = upper
            for key in linear:
                col = first_col.get(key)
                if col is None:
                    col = first_col[key] = len(first_col)
                index.append(col)
            values.extend(linear.values())
            nnz += len(linear)
            start[i + 1] = nnz
        cost_linear, offset = self._walk_objective()
        for key in cost_linear:
            if key not in first_col:
                first_col[key] = len(first_col)
        # columns in the order of the Var map (as Pyomo's LP/MPS writers order them)
        order = [key for key in var_map if key in first_col]
        self.col_of: dict[int, int] = {key: j for j, key in enumerate(order)}
        self.cols: list = [var_map[key] for key in order]
        n_cols = len(self.cols)
        remap = np.empty(len(first_col), dtype=np.int32)
        for key, provisional in first_col.items():
            remap[provisional] = self.col_of[key]
        self.row_start = start
        self.row_index = remap[np.asarray(index, dtype=np.int64)] if index else np.zeros(0, "i4")
        self.row_value = np.asarray(values, dtype=float)
        self.row_lower = row_lower
        self.row_upper = row_upper
        self.cost = self._cost_vector(cost_linear)
        self.offset = float(offset)
        self.sense = self.objective.sense
        self.domains = [v.domain for v in self.cols]
        self.integer = np.fromiter(
            (not v.is_continuous() for v in self.cols), dtype=bool, count=n_cols
        )
        self.col_lower, self.col_upper = self._col_bounds()

    def _col_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Current (lower, upper) bounds of every column, ±inf where unbounded (numbers or
        expressions of Params alike)."""
        bounds = [v.bounds for v in self.cols]
        lower = np.fromiter(
            (-_INF if lo is None else lo for lo, _ in bounds), dtype=float, count=len(bounds)
        )
        upper = np.fromiter(
            (_INF if up is None else up for _, up in bounds), dtype=float, count=len(bounds)
        )
        return lower, upper

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return len(self.cols)

    @property
    def nnz(self) -> int:
        return int(self.row_start[-1])

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())

    def _walk_row(self, con, row: int) -> tuple[float, float, dict]:
        """(lower, upper, {id(var): coefficient}) of one constraint; records dependencies."""
        visitor = self._visitor
        visitor.reset()
        lower, body, upper = con.to_bounded_expression()
        _collect_params(lower, visitor.params, visitor.fixed)
        _collect_params(upper, visitor.params, visitor.fixed)
        repn = visitor.walk_expression(body)
        if repn.nonlinear is not None:
            raise ValueError(f"constraint {con.name} is not linear")
        offset = float(repn.constant)
        lo, up = _value(lower), _value(upper)
        if visitor.params or visitor.fixed:
            self.deps.add(visitor.params, row)
            self.deps.add(visitor.fixed, row)
        return (
            -_INF if lo is None else lo - offset,
            _INF if up is None else up - offset,
            repn.linear,
        )

    def _walk_objective(self) -> tuple[dict, float]:
        visitor = self._visitor
        visitor.reset()
        repn = visitor.walk_expression(self.objective.expr)
        if repn.nonlinear is not None:
            raise ValueError(f"objective {self.objective.name} is not linear")
        self.deps.add(visitor.params, None)
        self.deps.add(visitor.fixed, None)
        return repn.linear, float(repn.constant)

    def _cost_vector(self, linear: dict) -> np.ndarray:
        cost = np.zeros(len(self.cols))
        for key, coef in linear.items():
            cost[self.col_of[key]] = coef
        return cost

    # ---- loading and updating

    def pass_to(self, highs: highspy.Highs) -> None:
        """Load the arrays into `highs` (replacing any model it holds)."""
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_cols
        lp.num_row_ = self.n_rows
        lp.sense_ = highspy.ObjSense.kMinimize
        if self.sense != pyo.minimize:
            lp.sense_ = highspy.ObjSense.kMaximize
        lp.offset_ = self.offset
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.col_lower
        lp.col_upper_ = self.col_upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = self.n_cols
        matrix.num_row_ = self.n_rows
        matrix.start_ = self.row_start.astype(np.int32)
        matrix.index_ = self.row_index.astype(np.int32)
        matrix.value_ = self.row_value
        if self.is_mip:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                for i in self.integer
            ]
        if highs.passModel(lp) == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS refused the model (passModel returned an error)")

    def check_structure(self) -> None:
        """Raise StructureChanged when the model no longer matches the compiled LP."""
        model = self.model
        if not self.objective.active or self.objective.parent_block() is None:
            raise StructureChanged("objective deactivated or removed")
        rows = self.rows
        count = 0
        for count, con in enumerate(model.component_data_objects(pyo.Constraint, active=True), 1):
            if count > len(rows) or rows[count - 1] is not con:
                raise StructureChanged("constraints added, removed or (de)activated")
        if count != len(rows):
            raise StructureChanged("constraints removed or deactivated")
        for v, domain in zip(self.cols, self.domains, strict=True):
            if v.fixed or v.domain is not domain:
                raise StructureChanged(f"variable {v.name} fixed or its domain changed")
        for v in self.deps.fixed_vars.values():
            if not v.fixed:
                raise StructureChanged(f"variable {v.name} unfixed")
        objectives = list(model.component_data_objects(pyo.Objective, active=True))
        if len(objectives) != 1 or objectives[0] is not self.objective:
            raise StructureChanged("the active objective changed")

    def update(self, highs: highspy.Highs) -> int:
        """Send changed Params, fixed-Var values and column bounds to `highs` in place (the
        basis is kept). Returns the number of rows re-walked. Raises StructureChanged."""
        self.check_structure()
        changed = self.deps.changed()
        rows: set[int] = set()
        objective = False
        for key in changed:
            rows.update(self.deps.rows[key])
            objective = objective or key in self.deps.objective
        if rows:
            self._update_rows(highs, sorted(rows))
        if objective:
            linear, offset = self._walk_objective()
            if any(key not in self.col_of for key in linear):
                raise StructureChanged("a new variable entered the objective")
            self.cost = self._cost_vector(linear)
            self.offset = offset
            highs.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), self.cost)
            highs.changeObjectiveOffset(offset)
        # every column's bounds: a bound may be a number set with setlb/setub or an
        # expression of Params
        lower, upper = self._col_bounds()
        moved = np.flatnonzero((lower != self.col_lower) | (upper != self.col_upper))
        if len(moved):
            self.col_lower, self.col_upper = lower, upper
            highs.changeColsBounds(len(moved), moved.astype(np.int32), lower[moved], upper[moved])
        return len(rows)

    def _update_rows(self, highs: highspy.Highs, rows: list[int]) -> None:
        index = np.asarray(rows, dtype=np.int32)
        _, start, col, value = highs.getRowsEntries(len(index), index)
        start = np.append(start, len(col))
        lower = np.empty(len(index))
        upper = np.empty(len(index))
        for n, row in enumerate(rows):
            lo, up, linear = self._walk_row(self.rows[row], row)
            lower[n], upper[n] = lo, up
            new = {}
            for key, coef in linear.items():
                j = self.col_of.get(key)
                if j is None:
                    raise StructureChanged(f"a new variable entered {self.rows[row].name}")
                new[j] = coef
            span = slice(start[n], start[n + 1])
            old = dict(zip(col[span].tolist(), value[span].tolist(), strict=True))
            for j, coef in new.items():
                if old.get(j) != coef:
                    highs.changeCoeff(row, j, coef)
            for j in old.keys() - new.keys():
                highs.changeCoeff(row, j, 0.0)
        self.row_lower[index], self.row_upper[index] = lower, upper
        highs.changeRowsBounds(len(index), index, lower, upper)

    def release_arrays(self) -> None:
        """Drop the matrix arrays once HiGHS holds the model (saves memory)."""
        self.row_start = self.row_start[-1:]
        self.row_index = np.zeros(0, np.int32)
        self.row_value = np.zeros(0)


# --------------------------------------------------------------------------------------------
# The LP strategy


def run_strategy(
    highs: highspy.Highs,
    methods: tuple[str, ...],
    options: dict[str, object],
    deadline: float | None,
    box: float,
    log: io.StringIO,
) -> list[SolvePhase]:
    """Run `methods` in turn on the model `highs` holds until one decides it (STRATEGIES).

    options: HiGHS options of every phase (without time_limit), over each method's own;
    deadline: `time.perf_counter()` value by which the whole strategy ends (None: none);
    box: the dual simplex's time box [s] when another method follows it; log: a line per phase.
    """
    phases: list[SolvePhase] = []
    for n, method in enumerate(methods):
        if n > 0 and not _try_next(phases[-1]):
            break
        remaining = None if deadline is None else max(0.0, deadline - time.perf_counter())
        # the simplex is boxed when another method follows and the box ends first
        boxed = (
            method == "simplex" and n < len(methods) - 1 and (remaining is None or box < remaining)
        )
        budget = box if boxed else remaining
        phases.append(_run_phase(highs, method, options, budget, boxed, log))
    return phases


def _run_phase(
    highs: highspy.Highs,
    method: str,
    options: dict[str, object],
    budget: float | None,
    boxed: bool,
    log: io.StringIO,
) -> SolvePhase:
    """One HiGHS run of `method` within `budget` seconds (None: no limit)."""
    chosen = {**METHOD_OPTIONS.get(method, {}), **options}
    if method == "ipm":
        chosen = {**chosen, **IPM_OPTIONS}
    # HiGHS's time limit counts its run time since the Highs object was made, over every run:
    # the budget is added to the time already used
    chosen["time_limit"] = _INF if budget is None else highs.getRunTime() + budget
    for key, value in chosen.items():
        if highs.setOptionValue(key, value) == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS option {key}={value!r} is not valid")
    what = {"simplex": "dual simplex", "ipm": "interior point (IPX) with crossover"}
    text = what.get(method, method)
    if budget is not None:
        text += f" (time {'box' if boxed else 'limit'} {budget:.1f} s)"
    log.write(f"dcplan solve strategy: {text}\n")
    start = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - start
    info = highs.getInfo()
    counts = (
        info.simplex_iteration_count,
        info.ipm_iteration_count,
        info.crossover_iteration_count,
    )
    iterations = sum(max(0, int(n)) for n in counts)
    status = highs.getModelStatus().name
    log.write(f"dcplan solve strategy: {text}: {status} after {seconds:.1f} s\n")
    return SolvePhase(method, status, budget, boxed, seconds, iterations)


# --------------------------------------------------------------------------------------------
# The solver


class ModelSolver:
    """HiGHS bound to one model; `solve` can be called again after changing mutable Params
    (re-solve without rebuilding: only what changed is sent, and HiGHS warm-starts)."""

    def __init__(self, model: pyo.ConcreteModel, options: SolveOptions | None = None):
        self.model = model
        self.options = options or SolveOptions()
        if self.options.interface not in INTERFACES:
            raise ValueError(f"interface must be one of {INTERFACES}")
        self.load_seconds = 0.0
        self.update_seconds = 0.0
        self.compiled: CompiledModel | None = None
        self.highs: highspy.Highs | None = None
        self.solver = None  # the Pyomo persistent solver (interface 'persistent')
        self._loaded = False
        self._log = io.StringIO()

    def load(self) -> float:
        """Pass the model to HiGHS (timed). Returns seconds."""
        start = time.perf_counter()
        if self.options.interface == "persistent":
            from pyomo.contrib.solver.solvers.highs import Highs

            self.solver = Highs()
            self.solver.set_instance(self.model)
        else:
            self._compile_and_pass()
        self.load_seconds = time.perf_counter() - start
        self._loaded = True
        return self.load_seconds

    def _compile_and_pass(self) -> None:
        self.compiled = CompiledModel(self.model)
        if self.highs is None:
            self.highs = highspy.Highs()
            self.highs.setOptionValue("log_to_console", False)
            self.highs.cbLogging.subscribe(self._on_log)
        self.compiled.pass_to(self.highs)
        self.compiled.release_arrays()

    def _on_log(self, event) -> None:
        self._log.write(event.message)
        if self.options.progress is not None:
            self.options.progress(event.message)

    def highs_options(self) -> dict[str, object]:
        """The HiGHS options of a solve: defaults (the dual simplex's; MIP_OPTIONS for a
        MILP), then solver_options, then the limits (time_limit: the whole solve's [s])."""
        o = self.options
        mip = self.compiled is not None and self.compiled.is_mip
        options: dict[str, object] = {
            **DEFAULT_HIGHS_OPTIONS,
            **(MIP_OPTIONS if mip else {}),
            **o.solver_options,
        }
        if o.time_limit is not None:
            options["time_limit"] = float(o.time_limit)
        if o.gap is not None:
            options["mip_rel_gap"] = float(o.gap)
        if o.threads is not None:
            options["threads"] = int(o.threads)
        return options

    def methods(self) -> tuple[str, ...]:
        """The methods this solve tries in turn (STRATEGIES); a MILP is one HiGHS MIP run,
        and a 'solver' in solver_options is that solver alone."""
        if self.compiled is not None and self.compiled.is_mip:
            return ("mip",)
        if "solver" in self.options.solver_options:
            return ("given",)
        if self.options.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {tuple(STRATEGIES)}")
        return STRATEGIES[self.options.strategy]

    def solve(self, want_duals: bool = True) -> SolveOutcome:
        """Solve (or re-solve) the model; Var values are set when there is a solution."""
        if not self._loaded:
            self.load()
        if self.options.interface == "persistent":
            return self._solve_persistent(want_duals)
        start = time.perf_counter()
        highs = self.highs
        assert highs is not None and self.compiled is not None
        # the model may have changed since it was loaded or last solved (a Param set between
        # load() and the first solve counts too): send what changed, or reload
        try:
            self.compiled.update(highs)
        except StructureChanged:
            self._compile_and_pass()
        self.update_seconds = time.perf_counter() - start
        self._log = io.StringIO()
        methods = self.methods()
        options = self.highs_options()
        limit = options.pop("time_limit", None)
        deadline = None if limit is None else start + float(limit)
        box = self.options.simplex_box
        if box is None:
            box = simplex_box(self.compiled.nnz)
        if methods == ("mip",):
            started = False
            if self.options.mip_start:
                from planner.mip_start import set_rounded_start

                start_by = None
                if deadline is not None:
                    now = time.perf_counter()
                    start_by = now + MIP_START_SHARE * max(0.0, deadline - now)
                text, started = set_rounded_start(self, start_by)
                self._log.write(text + "\n")
            # set either way: HiGHS keeps options between the solves of one model
            chosen = MIP_START_OPTIONS if started else MIP_NO_START_OPTIONS
            options = {**chosen, **options}
        phases = run_strategy(highs, methods, options, deadline, box, self._log)
        outcome = self._outcome(highs, want_duals, phases)
        outcome.seconds = time.perf_counter() - start
        return outcome

    def _outcome(
        self, highs: highspy.Highs, want_duals: bool, phases: list[SolvePhase]
    ) -> SolveOutcome:
        compiled = self.compiled
        assert compiled is not None
        model_status = highs.getModelStatus()
        info = highs.getInfo()
        status, termination = _STATUS.get(model_status, ("error", "error"))
        has_solution = info.primal_solution_status == 2  # 2: feasible
        if status in ("time_limit", "interrupted") and not has_solution:
            status = "no_solution" if status == "time_limit" else status
        duals: dict = {}
        objective = bound = gap = None
        if has_solution:
            solution = highs.getSolution()
            for v, x in zip(compiled.cols, solution.col_value, strict=True):
                v.set_value(x, skip_validation=True)
            StaleFlagManager.mark_all_as_stale(delayed=True)
            objective = float(info.objective_function_value)
            if compiled.is_mip:
                bound = float(info.mip_dual_bound)
            elif status == "optimal":
                bound = objective
            if want_duals and status == "optimal" and not compiled.is_mip and solution.dual_valid:
                duals = dict(zip(compiled.rows, solution.row_dual, strict=True))
        if objective is not None and bound is not None and math.isfinite(bound):
            gap = abs(objective - bound) / max(1e-9, abs(objective))
        return SolveOutcome(
            status=status,
            termination=termination,
            has_solution=has_solution,
            objective=objective,
            bound=bound,
            gap=gap,
            seconds=0.0,
            log=self._log.getvalue(),
            duals=duals,
            iterations=sum(p.iterations for p in phases),
            highs_seconds=sum(p.seconds for p in phases),
            method=phases[-1].method if phases else "",
            phases=phases,
        )

    def _solve_persistent(self, want_duals: bool) -> SolveOutcome:
        from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

        log = io.StringIO()
        options = self.highs_options()
        kwargs: dict = {
            "load_solutions": False,
            "raise_exception_on_nonoptimal_result": False,
            "tee": [log],
            "solver_options": options,
        }
        start = time.perf_counter()
        results = self.solver.solve(self.model, **kwargs)
        seconds = time.perf_counter() - start
        has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        name = results.termination_condition.name
        status = {
            TerminationCondition.convergenceCriteriaSatisfied: "optimal",
            TerminationCondition.maxTimeLimit: "time_limit",
            TerminationCondition.iterationLimit: "time_limit",
            TerminationCondition.objectiveLimit: "time_limit",
            TerminationCondition.provenInfeasible: "infeasible",
            TerminationCondition.unbounded: "unbounded",
            TerminationCondition.infeasibleOrUnbounded: "infeasible_or_unbounded",
            TerminationCondition.interrupted: "interrupted",
        }.get(results.termination_condition, "error")
        if status in ("time_limit", "interrupted") and not has_solution:
            status = "no_solution" if status == "time_limit" else status
        duals: dict = {}
        integer = any(
            not v.is_continuous()
            for v in self.model.component_data_objects(pyo.Var, active=True)
            if not v.fixed
        )
        if has_solution:
            results.solution_loader.load_vars()
            if want_duals and status == "optimal" and not integer:
                duals = results.solution_loader.get_duals()
        objective = results.incumbent_objective
        bound = results.objective_bound
        gap = None
        if objective is not None and bound is not None:
            gap = abs(objective - bound) / max(1e-9, abs(objective))
        extra = results.extra_info
        return SolveOutcome(
            status=status,
            termination=name,
            has_solution=has_solution,
            objective=objective,
            bound=bound,
            gap=gap,
            seconds=seconds,
            log=log.getvalue(),
            duals=duals,
            iterations=int(
                max(0, getattr(extra, "simplex_iteration_count", 0) or 0)
                + max(0, getattr(extra, "ipm_iteration_count", 0) or 0)
            ),
            highs_seconds=float(getattr(results.timing_info, "highs_time", seconds) or seconds),
        )
