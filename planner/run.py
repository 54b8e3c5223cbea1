"""One optimisation run: load → prepare → build → solve → collect → write, each phase timed.

`solve_case` does everything up to the result tables in memory (used by tests, benchmarks),
through one `planner.pipeline.Pipeline`. `run` adds the atomic results folder.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from planner.inputs.case import Case, load_case
from planner.pipeline import Phase, Pipeline, RunOptions, Solved, _noop

log = logging.getLogger("dcplan")


def solve_case(
    case: Case, options: RunOptions | None = None, on_phase: Phase = _noop, explain: bool = True
) -> Solved:
    """Prepare, build, solve and collect results for a loaded case (phases prepare, build,
    load, solve, extract; diagnose when infeasible and `explain`); with `options.redispatch`,
    also re-dispatch a typical-day plan over the full year (phase redispatch)."""
    options = options or RunOptions()
    pipeline = Pipeline(case, options, on_phase=on_phase)
    solved = pipeline.run(explain=explain)
    data = pipeline.data
    if options.redispatch and solved.results is not None and data.time.mode != "full":
        from planner.redispatch import redispatch

        with pipeline.timer.phase("redispatch"):
            solved.redispatch = redispatch(case, solved.results)
        solved.timings = dict(pipeline.timings)
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
