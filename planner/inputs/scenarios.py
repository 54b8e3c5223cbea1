"""Scenarios: named overrides (sheet, key, column, value) applied to the raw tables.

Overrides are applied before validation, so an overridden value is checked like any other
cell (its message then names the Scenarios row that set it). An override naming a sheet, key
or column that does not exist, or two overrides of one scenario that set the same cell, is an
`InputError` on the Scenarios sheet's row (as Calliope refuses two overrides of one key).

Beyond one value per cell:
- scenarios combine with `+` (`policy_2025+carbon_200`): their rows are applied in order and
  two of them setting the same cell is refused, naming both rows and scenarios;
- a value written `*1.3` (or `×1.3`) scales the cell's value in the case (all demand ×1.3);
- a key part `*` matches every row (`Demand` key `yrd/*`: every class of one region; `*`:
  every row of a one-part key);
- the column may be given by its internal name (`grid_price_yuan_per_kwh`) or its header label
  (`grid_price`), as in `dcplan sweep --vary`.
"""

from __future__ import annotations

import difflib

import pandas as pd

from planner.inputs.errors import InputError
from planner.inputs.schema import BY_NAME, SCENARIOS, Sheet
from planner.inputs.tables import RawTables
from planner.inputs.validate import OVERRIDES, id_text, is_blank, match_headers

BASELINE = "baseline"
COMBINE = "+"
WILDCARD = "*"
SCALE_MARKS = ("*", "×")
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
    parts = [p.strip() for p in scenario.split(COMBINE)]
    # a scenario whose own name holds '+' (a sweep point's) is that scenario, not a combination
    if len(parts) > 1 and scenario not in scenario_names(raw):
        return _apply_combined(out, rows, raw, parts)
    mine = rows[rows["scenario"].map(_text) == scenario]
    if mine.empty:
        if scenario != BASELINE:
            problems.append(_unknown(scenario, scenario_names(raw)))
        return out, problems
    seen: dict[tuple, tuple[int, str]] = {}
    for row_number, row in mine.iterrows():
        problem = _apply_row(out, row, int(row_number), seen)
        if problem:
            problems.append(problem)
    return out, problems


def _unknown(name: str, names: list[str], where: str = "") -> InputError:
    """An unknown scenario name, with a did-you-mean and the known names."""
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    known = ", ".join(names) or "none"
    return InputError(
        "Scenarios",
        None,
        "scenario",
        f"unknown scenario '{name}'{where}{hint}; known: {known}",
        name,
    )


def _apply_combined(
    out: RawTables, rows: pd.DataFrame, raw: RawTables, parts: list[str]
) -> tuple[RawTables, list[InputError]]:
    """Apply scenarios `a+b+…` in order; two of them may not set the same cell."""
    problems: list[InputError] = []
    names = scenario_names(raw)
    unknown = [p for p in parts if p not in names and p != BASELINE]
    if any(not p for p in parts) or len(set(parts)) < len(parts):
        problems.append(
            InputError(
                "Scenarios",
                None,
                "scenario",
                "combine distinct scenario names with '+' (e.g. policy_2025+carbon_200)",
                COMBINE.join(parts),
            )
        )
    problems += [_unknown(part, names, f" in '{COMBINE.join(parts)}'") for part in unknown]
    if problems:
        return out, problems
    seen: dict[tuple, tuple[int, str]] = {}
    for part in parts:
        mine = rows[rows["scenario"].map(_text) == part]
        for row_number, row in mine.iterrows():
            problem = _apply_row(out, row, int(row_number), seen, part)
            if problem:
                problems.append(problem)
    return out, problems


def _scale_factor(value: object) -> float | None:
    """The factor of a multiplicative value (`*1.3` or `×1.3`), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text[0] not in SCALE_MARKS:
        return None
    try:
        return float(text[1:].strip())
    except ValueError:
        return float("nan")


def _scaled(current: object, factor: float) -> float | str:
    """current × factor, or a message saying why the cell cannot be scaled."""
    if factor != factor:  # NaN: the text after '*' is not a number
        return "a multiplicative value is '*' followed by a number, e.g. *1.3"
    if current is None or (isinstance(current, str) and not current.strip()):
        return "cannot scale a blank cell: give a value instead of a factor"
    if isinstance(current, bool):
        return "cannot scale a true/false cell"
    try:
        return float(str(current).strip().replace(",", "")) * factor
    except ValueError:
        return f"cannot scale '{current}': not a number"


def _apply_row(
    out: RawTables,
    row: pd.Series,
    row_number: int,
    seen: dict[tuple, tuple[int, str]],
    scenario: str = "",
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
        labels = {c.label.lower(): c.name for c in sheet.columns}
        column = column if column in names else labels.get(column.lower(), column)
        if column not in names:
            close = difflib.get_close_matches(column, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return bad(
                "column",
                f"no column '{column}' in sheet {sheet.name}{hint}: expected a column name or "
                f"label, one of {', '.join(names)}",
                column,
            )
        if column in sheet.key:
            return bad("column", "a scenario cannot change a row's id", column)
        present, _ = match_headers(sheet, [str(c) for c in frame.columns])
        if any(k not in present for k in sheet.key):
            return None  # validation reports the missing id column once, not per override
        header = present.get(column, sheet.column(column).header)
    if sheet.kind != "keyvalue" and WILDCARD in key.split("/"):
        targets = _find_rows(sheet, frame, key)
        if not targets:
            shape = "/".join(sheet.key)
            return bad("key", f"no row matches '{key}' in sheet {sheet.name} ({shape})", key)
        for target in targets:
            problem = _set_cell(out, sheet, frame, target, header, row, row_number, seen, scenario)
            if problem:
                return problem
        return None
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
    return _set_cell(out, sheet, frame, target, header, row, row_number, seen, scenario)


def _set_cell(
    out: RawTables,
    sheet: Sheet,
    frame: pd.DataFrame,
    target: object,
    header: str,
    row: pd.Series,
    row_number: int,
    seen: dict[tuple, tuple[int, str]],
    scenario: str,
) -> InputError | None:
    """Write one override into `frame` (a table of `out`), scaling for `*factor` values."""
    key = _text(row["key"])
    cell = (sheet.name, target, header)
    if cell in seen:
        first, where = seen[cell]
        if where and where != scenario:
            message = (
                f"sets the same cell as row {first} (scenario '{where}'): scenarios combined "
                f"with '+' must change different cells"
            )
        else:
            message = f"sets the same cell as row {first}: one value per cell"
        return InputError("Scenarios", row_number, "key", message, key)
    seen[cell] = (row_number, scenario)
    if header not in frame.columns:
        frame[header] = None
    frame[header] = frame[header].astype(object)
    value = row["value"]
    factor = _scale_factor(value)
    if factor is not None:
        scaled = _scaled(frame.at[target, header], factor)
        if isinstance(scaled, str):
            return InputError("Scenarios", row_number, "value", scaled, value)
        value = scaled
    frame.at[target, header] = value
    overrides = dict(frame.attrs.get(OVERRIDES, {}))
    overrides[(int(target), header)] = row_number
    frame.attrs[OVERRIDES] = overrides
    out[sheet.name] = frame
    return None


def _find_rows(sheet: Sheet, frame: pd.DataFrame, key: str) -> list[object]:
    """Index labels of every row matching a key with `*` parts."""
    present, _ = match_headers(sheet, [str(c) for c in frame.columns])
    parts = key.split("/")
    if any(k not in present for k in sheet.key) or len(parts) != len(sheet.key):
        return []
    mask = pd.Series(True, index=frame.index)
    for name, part in zip(sheet.key, parts, strict=True):
        if part != WILDCARD:
            mask &= _column(frame, present[name]).map(_id_matches(part))
    ids = _column(frame, present[sheet.key[0]])
    mask &= ids.map(lambda v: v is not None and not is_blank(v))
    return list(frame.index[mask.to_numpy(dtype=bool)])


def describe(raw: RawTables) -> list[dict[str, object]]:
    """One record per override: scenario, sheet, key, column, value, note (for listings)."""
    rows = scenario_rows(raw)
    return [
        {c: (None if r[c] is None else r[c]) for c in rows.columns}
        for _, r in rows.iterrows()
        if r["scenario"] is not None
    ]
