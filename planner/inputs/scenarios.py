"""Scenarios: named overrides (sheet, key, column, value) applied to the raw tables.

Overrides are applied before validation, so an overridden value is checked like any other
cell (its message then names the Scenarios row that set it). An override naming a sheet, key
or column that does not exist, or two overrides of one scenario that set the same cell, is an
`InputError` on the Scenarios sheet's row (as Calliope refuses two overrides of one key).
"""

from __future__ import annotations

import difflib

import pandas as pd

from planner.inputs.errors import InputError
from planner.inputs.schema import BY_NAME, SCENARIOS, Sheet
from planner.inputs.tables import RawTables
from planner.inputs.validate import OVERRIDES, id_text, is_blank, match_headers

BASELINE = "baseline"
PROTECTED_SHEETS = ("Scenarios", "Sources", "Profiles")


def scenario_rows(raw: RawTables) -> pd.DataFrame:
    """The Scenarios sheet as a frame with internal column names (index: Excel row); cells are
    raw values (None when blank)."""
    frame = raw.get(SCENARIOS.name)
    names = [c.name for c in SCENARIOS.columns]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=names, dtype=object)
    present, _ = match_headers(SCENARIOS, [str(c) for c in frame.columns])
    data = {}
    for name in names:
        values = _column(frame, present[name]).tolist() if name in present else []
        data[name] = [None if is_blank(v) else v for v in values] or [None] * len(frame)
    return pd.DataFrame(data, index=frame.index, dtype=object)


def _column(frame: pd.DataFrame, header: str) -> pd.Series:
    """The first column with this header, as objects (tables built in code may repeat one)."""
    position = [str(c) for c in frame.columns].index(header)
    return frame.iloc[:, position].astype(object)


def scenario_names(raw: RawTables) -> list[str]:
    """Scenario names in order of first appearance."""
    names = [_text(s) for s in scenario_rows(raw)["scenario"] if s is not None]
    return list(dict.fromkeys(n for n in names if n))


def _text(value: object) -> str:
    return "" if value is None else id_text(value)


def _find_row(sheet: Sheet, frame: pd.DataFrame, key: str) -> object | None:
    """Index label of the row with this id ('a', 'a/b'; key name in key-value sheets)."""
    if sheet.kind == "keyvalue":
        hits = frame.index[frame["key"].map(_text) == key]
        return hits[0] if len(hits) else None
    present, _ = match_headers(sheet, [str(c) for c in frame.columns])
    if any(k not in present for k in sheet.key):
        return None
    parts = key.split("/")
    if len(parts) != len(sheet.key):
        return None
    mask = pd.Series(True, index=frame.index)
    for name, part in zip(sheet.key, parts, strict=True):
        mask &= _column(frame, present[name]).map(_id_matches(part))
    hits = frame.index[mask.to_numpy(dtype=bool)]
    return hits[0] if len(hits) else None


def _id_matches(part: str):
    """Match a key part to a raw id cell: text as written, numbers by value (25 = 25.0)."""
    try:
        number = float(part)
    except ValueError:
        number = None

    def matches(value: object) -> bool:
        if value is None:
            return False
        if _text(value) == part:
            return True
        if number is not None and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) == number
        return False

    return matches


def _row_number(label: object) -> int:
    return label if isinstance(label, int) else 1


def apply_scenario(raw: RawTables, scenario: str | None) -> tuple[RawTables, list[InputError]]:
    """Return a copy of `raw` with the scenario's overrides applied, and problems found.

    None, or 'baseline' with no rows, means the base case. Each changed table records the
    cells it got from the Scenarios sheet in `frame.attrs['overrides']` ((row, header) →
    Scenarios row) so validation can say where a bad value came from.
    """
    problems: list[InputError] = []
    out = {name: frame.copy() for name, frame in raw.items()}
    if scenario is None:
        return out, problems
    rows = scenario_rows(raw)
    mine = rows[rows["scenario"].map(_text) == scenario]
    if mine.empty:
        if scenario != BASELINE:
            names = scenario_names(raw)
            close = difflib.get_close_matches(scenario, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                InputError(
                    "Scenarios",
                    None,
                    "scenario",
                    f"unknown scenario '{scenario}'{hint}; known: {', '.join(names) or 'none'}",
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

    sheet_name, key, column = (_text(row[c]) for c in ("sheet", "key", "column"))
    if not (sheet_name and key and column):
        return None  # validation of the Scenarios sheet reports the blank cell
    sheet = BY_NAME.get(sheet_name)
    if sheet is None or sheet.name in PROTECTED_SHEETS:
        allowed = [s for s in BY_NAME if s not in PROTECTED_SHEETS]
        close = difflib.get_close_matches(sheet_name, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return bad(
            "sheet",
            f"no such sheet to override{hint}: expected one of {', '.join(allowed)}",
            sheet_name or None,
        )
    if sheet.name not in out:
        if sheet.required:
            return None  # validation reports the missing sheet once, not per override
        return bad("sheet", f"sheet {sheet.name} is not in the case", sheet_name)
    frame = out[sheet.name]
    if sheet.kind == "keyvalue":
        names = [k.name for k in sheet.keys]
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return bad(
                "key", f"no key '{key}' in sheet {sheet.name}{hint}; keys: {', '.join(names)}", key
            )
        if column != "value":
            return bad("column", f"expected 'value' for key-value sheet {sheet.name}", column)
        if "key" not in frame.columns or "value" not in frame.columns:
            return None  # validation reports the missing column once, not per override
        header = "value"
    else:
        names = [c.name for c in sheet.columns]
        if column not in names:
            close = difflib.get_close_matches(column, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return bad(
                "column",
                f"no column '{column}' in sheet {sheet.name}{hint}: expected an internal column "
                f"name, one of {', '.join(names)}",
                column,
            )
        if column in sheet.key:
            return bad("column", "a scenario cannot change a row's id", column)
        present, _ = match_headers(sheet, [str(c) for c in frame.columns])
        if any(k not in present for k in sheet.key):
            return None  # validation reports the missing id column once, not per override
        header = present.get(column, sheet.column(column).header)
    target = _find_row(sheet, frame, key)
    if target is None and sheet.kind == "keyvalue":
        target = max((_row_number(i) for i in frame.index), default=1) + 1
        added = pd.DataFrame(
            [[key if c == "key" else None for c in frame.columns]],
            columns=frame.columns,
            index=[target],
            dtype=object,
        )
        attrs = dict(frame.attrs)
        frame = pd.concat([frame.astype(object), added])
        frame.attrs = attrs
        out[sheet.name] = frame
    if target is None:
        shape = "/".join(sheet.key)
        return bad("key", f"no row with id '{key}' in sheet {sheet.name} (expected {shape})", key)
    cell = (sheet.name, target, header)
    if cell in seen:
        return bad("key", f"sets the same cell as row {seen[cell]}: one value per cell", key)
    seen[cell] = row_number
    if header not in frame.columns:
        frame[header] = None
    frame[header] = frame[header].astype(object)
    frame.at[target, header] = row["value"]
    overrides = dict(frame.attrs.get(OVERRIDES, {}))
    overrides[(int(target), header)] = row_number
    frame.attrs[OVERRIDES] = overrides
    return None


def describe(raw: RawTables) -> list[dict[str, object]]:
    """One record per override: scenario, sheet, key, column, value, note (for listings)."""
    rows = scenario_rows(raw)
    return [
        {c: (None if r[c] is None else r[c]) for c in rows.columns}
        for _, r in rows.iterrows()
        if r["scenario"] is not None
    ]
