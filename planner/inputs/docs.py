"""The input reference, generated from the schema: `docs/inputs.md` and the template's README.

`python -m planner.inputs.docs` rewrites `docs/inputs.md` (`--check` only compares and exits 1
if the file is stale). A test asserts that the committed file equals a fresh generation, so
the reference cannot drift from `planner/inputs/schema.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from planner.inputs.schema import (
    HOURS_PER_YEAR,
    KEYVALUE_COLUMNS,
    PROFILE_NAMES,
    SHEETS,
    Column,
    Sheet,
    expectation,
)
from planner.inputs.validate import PROFILE_PLAUSIBLE_MEAN, PROFILE_RANGES

DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "inputs.md"

INTRODUCTION = f"""\
A case is one Excel workbook (`.xlsx`) or a folder holding one CSV file per sheet
(`Sites.csv` …); both forms read to the same data and `dcplan convert` turns one into the
other. `dcplan template DIR` writes an empty workbook with every sheet, its headers, one
example row and a README sheet made from this reference.

- Row 1 of each sheet holds the headers; data start in row 2. Messages name rows as Excel
  shows them (header = row 1), in the CSV form too.
- A header reads `label [unit]`, e.g. `max_it [MW]`, or just `label` for a column without a
  unit. The label is matched without regard to case; the unit must be exactly the one below
  (a workbook in other units is refused rather than misread). Scenarios and Sources name
  columns by their internal name (`max_it_mw`).
- Ids are text, unique within their sheet, and cannot contain `,`, `/`, `\\` or control
  characters. A scenario name (it becomes part of a results folder's name) cannot contain
  `/` or `\\`, start with `.`, or hold control characters. No text cell may hold control
  characters other than tab and line break (terminal escape sequences are refused).
- Every number has a hard range (column "value": outside it is an error) and a plausible range
  (column "plausible"): outside it, `validate` and `run` warn (often a unit slip, such as a
  price in yuan/MWh where yuan/kWh is asked) and the run goes on with the value as given; the
  report lists these warnings under Assumptions. Physically impossible values are errors
  (a fibre signal faster than light, 299.79 km/ms).
- A blank cell in an optional column takes the default shown; a blank cell in a required
  column is an error. Booleans are `true`/`false` (also yes/no, 1/0).
- Formulas are read as the value Excel saved with them; a formula without a saved value or a
  cell holding an Excel error (`#DIV/0!`) is reported with its cell address.
- Unknown sheets and columns are reported as warnings and ignored (a `README` sheet is
  documentation); unknown keys in Settings and Policy are errors.
- Hourly profiles are CSV files with {HOURS_PER_YEAR} rows: a column `hour` running
  0..{HOURS_PER_YEAR - 1} without gaps, then one column per site (for demand: one per shape
  named in Classes). No blanks or text. Paths are relative to the folder that holds the
  workbook or the CSV folder.
"""

CHECKS = """\
Besides the type, range and allowed values of every cell, `dcplan validate` checks:

- every required sheet and column is present, and required sheets have at least one row;
- ids are unique; Cooling curves have distinct ambient points per technology;
- every reference names an existing id (Demand → Regions and Classes, Cooling → facility rows
  of Technologies, Links → Regions and Sites, Vouchers → Regions and Sites, Potentials →
  Sites and renewable rows of Technologies);
- every facility technology has a Cooling curve; at most one row of kind pv, wind,
  battery_energy, battery_power; at least one facility row (warning if none is available,
  or if only one of the two battery rows is);
- every renewable technology (kind pv, wind or renewable) follows a capacity-factor profile
  listed in Profiles (kind renewable must name one; temperature, price and demand are not
  capacity factors); other kinds leave profile blank; a kind-renewable id must not name
  result columns that exist (pv, wind, grid, battery, ...); a warning when an available
  kind-renewable technology has no potential in Potentials;
- a site that can build IT (max_it > 0) has a grid connection or PV, wind or other
  renewable potential; a warning when its pue_cap is below every available cooling curve;
- the profile files exist, have the hours, a column per site (or per shape; for a profile
  only renewables follow, per site where one of them has potential) and values in range; a
  warning when a demand shape does not have mean 1, and for a listed profile that nothing
  uses (it is not read);
- every scenario: each override names an existing sheet, row id and column, sets each cell
  at most once (also across scenarios combined as `a+b`), a `*factor` value scales a
  numeric, non-blank cell, and the case with the overrides applied passes all the checks
  above;
- before solving, a warning for each demand (region, class) that no site with buildable IT
  capacity reaches within the class's RTT limit.
"""


def _cell(text: object) -> str:
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def _text(value: object) -> str:
    """A default or example value as a planner would type it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _plausible(spec) -> str:
    """The plausible range of a number column or key in words ('0.2 to 1.5'), '' if none."""
    if spec.plausible is None:
        return ""
    low, high = spec.plausible
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    return f">= {low:g}" if low is not None else f"<= {high:g}"


def _optional(column: Column) -> str:
    default = _text(column.default)
    return f"no (blank = {default})" if default else "no"


def _reference(column: Column) -> str:
    if column.list_ref:
        return f"comma-separated ids of {column.list_ref}"
    if column.ref:
        sheet, _, where = column.ref.partition(":")
        return f"id of {sheet}" + (f" ({where.replace('=', ' = ')})" if where else "")
    return ""


def column_rows(sheet: Sheet) -> list[dict[str, str]]:
    """One record per column (table) or key (key-value sheet) of a sheet, in words."""
    if sheet.kind == "keyvalue":
        return [
            {
                "name": k.name,
                "unit": k.unit,
                "expected": expectation(k),
                "plausible": _plausible(k),
                "default": _text(k.default) or "blank (off)",
                "description": k.doc,
            }
            for k in sheet.keys
        ]
    rows = []
    for c in sheet.columns:
        key = " (id)" if c.name in sheet.key else ""
        rows.append(
            {
                "header": c.header,
                "name": c.name + key,
                "expected": expectation(c),
                "plausible": _plausible(c),
                "required": "yes" if c.required else _optional(c),
                "example": _text(c.example),
                "reference": _reference(c),
                "description": c.doc,
            }
        )
    return rows


def _table(records: list[dict[str, str]], columns: list[tuple[str, str]]) -> list[str]:
    lines = [
        "| " + " | ".join(title for _, title in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for r in records:
        cells = []
        for key, _ in columns:
            value = _cell(r.get(key))
            cells.append(f"`{value}`" if key in ("header", "name") and value else value)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def generate() -> str:
    """The text of docs/inputs.md."""
    lines = [
        "# Input reference",
        "",
        "<!-- Generated by `python -m planner.inputs.docs` from planner/inputs/schema.py."
        " Do not edit by hand. -->",
        "",
        INTRODUCTION,
        "## Sheets",
        "",
        "| sheet | required | content |",
        "|---|---|---|",
    ]
    for s in SHEETS:
        lines.append(
            f"| [{s.name}](#{s.name.lower()}) | {'yes' if s.required else 'no'} | {_cell(s.doc)} |"
        )
    lines.append("")
    for s in SHEETS:
        lines += [f"## {s.name}", "", s.doc, ""]
        if s.kind == "keyvalue":
            lines += [
                f"Columns: {', '.join(f'`{c}`' for c in KEYVALUE_COLUMNS)}. One row per key; "
                "a key left out or with a blank value takes its default.",
                "",
            ]
            lines += _table(
                column_rows(s),
                [
                    ("name", "key"),
                    ("unit", "unit"),
                    ("expected", "value"),
                    ("plausible", "plausible"),
                    ("default", "default"),
                    ("description", "meaning"),
                ],
            )
        else:
            ident = ", ".join(f"`{k}`" for k in s.key)
            required = "Required sheet" if s.required else "Optional sheet"
            lines += [f"{required}; a row is identified by {ident}.", ""]
            lines += _table(
                column_rows(s),
                [
                    ("header", "header"),
                    ("name", "internal name"),
                    ("expected", "value"),
                    ("plausible", "plausible"),
                    ("required", "required"),
                    ("reference", "refers to"),
                    ("example", "example"),
                    ("description", "meaning"),
                ],
            )
        if s.name == "Profiles":
            lines += ["", "Profiles and the values they hold:", ""]
            for name in PROFILE_NAMES:
                low, high = PROFILE_RANGES[name]
                span = f"[{low:g}, {high:g}]" if high is not None else f">= {low:g}"
                mean = PROFILE_PLAUSIBLE_MEAN.get(name)
                plausible = f"; plausible annual mean {mean[0]:g} to {mean[1]:g}" if mean else ""
                lines.append(f"- `{name}`: values {span}{plausible}")
            lines.append("- `demand` is needed only when a class has a shape other than `flat`.")
            lines.append(
                "- any other name: the capacity factor [MW/MW] of the renewable technologies "
                "whose profile column names it, values [0, 1], a column per site where one of "
                "them has potential (sheet Potentials); other sites take 0."
            )
        lines.append("")
    lines += ["## Checks", "", CHECKS]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/inputs.md (`--check`: exit 1 if it differs from a fresh generation)."""
    argv = sys.argv[1:] if argv is None else argv
    text = generate()
    if "--check" in argv:
        current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.is_file() else ""
        if current != text:
            print(f"{DOCS_PATH} is stale: run python -m planner.inputs.docs")
            return 1
        return 0
    DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOCS_PATH.write_text(text, encoding="utf-8")
    print(DOCS_PATH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
