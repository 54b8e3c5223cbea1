"""Write a run's results folder atomically: a temporary folder beside the target, renamed
into place only when every file is written (an interrupted run leaves no complete-looking
folder). The manifest is written last and carries a SHA-256 of every other file.

Writers take DataFrames and plain dicts; they never touch Pyomo objects.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import shutil
import sys
import time
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
    return timestamped_dir(root, f"{case.name}-{case.scenario}")


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
) -> Path:
    """Write every output of a run into `target` atomically and return it."""
    from planner.report import write_report

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f"{TEMP_PREFIX}{target.name}-{os.getpid()}"
    if temp.exists():
        shutil.rmtree(temp)
    temp.mkdir()
    try:
        write_start = time.perf_counter()
        copy_inputs(solved.case, temp)
        summary = _summary(solved)
        write_json(summary, temp / "summary.json")
        if solved.results is not None:
            tables = solved.results.tables()
            write_tables_csv({k: v for k, v in tables.items()}, temp)
            tables["hourly"].to_parquet(temp / "hourly.parquet", index=False)
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
        if target.exists():
            if not overwrite:
                raise FileExistsError(f"{target} exists; use --overwrite to replace it")
            old = target.parent / f"{TEMP_PREFIX}old-{target.name}-{os.getpid()}"
            target.rename(old)
            temp.rename(target)
            shutil.rmtree(old)
        else:
            temp.rename(target)
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
    summary["inputs_sha256"] = solved.case.fingerprint()
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
