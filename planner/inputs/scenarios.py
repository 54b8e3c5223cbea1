"""Scenarios: named overrides (sheet, key, column, value) applied to the raw tables.

Overrides are applied before validation, so an overridden value is checked like any other
cell. An override naming a sheet, key or column that does not exist is an `InputError` on the
Scenarios sheet's row.
"""

from __future__ import annotations

import pandas as pd

from planner.inputs.errors import InputError
from planner.inputs.schema import BY_NAME, SCENARIOS, Sheet
from planner.inputs.tables import RawTables


def scenario_rows(raw: RawTables) -> pd.DataFrame:
    """The Scenarios sheet as a frame with internal column names (index: Excel row)."""
    frame = raw.get(SCENARIOS.name)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=[c.name for c in SCENARIOS.columns])
    rename = {c.header: c.name for c in SCENARIOS.columns}
    frame = frame.rename(columns=rename)
    for c in SCENARIOS.columns:
        if c.name not in frame.columns:
            frame[c.name] = None
    return frame[[c.name for c in SCENARIOS.columns]]


def scenario_names(raw: RawTables) -> list[str]:
    rows = scenario_rows(raw)
    names = [str(s) for s in rows["scenario"].dropna()]
    return list(dict.fromkeys(names))


def _find_row(sheet: Sheet, frame: pd.DataFrame, key: str) -> object | None:
    if sheet.kind == "keyvalue":
        if "key" not in frame.columns:
            return None
        hits = frame.index[frame["key"].astype(str) == key]
        return hits[0] if len(hits) else None
    headers = [sheet.column(k).header for k in sheet.key]
    if any(h not in frame.columns for h in headers):
        return None
    parts = key.split("/")
    if len(parts) != len(headers):
        return None
    mask = pd.Series(True, index=frame.index)
    for header, part in zip(headers, parts, strict=True):
        mask &= frame[header].map(_id_text) == part
    hits = frame.index[mask]
    return hits[0] if len(hits) else None


def _id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def apply_scenario(raw: RawTables, scenario: str | None) -> tuple[RawTables, list[InputError]]:
    """Return a copy of `raw` with the scenario's overrides applied, and problems found.

    None or 'baseline' with no rows means the base case. Two rows of one scenario that set the
    same cell are refused (as Calliope does) rather than silently letting the last one win.
    """
    problems: list[InputError] = []
    rows = scenario_rows(raw)
    out = {name: frame.copy() for name, frame in raw.items()}
    if scenario is None:
        return out, problems
    mine = rows[rows["scenario"].astype(str) == scenario]
    if mine.empty:
        if scenario != "baseline":
            known = ", ".join(scenario_names(raw)) or "none"
            problems.append(
                InputError(
                    "Scenarios",
                    None,
                    "scenario",
                    f"unknown scenario '{scenario}'; known: {known}",
                    scenario,
                )
            )
        return out, problems
    seen: dict[tuple, int] = {}
    for row_number, row in mine.iterrows():
        problem = _apply_row(out, row, int(row_number), seen)
        if problem:
            problems.append(problem)
    return out, problems


def _apply_row(
    out: RawTables, row: pd.Series, row_number: int, seen: dict[tuple, int]
) -> InputError | None:
    def bad(column: str, message: str, value: object) -> InputError:
        return InputError("Scenarios", row_number, column, message, value)

    sheet_name, key, column = (
        None if row[c] is None else str(row[c]).strip() for c in ("sheet", "key", "column")
    )
    sheet = BY_NAME.get(sheet_name or "")
    if sheet is None or sheet.name in ("Scenarios", "Sources"):
        return bad("sheet", "no such sheet to override", sheet_name)
    if sheet.name not in out:
        return bad("sheet", f"sheet {sheet.name} is not in the case", sheet_name)
    frame = out[sheet.name]
    if sheet.kind == "keyvalue":
        if key not in {k.name for k in sheet.keys}:
            return bad("key", f"no key '{key}' in sheet {sheet.name}", key)
        if column != "value":
            return bad("column", f"column must be 'value' for sheet {sheet.name}", column)
        header = "value"
    else:
        names = {c.name: c.header for c in sheet.columns}
        if column not in names:
            return bad(
                "column",
                f"no column '{column}' in sheet {sheet.name}; columns: {', '.join(names)}",
                column,
            )
        if column in sheet.key:
            return bad("column", "a scenario cannot change a row's id", column)
        header = names[column]
    target = _find_row(sheet, frame, key or "")
    if target is None and sheet.kind == "keyvalue":
        frame.loc[max(frame.index, default=1) + 1] = {"key": key}
        target = frame.index[-1]
    if target is None:
        return bad("key", f"no row with id '{key}' in sheet {sheet.name}", key)
    cell = (sheet.name, target, header)
    if cell in seen:
        return bad("key", f"sets the same cell as row {seen[cell]}", key)
    seen[cell] = row_number
    if header not in frame.columns:
        frame[header] = None
    frame.at[target, header] = row["value"]
    return None
