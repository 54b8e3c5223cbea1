"""One case through prepare → build → load → solve → collect → explain, every phase timed.

`Pipeline` is the one way a case becomes a solved model and result tables; `planner.run`
(one run), `planner.sweep` (a point, possibly on a model built for an earlier point),
`planner.pareto` (one model re-solved along a front) and `planner.redispatch` (one LP per
site, capacities fixed) all drive it:

    pipeline = Pipeline(case, RunOptions(time="typical:8"))
    solved = pipeline.run()             # prepare, build, load, solve, collect (or explain)
    pipeline.update(changed_case)       # True: the built model now holds the changed case
    solved = pipeline.run()             # solve, collect: HiGHS warm-starts, nothing rebuilt

It keeps the ModelData, the Pyomo model and its loaded `ModelSolver`, so a re-solve after a
change of mutable Params (by `update`, or set directly as `planner.pareto` does) sends only
what changed. Its one `Timer` records the seconds of each phase (the `timings_s` of a run's
manifest and summary) and reports each phase as it starts (`on_phase`, for progress lines).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pandas as pd
import pyomo.environ as pyo

from models.build import BuildOptions, build
from planner.inputs.case import Case
from planner.prepare import ModelData, prepare
from planner.results import Results, collect
from planner.solve import ModelSolver, SolveOptions, SolveOutcome

log = logging.getLogger("dcplan")

# Statuses whose cause `Pipeline.explain` looks for (an elastic copy of the model).
INFEASIBLE = ("infeasible", "infeasible_or_unbounded")


@dataclass(frozen=True)
class RunOptions:
    """What a run does: scenario, time resolution, MILP mode and solver limits."""

    scenario: str | None = None
    time: str | None = None  # None: the case's Settings time
    mip: bool = False
    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    redispatch: bool = False  # also dispatch the plan over the full year (planner.redispatch)
    # what the console shows while it runs: each line HiGHS logs, and the re-dispatch's
    # "site groups done / total"; not part of the run's record
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    hold_full_year: bool = False  # tighten targets until the full year meets them (planner.hold)
    hold_rounds: int = 4  # at most this many tightenings with hold_full_year

    def as_dict(self) -> dict:
        return {
            "scenario": self.scenario or "baseline",
            "time": self.time,
            "mip": self.mip,
            "time_limit": self.time_limit,
            "gap": self.gap,
            "threads": self.threads,
            "redispatch": self.redispatch,
            **(
                {"hold_full_year": True, "hold_rounds": self.hold_rounds}
                if self.hold_full_year
                else {}
            ),
        }


@dataclass
class Solved:
    """A solved (or failed) run in memory."""

    case: Case
    data: ModelData
    model: object
    outcome: SolveOutcome
    results: Results | None
    timings: dict[str, float] = field(default_factory=dict)
    explanation: dict | None = None
    solver: ModelSolver | None = None  # loaded; change mutable Params and .solve() again
    redispatch: pd.DataFrame | None = None  # full-year re-dispatch table (planner.redispatch)
    hold_rounds: pd.DataFrame | None = None  # rounds of --hold-full-year (planner.hold)


Phase = Callable[[str], None]


def _noop(_: str) -> None:
    return None


class Timer:
    """Wall seconds of named phases [s], rounded to 0.1 ms, in the order they ran.

    `phase(name)` times a block and calls `on_phase(name)` as it starts. A phase opened
    inside another is part of the outer one (neither timed nor reported on its own), so a
    caller can time a step of its own together with a pipeline step under one name. A name
    timed again replaces its earlier seconds."""

    def __init__(self, on_phase: Phase = _noop):
        self.on_phase = on_phase
        self.timings: dict[str, float] = {}
        self._open: str | None = None

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self._open is not None:
            yield
            return
        self.on_phase(name)
        self._open = name
        start = time.perf_counter()
        try:
            yield
        finally:
            self._open = None
        self.record(name, time.perf_counter() - start)

    def record(self, name: str, seconds: float) -> None:
        """Record `seconds` [s] measured by the caller as phase `name`."""
        self.timings[name] = round(seconds, 4)
        log.info("phase %s: %.3f s", name, self.timings[name])

    def reset(self) -> None:
        """Forget every phase (a new case on the same pipeline starts its own timings)."""
        self.timings = {}


Extend = Callable[[pyo.ConcreteModel, ModelData], None]


class Pipeline:
    """One case through prepare, build, load, solve, collect and explain (module doc).

    options: time resolution (`time`), MILP mode (`mip`) and solver limits (`time_limit` [s],
    `gap` [-], `threads`) as for a run; solver_options: raw HiGHS options for every solve;
    extend(model, data): what a caller adds to the built model before it is loaded (timed
    as part of build), e.g. a second objective or fixed capacities; on_phase: called with
    each phase's name as it starts.

    Each step runs the steps before it that have not run yet, so `solve()` on a new pipeline
    prepares, builds and loads first. After `solve`, `results` and `explanation` belong to
    that solve until the next one."""

    def __init__(
        self,
        case: Case,
        options: RunOptions | None = None,
        *,
        solver_options: dict | None = None,
        extend: Extend | None = None,
        on_phase: Phase = _noop,
    ):
        self.case = case
        self.options = options or RunOptions()
        self.solve_options = SolveOptions(
            time_limit=self.options.time_limit,
            gap=self.options.gap,
            threads=self.options.threads,
            solver_options=dict(solver_options or {}),
            progress=self.options.progress,
        )
        self.extend = extend
        self.timer = Timer(on_phase)
        self.data: ModelData | None = None
        self.model: pyo.ConcreteModel | None = None
        self.solver: ModelSolver | None = None
        self.outcome: SolveOutcome | None = None
        self.results: Results | None = None
        self.explanation: dict | None = None

    @property
    def timings(self) -> dict[str, float]:
        """Seconds of each phase of the current case [s] (the Timer's)."""
        return self.timer.timings

    # ---- the phases

    def prepare(self) -> ModelData:
        """Derive the model data of the case (planner.prepare), phase 'prepare'."""
        with self.timer.phase("prepare"):
            self.data = prepare(self.case, self.options.time)
        return self.data

    def build(self) -> pyo.ConcreteModel:
        """Build the Pyomo model (models.build, then `extend`), phase 'build'."""
        data = self.data if self.data is not None else self.prepare()
        with self.timer.phase("build"):
            model = build(data, BuildOptions(mip=self.options.mip))
            if self.extend is not None:
                self.extend(model, data)
        self.model = model
        self.solver = None
        return model

    def load(self) -> ModelSolver:
        """Pass the model to HiGHS (planner.solve.ModelSolver), phase 'load'."""
        model = self.model if self.model is not None else self.build()
        solver = ModelSolver(model, self.solve_options)
        with self.timer.phase("load"):
            solver.load()
        self.solver = solver
        return solver

    def solve(self, want_duals: bool = True, phase: str = "solve") -> SolveOutcome:
        """Solve, or re-solve after changes to mutable Params (only what changed is sent to
        HiGHS, which warm-starts); timed as `phase`. Var values are set when there is a
        solution."""
        solver = self.solver if self.solver is not None else self.load()
        with self.timer.phase(phase):
            outcome = solver.solve(want_duals=want_duals)
        log.info(
            "solver status %s (%s), objective %s",
            outcome.status,
            outcome.termination,
            outcome.objective,
        )
        self.outcome = outcome
        self.results = None
        self.explanation = None
        return outcome

    def run_options(self) -> dict:
        """The options a run records in its summary (`time` as resolved for the case)."""
        assert self.data is not None
        return {**self.options.as_dict(), "time": self.data.time.mode}

    def collect(self) -> Results | None:
        """Result tables of the last solve (planner.results), phase 'extract'; None without a
        solution."""
        if self.outcome is None or not self.outcome.has_solution:
            return None
        assert self.model is not None and self.data is not None
        with self.timer.phase("extract"):
            self.results = collect(self.model, self.data, self.outcome, self.run_options())
        return self.results

    def explain(self) -> dict | None:
        """Why the last solve is infeasible (planner.diagnose), phase 'diagnose'; None when it
        is not."""
        if self.outcome is None or self.outcome.status not in INFEASIBLE:
            return None
        from planner.diagnose import explain_infeasibility

        assert self.data is not None
        with self.timer.phase("diagnose"):
            self.explanation = explain_infeasibility(self.data, self.options, self.outcome)
        return self.explanation

    def update(self, case: Case) -> bool:
        """Put `case` onto the built model by changing its mutable Params, if the cells that
        differ from the current case only feed mutable Params. True: done, the next `solve`
        re-solves for `case` (timings restart with phase 'update', reported to `on_phase` once
        it has succeeded). False: the model would have to be rebuilt; nothing was changed.

        The one place where a changed case meets a built model: `planner.params.reuse_plan`
        re-derives the case on the model's time steps (`planner.prepare.derive`) and
        `models.update` pushes the changed values into the model."""
        from models.update import update
        from planner.params import reuse_plan

        if self.model is None or self.data is None:
            return False
        start = time.perf_counter()
        plan = reuse_plan(self.model, self.data, case)
        if not plan.reusable:
            return False
        update(self.model, plan.data)
        self.case, self.data = case, plan.data
        self.outcome, self.results, self.explanation = None, None, None
        self.timer.reset()
        self.timer.on_phase("update")
        self.timer.record("update", time.perf_counter() - start)
        return True

    # ---- all of it

    def run(self, explain: bool = True) -> Solved:
        """Solve the current case (preparing, building and loading first if not done yet),
        then collect the results, or with `explain` say why it is infeasible."""
        outcome = self.solve()
        if outcome.has_solution:
            self.collect()
        elif explain:
            self.explain()
        return self.solved()

    def solved(self, detached: bool = False) -> Solved:
        """The last solve as a `Solved`, with a copy of the timings. `detached`: without the
        Pyomo model, solver and duals (picklable: what worker processes send back)."""
        assert self.data is not None and self.outcome is not None
        outcome = replace(self.outcome, duals={}) if detached else self.outcome
        return Solved(
            self.case,
            self.data,
            None if detached else self.model,
            outcome,
            self.results,
            dict(self.timings),
            self.explanation,
            None if detached else self.solver,
        )


__all__ = ["INFEASIBLE", "Phase", "Pipeline", "RunOptions", "Solved", "Timer"]
