"""Check raw tables against the schema and turn them into typed tables, collecting every problem.

`check(raw, base_dir)` never raises on bad content: it returns the typed tables it could build
and the list of `InputError`s (sheet, Excel row, column header, value, message saying what is
expected). A missing or broken sheet does not stop the checks of the others, and references
into a sheet that could not be read are not reported again as unknown ids. Nothing here solves.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.errors import InputError, control_characters, printable
from planner.inputs.schema import (
    BY_NAME,
    COOLING_KIND,
    EXISTING_KINDS,
    HOURS_PER_YEAR,
    KEYVALUE_COLUMNS,
    NON_CF_PROFILES,
    OPTIONAL_PROFILE_NAMES,
    PROFILE_NAMES,
    RENEWABLE_KINDS,
    SHEETS,
    STANDARD_RENEWABLES,
    Column,
    Key,
    Sheet,
    expectation,
)
from planner.inputs.tables import DOC_SHEETS, HEADER_NOTES, BadCell, RawTables, decode_text

_HEADER = re.compile(r"^\s*(?P<label>[^\[\]]*?)\s*(\[(?P<unit>[^\]]*)\])?\s*$")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# 1,500 is read as 1500; 0,550 is not (no thousands group starts with 0): a decimal comma
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
_TRUE = {"true", "yes", "y", "t", "1", "1.0"}
_FALSE = {"false", "no", "n", "f", "0", "0.0"}
_ID_FORBIDDEN = (",", "/", "\\")
_ID_SHEETS = ("Regions", "Sites", "Classes", "Technologies", "Vouchers", "Hardware")
OVERRIDES = "overrides"  # frame.attrs key set by scenarios: {(row, header): Scenarios row}
MAX_PROFILE_BYTES = 100 * 1024 * 1024
PROFILE_RANGES: dict[str, tuple[float | None, float | None]] = {
    "temperature": (-60.0, 60.0),
    "pv": (0.0, 1.0),
    "wind": (0.0, 1.0),
    "price": (0.0, None),
    "demand": (0.0, None),
    "grid_clean": (0.0, 1.0),
}
CF_RANGE = (0.0, 1.0)  # any capacity-factor profile a renewable technology names [MW/MW]
# a renewable technology's id names its result columns (<id>_mw, <id>_energy_mwh) and cost
# terms (<id>_capital, <id>_om): these ids would collide with columns and terms that exist
RESERVED_RENEWABLE_IDS = frozenset(
    {
        "pv",
        "wind",
        "grid",
        "it",
        "it_load",
        "it_capacity",
        "facility",
        "battery",
        "battery_charge",
        "battery_discharge",
        "battery_energy",
        "battery_power",
        "curtailed",
        "unserved",
        "served",
        "green",
    }
)
SHAPE_MEAN_TOLERANCE = 0.01
# plausible annual means of a site's profile [MW per MW installed, degC]: a wind series in
# percent divided by 100 twice averages 0.003, a PV series in W/m2 averages 200
PROFILE_PLAUSIBLE_MEAN: dict[str, tuple[float, float]] = {
    "pv": (0.03, 0.35),
    "wind": (0.05, 0.6),
    "temperature": (-20.0, 35.0),
}
PRICE_MEAN_MAX = 5.0  # a time-of-use multiplier averages about 1; 300 is a price in yuan/MWh


@dataclass
class Checked:
    """Typed tables (internal column names) and key-value dicts, plus problems found.

    `ids` holds, per table sheet, the ids of every data row (also rows with errors), and
    `unreadable` the sheets that are missing or lack a key column: references into them are
    not reported again; checks across sheets skip sheets `incomplete` for lack of a required
    column. `partial` holds every row of a table with its bad cells blank, so the
    references of a row are checked even when another of its cells is wrong.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    profiles: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[InputError] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    incomplete: set[str] = field(default_factory=set)
    partial: dict[str, pd.DataFrame] = field(default_factory=dict)
    id_cache: dict[tuple, set[str]] = field(default_factory=dict, repr=False)

    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def error(
        self, sheet: str, row: int | None, column: str | None, message: str, value: object = None
    ) -> None:
        """Record an error at (sheet, Excel row, column header)."""
        self.problems.append(InputError(sheet, row, column, message, _shown(value)))

    def warn(
        self, sheet: str, row: int | None, column: str | None, message: str, value: object = None
    ) -> None:
        """Record a warning at (sheet, Excel row, column header)."""
        self.problems.append(InputError(sheet, row, column, message, _shown(value), "warning"))

    def header(self, sheet: str, name: str) -> str:
        """The header of internal column `name` as the sheet spells it (schema's if absent)."""
        found = self.headers.get(sheet, {}).get(name)
        return found if found is not None else BY_NAME[sheet].column(name).header

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _shown(value: object) -> object:
    """A cell value as a problem shows it: plain str/int/float/bool (hashable, printable)."""
    if isinstance(value, BadCell):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return str(value)


def check(
    raw: RawTables, base_dir: Path | None = None, profiles: dict[str, pd.DataFrame] | None = None
) -> Checked:
    """Validate every sheet, the references between them and the profile files.

    `profiles` (name → frame with an `hour` column, as in the files) replaces reading the
    files named in the Profiles sheet: cases built in code pass their series directly.
    Profiles are checked when `base_dir` or `profiles` is given.
    """
    out = Checked()
    for sheet in SHEETS:
        frame = raw.get(sheet.name)
        if frame is None:
            _missing_sheet(sheet, raw, out)
            continue
        frame = _with_unique_headers(frame)
        if sheet.kind == "keyvalue":
            out.values[sheet.name] = _check_keyvalue(sheet, frame, out)
        else:
            out.tables[sheet.name] = _check_table(sheet, frame, out)
    for name in raw:
        if name not in BY_NAME and name not in DOC_SHEETS:
            out.warn(
                name, None, None, f"sheet is not part of the schema and is ignored{_hint(name)}"
            )
    _check_references(out)
    _check_consistency(out)
    if _readable(out, "Profiles") and (base_dir is not None or profiles is not None):
        _check_profiles(out, base_dir, profiles)
    return out


def _missing_sheet(sheet: Sheet, raw: RawTables, out: Checked) -> None:
    if sheet.required:
        near = [n for n in raw if n.strip().lower() == sheet.name.lower()]
        exact = "sheet names must match exactly, case and spaces"
        hint = f" (found '{near[0]}': {exact})" if near else ""
        out.error(sheet.name, None, None, f"required sheet is missing{hint}")
        out.unreadable.add(sheet.name)
    if sheet.kind == "table":
        out.tables[sheet.name] = _empty(sheet)
        out.ids[sheet.name] = set()
    else:
        out.values[sheet.name] = {k.name: k.default for k in sheet.keys}


def _hint(name: str, known: list[str] | None = None) -> str:
    choices = known if known is not None else [s.name for s in SHEETS]
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f" (did you mean '{close[0]}'?)" if close else ""


def _with_unique_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with str column labels; repeated labels (from tables built in code) are
    renamed and noted like `tables` does for files."""
    labels = [str(c) for c in frame.columns]
    if labels == list(frame.columns) and len(set(labels)) == len(labels):
        return frame
    notes = dict(frame.attrs.get(HEADER_NOTES, {}))
    seen: set[str] = set()
    unique = []
    for i, label in enumerate(labels, start=1):
        if label in seen:
            renamed = f"{label} (column {i})"
            notes[renamed] = ("error", f"header '{label}' appears twice")
            unique.append(renamed)
        else:
            seen.add(label)
            unique.append(label)
    renamed_frame = frame.copy()
    renamed_frame.columns = unique
    renamed_frame.attrs[HEADER_NOTES] = notes
    return renamed_frame


# --- cells -----------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """True for an empty cell: None, NaN/NaT/NA (tables built in code) or only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not isinstance(value, BadCell) and value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value)) if not isinstance(value, list | tuple | dict) else False
    except (TypeError, ValueError):
        return False


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dt.datetime | dt.date):
        return "a date"
    if isinstance(value, dt.time | dt.timedelta):
        return "a time"
    if isinstance(value, int | float):
        return "a number"
    return "text"


def _number(value: object) -> tuple[float | None, str | None]:
    """A finite float from a cell, or the reason it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None, f"found {_kind_of(value)}"
    if isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if not _NUMBER_TEXT.match(text):
            if re.match(r"^[+-]?\d+,\d+$", text):
                return None, "found text (use '.' as the decimal point)"
            return None, "found text"
        value = text
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None, "found a number too large to use"
    if not math.isfinite(number):
        return None, "found a number too large to use"
    return number, None


def _convert(value: object, dtype: str) -> tuple[object, str | None]:
    """Convert one (non-blank) cell; returns (value, None) or (None, what was found)."""
    if dtype == "str":
        if isinstance(value, bool):
            return ("true" if value else "false"), None
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value)), None
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat(), None
        return str(value).strip(), None
    if dtype == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value), None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, f"found {_kind_of(value)}"
    number, problem = _number(value)
    if problem:
        return None, problem
    if dtype == "int":
        if not number.is_integer():
            return None, "found a fractional number"
        return int(number), None
    return number, None


def _range_ok(number: float, spec: Column | Key) -> bool:
    low, high = spec.min, spec.max
    if low is not None and (number < low or (spec.min_exclusive and number <= low)):
        return False
    return not (high is not None and number > high)


def check_value(spec: Column | Key, value: object) -> tuple[object, str | None]:
    """Type, range and choice check of one non-blank cell: (typed value, None) or
    (None, message saying what is expected)."""
    if isinstance(value, BadCell):
        return None, f"cell {value.coordinate} {value.reason}"
    converted, found = _convert(value, spec.dtype)
    if found:
        return None, f"expected {expectation(spec)}, {found}"
    if spec.dtype in ("float", "int") and not _range_ok(float(converted), spec):
        return None, f"out of range: expected {expectation(spec)}"
    if spec.dtype == "str":
        controls = control_characters(converted, keep="\n\t")
        if controls:
            return None, (
                f"contains the control character {printable(controls[0], keep='')} "
                "(terminal escape codes are not allowed in inputs): delete it"
            )
    if spec.choices is not None and converted not in spec.choices:
        return None, f"expected {expectation(spec)}{_hint(str(converted), list(spec.choices))}"
    return converted, None


def implausible(spec: Column | Key, value: object) -> str | None:
    """Why a valid number is doubtful (outside the schema's plausible range), or None. The
    message gives the range and, for a value 1000 times too large or small, the unit slip."""
    if spec.plausible is None or spec.dtype not in ("float", "int") or value is None:
        return None
    low, high = spec.plausible
    number = float(value)
    if (low is None or number >= low) and (high is None or number <= high):
        return None
    unit = spec.unit if spec.unit not in ("", "-") else ""
    if low is not None and high is not None:
        span = f"{low:g} to {high:g}"
    else:
        span = f"at least {low:g}" if low is not None else f"at most {high:g}"
    message = f"{number:g} {unit}".rstrip() + f" is outside the plausible range ({span} {unit}"
    message = message.rstrip() + ")"
    for factor, hint in ((1000.0, "1000 times too large"), (0.001, "1000 times too small")):
        scaled = number / factor
        if (low is None or scaled >= low) and (high is None or scaled <= high) and number != 0:
            message += f": {hint}? check the unit"
            break
    return message + "; used as given"


def _blank(spec: Column | Key) -> str:
    return f"required value is blank: expected {expectation(spec)}"


# --- table sheets ----------------------------------------------------------------------------


def _empty(sheet: Sheet) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series(dtype=_pandas_dtype(c)) for c in sheet.columns})
    frame.index = pd.Index([], dtype="int64", name="excel_row")
    return frame


def _pandas_dtype(column: Column) -> str:
    return {"str": "object", "float": "float64", "int": "float64", "bool": "bool"}[column.dtype]


def split_header(header: str) -> tuple[str, str | None]:
    """'max_it [MW]' → ('max_it', 'MW'); 'site' → ('site', None). Whitespace is normalised."""
    m = _HEADER.match(header)
    if not m:
        return " ".join(header.split()), None
    unit = m.group("unit")
    return " ".join(m.group("label").split()), None if unit is None else " ".join(unit.split())


def match_headers(sheet: Sheet, headers: list[str]) -> tuple[dict[str, str], list[tuple]]:
    """Map each schema column to the header naming it (label case-insensitive, unit exact).

    Returns (internal name → header present, problems) where a problem is
    (severity, header, message): unit mismatch and repeated columns are errors, unknown
    columns warnings. Missing columns are not problems here.
    """
    by_label = {c.label.lower(): c for c in sheet.columns}
    present: dict[str, str] = {}
    problems: list[tuple] = []
    for header in headers:
        label, unit = split_header(header)
        col = by_label.get(label.lower())
        if col is None:
            hint = _hint(label, [c.header for c in sheet.columns])
            problems.append(("warning", header, f"column is not part of the schema{hint}"))
            continue
        if col.name in present:
            problems.append(
                ("error", header, f"column '{col.label}' appears twice ('{present[col.name]}')")
            )
            continue
        if (unit or "") != col.unit:
            wanted = f"values in {col.unit}" if col.unit else "no unit"
            problems.append(
                (
                    "error",
                    header,
                    f"unit in header does not match: expected '{col.header}' ({wanted})",
                )
            )
            present[col.name] = ""  # named, but not usable
            continue
        present[col.name] = header
    return {k: v for k, v in present.items() if v}, problems


def _header_problems(sheet: Sheet, frame: pd.DataFrame, out: Checked) -> set[str]:
    """Report header notes from reading; returns the headers they cover."""
    notes = frame.attrs.get(HEADER_NOTES, {})
    for header, (severity, message) in notes.items():
        if header in frame.columns:
            (out.error if severity == "error" else out.warn)(sheet.name, 1, header, message)
    return set(notes)


def _separator_hint(headers: list[str]) -> str:
    """A hint when a header shows that the file separates values by ';' or tabs."""
    for separator, name in ((";", "';'"), ("\t", "tabs")):
        if any(separator in str(h) for h in headers):
            return f" (values seem to be separated by {name}: expected ',')"
    return ""


def _headers_below(sheet: Sheet, frame: pd.DataFrame) -> int | None:
    """Excel row of a row below row 1 that holds this sheet's id headers (a title row above)."""
    wanted = {sheet.column(k).label.lower() for k in sheet.key}
    for position, label in enumerate(frame.index[:10]):
        texts = {split_header(str(v))[0].lower() for v in frame.iloc[position] if not is_blank(v)}
        if wanted <= texts:
            return _excel_row(label, position)
    return None


def _check_table(sheet: Sheet, frame: pd.DataFrame, out: Checked) -> pd.DataFrame:
    labels = {c.label.lower() for c in sheet.columns}
    if not any(split_header(str(h))[0].lower() in labels for h in frame.columns):
        expected = ", ".join(c.header for c in sheet.columns)
        below = _headers_below(sheet, frame)
        hint = (
            f" (they seem to be in row {below}: delete the rows above them)"
            if below
            else _separator_hint(list(frame.columns))
        )
        out.error(sheet.name, 1, None, f"row 1 must hold the column headers: {expected}{hint}")
        out.unreadable.add(sheet.name)
        out.ids[sheet.name] = set()
        return _empty(sheet)
    noted = _header_problems(sheet, frame, out)
    headers = [h for h in frame.columns if h not in noted]
    present, problems = match_headers(sheet, headers)
    named = set()
    for severity, header, message in problems:
        (out.error if severity == "error" else out.warn)(sheet.name, 1, header, message, header)
        named.add(split_header(header)[0].lower())
    for col in sheet.columns:
        if col.name not in present and col.required and col.label.lower() not in named:
            out.error(sheet.name, 1, col.header, "required column is missing")
    if any(k not in present for k in sheet.key):
        out.unreadable.add(sheet.name)
    if any(c.required and c.name not in present for c in sheet.columns):
        out.incomplete.add(sheet.name)
    out.headers[sheet.name] = present
    overrides = frame.attrs.get(OVERRIDES, {})
    columns: dict[str, list] = {c.name: [] for c in sheet.columns}
    rows = [_excel_row(label, i) for i, label in enumerate(frame.index)]
    good = [True] * len(rows)
    grid = frame.to_numpy(dtype=object)
    cells = {h: grid[:, i].tolist() for i, h in enumerate(frame.columns)}
    key_header = present.get(sheet.key[0]) if sheet.key else None
    out.ids[sheet.name] = {id_text(v) for v in cells.get(key_header, []) if not is_blank(v)}
    check_ids = sheet.name in _ID_SHEETS
    mark = len(out.problems)  # cells are checked column by column; report them row by row
    for col in sheet.columns:
        header = present.get(col.name)
        typed_values = columns[col.name]
        if header is None:
            typed_values.extend([col.default] * len(rows))
            continue
        for i, value in enumerate(cells[header]):
            if is_blank(value):
                if col.required:
                    message = _set_by(_blank(col), overrides, rows[i], header)
                    out.error(sheet.name, rows[i], header, message)
                    good[i] = False
                typed_values.append(col.default)
                continue
            typed, problem = check_value(col, value)
            if problem is None and check_ids and col.name in sheet.key:
                problem = _id_problem(typed)
            if problem is None and sheet.name == "Scenarios" and col.name == "scenario":
                problem = scenario_name_problem(typed)
            if problem:
                message = _set_by(problem, overrides, rows[i], header)
                out.error(sheet.name, rows[i], header, message, value)
                good[i] = False
                typed = None
            else:
                doubt = implausible(col, typed)
                if doubt:
                    out.warn(
                        sheet.name,
                        rows[i],
                        header,
                        _set_by(doubt, overrides, rows[i], header),
                        value,
                    )
            typed_values.append(typed)
    out.problems[mark:] = sorted(out.problems[mark:], key=lambda p: p.row or 0)  # stable
    data = {}
    index = pd.Index(rows, name="excel_row", dtype="int64")
    for col in sheet.columns:
        values = columns[col.name]
        if col.dtype in ("float", "int"):
            data[col.name] = np.array([np.nan if v is None else v for v in values], dtype=float)
        elif col.dtype == "bool":
            data[col.name] = np.array([bool(v) for v in values], dtype=bool)
        else:
            data[col.name] = pd.Series(values, dtype=object, index=index)
    typed = pd.DataFrame(data, index=index)  # text stays object: no NaN for a blank
    if sheet.required and frame.empty and sheet.name not in out.unreadable:
        out.error(sheet.name, None, None, "sheet has no data rows: at least one is needed")
    out.partial[sheet.name] = typed
    if sheet.name in out.unreadable:  # no id column: rows cannot be told apart or referred to
        return typed.iloc[0:0]
    keep = np.array(good, dtype=bool)
    if not keep.all():
        typed = typed.loc[keep]
    if sheet.key:
        keys = list(zip(*(columns[k] for k in sheet.key), strict=True))
        keyed = [(r, k) for r, k, ok in zip(rows, keys, good, strict=True) if ok]
        _check_duplicates(sheet, keyed, present, out)
    return typed


def _excel_row(label: object, position: int) -> int:
    """Excel row of a raw table row: its index label, or position + 2 if that is no number."""
    if isinstance(label, int | np.integer) and not isinstance(label, bool):
        return int(label)
    return position + 2


def _set_by(message: str, overrides: dict, row: int | None, header: str) -> str:
    scenario_row = overrides.get((row, header))
    if scenario_row is None:
        return message
    return f"{message} (value set by Scenarios row {scenario_row})"


def _id_problem(value: object) -> str | None:
    text = str(value)
    if any(ch in text for ch in _ID_FORBIDDEN):
        return (
            "an id cannot contain ',', '/' or '\\' (they separate ids in lists, scenario keys "
            "and paths)"
        )
    if control_characters(text):
        return "an id cannot contain control characters (tabs, line breaks, escape codes)"
    return None


def scenario_name_problem(name: str) -> str | None:
    """Why a scenario name cannot be used (it becomes part of a results folder's name), or
    None. Refused: '/' or '\\' (a path), a leading '.' ('..' climbs out of results/, '.x' is
    hidden), control characters."""
    if "/" in name or "\\" in name:
        return "a scenario name cannot contain '/' or '\\' (it names a results folder)"
    if name.startswith("."):
        return "a scenario name cannot start with '.' (it names a results folder)"
    if control_characters(name):
        return "a scenario name cannot contain control characters (tabs, line breaks, escapes)"
    return None


def id_text(value: object) -> str:
    """A raw id cell as text, the way typed ids and scenario keys spell it (25.0 → '25')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _check_duplicates(
    sheet: Sheet, keyed: list[tuple[int, tuple]], present: dict[str, str], out: Checked
) -> None:
    """Report rows whose id (row number, key values) repeats an earlier row's."""
    keys = list(sheet.key)
    first: dict[tuple, int] = {}
    for row_number, key in keyed:
        if key not in first:
            first[key] = row_number
            continue
        column = keys[-1]
        header = present.get(column, sheet.column(column).header)
        shown = "/".join(id_text(v) for v in key)
        if sheet.name == "Cooling":
            message = (
                f"ambient point {key[1]:g} degC appears twice in the curve of '{key[0]}' "
                f"(first at row {first[key]}): a curve needs distinct ambient points"
            )
        elif sheet.name == "Scenarios":
            message = f"this override repeats row {first[key]}: one cell set twice"
        else:
            message = f"duplicate id '{shown}': first at row {first[key]}; ids must be unique"
        out.error(sheet.name, row_number, header, message, shown)


# --- key-value sheets ------------------------------------------------------------------------


def _check_keyvalue(sheet: Sheet, frame: pd.DataFrame, out: Checked) -> dict[str, object]:
    values = {k.name: k.default for k in sheet.keys}
    noted = _header_problems(sheet, frame, out)
    for header in frame.columns:
        if header not in noted and header not in KEYVALUE_COLUMNS:
            hint = _hint(str(header), list(KEYVALUE_COLUMNS))
            out.warn(sheet.name, 1, header, f"column is not part of the schema{hint}", header)
    missing = [c for c in ("key", "value") if c not in frame.columns]
    for column in missing:
        out.error(
            sheet.name,
            1,
            column,
            f"required column is missing (headers: {', '.join(KEYVALUE_COLUMNS)})"
            f"{_separator_hint(list(frame.columns))}",
        )
    if missing:
        out.unreadable.add(sheet.name)
        return values
    overrides = frame.attrs.get(OVERRIDES, {})
    specs = {k.name: k for k in sheet.keys}
    seen: dict[str, int] = {}
    has_unit = "unit" in frame.columns
    for position, (label, record) in enumerate(zip(frame.index, _records(frame), strict=True)):
        row = _excel_row(label, position)
        key = record.get("key")
        if is_blank(key):
            if not is_blank(record.get("value")):
                out.error(sheet.name, row, "key", "key is blank but a value is given")
            continue
        key = id_text(key) if not isinstance(key, BadCell) else str(key)
        spec = specs.get(key)
        if spec is None:
            out.error(
                sheet.name,
                row,
                "key",
                f"unknown key{_hint(key, list(specs))}; known keys: {', '.join(specs)}",
                key,
            )
            continue
        if key in seen:
            out.error(sheet.name, row, "key", f"key '{key}' repeats row {seen[key]}", key)
            continue
        seen[key] = row
        unit = record.get("unit") if has_unit else None
        if not is_blank(unit) and _unit_text(unit) != _unit_text(spec.unit):
            expected = f"'{spec.unit}'" if spec.unit not in ("", "-") else "no unit (or '-')"
            out.error(
                sheet.name, row, "unit", f"{key}: unit does not match: expected {expected}", unit
            )
        raw = record.get("value")
        if is_blank(raw):
            values[key] = spec.default
            continue
        value, problem = check_value(spec, raw)
        if problem is None and key == "time":
            problem = _time_problem(str(value))
        if problem:
            message = _set_by(f"{key}: {problem}", overrides, row, "value")
            out.error(sheet.name, row, "value", message, raw)
        else:
            values[key] = value
            doubt = implausible(spec, value)
            if doubt:
                out.warn(
                    sheet.name,
                    row,
                    "value",
                    _set_by(f"{key}: {doubt}", overrides, row, "value"),
                    raw,
                )
    return values


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    columns = [frame.iloc[:, i].tolist() for i in range(len(frame.columns))]
    return [dict(zip(frame.columns, values, strict=True)) for values in zip(*columns, strict=True)]


def _unit_text(unit: object) -> str:
    text = " ".join(str(unit).split())
    return "" if text == "-" else text


def _time_problem(text: str) -> str | None:
    from planner.timeseries import parse_time_option

    try:
        parse_time_option(text)
    except ValueError as exc:
        return str(exc)
    return None


# --- references and consistency --------------------------------------------------------------


def _valid_ids(out: Checked, sheet: str, where: str | None = None) -> set[str]:
    """Ids of the rows without errors of a sheet (optionally only rows with column=value)."""
    cached = out.id_cache.get((sheet, where))
    if cached is not None:
        return cached
    frame = out.tables.get(sheet)
    found: set[str] = set()
    if frame is not None and not frame.empty:
        key = BY_NAME[sheet].key[0]
        if where:
            column, wanted = where.split("=")
            frame = frame[frame[column] == wanted]
        found = {id_text(v) for v in frame[key].tolist()}
    out.id_cache[(sheet, where)] = found
    return found


def _check_references(out: Checked) -> None:
    for sheet in SHEETS:
        frame = out.partial.get(sheet.name)
        if frame is None or frame.empty:
            continue
        for col in sheet.columns:
            target = col.ref or col.list_ref
            if target is None:
                continue
            target_sheet, _, where = target.partition(":")
            if target_sheet in out.unreadable or (where and target_sheet in out.incomplete):
                continue
            valid = _valid_ids(out, target_sheet, where or None)
            tolerated = out.ids.get(target_sheet, set()) - _valid_ids(out, target_sheet)
            what = (
                f"rows of sheet {target_sheet} with {where}" if where else f"sheet {target_sheet}"
            )
            for row_number, value in frame[col.name].items():
                if is_blank(value):
                    continue
                names = [v.strip() for v in str(value).split(",")] if col.list_ref else [value]
                for name in names:
                    if name == "":
                        out.error(
                            sheet.name,
                            int(row_number),
                            out.header(sheet.name, col.name),
                            "empty entry in the list of ids",
                            value,
                        )
                    elif name not in valid and name not in tolerated:
                        hint = _hint(name, sorted(valid))
                        out.error(
                            sheet.name,
                            int(row_number),
                            out.header(sheet.name, col.name),
                            f"unknown id '{name}': expected an id of {what}{hint}",
                            name,
                        )


def _readable(out: Checked, *sheets: str) -> bool:
    """True if every sheet named has all its required columns (so its values can be used)."""
    return all(s not in out.unreadable and s not in out.incomplete for s in sheets)


def _check_consistency(out: Checked) -> None:
    tech = out.tables["Technologies"]
    cooling = out.tables["Cooling"]
    if _readable(out, "Technologies", "Cooling"):
        curves = set(cooling["cooling"]) | (out.ids["Cooling"] - set(cooling["cooling"]))
        for row_number, name in tech.loc[tech["kind"] == COOLING_KIND, "technology"].items():
            if name not in curves:
                out.error(
                    "Technologies",
                    int(row_number),
                    out.header("Technologies", "technology"),
                    f"cooling technology '{name}' has no PUE curve: expected rows in sheet Cooling",
                    name,
                )
    if _readable(out, "Technologies"):
        for kind in ("pv", "wind", "battery_energy", "battery_power"):
            rows = tech.index[tech["kind"] == kind]
            for row_number in rows[1:]:
                out.error(
                    "Technologies",
                    int(row_number),
                    out.header("Technologies", "kind"),
                    f"more than one row of kind '{kind}' (first at row {int(rows[0])})",
                    kind,
                )
        facility = tech[tech["kind"] == COOLING_KIND]
        if not tech.empty and facility.empty:
            out.error(
                "Technologies",
                None,
                out.header("Technologies", "kind"),
                "at least one row of kind 'facility' is needed",
            )
        elif not facility.empty and not facility["available"].any():
            out.error(
                "Technologies",
                None,
                out.header("Technologies", "available"),
                "no facility (cooling) technology is available: no IT capacity can be built; "
                "expected available = true in at least one row of kind 'facility'",
            )
        available = set(tech.loc[tech["available"], "kind"])
        if len(available & {"battery_energy", "battery_power"}) == 1:
            out.warn(
                "Technologies",
                None,
                out.header("Technologies", "kind"),
                "a battery needs an available row of kind battery_energy and one of kind "
                "battery_power: with only one, no battery is built",
            )
    if _readable(out, "Technologies"):
        _check_renewables(out, tech)
    if _readable(out, "Sites"):
        sites = out.tables["Sites"]
        supply = sites["grid_max_mw"] + sites["pv_max_mw"] + sites["wind_max_mw"]
        supply = supply + sites["site"].map(_potential_by_site(out)).fillna(0.0)
        for row_number in sites.index[(sites["max_it_mw"] > 0) & ~(supply > 0)]:
            out.error(
                "Sites",
                int(row_number),
                out.header("Sites", "grid_max_mw"),
                "site can build IT (max_it > 0) but has no power supply: expected grid_max, "
                "pv_max or wind_max > 0 (or a renewable's potential in sheet Potentials)",
                0,
            )
        if _readable(out, "Technologies", "Cooling"):
            _check_pue_caps(out, sites, tech, cooling)
    if "Existing" in out.tables and _readable(out, "Existing", "Sites", "Technologies"):
        _check_existing(out)
    if _readable(out, "Demand"):
        demand = out.tables["Demand"]
        if not demand.empty and not (demand["demand_mw"] > 0).any():
            column = out.header("Demand", "demand_mw")
            message = "all demand is zero: expected demand > 0 in at least one row"
            out.error("Demand", None, column, message)
    if "Lines" in out.tables and _readable(out, "Lines", "Sites"):
        _check_lines(out)
    _check_hardware(out)


def _check_lines(out: Checked) -> None:
    """A line joins two different sites; it leaves a supply node (max_it 0), whose whole
    hourly supply it carries (formulation §lines), and lands at a site that sends no line."""
    lines = out.tables["Lines"]
    max_it = out.tables["Sites"].set_index("site")["max_it_mw"]
    senders = set(lines["from_site"])
    for row_number, row in lines.iterrows():
        start, end = row["from_site"], row["to_site"]
        if start == end:
            out.error(
                "Lines",
                int(row_number),
                out.header("Lines", "to_site"),
                f"line starts and ends at '{end}': expected two different sites",
                end,
            )
            continue
        if start in max_it.index and float(max_it[start]) > 0:
            out.error(
                "Lines",
                int(row_number),
                out.header("Lines", "from_site"),
                f"line leaves '{start}', which can build IT (max_it > 0): a line leaves a "
                "supply node (max_it 0), so that it carries the node's whole mix",
                start,
            )
        if end in senders:
            out.error(
                "Lines",
                int(row_number),
                out.header("Lines", "to_site"),
                f"line lands at '{end}', which sends a line itself: lines do not chain",
                end,
            )


def renewable_profile(kind: str, profile: object) -> str:
    """The capacity-factor profile of a renewable technology row: its `profile` cell, or the
    kind for pv and wind when blank ('' for a kind-renewable row that names none)."""
    if not is_blank(profile):
        return str(profile)
    return kind if kind in STANDARD_RENEWABLES else ""


def _potential_by_site(out: Checked) -> dict[str, float]:
    """Σ max_mw [MW] of the Potentials rows per site (rows without errors)."""
    potentials = out.tables.get("Potentials")
    if potentials is None or potentials.empty or not _readable(out, "Potentials"):
        return {}
    return {str(k): float(v) for k, v in potentials.groupby("site")["max_mw"].sum().items()}


def _check_renewables(out: Checked, tech: pd.DataFrame) -> None:
    """Each renewable row names a capacity-factor profile listed in Profiles and an id that
    makes result columns of its own; other kinds name no profile. An available kind-renewable
    technology without potential at any site is never built: a warning."""
    profiles = out.tables["Profiles"]
    listed = set(profiles["profile"]) | (out.ids.get("Profiles", set()) - set(profiles["profile"]))
    check_listed = "Profiles" not in out.unreadable
    column = out.header("Technologies", "profile")
    potentials = out.tables.get("Potentials")
    for row_number, row in tech.iterrows():
        kind, name, given = row["kind"], str(row["technology"]), row["profile"]
        if kind not in RENEWABLE_KINDS:
            if not is_blank(given):
                out.error(
                    "Technologies",
                    int(row_number),
                    column,
                    f"only renewable technologies (kinds {', '.join(RENEWABLE_KINDS)}) follow "
                    f"a profile: expected a blank cell for kind '{kind}'",
                    given,
                )
            continue
        profile = renewable_profile(kind, given)
        if kind == "renewable" and name in RESERVED_RENEWABLE_IDS:
            out.error(
                "Technologies",
                int(row_number),
                out.header("Technologies", "technology"),
                f"'{name}' names result columns that exist already: choose another id for "
                "a technology of kind renewable",
                name,
            )
        if profile == "":
            out.error(
                "Technologies",
                int(row_number),
                column,
                "a technology of kind renewable needs a profile: expected the name of its "
                "capacity-factor profile in sheet Profiles",
            )
        elif profile in NON_CF_PROFILES:
            out.error(
                "Technologies",
                int(row_number),
                column,
                f"profile '{profile}' is not a capacity factor: expected pv, wind or another "
                "profile of MW per MW installed",
                profile,
            )
        elif check_listed and profile not in listed:
            out.error(
                "Technologies",
                int(row_number),
                column,
                f"profile '{profile}' is not listed in sheet Profiles: expected a row naming "
                f"its file{_hint(profile, sorted(listed))}",
                profile,
            )
        if kind == "renewable" and row["available"] and _readable(out, "Potentials"):
            has = (
                potentials is not None
                and ((potentials["technology"] == name) & (potentials["max_mw"] > 0)).any()
            )
            if not has:
                out.warn(
                    "Technologies",
                    int(row_number),
                    out.header("Technologies", "technology"),
                    f"renewable '{name}' has no potential at any site (rows in sheet "
                    "Potentials with max > 0): it is never built",
                    name,
                )


def _cf_profile_sites(out: Checked, sites: list[str]) -> dict[str, list[str]]:
    """Capacity-factor profile → sites it needs a column for: every site for pv and wind,
    the sites where a kind-renewable technology using it has potential for other names."""
    needed: dict[str, set[str]] = {name: set(sites) for name in STANDARD_RENEWABLES}
    if not _readable(out, "Technologies"):
        return {k: sorted(v) for k, v in needed.items()}
    tech = out.tables["Technologies"]
    potentials = out.tables.get("Potentials")
    for _, row in tech[tech["kind"].isin(RENEWABLE_KINDS)].iterrows():
        profile = renewable_profile(row["kind"], row["profile"])
        if profile == "" or profile in NON_CF_PROFILES:
            continue
        where = needed.setdefault(profile, set())
        if row["kind"] == "renewable" and potentials is not None and not potentials.empty:
            rows = potentials[
                (potentials["technology"] == row["technology"]) & (potentials["max_mw"] > 0)
            ]
            where.update(s for s in rows["site"] if s in sites)
    return {k: sorted(v) for k, v in needed.items()}


def _check_existing(out: Checked) -> None:
    """Existing capacity names an available technology, and fits the site's maximum:
    Σ over cooling technologies ≤ max_it, pv ≤ pv_max, wind ≤ wind_max (formulation §2a)."""
    existing = out.tables["Existing"]
    if existing.empty:
        return
    tech = out.tables["Technologies"]
    sites = out.tables["Sites"].set_index("site")
    available = tech[tech["available"]]
    cooling = set(available.loc[available["kind"] == COOLING_KIND, "technology"])
    kinds = set(available["kind"])
    batteries = {"battery_energy", "battery_power"}
    known = sorted(cooling) + list(EXISTING_KINDS)
    column = out.header("Existing", "technology")
    for row_number, row in existing.iterrows():
        name = row["technology"]
        if name in cooling:
            continue
        if name in EXISTING_KINDS:
            needed = batteries if name in batteries else {name}
            missing = sorted(needed - kinds)
            if missing:
                out.error(
                    "Existing",
                    int(row_number),
                    column,
                    f"existing {name} needs an available row of kind "
                    f"{' and '.join(missing)} in sheet Technologies (its O&M cost)",
                    name,
                )
            continue
        out.error(
            "Existing",
            int(row_number),
            column,
            f"unknown technology '{name}': expected an available facility technology of "
            f"sheet Technologies, or one of {', '.join(EXISTING_KINDS)}{_hint(name, known)}",
            name,
        )
    capacity = out.header("Existing", "capacity")
    it_rows = existing[existing["technology"].isin(cooling)]
    for site, rows in it_rows.groupby("site", sort=False):
        if site not in sites.index:
            continue
        total, limit = float(rows["capacity"].sum()), float(sites.at[site, "max_it_mw"])
        if total > limit:
            out.error(
                "Existing",
                int(rows.index[-1]),
                capacity,
                f"existing IT capacity at site {site} ({total:g} MW over its cooling "
                f"technologies) is above the site's max_it ({limit:g} MW)",
                float(rows["capacity"].iloc[-1]),
            )
    for kind in ("pv", "wind"):
        for row_number, row in existing[existing["technology"] == kind].iterrows():
            site = row["site"]
            if site not in sites.index:
                continue
            limit = float(sites.at[site, f"{kind}_max_mw"])
            if float(row["capacity"]) > limit:
                out.error(
                    "Existing",
                    int(row_number),
                    capacity,
                    f"existing {kind} at site {site} is above the site's {kind}_max ({limit:g} MW)",
                    float(row["capacity"]),
                )


def _check_hardware(out: Checked) -> None:
    """Demand units, the Hardware sheet's families against the classes they serve, and the
    Cooling sheet's max rack density (one value per technology)."""
    if _readable(out, "Cooling") and "max_rack_kw" in out.tables["Cooling"]:
        cooling = out.tables["Cooling"]
        for tech, rows in cooling.groupby("cooling", sort=False):
            given = rows["max_rack_kw"].dropna()
            if given.nunique() > 1:
                out.error(
                    "Cooling",
                    int(given.index[1]),
                    out.header("Cooling", "max_rack_kw"),
                    f"max rack density of '{tech}' differs between its points (first "
                    f"{given.iloc[0]:g} at row {int(given.index[0])}): one value per technology",
                    float(given.iloc[1]),
                )
    hardware = out.tables.get("Hardware")
    has_hardware = hardware is not None and not hardware.empty
    unit_of: dict[str, str] = {}
    if _readable(out, "Demand"):
        demand = out.tables["Demand"]
        first: dict[str, int] = {}
        for row_number, w, unit in zip(
            demand.index, demand["workload_class"], demand["unit"], strict=True
        ):
            unit = unit or "MW"
            if w not in unit_of:
                unit_of[w], first[w] = unit, int(row_number)
            elif unit_of[w] != unit:
                out.error(
                    "Demand",
                    int(row_number),
                    out.header("Demand", "unit"),
                    f"class '{w}' is in {unit_of[w]} at row {first[w]}: all rows of one class "
                    "share one unit",
                    unit,
                )
        pflops_rows = demand[(demand["unit"] == "PFLOPS") & (demand["demand_mw"] > 0)]
        if not has_hardware and "Hardware" not in out.unreadable:
            for row_number in pflops_rows.index:
                out.error(
                    "Demand",
                    int(row_number),
                    out.header("Demand", "unit"),
                    "demand in PFLOPS needs the Hardware sheet (the families that serve it)",
                    "PFLOPS",
                )
    if not has_hardware or not _readable(out, "Hardware"):
        return
    serves: dict[str, list[str]] = {}
    for row_number, row in hardware.iterrows():
        family = str(row["family"])
        classes = [c.strip() for c in str(row["classes"]).split(",") if c.strip()]
        accelerator = row["kind"] == "accelerator"
        if accelerator and math.isnan(float(row["pflops_per_server"])):
            out.error(
                "Hardware",
                int(row_number),
                out.header("Hardware", "pflops_per_server"),
                f"accelerator family '{family}' needs its dense PFLOPS per server",
            )
        if not accelerator and row["supply_unit"] == "PFLOPS":
            out.error(
                "Hardware",
                int(row_number),
                out.header("Hardware", "supply_unit"),
                f"general-purpose family '{family}' has no PFLOPS: give its supply in servers",
                "PFLOPS",
            )
        wanted = "PFLOPS" if accelerator else "MW"
        for w in classes:
            if w in unit_of and unit_of[w] != wanted:
                out.error(
                    "Hardware",
                    int(row_number),
                    out.header("Hardware", "classes"),
                    f"class '{w}' is demanded in {unit_of[w]}, but {row['kind']} families "
                    f"serve classes in {wanted}",
                    w,
                )
            if accelerator:
                serves.setdefault(w, []).append(family)
    if _readable(out, "Demand"):
        for row_number in pflops_rows.index:
            w = demand.at[row_number, "workload_class"]
            if w not in serves:
                out.error(
                    "Demand",
                    int(row_number),
                    out.header("Demand", "workload_class"),
                    f"no accelerator family of sheet Hardware lists class '{w}' in its classes",
                    w,
                )
    if _readable(out, "Cooling", "Technologies") and "max_rack_kw" in out.tables["Cooling"]:
        tech = out.tables["Technologies"]
        usable = set(tech.loc[(tech["kind"] == COOLING_KIND) & tech["available"], "technology"])
        cooling = out.tables["Cooling"]
        limits = cooling[cooling["cooling"].isin(usable)].groupby("cooling")["max_rack_kw"]
        densest = max(
            (float(v) if not math.isnan(v) else math.inf for v in limits.max()), default=0
        )
        for row_number, row in hardware.iterrows():
            if row["kind"] == "accelerator" and row["rack_kw"] > densest:
                out.warn(
                    "Hardware",
                    int(row_number),
                    out.header("Hardware", "rack_kw"),
                    f"racks of {row['rack_kw']:g} kW exceed the max rack density of every "
                    f"available cooling technology ({densest:g} kW): the family cannot be used",
                    float(row["rack_kw"]),
                )


def _check_pue_caps(out: Checked, sites, tech, cooling) -> None:
    usable = set(tech.loc[(tech["kind"] == COOLING_KIND) & tech["available"], "technology"])
    curves = cooling[cooling["cooling"].isin(usable)]
    if curves.empty:
        return
    best = float(curves["pue"].min())
    caps = sites["pue_cap"]
    for row_number in sites.index[(sites["max_it_mw"] > 0) & (caps < best)].tolist():
        out.warn(
            "Sites",
            row_number,
            out.header("Sites", "pue_cap"),
            f"pue_cap is below the lowest PUE of every available cooling curve ({best:g}): "
            "no IT capacity can be built here",
            float(caps[row_number]),
        )


# --- profiles --------------------------------------------------------------------------------


def _check_profiles(
    out: Checked, base_dir: Path | None, given: dict[str, pd.DataFrame] | None = None
) -> None:
    table = out.tables["Profiles"]
    sites = sorted(_valid_ids(out, "Sites"))
    classes = out.tables["Classes"]
    shapes = {} if "Classes" in out.unreadable else _shape_rows(classes)
    listed = dict(zip(table["profile"], table.index, strict=True))
    cf_sites = _cf_profile_sites(out, sites)
    for name, row_number in list(listed.items()):
        if (
            name not in PROFILE_NAMES
            and name not in OPTIONAL_PROFILE_NAMES
            and name not in cf_sites
        ):
            out.warn(
                "Profiles",
                int(row_number),
                out.header("Profiles", "profile"),
                f"profile '{name}' is not used (no renewable technology names it in its "
                f"profile column) and is not read{_hint(name, list(PROFILE_NAMES))}",
                name,
            )
            del listed[name]
    ready = all(name in listed for name in cf_sites)  # unlisted: reported on Technologies
    for name in PROFILE_NAMES:
        if name not in listed and not (name == "demand" and not shapes):
            missing = "Profiles" in out.ids and name in out.ids["Profiles"]
            if not missing:
                out.error(
                    "Profiles",
                    None,
                    out.header("Profiles", "profile"),
                    f"profile '{name}' is not listed: expected a row naming its file",
                )
            ready = False
    files: dict[Path, tuple[str, int]] = {}
    for name, row_number in listed.items():
        file = str(table.at[row_number, "file"])
        if given is not None and name in given:
            label = f"profile {name}"
            frame = _check_hours(out, given[name], label)
        else:
            label = file
            first = files.setdefault(
                (base_dir or Path(".")).joinpath(file).resolve(), (name, row_number)
            )
            if first[0] != name:  # one file holds one series per site: wind read as pv
                out.error(
                    "Profiles",
                    int(row_number),
                    out.header("Profiles", "file"),
                    f"same file as profile '{first[0]}' (row {first[1]}): each profile needs "
                    "its own file",
                    file,
                )
                ready = False
                continue
            frame = _read_profile(out, base_dir or Path("."), file, int(row_number))
        if frame is None:
            ready = False
            continue
        numeric = _check_profile_columns(
            out, name, frame, label, cf_sites.get(name, sites), shapes, file
        )
        if numeric is None:
            ready = False
            continue
        out.profiles[name] = numeric
    if not ready or not out.ok:
        out.profiles = {}


def _shape_rows(classes: pd.DataFrame) -> dict[str, int]:
    """Demand profile columns that classes use as shapes → first Classes row using it."""
    found: dict[str, int] = {}
    for row_number, shape in classes["shape"].items():
        if not is_blank(shape) and shape != "flat":
            found.setdefault(str(shape), int(row_number))
    return found


def _check_profile_columns(
    out: Checked,
    name: str,
    frame: pd.DataFrame,
    label: str,
    sites: list[str],
    shapes: dict[str, int],
    file: str,
) -> pd.DataFrame | None:
    columns = [str(c) for c in frame.columns if str(c) != "hour"]
    if name == "demand":
        needed = list(shapes)
        for shape, row_number in shapes.items():
            if shape not in columns:
                out.error(
                    "Classes",
                    row_number,
                    out.header("Classes", "shape"),
                    f"shape '{shape}' is not a column of the demand profile {file}"
                    f"{_hint(shape, columns)}",
                    shape,
                )
    else:
        needed = sites
        missing = [s for s in sites if s not in columns]
        where = "" if name in PROFILE_NAMES else " where a technology following it has potential"
        if missing:
            out.error(
                label,
                1,
                None,
                f"{name} profile has no column for site(s){where}: {', '.join(missing)}; "
                "make them "
                "with `dcplan profiles generate CASE --site ID ...` (synthetic) or "
                "`dcplan profiles import CASE --profile NAME --file FILE` (measured)",
            )
    if any(c not in columns for c in needed):
        return None
    values = {c: _floats(frame[c]) for c in needed}
    ok = True
    for col in needed:
        series = values[col]
        bad = ~np.isfinite(series)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            out.error(
                label,
                first + 2,
                col,
                f"{int(bad.sum())} blank or non-numeric value(s), first shown: expected a number "
                f"every hour",
                frame[col].iloc[first],
            )
            ok = False
            continue
        low, high = PROFILE_RANGES.get(name, CF_RANGE)
        outside = (series < low) if low is not None else np.zeros(len(series), bool)
        if high is not None:
            outside |= series > high
        if outside.any():
            first = int(np.flatnonzero(outside)[0])
            limit = f"[{low:g}, {high:g}]" if high is not None else f">= {low:g}"
            out.error(
                label,
                first + 2,
                col,
                f"{int(outside.sum())} value(s) outside {limit}, first shown",
                float(series[first]),
            )
            ok = False
        elif name in PROFILE_PLAUSIBLE_MEAN and _implausible_mean(name, series):
            out.warn(label, None, col, _implausible_mean(name, series))
        elif name == "price" and series.mean() > PRICE_MEAN_MAX:
            out.warn(
                label,
                None,
                col,
                f"price multiplier has mean {series.mean():.3g}: expected a multiplier of the "
                "grid tariff (mean about 1), not a price",
            )
        elif name == "demand" and abs(series.mean() - 1.0) > SHAPE_MEAN_TOLERANCE:
            out.warn(
                label,
                None,
                col,
                f"demand shape has mean {series.mean():.3g}, expected 1: annual demand is "
                "demand x this mean",
            )
    return pd.DataFrame(values, columns=needed) if ok else None


def _implausible_mean(name: str, series: np.ndarray) -> str | None:
    """Why a profile's annual mean is doubtful, or None. An all-zero PV or wind series (no
    resource at the site) is taken as meant."""
    low, high = PROFILE_PLAUSIBLE_MEAN[name]
    mean = float(np.mean(series))
    if low <= mean <= high or (name != "temperature" and mean == 0):
        return None
    what = "degC" if name == "temperature" else "capacity factor"
    return (
        f"{name} profile has an annual mean of {mean:.3g} ({what}), outside the plausible "
        f"range {low:g} to {high:g}: check its unit or scale; used as given"
    )


def _floats(series: pd.Series) -> np.ndarray:
    """A profile column as floats (NaN where blank or not a number)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


_PROFILE_CACHE: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_PROFILE_CACHE_SIZE = 12


def _read_profile(out: Checked, base_dir: Path, file: str, row_number: int):
    path = (base_dir / file).resolve()
    if not path.is_file():
        found = "is a folder, not a file" if path.is_dir() else "not found"
        out.error(
            "Profiles",
            row_number,
            out.header("Profiles", "file"),
            f"profile file {found}: {path}",
            file,
        )
        return None
    stat = path.stat()
    if stat.st_size > MAX_PROFILE_BYTES:
        out.error(
            "Profiles",
            row_number,
            out.header("Profiles", "file"),
            f"profile file is {stat.st_size / 1e6:.0f} MB, over the "
            f"{MAX_PROFILE_BYTES / 1e6:.0f} MB limit",
            file,
        )
        return None
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    frame = _PROFILE_CACHE.get(cache_key)
    if frame is None:
        try:
            text = decode_text(path.read_bytes())  # the encodings sheets may have
            frame = pd.read_csv(io.StringIO(text), skip_blank_lines=False)
        except Exception as exc:  # malformed CSV of any kind
            out.error(
                "Profiles",
                row_number,
                out.header("Profiles", "file"),
                f"cannot be read as CSV ({str(exc).strip()})",
                file,
            )
            return None
        # pandas renames a repeated header ('wuhu.1'): find it in the header line itself
        header = [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
        repeated = [h for i, h in enumerate(header) if h and h in header[:i]]
        if repeated:
            out.error(file, 1, repeated[0], "column appears twice: which one holds the values?")
            return None
        frame.columns = [str(c).strip() for c in frame.columns]  # 'hour, wuhu' as 'hour,wuhu'
        while len(frame) and frame.iloc[-1].isna().all():
            frame = frame.iloc[:-1]
        _PROFILE_CACHE[cache_key] = frame
        while len(_PROFILE_CACHE) > _PROFILE_CACHE_SIZE:
            _PROFILE_CACHE.popitem(last=False)
    return _check_hours(out, frame, file)


def _check_hours(out: Checked, frame: pd.DataFrame, label: str) -> pd.DataFrame | None:
    if not isinstance(frame, pd.DataFrame):
        out.error(label, None, None, "expected a table of hourly values")
        return None
    columns = [str(c) for c in frame.columns]
    if "hour" not in columns:
        hint = _separator_hint(columns)
        out.error(label, 1, "hour", f"required column is missing: expected hour 0..8759{hint}")
        return None
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        out.error(label, 1, repeated[0], "column appears twice")
        return None
    if columns != list(frame.columns):
        frame = frame.set_axis(columns, axis=1)
    if len(frame) != HOURS_PER_YEAR:
        blank = np.flatnonzero(frame.isna().all(axis=1).to_numpy())
        where = f" (row {int(blank[0]) + 2} is blank)" if len(blank) else ""
        message = f"has {len(frame)} rows of hours, expected {HOURS_PER_YEAR}{where}"
        out.error(label, None, None, message)
        return None
    hours = _floats(frame["hour"])
    expected = np.arange(HOURS_PER_YEAR)
    if not np.array_equal(hours, expected):
        first = int(np.flatnonzero(hours != expected)[0])
        out.error(
            label,
            first + 2,
            "hour",
            f"hours must run 0..{HOURS_PER_YEAR - 1} without gaps: expected {first}",
            frame["hour"].iloc[first],
        )
        return None
    return frame


__all__ = [
    "KEYVALUE_COLUMNS",
    "Checked",
    "check",
    "check_value",
    "id_text",
    "match_headers",
    "split_header",
]
