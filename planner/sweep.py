"""Parameter sweeps: one normal results folder per point, a sweep table and trade-off charts.

`run_sweep` (behind `dcplan sweep`):
1. reads and validates the case (scenario applied), resolves every `--vary` name to an input
   cell (planner.params), checks every value, and builds every point's case (each point's
   values are scenario overrides on the raw tables, so each point is validated as a whole)
   before anything is solved;
2. skips points whose results folder is complete (manifest hashes intact) and was made from
   the same inputs (inputs fingerprint) with the same time and MILP options: a sweep that was
   interrupted is resumed by running the same command again;
3. solves the rest in this process (default), in N local worker processes (`workers`, a
   `dask.distributed.LocalCluster`), or on a running Dask scheduler (`scheduler`); every task
   carries the case's raw tables and hourly profiles (sent to each worker once), so workers
   need only the installed package. Within one process, a point re-uses a model built for an
   earlier point (a kept `planner.pipeline.Pipeline`, `Pipeline.update`) when the cells that
   differ only feed mutable Params;
4. writes each point's folder here, in the client, as results come back (workers return
   result tables, never files), then `sweep.csv` (one row per point) and `sweep.html`.
A failed or infeasible point is recorded with its reason and the sweep goes on.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.case import Case, build_case
from planner.inputs.errors import InputError, InputErrors
from planner.inputs.scenarios import apply_scenario
from planner.inputs.schema import SCENARIOS
from planner.inputs.tables import RawTables, case_base_dir, read_tables
from planner.inputs.validate import match_headers
from planner.params import Parameter, ParameterError, parse_value, resolve, value_text
from planner.pipeline import Pipeline, RunOptions, Solved

log = logging.getLogger("dcplan.sweep")

SWEEP_CSV = "sweep.csv"
SWEEP_HTML = "sweep.html"
SWEEP_JSON = "sweep.json"
POINTS_DIR = "points"
MAX_CACHED_MODELS = 2  # built models kept per worker process (memory: one model each)
NOISE = 1e-9  # |value| below this in a point's result tables is written as 0
SUMMARY_COLUMNS = (
    "objective_myuan",
    "emissions_t",
    "west_share",
    "green_share",
    "pue_avg",
    "water_m3",
    "unserved_mw",
    "it_capacity_mw",
    "pv_mw",
    "wind_mw",
    "battery_mwh",
)
# Columns that describe how a point was run, not its result (differ between executions).
EXECUTION_COLUMNS = ("solved_now", "model_reused", "worker", "seconds")
_RANGE = re.compile(r"^\s*([^:]+):([^:]+):([^:]+)\s*$")


class SweepInputError(ValueError):
    """Bad sweep arguments or a point whose inputs do not validate (exit code 2). `problems`
    holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# ----------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Axis:
    """One varied input: `label` as the user wrote it, the cell, and its typed values."""

    label: str
    parameter: Parameter
    values: tuple[object, ...]


def parse_vary(text: str) -> tuple[str, list[str]]:
    """'PARAM=v1,v2,…' → (PARAM, [v1, v2, …]); a value 'start:stop:step' expands to the numbers
    from start to stop (inclusive) in steps of step."""
    if "=" not in text:
        raise ParameterError(f"--vary '{text}': expected PARAM=v1,v2,…")
    name, values = text.split("=", 1)
    name = name.strip()
    items: list[str] = []
    for token in values.split(","):
        items.extend(_expand(token.strip()))
    if not name or not items:
        raise ParameterError(f"--vary '{text}': expected PARAM=v1,v2,…")
    return name, items


def _expand(token: str) -> list[str]:
    match = _RANGE.match(token)
    if not match:
        return [token]
    try:
        start, stop, step = (float(x) for x in match.groups())
    except ValueError:
        return [token]  # not numbers ('typical:4' is a value, not a range)
    if step <= 0 or stop < start:
        raise ParameterError(f"range '{token}': expected start:stop:step with step > 0")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > 10_000:
        raise ParameterError(f"range '{token}' has {count} values")
    return [f"{start + i * step:.12g}" for i in range(count)]


def make_axes(varies: Sequence[str], case: Case) -> list[Axis]:
    """Resolve and check every `--vary`; all problems are raised together."""
    problems: list[str] = []
    axes: list[Axis] = []
    seen: dict[Parameter, str] = {}
    for text in varies:
        try:
            label, items = parse_vary(text)
            parameter = resolve(label, case)
        except ParameterError as exc:
            problems.append(str(exc))
            continue
        if parameter in seen:
            problems.append(f"{label}: the same input as {seen[parameter]} (vary it once)")
            continue
        seen[parameter] = label
        values = []
        for item in items:
            try:
                values.append(parse_value(parameter, item))
            except ParameterError as exc:
                problems.append(str(exc))
        axes.append(Axis(label, parameter, tuple(values)))
    if not varies:
        problems.append("nothing to vary: give at least one --vary PARAM=v1,v2,…")
    if problems:
        raise SweepInputError(problems)
    return axes


@dataclass(frozen=True)
class Point:
    """One point of a sweep: index in the grid, and (axis label, cell, value) per axis."""

    index: int
    settings: tuple[tuple[str, Parameter, object], ...]

    @property
    def label(self) -> str:
        return ", ".join(f"{label}={value_text(v) or 'blank'}" for label, _, v in self.settings)

    @property
    def folder_name(self) -> str:
        """'003_carbon_price=100' (file-name safe, at most ~80 characters, unique by index)."""
        parts = "_".join(f"{label}={value_text(v) or 'blank'}" for label, _, v in self.settings)
        parts = parts.replace("*", "x")  # wildcard rows and factors: 'Demand.all.demand=x1.3'
        safe = re.sub(r"[^A-Za-z0-9._=+-]+", "-", parts).strip("-")
        return f"{self.index:03d}_{safe[:72]}"

    def scenario_name(self, base: str | None) -> str:
        """'baseline+carbon_price=100'; a two-part id's '/' is written ':' (a scenario name
        cannot hold a path separator, see planner.inputs.validate.scenario_name_problem)."""
        label = self.label.replace(", ", "+").replace("/", ":").replace("\\", ":")
        return f"{base or 'baseline'}+{label}"


def grid(axes: Sequence[Axis], zipped: bool = False) -> list[Point]:
    """Every combination of the axes' values (first axis varies slowest), or with `zipped`
    the i-th value of every axis together (all axes must have the same length)."""
    if zipped:
        lengths = {len(a.values) for a in axes}
        if len(lengths) > 1:
            detail = ", ".join(f"{a.label}: {len(a.values)}" for a in axes)
            raise SweepInputError([f"--zip needs lists of equal length ({detail})"])
        combos = list(zip(*(a.values for a in axes), strict=True))
    else:
        combos = list(itertools.product(*(a.values for a in axes)))
    return [
        Point(i, tuple((a.label, a.parameter, v) for a, v in zip(axes, combo, strict=True)))
        for i, combo in enumerate(combos)
    ]


# ----------------------------------------------------------------------------- the case


@dataclass(frozen=True)
class CasePayload:
    """What a task carries: the raw tables as read (with their Scenarios sheet), the hourly
    profiles (frames with an `hour` column), the base scenario and the base case fingerprint."""

    name: str
    raw: RawTables
    profiles: dict[str, pd.DataFrame]
    scenario: str | None
    fingerprint: str

    @classmethod
    def from_case(cls, raw: RawTables, case: Case) -> CasePayload:
        profiles = {k: v.rename_axis("hour").reset_index() for k, v in case.profiles.items()}
        scenario = None if case.scenario == "baseline" else case.scenario
        return cls(case.name, raw, profiles, scenario, case.fingerprint())


def point_case(payload: CasePayload, point: Point) -> Case:
    """The validated case of one point: base scenario applied, then the point's values as the
    rows of a scenario named after the point. Raises InputErrors."""
    applied, problems = apply_scenario(payload.raw, payload.scenario)
    if problems:
        raise InputErrors(problems)
    name = point.scenario_name(payload.scenario)
    applied["Scenarios"] = _with_rows(applied.get("Scenarios"), name, point)
    return build_case(applied, None, payload.name, scenario=name, profiles=payload.profiles)


def _with_rows(frame: pd.DataFrame | None, scenario: str, point: Point) -> pd.DataFrame:
    columns = [c.name for c in SCENARIOS.columns]
    if frame is None or frame.empty or len(frame.columns) == 0:
        headers = {c.name: c.header for c in SCENARIOS.columns}
        frame = pd.DataFrame(columns=[headers[c] for c in columns], dtype=object)
        frame.index = pd.RangeIndex(2, 2)
    else:
        frame = frame.copy()
        present, _ = match_headers(SCENARIOS, [str(c) for c in frame.columns])
        headers = {c.name: present.get(c.name, c.header) for c in SCENARIOS.columns}
    for header in headers.values():
        if header not in frame.columns:
            frame[header] = None
    frame = frame.astype(object)
    row = max((int(i) for i in frame.index), default=1) + 1
    for label, parameter, value in point.settings:
        cells = {
            "scenario": scenario,
            "sheet": parameter.sheet,
            "key": parameter.row,
            "column": parameter.column,
            "value": None if value is None else value_text(value),
            "note": f"sweep: {label}",
        }
        frame.loc[row] = {h: cells.get(c) for c, h in headers.items()} | {
            h: None for h in frame.columns if h not in headers.values()
        }
        row += 1
    return frame


# ----------------------------------------------------------------------------- one point


@dataclass(frozen=True)
class SweepOptions:
    """How every point is run: base scenario, time resolution, MILP mode, solver limits, and
    whether a built model is re-used across points (`reuse`)."""

    scenario: str | None = None
    time: str | None = None
    mip: bool = False
    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    reuse: bool = True
    explain: bool = True

    def run_options(self) -> RunOptions:
        return RunOptions(
            scenario=self.scenario,
            time=self.time,
            mip=self.mip,
            time_limit=self.time_limit,
            gap=self.gap,
            threads=self.threads,
        )


@dataclass
class PointOutcome:
    """What a worker returns for one point. solved: the run in memory without the Pyomo model
    (None when the point failed before solving). status: the solver status, 'input_error' or
    'error'. reason: why a point has no solution ('' when it has one)."""

    index: int
    status: str
    reason: str = ""
    solved: Solved | None = None
    reused: bool = False
    worker: str = ""
    seconds: float = 0.0


# Pipelines (built, loaded models) kept for re-use, newest last, keyed by base case and options.
_CACHE: dict[tuple, list[Pipeline]] = {}
_LOCK = threading.Lock()


def clear_model_cache() -> None:
    """Forget the models kept for re-use in this process."""
    with _LOCK:
        _CACHE.clear()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_point(payload: CasePayload, point: Point, options: SweepOptions) -> PointOutcome:
    """Solve one point (in a worker process, or in this one). Never raises: a failure is
    returned as a PointOutcome with status 'input_error' or 'error' and the reason."""
    start = time.perf_counter()
    with _LOCK:
        try:
            outcome = _run_point(payload, point, options)
        except InputErrors as exc:
            outcome = PointOutcome(point.index, "input_error", _problems_text(exc.problems))
        except Exception as exc:  # a failed point must not stop the sweep
            log.exception("point %s failed", point.index)
            _CACHE.clear()  # a model that failed mid-way is not re-used
            outcome = PointOutcome(point.index, "error", f"{type(exc).__name__}: {exc}")
    outcome.worker = _worker_name()
    outcome.seconds = round(time.perf_counter() - start, 4)
    return outcome


def _problems_text(problems: list[InputError]) -> str:
    errors = [p for p in problems if p.severity == "error"] or problems
    return "; ".join(str(p) for p in errors[:5])


def _run_point(payload: CasePayload, point: Point, options: SweepOptions) -> PointOutcome:
    start = time.perf_counter()
    case = point_case(payload, point)
    read_seconds = time.perf_counter() - start
    key = (payload.fingerprint, payload.scenario, options.time, options.mip)
    entries = _CACHE.get(key, []) if options.reuse else []
    # a kept model takes the point's case if the cells that differ only feed mutable Params
    pipeline = next((p for p in entries if p.update(case)), None)
    reused = pipeline is not None
    if pipeline is not None:
        _CACHE[key] = [*(p for p in entries if p is not pipeline), pipeline]  # newest last
    else:
        pipeline = Pipeline(case, options.run_options())
        pipeline.load()
        if options.reuse:
            _remember(key, pipeline)
    outcome = pipeline.solve()
    if outcome.has_solution:
        with pipeline.timer.phase("extract"):
            _snap_noise(pipeline.collect())
    if outcome.status != "optimal" and options.reuse:
        _forget(key, pipeline)  # never warm-start from a failed solve
    if options.explain:
        pipeline.explain()
    explanation = pipeline.explanation
    reason = ""
    if explanation:
        reason = str(explanation.get("message", ""))
    elif not outcome.has_solution:
        reason = f"solver status {outcome.status} ({outcome.termination})"
    solved = pipeline.solved(detached=True)
    solved.timings = {"read": round(read_seconds, 4), **solved.timings}
    return PointOutcome(point.index, outcome.status, reason, solved, reused)


def _snap_noise(results, tolerance: float = NOISE) -> None:
    """Write values within `tolerance` of zero as zero in the result tables. A solve (a
    warm-started re-solve more often) can leave a variable at its bound plus solver noise (a
    capacity of -2e-13 MW) where exactly 0 is meant; report charts take square roots of
    capacities, and one point's report must not fail a sweep over noise."""
    for frame in results.tables().values():
        for column in frame.columns:
            if pd.api.types.is_float_dtype(frame[column]):
                values = frame[column].to_numpy()
                frame[column] = np.where(np.abs(values) < tolerance, 0.0, values)


def _remember(key: tuple, pipeline: Pipeline) -> None:
    """Keep `pipeline` as the newest model of `key`: at most MAX_CACHED_MODELS models, all of
    one base case (a process serves one sweep at a time)."""
    kept = _CACHE.get(key, [])[-(MAX_CACHED_MODELS - 1) :] if MAX_CACHED_MODELS > 1 else []
    _CACHE.clear()
    _CACHE[key] = [*kept, pipeline]


def _forget(key: tuple, pipeline: Pipeline) -> None:
    kept = [e for e in _CACHE.get(key, []) if e is not pipeline]
    if kept:
        _CACHE[key] = kept
    else:
        _CACHE.pop(key, None)


# ----------------------------------------------------------------------------- execution


def _execute(
    payload: CasePayload,
    points: Sequence[Point],
    options: SweepOptions,
    workers: int | None,
    scheduler: str | None,
) -> Iterator[PointOutcome]:
    """Outcomes of `points` in the order they finish."""
    if workers is None and scheduler is None:
        for point in points:
            yield run_point(payload, point, options)
        return
    from distributed import Client, LocalCluster, as_completed

    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if scheduler is not None:
        client = Client(scheduler, timeout="20s")
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: sweeps may run side by side
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        remote = client.scatter(payload, broadcast=True, hash=False)
        token = hashlib.sha256(f"{time.time()}-{os.getpid()}".encode()).hexdigest()[:8]
        futures = {
            client.submit(
                run_point, remote, point, options, key=f"dcplan-point-{point.index}-{token}"
            ): point
            for point in points
        }
        for future in as_completed(futures):
            point = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # the worker died or could not run the task
                yield PointOutcome(point.index, "error", f"worker failed: {exc}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ----------------------------------------------------------------------------- the sweep


@dataclass
class SweepReport:
    """A finished sweep: its folder, the table written to sweep.csv, and counts of points
    solved in this call, skipped because a complete folder existed, and failed."""

    folder: Path
    table: pd.DataFrame
    solved: int
    skipped: int
    failed: int
    seconds: float
    points: list[Point] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 every point has a solution; 1 some infeasible or unbounded; 3 some failed."""
        status = self.table["status"].astype(str)
        if status.isin(["error", "input_error", "no_solution", "interrupted"]).any():
            return 3
        if status.str.startswith(("infeasible", "unbounded")).any():
            return 1
        return 0


Event = Callable[[str, int, int, dict | None], None]


def _silent(kind: str, done: int, total: int, row: dict | None) -> None:
    return None


def default_sweep_dir(
    name: str, scenario: str | None, spec: dict, root: Path = Path("results")
) -> Path:
    """results/<case>-<scenario>-sweep-<hash of the sweep's points and options>: the same
    command finds the same folder, so running it again resumes."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    from planner.writers import safe_name

    return root / f"{safe_name(name)}-{safe_name(scenario or 'baseline')}-sweep-{digest[:10]}"


def _spec(axes: Sequence[Axis], zipped: bool, options: SweepOptions) -> dict:
    return {
        "axes": [
            {
                "label": a.label,
                "parameter": a.parameter.name,
                "unit": a.parameter.unit,
                "values": [value_text(v) for v in a.values],
            }
            for a in axes
        ],
        "zip": zipped,
        "scenario": options.scenario or "baseline",
        "time": options.time,
        "mip": options.mip,
    }


def prepare_sweep(
    case_path: Path | str, varies: Sequence[str], options: SweepOptions, zipped: bool = False
) -> tuple[CasePayload, list[Axis], list[Point], dict[int, str]]:
    """Read and validate everything before any solve: the case, the names and values, and
    every point's case. Returns the payload, axes, points and each point's inputs fingerprint.
    Raises InputErrors / CaseReadError (the case), SweepInputError (arguments or a point)."""
    from planner.timeseries import parse_time_option

    case_path = Path(case_path)
    if options.time is not None:
        try:
            parse_time_option(options.time)
        except ValueError as exc:
            raise SweepInputError([str(exc)]) from None
    raw = read_tables(case_path)
    name = case_path.stem if case_path.is_file() else case_path.name
    base = build_case(raw, case_base_dir(case_path), name=name, scenario=options.scenario)
    axes = make_axes(varies, base)
    points = grid(axes, zipped)
    payload = CasePayload.from_case(raw, base)
    problems: list[str] = []
    fingerprints: dict[int, str] = {}
    for point in points:
        try:
            fingerprints[point.index] = point_case(payload, point).fingerprint()
        except InputErrors as exc:
            for p in exc.errors:
                problems.append(f"point {point.label}: {p}")
    if problems:
        raise SweepInputError(problems)
    return payload, axes, points, fingerprints


def is_complete(folder: Path, fingerprint: str, options: SweepOptions) -> bool:
    """A point's folder is complete: manifest hashes intact, same inputs and MILP option."""
    from planner.writers import MANIFEST, verify_manifest

    if not folder.is_dir() or verify_manifest(folder):
        return False
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        manifest.get("inputs_sha256") == fingerprint
        and bool(manifest.get("options", {}).get("mip")) == options.mip
    )


def run_sweep(
    case_path: Path | str,
    varies: Sequence[str],
    options: SweepOptions | None = None,
    out: Path | None = None,
    zipped: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    on_event: Event = _silent,
    command: str = "",
) -> SweepReport:
    """Run a sweep (see the module docstring) and return its report.

    on_event(kind, done, total, row) is called with kind 'start' (before solving), 'point'
    (each point written; row = its sweep.csv row) and 'skip' (a complete point found)."""
    from planner.writers import write_run

    options = options or SweepOptions()
    if workers is not None and scheduler is not None:
        raise SweepInputError(["give --workers or --scheduler, not both"])
    if workers is not None and workers < 1:
        raise SweepInputError([f"--workers must be at least 1, not {workers}"])
    started = time.perf_counter()
    case_path = Path(case_path)
    payload, axes, points, fingerprints = prepare_sweep(case_path, varies, options, zipped)
    spec = _spec(axes, zipped, options)
    if out is None:
        out = default_sweep_dir(payload.name, options.scenario, spec)
    folder = Path(out)
    (folder / POINTS_DIR).mkdir(parents=True, exist_ok=True)
    previous = _previous_rows(folder, spec)
    _write_json(folder / SWEEP_JSON, {**spec, "case": str(case_path), "command": command})

    rows: dict[int, dict] = {}
    pending: list[Point] = []
    total = len(points)
    for point in points:
        target = folder / POINTS_DIR / point.folder_name
        if previous is not None and is_complete(target, fingerprints[point.index], options):
            rows[point.index] = _row_from_folder(point, target, folder, previous)
            on_event("skip", len(rows), total, rows[point.index])
        else:
            pending.append(point)
    on_event("start", len(rows), total, None)
    solved = failed = 0
    by_index = {p.index: p for p in points}
    run_options = options.run_options()
    try:
        for outcome in _execute(payload, pending, options, workers, scheduler):
            point = by_index[outcome.index]
            target = folder / POINTS_DIR / point.folder_name
            written = None
            if outcome.solved is not None:
                try:
                    written = write_run(
                        outcome.solved,
                        target,
                        run_options,
                        overwrite=True,
                        command=command,
                        case_path=case_path,
                    )
                except Exception as exc:  # one point's folder must not stop the sweep
                    log.exception("writing point %s failed", point.index)
                    outcome = replace(
                        outcome,
                        status="error",
                        reason=f"writing the results folder failed: {type(exc).__name__}: {exc}",
                        solved=None,
                    )
            row = _row(point, outcome, written, folder)
            rows[point.index] = row
            solved += 1
            failed += int(outcome.solved is None or not outcome.solved.outcome.has_solution)
            on_event("point", len(rows), total, row)
    finally:
        table = _table(points, rows, axes)
        if len(table):
            write_table(table, folder / SWEEP_CSV)
    write_sweep_html(table, axes, folder / SWEEP_HTML, payload.name, spec)
    return SweepReport(
        folder,
        table,
        solved,
        total - len(pending),
        failed,
        round(time.perf_counter() - started, 3),
        points,
    )


def _previous_rows(folder: Path, spec: dict) -> pd.DataFrame | None:
    """The sweep.csv of an earlier run of the same sweep in `folder` (empty frame if it has
    none), or None when the folder holds a different sweep (time or MILP option differs),
    whose points must then be solved again."""
    path = folder / SWEEP_JSON
    if path.is_file():
        try:
            earlier = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if any(earlier.get(k) != spec[k] for k in ("scenario", "time", "mip")):
            return None
    csv = folder / SWEEP_CSV
    if csv.is_file():
        try:
            return pd.read_csv(csv, dtype={"folder": str})
        except (OSError, ValueError, pd.errors.ParserError):
            return pd.DataFrame()
    return pd.DataFrame()


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def _inputs(point: Point) -> dict:
    return {label: value for label, _, value in point.settings}


def _row(point: Point, outcome: PointOutcome, target: Path | None, folder: Path) -> dict:
    summary = {}
    if outcome.solved is not None and outcome.solved.results is not None:
        summary = outcome.solved.results.summary
    row = {"point": point.index, **_inputs(point), "status": outcome.status}
    row.update({c: summary.get(c) for c in SUMMARY_COLUMNS})
    row["reason"] = outcome.reason
    row["folder"] = "" if target is None else target.relative_to(folder).as_posix()
    row.update(
        solved_now=True,
        model_reused=outcome.reused,
        worker=outcome.worker,
        seconds=outcome.seconds,
    )
    return row


def _row_from_folder(point: Point, target: Path, folder: Path, previous: pd.DataFrame) -> dict:
    summary = json.loads((target / "summary.json").read_text(encoding="utf-8"))
    relative = target.relative_to(folder).as_posix()
    row = {"point": point.index, **_inputs(point), "status": summary.get("status")}
    row.update({c: summary.get(c) for c in SUMMARY_COLUMNS})
    explanation = summary.get("explanation") or {}
    reason = explanation.get("message", "") if isinstance(explanation, dict) else ""
    row["reason"] = reason
    row["folder"] = relative
    before = previous[previous["folder"] == relative] if "folder" in previous else previous
    old = before.iloc[0].to_dict() if len(before) else {}
    row.update(
        solved_now=False,
        model_reused=old.get("model_reused"),
        worker=old.get("worker"),
        seconds=old.get("seconds"),
    )
    return row


def _table(points: Sequence[Point], rows: dict[int, dict], axes: Sequence[Axis]) -> pd.DataFrame:
    columns = [
        "point",
        *(a.label for a in axes),
        "status",
        *SUMMARY_COLUMNS,
        "reason",
        "folder",
        *EXECUTION_COLUMNS,
    ]
    records = [rows[p.index] for p in points if p.index in rows]
    return pd.DataFrame.from_records(records, columns=columns)


def write_table(table: pd.DataFrame, path: Path) -> None:
    from planner.writers import write_csv

    temp = path.with_name(path.name + ".tmp")
    write_csv(table, temp)
    temp.replace(path)


def read_sweep(folder: Path) -> pd.DataFrame:
    """sweep.csv of a sweep folder."""
    return pd.read_csv(Path(folder) / SWEEP_CSV, dtype={"folder": str, "reason": str})


def result_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of a sweep table that describe results (execution columns dropped)."""
    return table.drop(columns=[c for c in EXECUTION_COLUMNS if c in table.columns])


def numeric_axis(values: Sequence[object]) -> bool:
    """True when every value of an axis is a number (charts use a numeric x axis)."""
    return all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values)


# ----------------------------------------------------------------------------- sweep.html

# (summary column, chart title, unit, factor to the unit)
METRICS = (
    ("objective_myuan", "Annual cost", "M yuan/yr", 1.0),
    ("emissions_t", "Emissions", "kt CO2/yr", 1e-3),
    ("west_share", "Compute served in the west", "%", 100.0),
    ("green_share", "Green share of facility energy", "%", 100.0),
    ("pue_avg", "Average PUE", "-", 1.0),
    ("water_m3", "Water use", "million m3/yr", 1e-6),
)

PAGE = """{% extends "base.html.j2" %}
{% block title %}{{ title }}{% endblock %}
{% block body %}
<header class="top"><h1>{{ title }}</h1>
<div class="meta">{% for item in meta %}<span>{{ item }}</span>{% endfor %}</div></header>
<main>
{% for section in sections %}
<section><h2>{{ section.heading }}</h2>
{% if section.note %}<p class="note">{{ section.note }}</p>{% endif %}
{% if section.figures %}<div class="grid2">{% for f in section.figures %}<div>{{ f }}</div>
{% endfor %}</div>{% endif %}
{% if section.table %}<div class="table-wrap"><table class="data"><thead><tr>
{% for c in section.table.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead><tbody>
{% for r in section.table.rows %}<tr>{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>{% endif %}
</section>
{% endfor %}
</main>
<footer>dcplan {{ version }}</footer>
{% endblock %}
"""


def table_rows(table: pd.DataFrame, keep: Sequence[str] = ()) -> list[list[object]]:
    """Cells of a sweep or Pareto table for `render_page`; a `folder` column links to that
    point's report.html. Shares (0…1) are shown in % (their titles say so: `table_titles`),
    except in the `keep` columns (varied inputs, shown as given)."""
    from markupsafe import Markup, escape

    from planner.charts import is_share

    shares = {c for c in table.columns if c not in keep and is_share(str(c))}
    rows = []
    for record in table.to_dict("records"):
        cells: list[object] = []
        for column in table.columns:
            value = record[column]
            if column == "folder" and isinstance(value, str) and value:
                href = escape(f"{value}/report.html")
                cells.append(Markup(f'<a href="{href}">{escape(value.split("/")[-1])}</a>'))
            elif (
                column in shares and isinstance(value, int | float) and not isinstance(value, bool)
            ):
                cells.append(cell(value * 100))
            else:
                cells.append(cell(value))
        rows.append(cells)
    return rows


def table_titles(table: pd.DataFrame, keep: Sequence[str] = ()) -> list[str]:
    """Column titles for people with units (`objective_myuan` → `objective [M yuan/yr]`);
    the `keep` columns (varied inputs, named by the user) keep their names."""
    from planner.charts import column_title

    return [str(c) if c in keep else column_title(str(c)) for c in table.columns]


def render_page(title: str, meta: Sequence[str], sections: Sequence[dict]) -> str:
    """A self-contained HTML page (plotly.js inlined once) in the look of report.html.

    sections: dicts with heading, note, figures (plotly figures) and table ({columns, rows},
    cells as text or markupsafe.Markup)."""
    from planner import __version__, charts
    from planner.report import environment

    blocks = []
    counter = itertools.count()
    for section in sections:
        figures = [
            charts.figure_block(fig, f"fig-{next(counter)}") for fig in section.get("figures", [])
        ]
        blocks.append({**section, "figures": figures})
    any_figure = any(b["figures"] for b in blocks)
    return (
        environment()
        .from_string(PAGE)
        .render(
            title=title,
            meta=list(meta),
            sections=blocks,
            plotly_js=charts.plotly_js() if any_figure else None,
            render_script=charts.RENDER_SCRIPT,
            version=__version__,
        )
    )


def style(fig, title: str, x_title: str, y_title: str, height: int = 340):
    """The report's look for a sweep or Pareto chart (title shown above the chart)."""
    from planner import charts

    fig.update_layout(
        meta={"title": title},
        template=charts.THEME,
        font={"family": charts.FONT, "size": 12},
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        showlegend=True,  # also for one trace: every chart says what its marks are
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def cell(value: object) -> str:
    """A table cell as text: numbers to 4 significant digits (thousands separated)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.number):
        number = float(value)
        if abs(number) >= 1000:
            return f"{number:,.0f}"
        return f"{number:.4g}"
    return str(value)


def sweep_figures(table: pd.DataFrame, axes: Sequence[Axis]) -> list:
    """One chart per headline figure against the first varied input (a line per combination
    of the other inputs), and cost against emissions."""
    import plotly.graph_objects as go

    from planner import charts

    ok = table[table["objective_myuan"].notna()] if "objective_myuan" in table else table
    if ok.empty:
        return []
    first = axes[0]
    numeric = numeric_axis(first.values)
    others = [a.label for a in axes[1:]]
    groups = ok.groupby(others, sort=False) if others else [((), ok)]
    unit = f" [{first.parameter.unit}]" if first.parameter.unit not in ("", "-") else ""
    figures = []
    for column, title, unit_text, factor in METRICS:
        fig = go.Figure()
        all_x: list = []
        all_y: list = []
        for key, part in groups:
            key = key if isinstance(key, tuple) else (key,)
            name = ", ".join(
                f"{charts.esc(k)}={charts.esc(cell(v))}" for k, v in zip(others, key, strict=True)
            )
            x = part[first.label] if numeric else [charts.esc(cell(v)) for v in part[first.label]]
            values = pd.to_numeric(part[column], errors="coerce") * factor
            all_x += list(x)
            all_y += charts.rounded(values, 6)
            fig.add_trace(
                go.Scatter(
                    x=list(x),
                    y=charts.rounded(values, 6),
                    mode="lines+markers",
                    name=name or f"{charts.esc(title)} at each {charts.esc(first.label)}",
                )
            )
        figures.append(style(fig, title, charts.esc(first.label) + unit, unit_text))
        # one point far above the rest (say, a point that leaves demand unserved at the
        # penalty) would flatten the others: log or clipped axis, the point labelled
        charts.mark_clipped(fig, all_x, all_y, charts.spread_axis(all_y), unit_text)
    trade = go.Figure(
        go.Scatter(
            x=charts.rounded(pd.to_numeric(ok["emissions_t"], errors="coerce") * 1e-3, 6),
            y=charts.rounded(pd.to_numeric(ok["objective_myuan"], errors="coerce"), 6),
            mode="lines+markers+text" if len(axes) == 1 else "markers+text",
            name=f"sweep point (label: {charts.esc(first.label)})",
            text=[charts.esc(cell(v)) for v in ok[first.label]],
            textposition="top center",
            hovertemplate="%{text}<br>emissions %{x:,.1f} kt<br>cost %{y:,.1f} M yuan"
            "<extra></extra>",
        )
    )
    figures.append(
        style(
            trade,
            f"Cost against emissions (labels: {first.label})",
            "emissions [kt CO2/yr]",
            "annual cost [M yuan/yr]",
        )
    )
    return figures


def write_sweep_html(
    table: pd.DataFrame, axes: Sequence[Axis], path: Path, name: str, spec: dict
) -> Path:
    """sweep.html: the trade-off charts and the sweep table (links to each point's report)."""

    labels = [a["label"] for a in spec["axes"]]
    rows = table_rows(table, labels)
    varied = "; ".join(
        f"{a['label']} ({a['parameter']}{', ' + a['unit'] if a['unit'] else ''}): "
        + ", ".join(a["values"])
        for a in spec["axes"]
    )
    meta = [
        f"scenario {spec['scenario']}",
        f"time {spec['time'] or 'case setting'}",
        f"{len(table)} points",
    ]
    failed = table[~table["status"].isin(["optimal", "time_limit"])] if len(table) else table
    sections = [
        {
            "heading": "Trade-offs",
            "note": f"Varied: {varied}."
            + (f" {len(failed)} point(s) without a solution are left out." if len(failed) else ""),
            "figures": sweep_figures(table, axes),
        },
        {
            "heading": "Points",
            "note": "Each point is a complete results folder; the link opens its report.",
            "table": {"columns": table_titles(table, labels), "rows": rows},
        },
    ]
    path.write_text(render_page(f"Sweep of {name}", meta, sections), encoding="utf-8")
    return path


__all__ = [
    "EXECUTION_COLUMNS",
    "Axis",
    "CasePayload",
    "Point",
    "PointOutcome",
    "SweepInputError",
    "SweepOptions",
    "SweepReport",
    "clear_model_cache",
    "grid",
    "is_complete",
    "make_axes",
    "parse_vary",
    "point_case",
    "prepare_sweep",
    "read_sweep",
    "result_columns",
    "run_point",
    "run_sweep",
]
