"""`dcplan template DIR`: an empty, documented input workbook made from the schema.

The workbook has a README sheet (the input reference: every sheet, column and key with unit,
allowed values, default and meaning), then every sheet of the schema with its headers (units
in brackets, a comment on each header saying what it holds), one example row from
`Column.example`, and Settings and Policy with every key at its default. The Profiles sheet
lists one row per profile every case needs, since a case without them cannot run; Potentials
has headers only (its rows name renewable technologies, which the example has none of).

The example rows refer to each other, so the template validates except for the profile files,
which the planner supplies.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.inputs.docs import column_rows
from planner.inputs.schema import KEYVALUE_COLUMNS, SHEETS, Sheet, expectation
from planner.inputs.tables import column_letter

TEMPLATE_NAME = "case.xlsx"
README = "README"
INTRODUCTION = (
    "dcplan input workbook. Row 1 of each sheet holds the headers (units in brackets); data "
    "start in row 2. Replace the example rows with your data; blank optional cells take their "
    "defaults. Hourly profiles are CSV files (8760 rows) named in the Profiles sheet, relative "
    "to this workbook's folder. Check with: dcplan validate <workbook>. Full reference: "
    "docs/inputs.md."
)
_REQUIRED_PROFILES = {
    "temperature": "degC",
    "pv": "MW per MW installed",
    "wind": "MW per MW installed",
    "price": "multiplier of the energy tariff",
}

# sheets without an example row: theirs would name a renewable technology, and the
# Technologies example row is a cooling technology
_HEADERS_ONLY = ("Potentials",)


def example_tables() -> dict[str, pd.DataFrame]:
    """Raw tables of the template: headers with units, one example row (Profiles: one row per
    required profile), every Settings and Policy key at its default."""
    tables: dict[str, pd.DataFrame] = {}
    for sheet in SHEETS:
        if sheet.kind == "keyvalue":
            rows = [[k.name, _cell(k.default), k.unit or None, k.doc] for k in sheet.keys]
            frame = pd.DataFrame(rows, columns=list(KEYVALUE_COLUMNS), dtype=object)
        elif sheet.name == "Profiles":
            rows = [
                [name, f"profiles/{name}.csv", unit, "hour 0..8759, then one column per site"]
                for name, unit in _REQUIRED_PROFILES.items()
            ]
            frame = pd.DataFrame(rows, columns=[c.header for c in sheet.columns], dtype=object)
        elif sheet.name in _HEADERS_ONLY:
            frame = pd.DataFrame([], columns=[c.header for c in sheet.columns], dtype=object)
        else:
            row = [_cell(c.example) for c in sheet.columns]
            # an optional sheet without an example id (Lines: a line needs a supply node the
            # template's Sites lacks) is written with its headers only
            keep = sheet.required or sheet.column(sheet.key[0]).example is not None
            frame = pd.DataFrame(
                [row] if keep else [], columns=[c.header for c in sheet.columns], dtype=object
            )
        frame.index = pd.RangeIndex(2, 2 + len(frame))
        tables[sheet.name] = frame
    return tables


def _cell(value: object) -> object:
    if value is None or value == "":
        return None
    return value


def readme_rows() -> list[list[object]]:
    """Rows of the README sheet: sheet, column or key, header/unit, value expected, required
    or default, meaning."""
    rows: list[list[object]] = [
        [
            "sheet",
            "column or key",
            "header / unit",
            "value expected",
            "required / default",
            "meaning",
        ],
        ["(all)", None, None, None, None, INTRODUCTION],
    ]
    for sheet in SHEETS:
        required = "required sheet" if sheet.required else "optional sheet"
        rows.append([sheet.name, None, None, None, required, sheet.doc])
        for r in column_rows(sheet):
            if sheet.kind == "keyvalue":
                rows.append(
                    [
                        sheet.name,
                        r["name"],
                        r["unit"] or None,
                        r["expected"],
                        f"default {r['default']}",
                        r["description"] or None,
                    ]
                )
            else:
                meaning = r["description"]
                if r["reference"]:
                    meaning = f"{meaning} Refers to: {r['reference']}.".strip()
                rows.append(
                    [
                        sheet.name,
                        r["name"],
                        r["header"],
                        r["expected"],
                        r["required"],
                        meaning or None,
                    ]
                )
    return rows


def write_template(folder: Path | str, name: str = TEMPLATE_NAME, overwrite: bool = False) -> Path:
    """Write the template workbook `folder/name`; returns its path.

    Raises FileExistsError if it exists and `overwrite` is False.
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    folder = Path(folder)
    path = folder / name
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{name}: the template is an .xlsx workbook")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; use --overwrite to replace it")
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = README
    for row in readme_rows():
        readme.append(row)
    for cell in readme[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (14, 32, 30, 34, 26, 80), strict=True):
        readme.column_dimensions[letter].width = width
    for row in readme.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    readme.freeze_panes = "A2"
    tables = example_tables()
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        frame = tables[sheet.name]
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"
        _decorate(ws, sheet, Comment, Font, DataValidation)
    book.save(path)
    return path


def _decorate(ws, sheet: Sheet, comment_type, font_type, validation_type) -> None:
    """Bold headers with a comment each, column widths, drop-down lists for choices."""
    ws.freeze_panes = "A2"
    for i, cell in enumerate(ws[1], start=1):
        cell.font = font_type(bold=True)
        letter = column_letter(i)
        ws.column_dimensions[letter].width = max(12, min(40, len(str(cell.value)) + 4))
        if sheet.kind == "keyvalue":
            continue
        column = sheet.columns[i - 1]
        text = f"{column.doc} Expected: {expectation(column)}.".strip()
        if not column.required:
            text += " Optional."
        cell.comment = comment_type(text, "dcplan")
        if column.choices or column.dtype == "bool":
            options = column.choices or ("true", "false")
            rule = validation_type(type="list", formula1='"' + ",".join(options) + '"')
            rule.add(f"{letter}2:{letter}1000")
            ws.add_data_validation(rule)
