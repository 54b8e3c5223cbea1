"""Write a run's results folder atomically: a temporary folder beside the target, renamed
into place only when every file is written (an interrupted run leaves no complete-looking
folder). The manifest is written last and carries a SHA-256 of every other file.

Writers take DataFrames and plain dicts; they never touch Pyomo objects.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner import __version__
from planner.inputs.tables import write_tables

if TYPE_CHECKING:
    from planner.inputs.case import Case
    from planner.run import RunOptions, Solved

RESULTS_DIR = Path("results")
MANIFEST = "manifest.json"
TEMP_PREFIX = ".incomplete-"
TABLE_FILES = ("sites", "routing", "hourly", "costs", "duals")
FLOAT_FORMAT = "%.10g"
# a folder holding any of these was written by dcplan (results, sweep, Pareto, comparison):
# the only kind of folder --overwrite may replace
DCPLAN_MARKERS = (MANIFEST, "sweep.json", "pareto.csv", "comparison.xlsx")


class OutputError(Exception):
    """The output location cannot take a results folder (bad input: exit code 2)."""


class Interrupted(KeyboardInterrupt):
    """A run stopped by a signal (SIGINT or SIGTERM); exit code 128 + the signal number."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


# Signals that arrive while a finished folder is being renamed into place wait until the
# rename is done (see `raise_or_defer`): the target path is never left without a folder.
_COMMITTING = False
_DEFERRED: list[int] = []


def raise_or_defer(signum: int, frame: object = None) -> None:
    """Signal handler of the dcplan process for SIGINT and SIGTERM: raise Interrupted, or,
    while a folder is being renamed into place, remember the signal and raise right after."""
    RECEIVED.append(signum)
    if _COMMITTING:
        _DEFERRED.append(signum)
        return
    raise Interrupted(signum)


# every signal `raise_or_defer` handled; a library that catches the Interrupted it raised
# (a solver's log callback may) cannot make the run forget it: see `raise_if_interrupted`
RECEIVED: list[int] = []


def raise_if_interrupted() -> None:
    """Raise Interrupted if a signal arrived whose exception some library swallowed."""
    if RECEIVED:
        raise Interrupted(RECEIVED[-1])


@contextlib.contextmanager
def _commit() -> Iterator[None]:
    global _COMMITTING
    _COMMITTING = True
    try:
        yield
    finally:
        _COMMITTING = False
    if _DEFERRED:
        raise Interrupted(_DEFERRED.pop())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def _temp_owner(name: str) -> tuple[str, int] | None:
    """(target name, pid) of a temporary folder name '.incomplete-[old-]<target>-<pid>'."""
    body, _, pid = name[len(TEMP_PREFIX) :].rpartition("-")
    if not name.startswith(TEMP_PREFIX) or not pid.isdigit() or not body:
        return None
    return body, int(pid)


def clean_stale(parent: Path) -> list[Path]:
    """Remove the temporary folders that dead dcplan processes left in `parent` (killed
    with SIGKILL, power cut). A replaced folder set aside ('.incomplete-old-<name>-<pid>')
    whose new folder never arrived is renamed back to <name> instead. Folders of live
    processes are left alone. Returns the paths removed or restored."""
    done: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return done
    for entry in entries:
        owner = _temp_owner(entry.name)
        if owner is None or owner[1] == os.getpid() or _pid_alive(owner[1]):
            continue
        if entry.is_symlink() or not entry.is_dir():
            continue
        name = owner[0]
        if name.startswith("old-"):
            original = entry.parent / name[len("old-") :]
            if not original.exists() and not original.is_symlink():
                entry.rename(original)
                done.append(original)
                continue
        shutil.rmtree(entry, ignore_errors=True)
        done.append(entry)
    return done


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_target(target: Path, overwrite: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output location before any work is done (raises OutputError, or
    FileExistsError when it exists and `overwrite` is False).

    --overwrite replaces only a folder dcplan wrote (one holding a DCPLAN_MARKERS file); a
    plain file, a symbolic link, any other folder, and a folder that holds one of `inputs`
    (the case, its profiles) are refused. No input may lie inside the target either."""
    target = Path(target)
    for item in inputs:
        if _inside(Path(item), target):
            raise OutputError(f"{target}: holds the input {item}; write the results somewhere else")
        if Path(item).is_dir() and _inside(target, Path(item)):
            raise OutputError(
                f"{target} is inside the input folder {item} (a CSV case); write the results "
                "somewhere else"
            )
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link; give a folder path that is not one")
    if not target.exists():
        for ancestor in target.parents:
            if ancestor.exists():
                if not ancestor.is_dir():
                    raise OutputError(f"{ancestor} is a file, not a folder: cannot write into it")
                break
        return
    if not overwrite:
        raise FileExistsError(f"{target} exists; use --overwrite to replace it")
    if not target.is_dir():
        raise OutputError(
            f"{target} is a file, not a results folder: --overwrite replaces only folders "
            "dcplan wrote"
        )
    if not any((target / marker).is_file() for marker in DCPLAN_MARKERS):
        raise OutputError(
            f"{target} is not a folder dcplan wrote (no {MANIFEST}): --overwrite replaces only "
            "results, sweep and comparison folders; choose another --out"
        )


def check_collection_target(folder: Path, marker: str, inputs: Iterable[Path] = ()) -> None:
    """Refuse (OutputError) a sweep or Pareto --out that dcplan must not write into: one that
    holds an input, a symbolic link, a file, or a non-empty folder without `marker` (the
    sweep.json / pareto.csv of an earlier run, which a sweep resumes)."""
    folder = Path(folder)
    for item in inputs:
        if _inside(Path(item), folder):
            raise OutputError(f"{folder}: holds the input {item}; write the results somewhere else")
    if folder.is_symlink():
        raise OutputError(f"{folder} is a symbolic link; give a folder path that is not one")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / marker).is_file():
        raise OutputError(
            f"{folder} is a folder dcplan did not write (no {marker}); choose another --out"
        )
    for ancestor in folder.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(f"{ancestor} is a file, not a folder: cannot write into it")
            break


def reserve_target(target: Path) -> Path:
    """Create the temporary folder a run writes into, beside `target` (its parents are
    created): proves the location writable before a long solve, and removes the temporary
    folders of dead runs in the same parent. Raises OSError (e.g. EACCES, EROFS, ENOSPC)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    temp = target.parent / f"{TEMP_PREFIX}{target.name}-{os.getpid()}"
    if temp.exists():
        shutil.rmtree(temp)
    temp.mkdir()
    return temp


def replace_folder(temp: Path, target: Path, overwrite: bool) -> None:
    """Rename the complete folder `temp` to `target`. An existing target (a dcplan folder,
    see check_target) is first set aside as '.incomplete-old-<name>-<pid>' and removed after;
    signals wait until both renames are done, and a run killed between them leaves a state
    `clean_stale` restores."""
    if target.exists() or target.is_symlink():
        if not overwrite:
            raise FileExistsError(f"{target} exists; use --overwrite to replace it")
        check_target(target, overwrite)
        old = target.parent / f"{TEMP_PREFIX}old-{target.name}-{os.getpid()}"
        try:
            with _commit():
                target.rename(old)
                try:
                    temp.rename(target)
                except OSError:
                    old.rename(target)  # the previous folder goes back: nothing is lost
                    raise
        finally:
            if target.is_dir() and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    else:
        with _commit():
            temp.rename(target)


SAFE_NAME_LENGTH = 80  # characters of a case or scenario id kept in a folder name


def safe_name(text: object, fallback: str = "case") -> str:
    """`text` as one safe folder-name part: letters (any script), digits, '-', '_' and '.'
    kept, anything else (path separators, spaces, control characters) made '_', no leading
    '.', at most SAFE_NAME_LENGTH characters; `fallback` when nothing is left. Whatever the
    input, the result names a child of the folder it is joined to."""
    kept = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(text))
    kept = kept.lstrip(".")[:SAFE_NAME_LENGTH].rstrip(".")
    return kept or fallback


def timestamped_dir(root: Path, prefix: str) -> Path:
    """root/<prefix>-<UTC timestamp to the second>, with a suffix -2, -3 … if taken."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = root / f"{prefix}-{stamp}"
    target, n = base, 1
    while target.exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    return target


def default_run_dir(case: Case, root: Path = RESULTS_DIR) -> Path:
    """results/<case>-<scenario>-<timestamp> (UTC, to the second; a suffix if taken)."""
    return run_dir_for(case.name, case.scenario, root)


def run_dir_for(name: str, scenario: str | None, root: Path = RESULTS_DIR) -> Path:
    """results/<case>-<scenario>-<timestamp> from sanitised ids (see `safe_name`)."""
    return timestamped_dir(root, f"{safe_name(name)}-{safe_name(scenario or 'baseline')}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _clean_json(value):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v) for v in value]
    if hasattr(value, "item"):
        return _clean_json(value.item())
    return value


def write_json(data: dict, path: Path) -> None:
    path.write_text(
        json.dumps(_clean_json(data), indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )


def _safe_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
            )
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    _safe_text(frame).to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_tables_csv(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    for name, frame in tables.items():
        write_csv(frame, folder / f"{name}.csv")


def copy_inputs(case: Case, folder: Path) -> None:
    """The inputs used (scenario applied) as a CSV case, plus the profile files."""
    target = folder / "inputs"
    write_tables(case.raw, target / "case")
    profiles = target / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    for name, frame in case.profiles.items():
        write_csv(frame.rename_axis("hour").reset_index(), profiles / f"{name}.csv")


def versions() -> dict[str, str]:
    import highspy
    import pyomo

    return {
        "dcplan": __version__,
        "python": platform.python_version(),
        "pyomo": pyomo.version.version,
        "highs": _highs_version(highspy),
        "pandas": pd.__version__,
    }


def _highs_version(highspy) -> str:
    try:
        h = highspy.Highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # version calls differ between highspy releases
        return "unknown"


def write_run(
    solved: Solved,
    target: Path,
    options: RunOptions,
    overwrite: bool = False,
    command: str = "",
    case_path: Path | None = None,
    started: float | None = None,
    temp: Path | None = None,
) -> Path:
    """Write every output of a run into `target` atomically and return it. `temp`: the
    folder `reserve_target` made for it (made here when None)."""
    from planner.report import write_report

    target = Path(target)
    if target.exists() or target.is_symlink():
        check_target(target, overwrite)
    if temp is None:
        temp = reserve_target(target)
    try:
        write_start = time.perf_counter()
        copy_inputs(solved.case, temp)
        summary = _summary(solved)
        write_json(summary, temp / "summary.json")
        if solved.results is not None:
            tables = solved.results.tables()
            write_tables_csv({k: v for k, v in tables.items()}, temp)
            for name in ("hourly", "hourly_lines"):  # the hourly tables also as parquet
                if name in tables:
                    tables[name].to_parquet(temp / f"{name}.parquet", index=False)
            _write_extra(solved, temp)
            from planner.workbook import write_results_workbook

            write_results_workbook(solved.results, solved.case, temp / "results.xlsx")
        (temp / "run.log").write_text(_run_log(solved), encoding="utf-8")
        timings = {**solved.timings, "write": round(time.perf_counter() - write_start, 4)}
        if started is not None:
            timings["total"] = round(time.perf_counter() - started, 4)
        manifest = _manifest(solved, options, timings, command, case_path, temp)
        write_json(manifest, temp / MANIFEST)
        # the report shows the manifest (versions, times, status), so it comes last; it is
        # not hashed because `dcplan report` may rebuild it
        write_report(temp)
        replace_folder(temp, target, overwrite)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target


def _write_extra(solved: Solved, folder: Path) -> None:
    extra = solved.results.extra if solved.results else {}
    unserved = extra.get("unserved")
    if unserved is not None and len(unserved):
        write_csv(unserved, folder / "unserved.csv")
    if solved.redispatch is not None:
        write_csv(solved.redispatch, folder / "redispatch.csv")
    if solved.hold_rounds is not None:
        write_csv(solved.hold_rounds, folder / "hold_rounds.csv")
    for name in ("hardware", "hardware_supply"):  # formulation §8b, when the case has one
        if extra.get(name) is not None:
            write_csv(extra[name], folder / f"{name}.csv")
    if extra.get("limits") is not None:  # the registered limits' metadata (models/registry.py)
        write_json({"limits": extra["limits"]}, folder / "limits.json")


def _summary(solved: Solved) -> dict:
    if solved.results is not None:
        summary = dict(solved.results.summary)
    else:
        summary = {
            "case": solved.case.name,
            "scenario": solved.case.scenario,
            "time": solved.data.time.mode,
            "status": solved.outcome.status,
            "objective_myuan": None,
        }
    if solved.explanation is not None:
        summary["explanation"] = solved.explanation
    if solved.redispatch is not None:
        from planner.redispatch import total_figures

        summary["redispatch"] = total_figures(solved.redispatch)
    if solved.hold_rounds is not None:
        summary["hold_full_year"] = solved.hold_rounds.to_dict(orient="records")
    summary["inputs_sha256"] = solved.case.fingerprint()
    # the input warnings (implausible values, unreachable demand …), listed by the report
    summary["input_warnings"] = [str(w) for w in solved.case.warnings]
    return summary


def _run_log(solved: Solved) -> str:
    lines = [
        f"dcplan {__version__}: case {solved.case.name}, scenario {solved.case.scenario}, "
        f"time {solved.data.time.mode}"
    ]
    for warning in solved.case.warnings:
        lines.append(str(warning))
    for phase, seconds in solved.timings.items():
        lines.append(f"phase {phase}: {seconds:.3f} s")
    o = solved.outcome
    lines.append(f"status {o.status} ({o.termination}), objective {o.objective}")
    if solved.explanation:
        lines.append("explanation: " + json.dumps(solved.explanation, default=str))
    lines.append("--- solver log ---")
    lines.append(o.log)
    return "\n".join(lines) + "\n"


def _manifest(
    solved: Solved,
    options: RunOptions,
    timings: dict,
    command: str,
    case_path: Path | None,
    folder: Path,
) -> dict:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    o = solved.outcome
    return {
        "format": 1,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "case": solved.case.name,
        "case_path": str(case_path) if case_path else None,
        "scenario": solved.case.scenario,
        "options": {**options.as_dict(), "time": solved.data.time.mode},
        "inputs_sha256": solved.case.fingerprint(),
        "versions": versions(),
        "solver": {
            "status": o.status,
            "termination": o.termination,
            "objective_myuan": o.objective,
            "bound_myuan": o.bound,
            "gap": o.gap,
            "seconds": round(o.seconds, 4),
        },
        "timings_s": timings,
        "command": command or " ".join(sys.argv),
        "seeds": {"profiles": 20301, "tsam": "deterministic (hierarchical, medoid)"},
        "files": {str(p.relative_to(folder)): sha256_file(p) for p in files},
    }


def verify_manifest(folder: Path) -> list[str]:
    """Problems with a results folder's integrity (empty list = intact)."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{folder}: no {MANIFEST}: not a complete results folder"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: unreadable ({exc})"]
    problems = []
    for name, digest in manifest.get("files", {}).items():
        file = folder / name
        if name == "report.html":
            continue  # rebuilt by `dcplan report`; older manifests listed it
        if not file.is_file():
            problems.append(f"{file}: listed in the manifest but missing")
        elif sha256_file(file) != digest:
            problems.append(f"{file}: changed since the run (hash differs from the manifest)")
    return problems
