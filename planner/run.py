"""One optimisation run: load → prepare → build → solve → collect → write, each phase timed.

`solve_case` does everything up to the result tables in memory (used by tests, sweeps,
benchmarks). `run` adds the atomic results folder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from models.build import BuildOptions, build
from planner.inputs.case import Case, load_case
from planner.prepare import ModelData, prepare
from planner.results import Results, collect
from planner.solve import ModelSolver, SolveOptions, SolveOutcome

log = logging.getLogger("dcplan")


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

    def as_dict(self) -> dict:
        return {
            "scenario": self.scenario or "baseline",
            "time": self.time,
            "mip": self.mip,
            "time_limit": self.time_limit,
            "gap": self.gap,
            "threads": self.threads,
            "redispatch": self.redispatch,
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


Phase = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def solve_case(
    case: Case, options: RunOptions | None = None, on_phase: Phase = _noop, explain: bool = True
) -> Solved:
    """Prepare, build, solve and collect results for a loaded case."""
    options = options or RunOptions()
    timings: dict[str, float] = {}

    def timed(name: str, fn):
        on_phase(name)
        start = time.perf_counter()
        value = fn()
        timings[name] = round(time.perf_counter() - start, 4)
        log.info("phase %s: %.3f s", name, timings[name])
        return value

    data = timed("prepare", lambda: prepare(case, options.time))
    model = timed("build", lambda: build(data, BuildOptions(mip=options.mip)))
    solver = ModelSolver(
        model, SolveOptions(time_limit=options.time_limit, gap=options.gap, threads=options.threads)
    )
    timed("load", solver.load)
    outcome = timed("solve", solver.solve)
    log.info(
        "solver status %s (%s), objective %s",
        outcome.status,
        outcome.termination,
        outcome.objective,
    )
    results = None
    explanation = None
    run_options = {**options.as_dict(), "time": data.time.mode}
    redispatched = None
    if outcome.has_solution:
        results = timed("extract", lambda: collect(model, data, outcome, run_options))
        if options.redispatch and data.time.mode != "full":
            from planner.redispatch import redispatch

            redispatched = timed("redispatch", lambda: redispatch(case, results))
    elif explain and outcome.status in ("infeasible", "infeasible_or_unbounded"):
        from planner.diagnose import explain_infeasibility

        explanation = timed("diagnose", lambda: explain_infeasibility(data, options, outcome))
    solved = Solved(case, data, model, outcome, results, timings, explanation, solver)
    solved.redispatch = redispatched
    return solved


def run(
    case_path: Path | str,
    options: RunOptions | None = None,
    out: Path | None = None,
    overwrite: bool = False,
    on_phase: Phase = _noop,
    command: str = "",
) -> RunRecord:
    """Load, solve and write a results folder atomically. Raises InputErrors on bad input,
    FileExistsError when `out` exists and overwrite is False."""
    from planner.writers import default_run_dir, write_run

    options = options or RunOptions()
    case_path = Path(case_path)
    started = time.perf_counter()
    on_phase("read")
    t0 = time.perf_counter()
    case = load_case(case_path, options.scenario)
    read_s = round(time.perf_counter() - t0, 4)
    target = Path(out) if out is not None else default_run_dir(case)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; use --overwrite to replace it")
    solved = solve_case(case, options, on_phase)
    solved.timings = {"read": read_s, **solved.timings}
    on_phase("write")
    t1 = time.perf_counter()
    folder = write_run(
        solved,
        target,
        options,
        overwrite=overwrite,
        command=command,
        case_path=case_path,
        started=started,
    )
    solved.timings["write"] = round(time.perf_counter() - t1, 4)
    return RunRecord(folder, solved)


@dataclass
class RunRecord:
    folder: Path
    solved: Solved

    @property
    def exit_code(self) -> int:
        return self.solved.outcome.exit_code
