"""`dcplan validate`: the base case and every scenario, all problems at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from planner.inputs.case import build_case
from planner.inputs.errors import InputError, InputErrors
from planner.inputs.scenarios import scenario_names
from planner.inputs.tables import case_base_dir, read_tables


def _problems(raw, base_dir, name, scenario) -> list[InputError]:
    try:
        case = build_case(raw, base_dir, name=name, scenario=scenario)
    except InputErrors as exc:
        return exc.problems
    return list(case.warnings)


def check_case(path: Path | str, scenario: str | None = None) -> list[InputError]:
    """Problems of the base case, then those that only a scenario's overrides bring (their
    message says which scenario). Raises CaseReadError if the case cannot be opened."""
    path = Path(path)
    raw = read_tables(path)
    base_dir = case_base_dir(path)
    name = path.stem if path.is_file() else path.name
    if scenario is not None:
        return _problems(raw, base_dir, name, scenario)
    problems = _problems(raw, base_dir, name, None)
    if any(p.severity == "error" for p in problems):
        return problems
    seen = set(problems)
    for other in scenario_names(raw):
        for p in _problems(raw, base_dir, name, other):
            if p not in seen:
                seen.add(p)
                problems.append(replace(p, message=f"scenario {other}: {p.message}"))
    return problems
