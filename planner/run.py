"""One optimisation run: load → prepare → build → solve → collect → write, each phase timed.

`solve_case` does everything up to the result tables in memory (used by tests, benchmarks),
through one `planner.pipeline.Pipeline`. `run` adds the atomic results folder.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
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
    also re-dispatch a typical-day plan over the full year (phase redispatch); with
    `options.hold_full_year`, tighten its targets until the full year meets them
    (`planner.hold`; `Solved.hold_rounds` lists the rounds)."""
    options = options or RunOptions()
    pipeline = Pipeline(case, options, on_phase=on_phase)
    if options.hold_full_year:
        pipeline.prepare()
        if pipeline.data.time.mode != "full":
            from planner.hold import hold_full_year, rounds_table

            solved, history = hold_full_year(pipeline, options.hold_rounds)
            solved.hold_rounds = rounds_table(history)
            if solved.results is None and explain:
                pipeline.explain()
                solved = pipeline.solved()
                solved.hold_rounds = rounds_table(history)
            return solved
    solved = pipeline.run(explain=explain)
    data = pipeline.data
    if options.redispatch and solved.results is not None and data.time.mode != "full":
        from planner.redispatch import RedispatchOptions, redispatch

        with pipeline.timer.phase("redispatch"):
            progress = RedispatchOptions(progress=options.progress)
            solved.redispatch = redispatch(case, solved.results, progress)
        solved.timings = dict(pipeline.timings)
    return solved


class EnvironmentFailure(Exception):
    """The machine, not the input, stopped the run: disk full, permission denied, out of
    memory, solver crash (exit code 4). `resource` names the path or resource."""

    def __init__(self, resource: str, message: str):
        super().__init__(f"{resource}: {message}")
        self.resource = resource
        self.message = message


# errno values that say the path given is wrong (bad input, exit 2); any other OSError is
# the environment's (disk full, permission denied, read-only file system, I/O error: exit 4)
INPUT_ERRNOS = frozenset(
    {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG}
)


def environment_failure(exc: BaseException, resource: str = "") -> EnvironmentFailure | None:
    """The EnvironmentFailure an exception stands for, or None when it is not one."""
    if isinstance(exc, EnvironmentFailure):
        return exc
    if isinstance(exc, MemoryError):
        return EnvironmentFailure(resource or "memory", "out of memory")
    if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
        if exc.errno is None or exc.errno in INPUT_ERRNOS:
            return None
        where = exc.filename or resource or "file system"
        return EnvironmentFailure(str(where), exc.strerror or str(exc))
    return None


def _case_name(case_path: Path) -> str:
    return case_path.stem if case_path.is_file() else case_path.name


def _profile_paths(case: Case, case_path: Path) -> list[Path]:
    """The profile files a loaded case read (relative to the folder holding the case)."""
    from planner.inputs.schema import BY_NAME
    from planner.inputs.tables import case_base_dir

    frame = case.raw.get("Profiles")
    header = BY_NAME["Profiles"].column("file").header
    if frame is None or header not in frame.columns:
        return []
    base = case_base_dir(case_path)
    return [base / str(f) for f in frame[header] if isinstance(f, str) and f.strip()]


def run(
    case_path: Path | str,
    options: RunOptions | None = None,
    out: Path | None = None,
    overwrite: bool = False,
    on_phase: Phase = _noop,
    command: str = "",
) -> RunRecord:
    """Load, solve and write a results folder atomically.

    The output location is checked before anything is read or solved (`writers.check_target`:
    --overwrite replaces only a folder dcplan wrote, never one that holds the case), and the
    temporary folder the run writes into is made at once (`writers.reserve_target`, which also
    removes the leftovers of killed runs), so a long solve never ends in "cannot write".
    Raises InputErrors / CaseReadError on bad input, FileExistsError when `out` exists and
    overwrite is False, OutputError for a location that cannot take the folder,
    EnvironmentFailure (disk full, permission denied, out of memory, solver crash) and
    Interrupted / KeyboardInterrupt; in every case no partial folder is left behind."""
    from planner.writers import (
        RECEIVED,
        check_target,
        raise_if_interrupted,
        reserve_target,
        run_dir_for,
        write_run,
    )

    options = options or RunOptions()
    case_path = Path(case_path)
    started = time.perf_counter()
    RECEIVED.clear()
    target = Path(out) if out is not None else run_dir_for(_case_name(case_path), options.scenario)
    check_target(target, overwrite, inputs=[case_path])
    made = [d for d in target.parents if not d.exists()]  # folders a failed run removes again
    try:
        temp = reserve_target(target)
    except OSError as exc:
        failure = environment_failure(exc, str(target))
        if failure is None:
            raise
        raise EnvironmentFailure(
            str(target), f"cannot create the results folder here ({failure.message})"
        ) from exc
    try:
        on_phase("read")
        t0 = time.perf_counter()
        case = load_case(case_path, options.scenario)
        read_s = round(time.perf_counter() - t0, 4)
        check_target(target, overwrite, inputs=_profile_paths(case, case_path))
        try:
            solved = solve_case(case, options, on_phase)
        except (RuntimeError, SystemError) as exc:  # HiGHS' C++ exceptions arrive as these
            raise EnvironmentFailure(
                "solver", f"crashed during the solve: {type(exc).__name__}: {exc}"
            ) from exc
        raise_if_interrupted()  # a signal during the solve that the solver swallowed
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
            temp=temp,
        )
    except BaseException as exc:
        shutil.rmtree(temp, ignore_errors=True)
        for folder in made:  # innermost first; one that holds something else stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        failure = environment_failure(exc)
        if failure is not None and failure is not exc:
            raise failure from exc
        raise
    solved.timings["write"] = round(time.perf_counter() - t1, 4)
    return RunRecord(folder, solved)


@dataclass
class RunRecord:
    """A written results folder and the run in memory."""

    folder: Path
    solved: Solved

    @property
    def exit_code(self) -> int:
        return self.solved.outcome.exit_code
