"""Check raw tables against the schema and turn them into typed tables, collecting every problem.

`check(raw, base_dir)` never raises on bad content: it returns the typed tables it could build
and the list of `InputError`s (sheet, Excel row, column header, message). Nothing here solves.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.errors import InputError
from planner.inputs.schema import (
    BY_NAME,
    COOLING_KIND,
    HOURS_PER_YEAR,
    KEYVALUE_COLUMNS,
    PROFILE_NAMES,
    SHEETS,
    Column,
    Key,
    Sheet,
)
from planner.inputs.tables import RawTables

_HEADER = re.compile(r"^\s*(?P<label>[^\[\]]+?)\s*(\[(?P<unit>[^\]]*)\])?\s*$")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}
MAX_PROFILE_BYTES = 100 * 1024 * 1024


@dataclass
class Checked:
    """Typed tables (internal column names) and key-value dicts, plus problems found."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    profiles: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[InputError] = field(default_factory=list)

    def error(self, sheet, row, column, message, value=None) -> None:
        self.problems.append(InputError(sheet, row, column, message, value))

    def warn(self, sheet, row, column, message, value=None) -> None:
        self.problems.append(InputError(sheet, row, column, message, value, "warning"))

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def check(
    raw: RawTables, base_dir: Path | None = None, profiles: dict[str, pd.DataFrame] | None = None
) -> Checked:
    """Validate every sheet, the references between them and the profile files.

    `profiles` (name → frame with an `hour` column, as in the files) replaces reading the
    files named in the Profiles sheet: cases built in code pass their series directly.
    """
    out = Checked()
    for sheet in SHEETS:
        if sheet.name not in raw:
            if sheet.required:
                out.error(sheet.name, None, None, "required sheet is missing")
            elif sheet.kind == "table":
                out.tables[sheet.name] = _empty(sheet)
            continue
        if sheet.kind == "keyvalue":
            out.values[sheet.name] = _check_keyvalue(sheet, raw[sheet.name], out)
        else:
            out.tables[sheet.name] = _check_table(sheet, raw[sheet.name], out)
    for name in raw:
        if name not in BY_NAME:
            out.warn(name, None, None, "sheet is not part of the schema and is ignored")
    _check_references(out)
    if "Profiles" in out.tables and (base_dir is not None or profiles is not None):
        _check_profiles(out, base_dir, profiles)
    return out


# --- cells -----------------------------------------------------------------------------------


def _convert(value: object, dtype: str) -> tuple[object, str | None]:
    """Convert one cell; returns (value, problem or None)."""
    if dtype == "str":
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), None
        return str(value), None
    if dtype == "bool":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in ("1.0",):
            return True, None
        if text in ("0.0",):
            return False, None
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, "expected true or false"
    if isinstance(value, bool):
        return None, "expected a number, found true/false"
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            return None, "expected a number, found text"
    if not math.isfinite(number):
        return None, "expected a finite number"
    if dtype == "int":
        if not number.is_integer():
            return None, "expected a whole number"
        return int(number), None
    return number, None


def _range_problem(number: float, spec: Column | Key) -> str | None:
    low, high = spec.min, spec.max
    if low is not None and (number < low or (spec.min_exclusive and number <= low)):
        sign = ">" if spec.min_exclusive else ">="
        return f"out of range: must be {sign} {low:g}"
    if high is not None and number > high:
        return f"out of range: must be <= {high:g}"
    return None


def _check_value(spec: Column | Key, value: object) -> tuple[object, str | None]:
    converted, problem = _convert(value, spec.dtype)
    if problem:
        return None, problem
    if spec.dtype in ("float", "int"):
        problem = _range_problem(float(converted), spec)
        if problem:
            return None, problem
    if spec.choices is not None and converted not in spec.choices:
        return None, f"must be one of {', '.join(spec.choices)}"
    return converted, None


# --- table sheets ----------------------------------------------------------------------------


def _empty(sheet: Sheet) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=_pandas_dtype(c)) for c in sheet.columns})


def _pandas_dtype(column: Column) -> str:
    return {"str": "object", "float": "float64", "int": "int64", "bool": "bool"}[column.dtype]


def _match_headers(sheet: Sheet, frame: pd.DataFrame, out: Checked) -> dict[str, str]:
    """Map internal column name -> header present in the sheet; report missing/wrong units."""
    present: dict[str, str] = {}
    seen_labels: dict[str, str] = {}
    for header in frame.columns:
        m = _HEADER.match(str(header))
        if m:
            seen_labels.setdefault(m.group("label").strip().lower(), str(header))
    for col in sheet.columns:
        if col.header in frame.columns:
            present[col.name] = col.header
            continue
        found = seen_labels.get(col.label.lower())
        if found is not None:
            out.error(
                sheet.name,
                1,
                found,
                f"unit in header does not match: expected '{col.header}'",
                found,
            )
        elif col.required:
            out.error(sheet.name, 1, col.header, "required column is missing")
    known = {c.header for c in sheet.columns}
    for header in frame.columns:
        label = (_HEADER.match(str(header)) or None) and _HEADER.match(str(header)).group("label")
        if header not in known and (label or "").strip().lower() not in {
            c.label.lower() for c in sheet.columns
        }:
            out.warn(sheet.name, 1, str(header), "column is not part of the schema and is ignored")
    return present


def _check_table(sheet: Sheet, frame: pd.DataFrame, out: Checked) -> pd.DataFrame:
    present = _match_headers(sheet, frame, out)
    columns: dict[str, list] = {c.name: [] for c in sheet.columns}
    rows: list[int] = []
    bad_rows: set[int] = set()
    for row_number, record in zip(frame.index, frame.to_dict("records"), strict=True):
        for col in sheet.columns:
            header = present.get(col.name)
            raw = record.get(header) if header is not None else None
            if raw is None:
                if col.required and header is not None:
                    out.error(sheet.name, int(row_number), col.header, "required value is blank")
                    bad_rows.add(row_number)
                columns[col.name].append(col.default)
                continue
            value, problem = _check_value(col, raw)
            if problem:
                out.error(sheet.name, int(row_number), col.header, problem, raw)
                bad_rows.add(row_number)
            columns[col.name].append(value if not problem else col.default)
        rows.append(int(row_number))
    typed = pd.DataFrame(columns, index=pd.Index(rows, name="excel_row"))
    for col in sheet.columns:
        if col.dtype in ("float", "int"):
            typed[col.name] = pd.to_numeric(typed[col.name], errors="coerce").astype("float64")
        elif col.dtype == "bool":
            typed[col.name] = typed[col.name].map(lambda v: bool(v) if v is not None else False)
    typed = typed.loc[[r not in bad_rows for r in typed.index]] if bad_rows else typed
    _check_duplicates(sheet, typed, out)
    return typed


def _check_duplicates(sheet: Sheet, typed: pd.DataFrame, out: Checked) -> None:
    if typed.empty or not sheet.key:
        return
    dup = typed.duplicated(subset=list(sheet.key), keep="first")
    for row_number in typed.index[dup]:
        key_text = "/".join(str(typed.at[row_number, k]) for k in sheet.key)
        out.error(
            sheet.name,
            int(row_number),
            sheet.column(sheet.key[0]).header,
            f"duplicate id '{key_text}'",
            key_text,
        )


# --- key-value sheets ------------------------------------------------------------------------


def _check_keyvalue(sheet: Sheet, frame: pd.DataFrame, out: Checked) -> dict[str, object]:
    values = {k.name: k.default for k in sheet.keys}
    for needed in ("key", "value"):
        if needed not in frame.columns:
            out.error(sheet.name, 1, needed, "required column is missing")
    if "key" not in frame.columns or "value" not in frame.columns:
        return values
    specs = {k.name: k for k in sheet.keys}
    seen: set[str] = set()
    for row_number, record in zip(frame.index, frame.to_dict("records"), strict=True):
        key = record.get("key")
        if key is None:
            out.error(sheet.name, int(row_number), "key", "required value is blank")
            continue
        key = str(key)
        spec = specs.get(key)
        if spec is None:
            out.error(
                sheet.name,
                int(row_number),
                "key",
                f"unknown key; known keys: {', '.join(specs)}",
                key,
            )
            continue
        if key in seen:
            out.error(sheet.name, int(row_number), "key", f"duplicate key '{key}'", key)
            continue
        seen.add(key)
        unit = record.get("unit")
        if unit is not None and spec.unit and str(unit).strip() != spec.unit:
            out.error(
                sheet.name,
                int(row_number),
                "unit",
                f"unit does not match: expected '{spec.unit}'",
                unit,
            )
        raw = record.get("value")
        if raw is None:
            values[key] = spec.default
            continue
        value, problem = _check_value(spec, raw)
        if problem:
            out.error(sheet.name, int(row_number), "value", f"{key}: {problem}", raw)
        else:
            values[key] = value
    if "time" in values and values.get("time") is not None:
        from planner.timeseries import parse_time_option

        try:
            parse_time_option(str(values["time"]))
        except ValueError as exc:
            out.error(sheet.name, _row_of(frame, "time"), "value", str(exc), values["time"])
    return values


def _row_of(frame: pd.DataFrame, key: str) -> int | None:
    hits = frame.index[frame["key"].astype(str) == key]
    return int(hits[0]) if len(hits) else None


# --- references ------------------------------------------------------------------------------


def _ids(out: Checked, sheet: str, where: str | None = None) -> set[str]:
    frame = out.tables.get(sheet)
    if frame is None or frame.empty:
        return set()
    key = BY_NAME[sheet].key[0]
    if where:
        column, wanted = where.split("=")
        frame = frame[frame[column] == wanted]
    return set(frame[key].astype(str))


def _check_references(out: Checked) -> None:
    have_all = all(s.name in out.tables or s.kind == "keyvalue" for s in SHEETS)
    for sheet in SHEETS:
        frame = out.tables.get(sheet.name)
        if frame is None or frame.empty:
            continue
        for col in sheet.columns:
            target = col.ref or col.list_ref
            if target is None:
                continue
            target_sheet, _, where = target.partition(":")
            if target_sheet not in out.tables:
                continue
            valid = _ids(out, target_sheet, where or None)
            for row_number, value in frame[col.name].items():
                if value is None:
                    continue
                names = [v.strip() for v in str(value).split(",")] if col.list_ref else [value]
                for name in names:
                    if name not in valid:
                        what = f"{target_sheet} rows of {where}" if where else target_sheet
                        out.error(
                            sheet.name,
                            int(row_number),
                            col.header,
                            f"unknown id '{name}': not in {what}",
                            name,
                        )
    if not have_all:
        return
    tech = out.tables["Technologies"]
    cooling = out.tables["Cooling"]
    for row_number, name in tech.loc[tech["kind"] == COOLING_KIND, "technology"].items():
        if name not in set(cooling["cooling"]):
            out.error(
                "Technologies",
                int(row_number),
                "technology",
                f"cooling technology '{name}' has no PUE curve in sheet Cooling",
                name,
            )
    for kind in ("pv", "wind", "battery_energy", "battery_power"):
        if (tech["kind"] == kind).sum() > 1:
            row_number = int(tech.index[tech["kind"] == kind][1])
            out.error("Technologies", row_number, "kind", f"more than one row of kind '{kind}'")
    if not (tech["kind"] == COOLING_KIND).any():
        out.error("Technologies", None, "kind", "at least one row of kind 'facility' is needed")
    classes = out.tables["Classes"]
    shapes = set(classes.loc[classes["shape"] != "flat", "shape"])
    out.values.setdefault("_meta", {})["demand_shapes"] = sorted(shapes)


# --- profiles --------------------------------------------------------------------------------


def _check_profiles(
    out: Checked, base_dir: Path | None, given: dict[str, pd.DataFrame] | None = None
) -> None:
    table = out.tables["Profiles"]
    sites = sorted(_ids(out, "Sites"))
    shapes = out.values.get("_meta", {}).get("demand_shapes", [])
    listed = dict(zip(table["profile"], table.index, strict=True))
    for name in PROFILE_NAMES:
        if name not in listed:
            if name == "demand" and not shapes:
                continue
            out.error("Profiles", None, "profile", f"profile '{name}' is not listed")
    for name, row_number in listed.items():
        file = table.at[row_number, "file"]
        needed = shapes if name == "demand" else sites
        if given is not None and name in given:
            frame = _check_hours(out, given[name], f"profile {name}")
        else:
            frame = _read_profile(out, base_dir or Path("."), str(file), int(row_number))
        if frame is None:
            continue
        label = f"profile {file}"
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            out.error(label, 1, ", ".join(missing), f"columns missing for {name} profile")
        values = frame[[c for c in needed if c in frame.columns]]
        numeric = values.apply(pd.to_numeric, errors="coerce")
        for col in numeric.columns:
            bad = numeric[col].isna()
            if bad.any():
                first = int(np.flatnonzero(bad.to_numpy())[0])
                out.error(
                    label,
                    first + 2,
                    col,
                    f"{int(bad.sum())} blank or non-numeric value(s), first shown",
                    frame[col].iloc[first],
                )
        if name in ("pv", "wind"):
            _range_in_profile(out, label, numeric, 0.0, 1.0)
        elif name in ("price", "demand"):
            _range_in_profile(out, label, numeric, 0.0, None)
        elif name == "temperature":
            _range_in_profile(out, label, numeric, -60.0, 60.0)
        if out.ok:
            out.profiles[name] = numeric.astype("float64").reset_index(drop=True)


def _range_in_profile(out, label, numeric: pd.DataFrame, low, high) -> None:
    for col in numeric.columns:
        series = numeric[col]
        bad = (series < low) | ((series > high) if high is not None else False)
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            limit = f"[{low:g}, {high:g}]" if high is not None else f">= {low:g}"
            out.error(
                label,
                first + 2,
                col,
                f"{int(bad.sum())} value(s) outside {limit}",
                float(series.iloc[first]),
            )


def _read_profile(out: Checked, base_dir: Path, file: str, row_number: int):
    path = (base_dir / file).resolve()
    if not path.is_file():
        out.error("Profiles", row_number, "file", f"profile file not found: {path}", file)
        return None
    if path.stat().st_size > MAX_PROFILE_BYTES:
        out.error("Profiles", row_number, "file", "profile file is too large", file)
        return None
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # malformed CSV of any kind
        out.error("Profiles", row_number, "file", f"cannot be read as CSV ({exc})", file)
        return None
    return _check_hours(out, frame, f"profile {file}")


def _check_hours(out: Checked, frame: pd.DataFrame, label: str):
    if len(frame) != HOURS_PER_YEAR:
        out.error(label, None, None, f"has {len(frame)} rows, expected {HOURS_PER_YEAR}")
        return None
    if "hour" not in frame.columns:
        out.error(label, 1, "hour", "required column is missing")
        return None
    hours = pd.to_numeric(frame["hour"], errors="coerce").to_numpy()
    expected = np.arange(HOURS_PER_YEAR)
    if not np.array_equal(hours, expected):
        first = int(np.flatnonzero(hours != expected)[0])
        out.error(
            label,
            first + 2,
            "hour",
            f"hours must run 0..{HOURS_PER_YEAR - 1} without gaps; expected {first}",
            frame["hour"].iloc[first],
        )
        return None
    return frame.drop(columns="hour")


__all__ = ["KEYVALUE_COLUMNS", "Checked", "check"]
