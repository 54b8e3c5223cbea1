"""`dcplan validate`: the base case and every scenario, all problems at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from planner.inputs.case import build_case
from planner.inputs.errors import InputError, InputErrors
from planner.inputs.scenarios import apply_scenario, scenario_names
from planner.inputs.tables import RawTables, case_base_dir, read_tables


def _problems(
    raw: RawTables, base_dir: Path, name: str, scenario: str | None, full: bool = True
) -> list[InputError]:
    """Problems of the case with `scenario` applied; with full=False only those of the
    scenario's overrides themselves (for when the base case already has errors)."""
    try:
        if not full:
            return apply_scenario(raw, scenario)[1]
        case = build_case(raw, base_dir, name=name, scenario=scenario)
    except InputErrors as exc:
        return exc.problems
    except Exception as exc:  # a bug must still come out as a message, never a traceback
        where = "the base case" if scenario is None else f"scenario {scenario}"
        return [
            InputError(
                "(case)",
                None,
                None,
                f"internal error while checking {where}: {type(exc).__name__}: {exc}; "
                "please report it with the workbook",
            )
        ]
    return list(case.warnings)


def check_raw(
    raw: RawTables, base_dir: Path, name: str = "case", scenario: str | None = None
) -> list[InputError]:
    """Problems of raw tables: with `scenario`, that scenario only; otherwise the base case,
    the overrides of every scenario, and (when the base case has no errors) each scenario in
    full. Problems only a scenario brings say so in their message."""
    if scenario is not None:
        return _problems(raw, base_dir, name, scenario)
    problems = _problems(raw, base_dir, name, None)
    base_ok = not any(p.severity == "error" for p in problems)
    seen = set(problems)
    for other in scenario_names(raw):
        for p in _problems(raw, base_dir, name, other, full=base_ok):
            if p not in seen:
                seen.add(p)
                problems.append(replace(p, message=f"scenario {other}: {p.message}"))
    return problems


def check_case(path: Path | str, scenario: str | None = None) -> list[InputError]:
    """Every problem of a case file or folder (see `check_raw`). Raises CaseReadError if the
    case cannot be opened at all."""
    path = Path(path)
    raw = read_tables(path)
    name = path.stem if path.is_file() else path.name
    return check_raw(raw, case_base_dir(path), name, scenario)
