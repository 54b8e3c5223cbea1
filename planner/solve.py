"""Solve a built model with HiGHS through Pyomo's persistent interface; map the status.

The persistent interface (`pyomo.contrib.solver` Highs) loads the model into highspy once;
after changing mutable Params, `resolve` updates only what changed and warm-starts.
Status → CLI exit code: optimal 0; infeasible/unbounded 1; time/iteration limit with a
solution → written with status time_limit (0); without a solution 3.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs


@dataclass(frozen=True)
class SolveOptions:
    """time_limit [s]; gap: relative MIP gap; threads; solver_options: raw HiGHS options."""

    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    solver_options: dict = field(default_factory=dict)


@dataclass
class SolveOutcome:
    """status: optimal | time_limit | infeasible | unbounded | infeasible_or_unbounded |
    no_solution | error. objective in M yuan/yr (None without a solution)."""

    status: str
    termination: str
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    log: str
    duals: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        if self.status in ("optimal", "time_limit") and self.has_solution:
            return 0
        if self.status in ("infeasible", "unbounded", "infeasible_or_unbounded"):
            return 1
        return 3


_STATUS = {
    TerminationCondition.convergenceCriteriaSatisfied: "optimal",
    TerminationCondition.maxTimeLimit: "time_limit",
    TerminationCondition.iterationLimit: "time_limit",
    TerminationCondition.objectiveLimit: "time_limit",
    TerminationCondition.provenInfeasible: "infeasible",
    TerminationCondition.locallyInfeasible: "infeasible",
    TerminationCondition.unbounded: "unbounded",
    TerminationCondition.infeasibleOrUnbounded: "infeasible_or_unbounded",
    TerminationCondition.interrupted: "interrupted",
}


class ModelSolver:
    """A HiGHS persistent solver bound to one model; `solve` can be called again after
    changing mutable parameters (re-solve without rebuilding)."""

    def __init__(self, model: pyo.ConcreteModel, options: SolveOptions | None = None):
        self.model = model
        self.options = options or SolveOptions()
        self.solver = Highs()
        self.load_seconds = 0.0
        self._loaded = False

    def load(self) -> float:
        """Pass the model to HiGHS (timed). Returns seconds."""
        start = time.perf_counter()
        self.solver.set_instance(self.model)
        self.load_seconds = time.perf_counter() - start
        self._loaded = True
        return self.load_seconds

    def solve(self, want_duals: bool = True) -> SolveOutcome:
        if not self._loaded:
            self.load()
        o = self.options
        log = io.StringIO()
        kwargs: dict = {
            "load_solutions": False,
            "raise_exception_on_nonoptimal_result": False,
            "tee": [log],
            "solver_options": dict(o.solver_options),
        }
        if o.time_limit is not None:
            kwargs["time_limit"] = float(o.time_limit)
        if o.gap is not None:
            kwargs["rel_gap"] = float(o.gap)
        if o.threads is not None:
            kwargs["threads"] = int(o.threads)
        start = time.perf_counter()
        results = self.solver.solve(self.model, **kwargs)
        seconds = time.perf_counter() - start
        has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        status = _STATUS.get(results.termination_condition, "error")
        if status in ("time_limit", "interrupted") and not has_solution:
            status = "no_solution" if status == "time_limit" else status
        duals: dict = {}
        if has_solution:
            results.solution_loader.load_vars()
            if want_duals and status == "optimal" and not _has_integers(self.model):
                duals = results.solution_loader.get_duals()
        objective = results.incumbent_objective
        bound = results.objective_bound
        gap = None
        if objective is not None and bound is not None:
            gap = abs(objective - bound) / max(1e-9, abs(objective))
        return SolveOutcome(
            status=status,
            termination=str(results.termination_condition.name),
            has_solution=has_solution,
            objective=objective,
            bound=bound,
            gap=gap,
            seconds=seconds,
            log=log.getvalue(),
            duals=duals,
        )


def _has_integers(model: pyo.ConcreteModel) -> bool:
    return any(
        not v.is_continuous()
        for v in model.component_data_objects(pyo.Var, active=True)
        if not v.fixed
    )
